import { formatBytes } from '../../report/bytes';
import type { AttemptsExhausted } from './retryPolicy';
import { WarehouseError, type CapSource } from '../types';

/*
 * BigQuery's failures rephrased as what to do about them. The client rejects with an
 * ApiError (`code`, `errors[0].reason`, `message`); a job that fails after it was created
 * carries no `code`, only the reason; credential problems come from google-auth-library
 * as plain Errors. Each branch below answers one of them with the setting, command or
 * permission that fixes it.
 */

export interface BigQueryErrorContext {
  queryName: string;
  /** The SQL as sent, to point at the line and column of a syntax error. */
  sql: string | null;
  project: string;
  location: string;
  /** Where requests went, for "cannot reach". */
  endpoint: string;
  keyFilename: string | null;
  maximumBytesBilled: number;
  maximumBytesBilledSource: CapSource;
  /** `dataset.table` (lowercase) → the pipeline-lens.json setting that names it. */
  tableKeys: Record<string, string>;
}

interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string; location?: string }>;
}

/** BigQuery's reason for a failure (`invalidQuery`, `quotaExceeded`...), when it gave one. */
export function errorReason(error: unknown): string | null {
  const errors = (error as ApiErrorLike | null)?.errors;
  if (Array.isArray(errors)) for (const e of errors) if (e?.reason) return e.reason;
  return null;
}

export function translateBigQueryError(error: unknown, context: BigQueryErrorContext): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const e = (error ?? {}) as ApiErrorLike;
  const message = serverMessage(e);
  const reason = errorReason(e);
  const query = `Query ${context.queryName}`;

  const credentials = credentialProblem(error, message, context);
  if (credentials) return credentials;

  switch (reason) {
    case 'stopped':
      return new WarehouseError(`${query} was cancelled.`, 'cancelled');
    case 'bytesBilledLimitExceeded':
      return bytesOverCap(context.queryName, context.maximumBytesBilled, context.maximumBytesBilledSource, null, message);
    case 'invalidQuery':
      return invalidQuery(context, message);
    case 'notFound':
      return notFound(context, message);
    case 'accessDenied':
      return accessDenied(context, message);
    case 'quotaExceeded':
    case 'rateLimitExceeded':
    case 'userRateLimitExceeded':
      return quota(context, reason, message, null);
    case 'responseTooLarge':
      return new WarehouseError(`${query}: the result is too large for BigQuery to return (${message}). Aggregate more, or select fewer rows or columns.`, 'too-large');
    case 'resourcesExceeded':
      return new WarehouseError(`${query} needed more resources than BigQuery allows (${message}). Narrow the date range or aggregate in smaller steps.`, 'resources');
    case null:
    default:
      // No reason, or one not named above: the status code decides.
      break;
  }
  if (e.code === 401) return credentialsRejected(context, message);
  if (e.code === 403) return accessDenied(context, message);
  if (e.code === 404) return notFound(context, message);
  if (e.code === 400) return invalidQuery(context, message);
  if (typeof e.code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH)$/.test(e.code)) {
    return unreachable(context, message);
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up|network timeout/i.test(message)) return unreachable(context, message);
  return new WarehouseError(`${query} failed on BigQuery (project ${context.project}): ${message}`, 'error');
}

/** A quota or rate-limit refusal; `tries` says how many attempts it took, over how long, when it was retried. */
export function quota(context: BigQueryErrorContext, reason: string, message: string, tries: string | null): WarehouseError {
  const what = reason === 'quotaExceeded' ? `hit a quota of BigQuery in project ${context.project}` : `was rate limited by BigQuery in project ${context.project}`;
  return new WarehouseError(
    `Query ${context.queryName} ${what}${tries ? ` ${tries}` : ''} (${reason}: ${message}). ` +
      'Wait a minute and run again, run fewer queries at once, or ask for a higher quota in the Google Cloud console (IAM & Admin → Quotas).',
    'quota',
  );
}

/** Every attempt of a call failed with a transient error (the retry policy ran out). */
export function attemptsExhausted(exhausted: AttemptsExhausted, context: BigQueryErrorContext): WarehouseError {
  const tries = `on ${exhausted.attempts} attempts over ${formatSeconds(exhausted.elapsedMs)}`;
  const e = (exhausted.last ?? {}) as ApiErrorLike;
  const message = serverMessage(e);
  switch (exhausted.kind) {
    case 'quota':
    case 'rate-limit':
      return quota(context, errorReason(e) ?? (exhausted.kind === 'quota' ? 'quotaExceeded' : 'rateLimitExceeded'), message, tries);
    case 'server':
      return new WarehouseError(
        `Query ${context.queryName}: BigQuery answered with a server error ${tries} (${e.code ?? errorReason(e)}: ${message}). Such errors usually pass: run again in a few minutes (https://status.cloud.google.com lists incidents).`,
        'server',
      );
    case 'connection':
      return new WarehouseError(
        `Query ${context.queryName}: the connection to BigQuery at ${context.endpoint} dropped ${tries} (${message}). Check the network${context.endpoint.includes('googleapis.com') ? '' : ', and warehouse.apiEndpoint in pipeline-lens.json'}.`,
        'unreachable',
      );
  }
}

/** A request went unanswered past the per-request limit; `job` is the job the call had created, and whether it was cancelled. */
export function noAnswer(context: BigQueryErrorContext, seconds: number, job: { id: string; cancelled: boolean } | null): WarehouseError {
  const jobNote = job
    ? job.cancelled
      ? ` Its job ${job.id} was cancelled.`
      : ` Its job ${job.id} could not be cancelled from here: cancel it in the Google Cloud console or with \`bq cancel ${job.id}\`.`
    : '';
  const where = context.endpoint.includes('googleapis.com') ? 'Check the network' : 'Check the network and warehouse.apiEndpoint in pipeline-lens.json';
  return new WarehouseError(
    `Query ${context.queryName}: no answer from BigQuery at ${context.endpoint} within ${seconds} s.${jobNote} ${where}, or give one request more time: warehouse.requestTimeoutSeconds in pipeline-lens.json, or --request-timeout on the command line.`,
    'timeout',
  );
}

/** The query ran past its own budget and its job was cancelled (or could not be). */
export function queryTooLong(context: BigQueryErrorContext, seconds: number, job: { id: string; cancelled: boolean }): WarehouseError {
  const jobNote = job.cancelled ? `its job ${job.id} was cancelled` : `its job ${job.id} could not be cancelled from here (BigQuery stops it at the same limit)`;
  return new WarehouseError(
    `Query ${context.queryName} did not finish within ${seconds} s on BigQuery; ${jobNote}. Narrow the date range, or give queries more time: warehouse.queryTimeoutSeconds in pipeline-lens.json, or --query-timeout on the command line.`,
    'timeout',
  );
}

/** `estimate` from a dry run, or read from BigQuery's refusal ("...: 1000. 10485760 or higher required."). */
export function bytesOverCap(queryName: string, cap: number, source: CapSource, estimate: number | null, message: string | null = null): WarehouseError {
  const required = message ? /(\d+) or higher required/i.exec(message) : null;
  const needed = estimate ?? (required ? Number(required[1]) : null);
  const exactly = (bytes: number) => (bytes >= 1024 ? `${formatBytes(bytes)} (${bytes} bytes)` : formatBytes(bytes));
  const would = needed === null ? 'would bill more than' : `would bill ${exactly(needed)}, more than`;
  const setBy = source === '--max-bytes' ? 'set by --max-bytes' : 'set by warehouse.maximumBytesBilled in pipeline-lens.json';
  const raise =
    source === '--max-bytes'
      ? 'or raise --max-bytes'
      : 'or raise the cap (warehouse.maximumBytesBilled in pipeline-lens.json; for one query on the command line: pipeline-lens query --max-bytes)';
  return new WarehouseError(
    `Query ${queryName} ${would} the cap of ${exactly(cap)} ${setBy}, so BigQuery did not run it and nothing was billed. ` + `Narrow the date range or the columns read, ${raise}.`,
    'bytes-limit',
  );
}

/** `0.4 s`, `12 s`. */
function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function cancelled(queryName: string): WarehouseError {
  return new WarehouseError(`Query ${queryName} was cancelled.`, 'cancelled');
}

function invalidQuery(context: BigQueryErrorContext, message: string): WarehouseError {
  const at = /\[(\d+):(\d+)\]/.exec(message);
  const unrecognised = /^Unrecognized name: (\w+)/i.exec(message);
  const hint = unrecognised ? ` If ${unrecognised[1]} is a column named in pipeline-lens.json, check tables.*.columns against the table.` : '';
  if (!at || !context.sql) {
    return new WarehouseError(`Query ${context.queryName} is not valid BigQuery SQL: ${message}.${hint}`, 'invalid-query');
  }
  const line = Number(at[1]);
  const column = Number(at[2]);
  const text = context.sql.split(/\r?\n/)[line - 1];
  const excerpt = text === undefined ? '' : `\n  ${line} | ${text}\n  ${' '.repeat(String(line).length)} | ${' '.repeat(Math.max(0, column - 1))}^`;
  const clean = message.replace(/\s*at \[\d+:\d+\]\s*$/, '');
  return new WarehouseError(`Query ${context.queryName} is not valid BigQuery SQL, at line ${line}, column ${column}: ${clean}.${hint}${excerpt}`, 'invalid-query');
}

function notFound(context: BigQueryErrorContext, message: string): WarehouseError {
  const table = /Table ([\w.-]+(?::[\w-]+)?)[:.]([\w]+)\.([\w]+) was not found/i.exec(message) ?? /Table ([\w.-]+):([\w]+)\.([\w]+)/i.exec(message);
  if (table) {
    const [, project, dataset, name] = table;
    const short = `${dataset}.${name}`;
    const key = context.tableKeys[short.toLowerCase()] ?? context.tableKeys[`${project}.${short}`.toLowerCase()];
    const where = key ? `It is named by ${key} in pipeline-lens.json: correct the name there` : 'No setting in pipeline-lens.json names it; check the SQL';
    return new WarehouseError(
      `Query ${context.queryName}: table ${short} was not found in project ${project} (location ${context.location}). ${where}, or check warehouse.project and warehouse.location.`,
      'not-found',
    );
  }
  const dataset = /Dataset ([\w.-]+):([\w]+) was not found/i.exec(message);
  if (dataset) {
    const [, project, name] = dataset;
    const keys = Object.entries(context.tableKeys)
      .filter(([table]) => table.split('.').slice(-2)[0] === name.toLowerCase())
      .map(([, key]) => key);
    const where = keys.length ? `It is used by ${keys.join(', ')} in pipeline-lens.json` : 'No table in pipeline-lens.json is in it';
    return new WarehouseError(
      `Query ${context.queryName}: dataset ${name} was not found in project ${project} (location ${context.location}). ${where}; correct the table names, or warehouse.project and warehouse.location.`,
      'not-found',
    );
  }
  if (/Job /i.test(message)) {
    return new WarehouseError(
      `Query ${context.queryName}: BigQuery lost track of its job (${message}); jobs run in warehouse.location (${context.location}): check that it is where the datasets are.`,
      'not-found',
    );
  }
  return new WarehouseError(
    `Query ${context.queryName}: not found in BigQuery (${message}). Check warehouse.project (${context.project}) and warehouse.location (${context.location}) in pipeline-lens.json.`,
    'not-found',
  );
}

function accessDenied(context: BigQueryErrorContext, message: string): WarehouseError {
  const permission = /\b(bigquery\.[a-zA-Z]+\.[a-zA-Z]+)\b/.exec(message)?.[1];
  const need = permission
    ? `The account lacks ${permission}`
    : 'The account needs bigquery.jobs.create on the project (role BigQuery Job User) and read access to the tables (role BigQuery Data Viewer)';
  return new WarehouseError(
    `BigQuery denied access in project ${context.project} for query ${context.queryName}: ${message}. ${need}; ask a project owner to grant it, or point warehouse.project at a project where you can run jobs.`,
    'access-denied',
  );
}

function credentialsRejected(context: BigQueryErrorContext, message: string): WarehouseError {
  return new WarehouseError(
    `BigQuery rejected the credentials (${message}). ${context.keyFilename ? `Check the key file ${context.keyFilename} (warehouse.keyFilename)` : 'Run `gcloud auth application-default login` again'}.`,
    'no-credentials',
  );
}

function credentialProblem(error: unknown, message: string, context: BigQueryErrorContext): WarehouseError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (context.keyFilename && (code === 'ENOENT' || code === 'EACCES' || /ENOENT|EACCES|The incoming JSON object does not contain|private_key/.test(message))) {
    return new WarehouseError(
      `Cannot use the service-account key ${context.keyFilename} (warehouse.keyFilename in pipeline-lens.json): ${message}. Fix the path, or remove keyFilename to use Application Default Credentials.`,
      'no-credentials',
    );
  }
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(message)) {
    return new WarehouseError(
      'No Google Cloud credentials for BigQuery. Run `gcloud auth application-default login`, or set warehouse.keyFilename in pipeline-lens.json to a service-account key file.',
      'no-credentials',
    );
  }
  if (/invalid_grant|invalid_rapt|reauth|Could not refresh access token|Getting metadata from plugin failed/i.test(message)) {
    return new WarehouseError(
      `The Google Cloud credentials have expired or were revoked (${message}). Run \`gcloud auth application-default login\` again${context.keyFilename ? `, or check warehouse.keyFilename (${context.keyFilename})` : ''}.`,
      'no-credentials',
    );
  }
  return null;
}

function unreachable(context: BigQueryErrorContext, message: string): WarehouseError {
  return new WarehouseError(
    `Cannot reach BigQuery at ${context.endpoint} (${message}). Check the network${context.endpoint.includes('googleapis.com') ? '' : ', and warehouse.apiEndpoint in pipeline-lens.json'}.`,
    'unreachable',
  );
}

/** The server's own sentence: the first inner error's (the client joins several into a list). */
function serverMessage(e: ApiErrorLike): string {
  const first = Array.isArray(e.errors) ? e.errors.find((x) => x?.message)?.message : undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the client may reject with a bare string, which ApiErrorLike does not admit
  const text = first ?? (e.message || String(e));
  return text.trim().replace(/\.$/, '');
}
