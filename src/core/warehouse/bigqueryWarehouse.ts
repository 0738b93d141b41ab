import type { BigQuery, Job } from '@google-cloud/bigquery';
import type { BigQueryWarehouseConfig } from '../config/types';
import { createBigQueryClient } from './bigqueryClient';
import { cancelled, errorReason, isRetryable, quota, translateBigQueryError, type BigQueryErrorContext } from './bigqueryErrors';
import { queryParameters, type QueryParameter } from './bigqueryParams';
import { normaliseBigQueryRow, type SchemaField } from './bigqueryRows';
import { formatBytes } from './bytes';
import { classifyStatement } from './statementKind';
import { writeRefusal } from './queryGuard';
import {
  WarehouseError,
  type DryRunResult,
  type QueryOptions,
  type QueryProgress,
  type QueryResult,
  type Row,
  type SqlQuery,
  type Warehouse,
} from './types';

export interface BigQueryWarehouseOptions {
  /** `dataset.table` (lowercase) → the pipeline-lens.json setting naming it, for "not found". */
  tableKeys?: Record<string, string>;
  /** Rows per result page (BigQuery also caps a page at about 10 MB). */
  pageSize?: number;
  /** Attempts at a job refused for quota or rate limits, and the backoff between them. */
  retry?: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  /** Wait between result polls of a job still running; BigQuery itself holds each poll up to 10 s. */
  poll?: { initialMs: number; maxMs: number };
  /** The client's own retries of 5xx, 429 and dropped connections. */
  transportRetries?: number;
  requestTimeoutMs?: number;
}

const DEFAULTS = {
  pageSize: 10_000,
  retry: { attempts: 5, initialDelayMs: 1_000, maxDelayMs: 16_000 },
  poll: { initialMs: 250, maxMs: 2_000 },
  transportRetries: 2,
  requestTimeoutMs: 60_000,
};

// Jobs are recognisable in the project's job history and billing export.
const JOB_PREFIX = 'pipeline_lens_';

interface ResultsPage {
  jobComplete?: boolean;
  schema?: { fields?: SchemaField[] };
  pageToken?: string;
  totalRows?: string;
  totalBytesProcessed?: string;
  numDmlAffectedRows?: string;
}

/**
 * BigQuery through the official client. Every job carries `maximumBytesBilled` (the
 * profile's cap, or a caller's for one query), so a scan larger than the cap fails before
 * it is billed; values travel as typed named parameters; statements other than queries
 * are refused unless a person confirmed them; rows come back in the same shapes as the
 * embedded engine's.
 *
 * A query is a job (jobs.insert) whose results are polled and paged
 * (jobs.getQueryResults): having the job id from the start is what lets cancellation
 * cancel the job on the server and progress be reported while it runs.
 */
export class BigQueryWarehouse implements Warehouse {
  readonly kind = 'bigquery' as const;
  private jobs = 0;
  private closed = false;
  private credentials: Promise<void> | null = null;
  private readonly settings: typeof DEFAULTS;

  private constructor(
    private readonly client: BigQuery,
    private readonly endpoint: string,
    private readonly config: BigQueryWarehouseConfig,
    private readonly tableKeys: Record<string, string>,
    options: BigQueryWarehouseOptions,
  ) {
    this.settings = {
      pageSize: options.pageSize ?? DEFAULTS.pageSize,
      retry: options.retry ?? DEFAULTS.retry,
      poll: options.poll ?? DEFAULTS.poll,
      transportRetries: options.transportRetries ?? DEFAULTS.transportRetries,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    };
  }

  /** No request is made here: credentials and names are checked by the first job. */
  static async open(config: BigQueryWarehouseConfig, options: BigQueryWarehouseOptions = {}): Promise<BigQueryWarehouse> {
    const { client, endpoint } = createBigQueryClient({
      project: config.project,
      location: config.location,
      apiEndpoint: config.apiEndpoint,
      keyFilename: config.keyFilename,
      transportRetries: options.transportRetries ?? DEFAULTS.transportRetries,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    });
    return new BigQueryWarehouse(client, endpoint, config, options.tableKeys ?? {}, options);
  }

  /** Jobs created so far, dry runs included. */
  get jobCount(): number {
    return this.jobs;
  }

  describe(): string {
    const at = this.config.apiEndpoint ? ` at ${this.endpoint}` : '';
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
    const context = this.context(query, cap);
    await this.checkCredentials(context);
    return this.withQuotaRetries(context, signal, () => this.runJob(query, parameters, cap, options));
  }

  async dryRun(query: SqlQuery, options: Pick<QueryOptions, 'signal'> = {}): Promise<DryRunResult> {
    this.checkOpen();
    const parameters = queryParameters(query);
    const context = this.context(query, this.config.maximumBytesBilled);
    await this.checkCredentials(context);
    return this.withQuotaRetries(context, options.signal, async () => {
      this.jobs++;
      const [job] = await this.client.createJob({
        configuration: { query: this.jobQuery(query, parameters, this.config.maximumBytesBilled), dryRun: true, labels: labels(query.name) },
        jobPrefix: JOB_PREFIX,
        location: this.config.location,
      });
      const statistics = job.metadata?.statistics ?? {};
      const tables = (statistics.query?.referencedTables ?? []) as Array<{ projectId?: string; datasetId?: string; tableId?: string }>;
      const target = statistics.query?.ddlTargetTable as { projectId?: string; datasetId?: string; tableId?: string } | undefined;
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

  /**
   * Credentials are looked up before the first job. Without them the client would send the
   * request unauthenticated ("the API might not care") and report Google's 401; finding
   * out first gives the actionable message and sends nothing.
   */
  private async checkCredentials(context: BigQueryErrorContext): Promise<void> {
    if (this.endpoint.startsWith('http://')) return;
    this.credentials ??= this.client.authClient.getClient().then(() => undefined);
    try {
      await this.credentials;
    } catch (error) {
      // Not cached: the user may log in and try again in the same session.
      this.credentials = null;
      throw translateBigQueryError(error, context);
    }
  }

  private async runJob(query: SqlQuery, parameters: QueryParameter[], cap: number, options: QueryOptions): Promise<QueryResult> {
    const { signal, onProgress } = options;
    const started = Date.now();
    this.jobs++;
    // Not raced against the signal: without the job's id there is nothing to cancel.
    const [job] = await this.client.createJob({
      configuration: { query: this.jobQuery(query, parameters, cap), labels: labels(query.name) },
      jobPrefix: JOB_PREFIX,
      location: this.config.location,
    });
    const jobId = job.id ?? null;
    const progress = (update: Omit<QueryProgress, 'jobId' | 'elapsedMs'>) => onProgress?.({ jobId, elapsedMs: Date.now() - started, ...update });

    const rows: Row[] = [];
    let fields: SchemaField[] | null = null;
    let page: ResultsPage = {};
    let pageToken: string | undefined;
    let wait = this.settings.poll.initialMs;
    for (;;) {
      if (signal?.aborted) return this.cancel(job, query.name);
      const request = job.getQueryResults({ maxResults: this.settings.pageSize, pageToken, autoPaginate: false });
      let answer: unknown[];
      try {
        answer = await raceAbort(request, signal);
      } catch (error) {
        if (signal?.aborted) return this.cancel(job, query.name);
        throw error;
      }
      const pageRows = (answer[0] ?? []) as Array<Record<string, unknown>>;
      page = (answer[2] ?? {}) as ResultsPage;
      if (page.jobComplete === false) {
        if (onProgress) progress({ state: 'running', fraction: await this.fraction(job), rowsFetched: 0, totalRows: null });
        if (!(await sleep(wait, signal))) return this.cancel(job, query.name);
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
    const bytesProcessed = page.totalBytesProcessed === undefined ? null : Number(page.totalBytesProcessed);
    if ((fields ?? []).length === 0 && page.numDmlAffectedRows !== undefined) {
      return { columns: ['affected_rows'], rows: [{ affected_rows: Number(page.numDmlAffectedRows) }], bytesProcessed };
    }
    return { columns: (fields ?? []).map((f) => f.name), rows, bytesProcessed };
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
  private async fraction(job: Job): Promise<number | null> {
    try {
      const [metadata] = await job.getMetadata();
      const timeline = (metadata?.statistics?.query?.timeline ?? []) as Array<{ completedUnits?: string; pendingUnits?: string; activeUnits?: string }>;
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

  private async cancel(job: Job, queryName: string): Promise<never> {
    try {
      await job.cancel();
    } catch {
      // The job may have finished meanwhile; the caller asked to stop either way.
    }
    throw cancelled(queryName);
  }

  private async withQuotaRetries<T>(context: BigQueryErrorContext, signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
    const { attempts, initialDelayMs, maxDelayMs } = this.settings.retry;
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof WarehouseError) throw error;
        if (!isRetryable(error)) throw translateBigQueryError(error, context);
        if (i >= attempts) throw quota(context, errorReason(error) ?? 'quotaExceeded', retryMessage(error), i);
        // Full jitter: queries refused together should not come back together.
        const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (i - 1)) * (0.5 + Math.random() / 2);
        if (!(await sleep(delay, signal))) throw cancelled(context.queryName);
      }
    }
  }

  private context(query: SqlQuery, cap: number): BigQueryErrorContext {
    return {
      queryName: query.name,
      sql: query.sql,
      project: this.config.project,
      location: this.config.location,
      endpoint: this.endpoint,
      keyFilename: this.config.keyFilename,
      maximumBytesBilled: cap,
      tableKeys: this.tableKeys,
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new WarehouseError('The BigQuery warehouse is closed.', 'closed');
  }
}

function labels(queryName: string): Record<string, string> {
  // Label values: lowercase letters, digits, _ and -, at most 63.
  return { tool: 'pipeline-lens', query: queryName.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63) || 'query' };
}

function tableName(t: { projectId?: string; datasetId?: string; tableId?: string }): string {
  return [t.projectId, t.datasetId, t.tableId].filter(Boolean).join('.');
}

function retryMessage(error: unknown): string {
  const e = error as { errors?: Array<{ message?: string }>; message?: string };
  return (e.errors?.[0]?.message ?? e.message ?? String(error)).replace(/\.$/, '');
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The request's answer, or a rejection as soon as the signal aborts (the request is then left to finish unheard). */
function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
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
