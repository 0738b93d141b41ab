import type { BigQuery, Job } from '@google-cloud/bigquery';
import { randomUUID } from 'node:crypto';
import type { BigQueryWarehouseConfig } from '../../config/types';
import type { CredentialHosts } from '../../credentials/endpointPolicy';
import { createBigQueryClient } from './bigqueryClient';
import { attemptsExhausted, cancelled, noAnswer, queryTooLong, translateBigQueryError, type BigQueryErrorContext } from './bigqueryErrors';
import { queryParameters, type QueryParameter } from './bigqueryParams';
import { normaliseBigQueryRow, type SchemaField } from './bigqueryRows';
import { formatBytes } from '../../report/bytes';
import { classifyStatement } from '../statementKind';
import { writeRefusal } from '../queryGuard';
import { DeadlineExceeded, withinDeadline } from './requestDeadline';
import { AttemptsExhausted, BIGQUERY_RETRY_POLICY, CallAttempts, sleep, type RetryPolicy } from './retryPolicy';
import { WarehouseError, type CapSource, type DryRunResult, type QueryOptions, type QueryProgress, type QueryResult, type Row, type SqlQuery, type Warehouse } from '../types';

export interface BigQueryWarehouseOptions {
  /** `dataset.table` (lowercase) → the pipeline-lens.json setting naming it, for "not found". */
  tableKeys?: Record<string, string>;
  /** Rows per result page (BigQuery also caps a page at about 10 MB). */
  pageSize?: number;
  /** Failed requests a call may make, and the backoff between them (retryPolicy). */
  retry?: RetryPolicy;
  /** Wait between result polls of a job still running; BigQuery itself holds each poll a while. */
  poll?: { initialMs: number; maxMs: number };
  /** pipeline-lens.json, for messages. */
  configFile?: string;
  /** Hosts the user allows credentials to go to, when `apiEndpoint` is not Google's. */
  credentialHosts?: CredentialHosts;
}

const DEFAULTS = {
  pageSize: 10_000,
  retry: BIGQUERY_RETRY_POLICY,
  poll: { initialMs: 250, maxMs: 2_000 },
};

// Jobs are recognisable in the project's job history and billing export.
const JOB_PREFIX = 'pipeline_lens_';
/** BigQuery's own hold of a result poll (its default); shortened when one request is allowed less. */
const POLL_HOLD_MS = 10_000;
/** Cancelling is a courtesy on the way out: it never waits longer than this. */
const CANCEL_WAIT_MS = 10_000;

interface ResultsPage {
  jobComplete?: boolean;
  schema?: { fields?: SchemaField[] };
  pageToken?: string;
  totalRows?: string;
  totalBytesProcessed?: string;
  numDmlAffectedRows?: string;
}

interface TableReference {
  projectId?: string;
  datasetId?: string;
  tableId?: string;
}

/** The parts of a job's metadata read here (the client types it any). */
interface JobMetadata {
  status?: { errorResult?: unknown; errors?: unknown[] };
  statistics?: {
    totalBytesProcessed?: string;
    query?: {
      referencedTables?: TableReference[];
      ddlTargetTable?: TableReference;
      statementType?: string;
      timeline?: Array<{ completedUnits?: string; pendingUnits?: string; activeUnits?: string }>;
    };
  };
}

/**
 * BigQuery through the official client. Every job carries `maximumBytesBilled` (the
 * profile's cap, or a caller's for one query), so a scan larger than the cap fails before
 * it is billed; values travel as typed named parameters; statements other than queries
 * are refused unless a person confirmed them; rows come back in the same shapes as the
 * embedded engine's.
 *
 * A query is a job (jobs.insert, with an id chosen here) whose results are polled and
 * paged (jobs.getQueryResults): knowing the id from the start is what lets cancellation,
 * and a request that goes unanswered, cancel the job on the server.
 *
 * Bounded: every request must be answered within `warehouse.requestTimeoutSeconds`
 * (enforced by requestDeadline, since the client's own timeout does nothing), a query
 * runs at most `warehouse.queryTimeoutSeconds` (BigQuery is told too, as the job's
 * timeout), and failed requests are retried by the one policy of retryPolicy.
 */
export class BigQueryWarehouse implements Warehouse {
  readonly kind = 'bigquery' as const;
  private jobs = 0;
  private closed = false;
  private credentialCheck: Promise<void> | null = null;
  private readonly settings: typeof DEFAULTS;

  private constructor(
    private readonly client: BigQuery,
    private readonly endpoint: string,
    private readonly sendsCredentials: boolean,
    private readonly config: BigQueryWarehouseConfig,
    private readonly tableKeys: Record<string, string>,
    options: BigQueryWarehouseOptions,
  ) {
    this.settings = {
      pageSize: options.pageSize ?? DEFAULTS.pageSize,
      retry: options.retry ?? DEFAULTS.retry,
      poll: options.poll ?? DEFAULTS.poll,
    };
  }

  /**
   * No request is made here: credentials and names are checked by the first job. An
   * endpoint the user did not allow credentials for is refused here (credentials/endpointPolicy).
   */
  static async open(config: BigQueryWarehouseConfig, options: BigQueryWarehouseOptions = {}): Promise<BigQueryWarehouse> {
    const { client, endpoint, credentials } = createBigQueryClient({
      project: config.project,
      location: config.location,
      apiEndpoint: config.apiEndpoint,
      keyFilename: config.keyFilename,
      configFile: options.configFile ?? 'pipeline-lens.json',
      configKey: config.configKey,
      credentialHosts: options.credentialHosts,
    });
    return new BigQueryWarehouse(client, endpoint, credentials, config, options.tableKeys ?? {}, options);
  }

  /** Jobs created so far, dry runs included. */
  get jobCount(): number {
    return this.jobs;
  }

  describe(): string {
    const at = this.config.apiEndpoint ? ` at ${this.endpoint}${this.sendsCredentials ? '' : ' (no credentials sent)'}` : '';
    return `BigQuery ${this.config.project} (${this.config.location})${at}, at most ${formatBytes(this.config.maximumBytesBilled)} billed per query`;
  }

  async query(query: SqlQuery, options: QueryOptions = {}): Promise<QueryResult> {
    this.checkOpen();
    const { signal } = options;
    if (signal?.aborted) throw cancelled(query.name);
    const statement = classifyStatement(query.sql);
    if (statement.kind !== 'query' && !options.writeConfirmed) {
      throw writeRefusal(`query ${query.name}`, statement.statementType, statement.targets, 'bigquery');
    }
    const parameters = queryParameters(query);
    const cap = options.maximumBytesBilled ?? this.config.maximumBytesBilled;
    const context = this.context(query, cap, options.maximumBytesBilled === undefined ? 'config' : (options.maximumBytesBilledSource ?? 'config'));
    return this.call(context, signal, async (attempts) => {
      await this.checkCredentials(query.name, signal);
      return this.runJob(query, parameters, cap, options, attempts, context);
    });
  }

  async dryRun(query: SqlQuery, options: Pick<QueryOptions, 'signal'> = {}): Promise<DryRunResult> {
    this.checkOpen();
    const { signal } = options;
    const parameters = queryParameters(query);
    const context = this.context(query, this.config.maximumBytesBilled, 'config');
    return this.call(context, signal, async (attempts) => {
      await this.checkCredentials(query.name, signal);
      const [job] = await attempts.run(
        () => {
          this.jobs++;
          return this.request(query.name, signal, () =>
            this.client.createJob({
              configuration: { query: this.jobQuery(query, parameters, this.config.maximumBytesBilled), dryRun: true, labels: labels(query.name) },
              jobPrefix: JOB_PREFIX,
              location: this.config.location,
            }),
          );
        },
        () => cancelled(query.name),
      );
      const statistics = (job.metadata as JobMetadata | undefined)?.statistics ?? {};
      const tables = statistics.query?.referencedTables ?? [];
      const target = statistics.query?.ddlTargetTable;
      return {
        bytesProcessed: statistics.totalBytesProcessed === undefined ? null : Number(statistics.totalBytesProcessed),
        statementType: statistics.query?.statementType ?? 'UNKNOWN',
        referencedTables: tables.map(tableName),
        targetTable: target ? tableName(target) : null,
      };
    });
  }

  async close(): Promise<void> {
    // The client keeps no connection worth closing; later queries are refused.
    this.closed = true;
  }

  /** One call (a query, a dry run) with its attempts, every failure said as what to do. */
  private async call<T>(context: BigQueryErrorContext, signal: AbortSignal | undefined, run: (attempts: CallAttempts) => Promise<T>): Promise<T> {
    try {
      return await run(new CallAttempts(this.settings.retry, signal));
    } catch (error) {
      if (error instanceof AttemptsExhausted) throw attemptsExhausted(error, context);
      if (error instanceof DeadlineExceeded) throw noAnswer(context, this.config.requestTimeoutSeconds, null);
      throw translateBigQueryError(error, context);
    }
  }

  /** One HTTP request of the client, answered within the per-request limit or abandoned; an abort ends it as a cancellation. */
  private request<T>(queryName: string, signal: AbortSignal | undefined, send: () => Promise<T>, limitMs = this.config.requestTimeoutSeconds * 1000): Promise<T> {
    return withinDeadline(limitMs, send, { signal, onAbort: () => cancelled(queryName) });
  }

  /**
   * Credentials are looked up before the first job. Without them the client would send the
   * request unauthenticated ("the API might not care") and report Google's 401; finding
   * out first gives the actionable message and sends nothing.
   */
  private async checkCredentials(queryName: string, signal: AbortSignal | undefined): Promise<void> {
    if (!this.sendsCredentials) return;
    this.credentialCheck ??= this.request(queryName, undefined, () => this.client.authClient.getClient().then(() => undefined));
    try {
      await (signal ? raceAbort(this.credentialCheck, signal) : this.credentialCheck);
    } catch (error) {
      // Not cached: the user may log in and try again in the same session.
      this.credentialCheck = null;
      if (signal?.aborted) throw cancelled(queryName);
      throw error;
    }
  }

  private async runJob(
    query: SqlQuery,
    parameters: QueryParameter[],
    cap: number,
    options: QueryOptions,
    attempts: CallAttempts,
    context: BigQueryErrorContext,
  ): Promise<QueryResult> {
    const { signal, onProgress } = options;
    const started = Date.now();
    const budgetMs = this.config.queryTimeoutSeconds * 1000;
    const job = await this.insertJob(query, parameters, cap, signal, attempts, context, budgetMs);
    const jobId = job.id ?? null;
    const progress = (update: Omit<QueryProgress, 'jobId' | 'elapsedMs'>) => onProgress?.({ jobId, elapsedMs: Date.now() - started, ...update });

    const rows: Row[] = [];
    let fields: SchemaField[] | null = null;
    let page: ResultsPage;
    let pageToken: string | undefined;
    let wait = this.settings.poll.initialMs;
    // A string: the client turns a numeric timeoutMs into an error of its own when the job is still running.
    const holdMs = String(Math.max(100, Math.min(POLL_HOLD_MS, Math.floor((this.config.requestTimeoutSeconds * 1000) / 2))));
    try {
      for (;;) {
        if (signal?.aborted) throw cancelled(query.name);
        if (Date.now() - started > budgetMs) throw new QueryBudgetSpent();
        const answer = await attempts.run(
          () => this.request(query.name, signal, () => job.getQueryResults({ maxResults: this.settings.pageSize, pageToken, autoPaginate: false, timeoutMs: holdMs } as object)),
          () => cancelled(query.name),
        );
        const pageRows = (answer[0] ?? []) as Array<Record<string, unknown>>;
        page = (answer[2] ?? {}) as ResultsPage;
        if (page.jobComplete === false) {
          if (onProgress) progress({ state: 'running', fraction: await this.fraction(job, query.name, signal), rowsFetched: 0, totalRows: null });
          const left = budgetMs - (Date.now() - started);
          if (!(await sleep(Math.max(0, Math.min(wait, left + 1)), signal))) throw cancelled(query.name);
          wait = Math.min(wait * 1.5, this.settings.poll.maxMs);
          continue;
        }
        fields ??= page.schema?.fields ?? [];
        const schema = fields;
        for (const row of pageRows) rows.push(normaliseBigQueryRow(row, schema));
        const totalRows = page.totalRows === undefined ? null : Number(page.totalRows);
        if (onProgress) progress({ state: 'fetching', fraction: totalRows ? rows.length / totalRows : 1, rowsFetched: rows.length, totalRows });
        if (!page.pageToken) break;
        pageToken = page.pageToken;
      }
    } catch (error) {
      // The job runs on without us unless it is told to stop.
      if (signal?.aborted) {
        await this.cancelJob(job, query.name);
        throw cancelled(query.name);
      }
      if (error instanceof DeadlineExceeded) throw noAnswer(context, this.config.requestTimeoutSeconds, { id: job.id ?? '?', cancelled: await this.cancelJob(job, query.name) });
      if (error instanceof QueryBudgetSpent) throw queryTooLong(context, this.config.queryTimeoutSeconds, { id: job.id ?? '?', cancelled: await this.cancelJob(job, query.name) });
      throw error;
    }
    const bytesProcessed = page.totalBytesProcessed === undefined ? null : Number(page.totalBytesProcessed);
    if ((fields ?? []).length === 0 && page.numDmlAffectedRows !== undefined) {
      return { columns: ['affected_rows'], rows: [{ affected_rows: Number(page.numDmlAffectedRows) }], bytesProcessed };
    }
    return { columns: (fields ?? []).map((f) => f.name), rows, bytesProcessed };
  }

  /**
   * jobs.insert with an id chosen here. A request that failed on the way may still have
   * created the job: its retry carries the same id, and BigQuery's "already exists" then
   * means the first one got through, so that job is used rather than run twice. A job that
   * was created and failed (a rate limit on the job itself) is retried under a new id.
   * An insert abandoned (no answer, or the caller aborted) may have created its job too:
   * it is cancelled by id.
   */
  private async insertJob(
    query: SqlQuery,
    parameters: QueryParameter[],
    cap: number,
    signal: AbortSignal | undefined,
    attempts: CallAttempts,
    context: BigQueryErrorContext,
    budgetMs: number,
  ): Promise<Job> {
    let jobId = newJobId();
    let sent = false;
    try {
      return await attempts.run(
        async () => {
          const retry = sent;
          sent = true;
          this.jobs++;
          try {
            const [job] = await this.request(query.name, signal, () =>
              this.client.createJob({
                configuration: { query: this.jobQuery(query, parameters, cap), labels: labels(query.name), jobTimeoutMs: String(Math.ceil(budgetMs)) },
                jobId,
                location: this.config.location,
              }),
            );
            return job;
          } catch (error) {
            if (retry && (error as { code?: unknown } | null)?.code === 409) return this.existingJob(jobId, query.name, signal);
            if (isFailedJob(error)) jobId = newJobId();
            throw error;
          }
        },
        () => cancelled(query.name),
      );
    } catch (error) {
      const abandoned = signal?.aborted || error instanceof DeadlineExceeded;
      if (!abandoned) throw error;
      const stopped = await this.cancelJob(this.client.job(jobId, { location: this.config.location }), query.name);
      if (signal?.aborted) throw cancelled(query.name);
      throw noAnswer(context, this.config.requestTimeoutSeconds, stopped ? { id: jobId, cancelled: true } : null);
    }
  }

  /** The job an earlier insert created; its failure, when it failed, as the client would have said it. */
  private async existingJob(jobId: string, queryName: string, signal: AbortSignal | undefined): Promise<Job> {
    const job = this.client.job(jobId, { location: this.config.location });
    const metadata = (await this.request(queryName, signal, () => job.getMetadata()))[0] as JobMetadata;
    const status = metadata.status;
    if (status?.errorResult) throw Object.assign(new Error('job failed'), { errors: status.errors ?? [status.errorResult] });
    return job;
  }

  /** Asks BigQuery to stop the job; true when it acknowledged. Never waits long, never throws. */
  private async cancelJob(job: Job, queryName: string): Promise<boolean> {
    try {
      await this.request(queryName, undefined, () => job.cancel(), Math.min(CANCEL_WAIT_MS, this.config.requestTimeoutSeconds * 1000));
      return true;
    } catch {
      // The job may have finished, or never been created; the caller is stopping either way.
      return false;
    }
  }

  private jobQuery(query: SqlQuery, parameters: QueryParameter[], cap: number) {
    return {
      query: query.sql,
      useLegacySql: false,
      parameterMode: 'NAMED',
      queryParameters: parameters,
      // A string, as the API's int64 fields are.
      maximumBytesBilled: String(cap),
    };
  }

  /** Share of the job's work units done, from its query timeline; null when BigQuery has not said. */
  private async fraction(job: Job, queryName: string, signal: AbortSignal | undefined): Promise<number | null> {
    try {
      const metadata = (await this.request(queryName, signal, () => job.getMetadata()))[0] as JobMetadata | undefined;
      const timeline = metadata?.statistics?.query?.timeline ?? [];
      const last = timeline[timeline.length - 1];
      if (!last) return null;
      const done = Number(last.completedUnits ?? 0);
      const total = done + Number(last.pendingUnits ?? 0) + Number(last.activeUnits ?? 0);
      return total > 0 ? done / total : null;
    } catch {
      // Progress is a courtesy: a failed status read must not fail the query.
      return null;
    }
  }

  private context(query: SqlQuery, cap: number, capSource: CapSource): BigQueryErrorContext {
    return {
      queryName: query.name,
      sql: query.sql,
      project: this.config.project,
      location: this.config.location,
      endpoint: this.endpoint,
      keyFilename: this.config.keyFilename,
      maximumBytesBilled: cap,
      maximumBytesBilledSource: capSource,
      tableKeys: this.tableKeys,
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new WarehouseError('The BigQuery warehouse is closed.', 'closed');
  }
}

/** The query's own time (warehouse.queryTimeoutSeconds) ran out while it was polled. */
class QueryBudgetSpent extends Error {}

function newJobId(): string {
  return `${JOB_PREFIX}${randomUUID()}`;
}

/** The job was created and failed (the client reports its status errors without an HTTP code). */
function isFailedJob(error: unknown): boolean {
  const e = error as { code?: unknown; response?: { status?: unknown } } | null;
  return !!e && e.code === undefined && e.response?.status !== undefined;
}

function labels(queryName: string): Record<string, string> {
  // Label values: lowercase letters, digits, _ and -, at most 63.
  return {
    tool: 'pipeline-lens',
    query:
      queryName
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, '_')
        .slice(0, 63) || 'query',
  };
}

function tableName(t: { projectId?: string; datasetId?: string; tableId?: string }): string {
  return [t.projectId, t.datasetId, t.tableId].filter(Boolean).join('.');
}

/** The promise's answer, or a rejection as soon as the signal aborts (the promise is then left to finish unheard). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
