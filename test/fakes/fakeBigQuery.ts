import { randomUUID } from 'node:crypto';
import type { QueryParameter } from '../../src/core/warehouse/bigquery/bigqueryParams';
import { classifyStatement } from '../../src/core/warehouse/statementKind';
import { cancelResponse, errorBody, jobResource, resultsPage, type ErrorProto, type JobReference, type JobResource, type JobState, type TableReference } from './bigqueryResponses';
import { FakeBigQueryEngine, FakeQueryError, wireRow, type EngineResult } from './fakeBigQueryEngine';
import { JsonApiFake, type JsonResponse, type RecordedRequest, type TlsIdentity } from './jsonHttpServer';

/**
 * A local fake of the BigQuery REST API v2 on 127.0.0.1, for the real client to talk to
 * through `apiEndpoint`: jobs.insert (queries and dry runs), jobs.get, jobs.query,
 * jobs.getQueryResults with paging, jobs.cancel. Queries run on DuckDB through the
 * product's rewriter (see FakeBigQueryEngine); DML and DDL are recorded, not applied.
 *
 * Every request is recorded, and `jobRequests` lists the query configurations sent, so
 * tests can assert SQL text, parameters and `maximumBytesBilled`. Failures are injected
 * per method (`failNext`) or per job (`failJobs`); `pendingPolls` and `hang` make jobs
 * answer `jobComplete: false`, for polling, progress and cancellation; `stall` makes
 * requests of a method get no answer at all (the connection stays open), as an endpoint
 * that stopped answering does.
 */

export type FakeMethod = 'jobs.insert' | 'jobs.query' | 'jobs.get' | 'jobs.getQueryResults' | 'jobs.cancel';

/** The query part of a job configuration (or a jobs.query request) as the client sent it. */
export interface SentQuery {
  query: string;
  useLegacySql?: boolean;
  parameterMode?: string;
  queryParameters?: QueryParameter[];
  maximumBytesBilled?: string;
}

export interface JobRequest {
  via: 'jobs.insert' | 'jobs.query';
  dryRun: boolean;
  jobId: string | null;
  location: string | null;
  labels: Record<string, string>;
  query: SentQuery;
}

interface Injected {
  method: FakeMethod;
  status: number;
  error: ErrorProto;
  dryRun?: boolean;
  times: number;
}

interface FakeJob {
  reference: JobReference;
  configuration: unknown;
  state: JobState;
  error?: ErrorProto;
  errorStatus?: number;
  result?: EngineResult;
  statementType: string;
  referencedTables: TableReference[];
  ddlTarget?: TableReference;
  bytes: number;
  pollsLeft: number;
  polls: number;
  hang: boolean;
  dmlAffectedRows?: number;
}

export interface FakeBigQueryOptions {
  /** DuckDB file whose tables (`schema.table`) the fake serves as `dataset.table`. */
  database?: string;
  /** DuckDB SQL run at start, e.g. to create small tables. */
  setupSql?: string;
  /** Bytes each table "costs" to scan, by `dataset.table`; default 1 MiB each. */
  tableBytes?: Record<string, number>;
  /** Serve HTTPS with this key and certificate. */
  tls?: TlsIdentity;
}

const PREFIX = '/bigquery/v2/projects/';
const DEFAULT_TABLE_BYTES = 1024 * 1024;

const ROUTES: Record<string, FakeMethod> = {
  'POST jobs': 'jobs.insert',
  'POST queries': 'jobs.query',
  'GET jobs/:id': 'jobs.get',
  'POST jobs/:id/cancel': 'jobs.cancel',
  'GET queries/:id': 'jobs.getQueryResults',
};

const HTTP_STATUS: Record<string, number> = { notFound: 404, accessDenied: 403, quotaExceeded: 403, rateLimitExceeded: 403, stopped: 400 };

export class FakeBigQuery extends JsonApiFake {
  readonly jobRequests: JobRequest[] = [];
  /** jobComplete:false answers each new job gives before its results. */
  pendingPolls = 0;
  /** New jobs never finish until cancelled. */
  hang = false;
  /** The next this many query jobs are created, and then the connection is closed instead of answering. */
  dropAfterCreate = 0;
  tableBytes: Record<string, number>;
  private readonly jobs = new Map<string, FakeJob>();
  private readonly injected: Injected[] = [];
  private readonly jobFailures: Array<{ error: ErrorProto; times: number }> = [];
  private readonly stalls: Array<{ method: FakeMethod; times: number }> = [];

  private constructor(
    private readonly engine: FakeBigQueryEngine,
    options: FakeBigQueryOptions,
  ) {
    super();
    this.tableBytes = { ...(options.tableBytes ?? {}) };
  }

  static async start(options: FakeBigQueryOptions = {}): Promise<FakeBigQuery> {
    const engine = await FakeBigQueryEngine.open(options);
    const fake = new FakeBigQuery(engine, options);
    await fake.serve(options.tls);
    return fake;
  }

  /** Answer the next `times` requests of `method` with this HTTP error. */
  failNext(method: FakeMethod, status: number, error: ErrorProto, options: { times?: number; dryRun?: boolean } = {}): void {
    this.injected.push({ method, status, error, dryRun: options.dryRun, times: options.times ?? 1 });
  }

  /** The next `times` requests of `method` (default: all of them) are read and never answered. */
  stall(method: FakeMethod, times = Number.POSITIVE_INFINITY): void {
    this.stalls.push({ method, times });
  }

  /** The next `times` query jobs are created, then fail with this error (`status.errorResult`). */
  failJobs(error: ErrorProto, times = 1): void {
    this.jobFailures.push({ error, times });
  }

  job(jobId: string): FakeJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Forgets recorded requests, injected failures and behaviour; keeps the data. */
  reset(): void {
    this.requests.length = 0;
    this.jobRequests.length = 0;
    this.injected.length = 0;
    this.jobFailures.length = 0;
    this.stalls.length = 0;
    this.jobs.clear();
    this.pendingPolls = 0;
    this.hang = false;
    this.dropAfterCreate = 0;
  }

  async close(): Promise<void> {
    await this.closeServer();
    this.engine.close();
  }

  protected async handle(request: RecordedRequest): Promise<JsonResponse> {
    if (!request.path.startsWith(PREFIX)) return this.error(404, { reason: 'notFound', message: `Not found: ${request.path}` });
    const [project, ...rest] = request.path.slice(PREFIX.length).split('/');
    const route = `${request.method} ${rest[0]}${rest.length > 1 ? '/:id' : ''}${rest[2] ? `/${rest[2]}` : ''}`;
    const method = ROUTES[route];
    const stall = method ? this.stalls.find((s) => s.method === method) : undefined;
    if (stall) {
      if (--stall.times <= 0) this.stalls.splice(this.stalls.indexOf(stall), 1);
      return new Promise<never>(() => undefined);
    }
    switch (route) {
      case 'POST jobs':
        return this.insert(project, request);
      case 'POST queries':
        return this.query(project, request);
      case 'GET jobs/:id':
        return this.injectedFor('jobs.get') ?? this.get(rest[1]);
      case 'POST jobs/:id/cancel':
        return this.injectedFor('jobs.cancel') ?? this.cancel(rest[1]);
      case 'GET queries/:id':
        return this.injectedFor('jobs.getQueryResults') ?? this.results(rest[1], request.query);
      default:
        return this.error(404, { reason: 'notFound', message: `The fake has no ${route}` });
    }
  }

  private async insert(project: string, request: RecordedRequest): Promise<JsonResponse> {
    const body = request.body as {
      configuration?: { query?: SentQuery; dryRun?: boolean; labels?: Record<string, string> };
      jobReference?: Partial<JobReference>;
    };
    const dryRun = body.configuration?.dryRun === true;
    const reference: JobReference = {
      projectId: project,
      jobId: body.jobReference?.jobId ?? randomUUID(),
      location: body.jobReference?.location ?? 'US',
    };
    const query = body.configuration?.query;
    this.jobRequests.push({
      via: 'jobs.insert',
      dryRun,
      jobId: reference.jobId,
      location: body.jobReference?.location ?? null,
      labels: body.configuration?.labels ?? {},
      query: query ?? { query: '' },
    });
    const injected = this.injectedFor('jobs.insert', dryRun);
    if (injected) return injected;
    if (!query?.query) return this.error(400, { reason: 'invalid', message: 'Required parameter is missing: query' });
    if (!dryRun && this.jobs.has(reference.jobId)) {
      return this.error(409, { reason: 'duplicate', message: `Already Exists: Job ${project}:${reference.location}.${reference.jobId}` });
    }

    const job = await this.createJob(reference, body.configuration, query, dryRun);
    if (dryRun) {
      if (job.error) return this.error(job.errorStatus ?? 400, job.error);
      return { status: 200, body: this.resource(job) };
    }
    this.jobs.set(reference.jobId, job);
    if (this.dropAfterCreate > 0) {
      this.dropAfterCreate--;
      return { status: 0, body: null, drop: true };
    }
    return { status: 200, body: this.resource(job) };
  }

  private async query(project: string, request: RecordedRequest): Promise<JsonResponse> {
    const body = request.body as SentQuery & { location?: string; maxResults?: number; dryRun?: boolean; formatOptions?: { useInt64Timestamp?: boolean } };
    const reference: JobReference = { projectId: project, jobId: randomUUID(), location: body.location ?? 'US' };
    this.jobRequests.push({ via: 'jobs.query', dryRun: body.dryRun === true, jobId: null, location: body.location ?? null, labels: {}, query: body });
    const injected = this.injectedFor('jobs.query');
    if (injected) return injected;
    const job = await this.createJob(reference, { query: body }, body, false);
    if (job.error) return this.error(job.errorStatus ?? 400, job.error);
    this.jobs.set(reference.jobId, job);
    const page = this.page(job, {
      maxResults: body.maxResults === undefined ? undefined : String(body.maxResults),
      'formatOptions.useInt64Timestamp': String(body.formatOptions?.useInt64Timestamp ?? false),
    });
    return { status: 200, body: { ...page, kind: 'bigquery#queryResponse' } };
  }

  private async createJob(reference: JobReference, configuration: unknown, query: SentQuery, dryRun: boolean): Promise<FakeJob> {
    const statement = classifyStatement(query.query);
    const job: FakeJob = {
      reference,
      configuration,
      state: 'DONE',
      statementType: statement.statementType,
      referencedTables: [],
      bytes: 0,
      pollsLeft: 0,
      polls: 0,
      hang: false,
    };
    const fail = (status: number, error: ErrorProto) => {
      job.error = { ...error, message: error.message.replace('{project}', reference.projectId).replace('{location}', reference.location) };
      job.errorStatus = status;
      return job;
    };
    if (query.useLegacySql !== false) return fail(400, { reason: 'invalidQuery', message: 'The fake only speaks Standard SQL: set useLegacySql to false' });
    if ((query.queryParameters?.length ?? 0) > 0 && query.parameterMode?.toUpperCase() !== 'NAMED') {
      return fail(400, { reason: 'invalidQuery', message: `The fake expects parameterMode NAMED, got ${query.parameterMode}` });
    }
    if (statement.kind !== 'query') {
      const [target] = statement.targets;
      if (statement.kind === 'ddl' && target) job.ddlTarget = tableReference(target, reference.projectId);
      if (!dryRun) job.dmlAffectedRows = 0;
      return job;
    }
    try {
      job.referencedTables = this.engine.referencedTables(query.query).map((t) => tableReference(t, reference.projectId));
    } catch (error) {
      if (error instanceof FakeQueryError) return fail(error.status, { reason: error.reason, message: error.message });
      throw error;
    }
    job.bytes = job.referencedTables.reduce((sum, t) => sum + (this.tableBytes[`${t.datasetId}.${t.tableId}`] ?? DEFAULT_TABLE_BYTES), 0);

    if (!dryRun) {
      const failure = this.jobFailures[0];
      if (failure) {
        if (--failure.times <= 0) this.jobFailures.shift();
        return fail(HTTP_STATUS[failure.error.reason] ?? 400, failure.error);
      }
      const cap = query.maximumBytesBilled === undefined ? null : Number(query.maximumBytesBilled);
      if (cap !== null && job.bytes > cap) {
        return fail(400, { reason: 'bytesBilledLimitExceeded', message: `Query exceeded limit for bytes billed: ${cap}. ${job.bytes} or higher required.` });
      }
    }
    try {
      job.result = await this.engine.run(query.query, query.queryParameters ?? []);
    } catch (error) {
      if (error instanceof FakeQueryError) return fail(error.status, { reason: error.reason, message: error.message });
      throw error;
    }
    if (!dryRun && (this.hang || this.pendingPolls > 0)) {
      job.state = 'RUNNING';
      job.hang = this.hang;
      job.pollsLeft = this.pendingPolls;
    }
    return job;
  }

  private get(jobId: string): JsonResponse {
    const job = this.jobs.get(jobId);
    if (!job) return this.missingJob(jobId);
    return { status: 200, body: this.resource(job) };
  }

  private cancel(jobId: string): JsonResponse {
    const job = this.jobs.get(jobId);
    if (!job) return this.missingJob(jobId);
    if (job.state !== 'DONE') {
      job.state = 'DONE';
      job.hang = false;
      job.pollsLeft = 0;
      job.error = { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' };
      job.errorStatus = 400;
    }
    return { status: 200, body: cancelResponse(this.resource(job)) };
  }

  private results(jobId: string, query: Record<string, string>): JsonResponse {
    const job = this.jobs.get(jobId);
    if (!job) return this.missingJob(jobId);
    if (job.hang || job.pollsLeft > 0) {
      job.polls++;
      if (!job.hang && --job.pollsLeft === 0) job.state = 'DONE';
      return { status: 200, body: resultsPage({ reference: job.reference, complete: false }) };
    }
    if (job.error) return this.error(job.errorStatus ?? 400, job.error);
    return { status: 200, body: this.page(job, query) };
  }

  private page(job: FakeJob, query: Record<string, string | undefined>) {
    if (!job.result) {
      return resultsPage({ reference: job.reference, complete: true, fields: [], totalRows: 0, totalBytesProcessed: job.bytes, numDmlAffectedRows: job.dmlAffectedRows });
    }
    const { fields, rows } = job.result;
    const start = query.pageToken ? Number(query.pageToken) : 0;
    const size = query.maxResults ? Number(query.maxResults) : rows.length;
    const end = Math.min(rows.length, start + size);
    const int64 = query['formatOptions.useInt64Timestamp'] === 'true';
    return resultsPage({
      reference: job.reference,
      complete: true,
      fields,
      rows: rows.slice(start, end).map((row) => wireRow(row, fields, int64)),
      totalRows: rows.length,
      pageToken: end < rows.length ? String(end) : undefined,
      totalBytesProcessed: job.bytes,
    });
  }

  private resource(job: FakeJob): JobResource {
    const running = job.state !== 'DONE';
    const total = job.hang ? job.polls + 1 : job.polls + job.pollsLeft;
    return jobResource({
      reference: job.reference,
      configuration: job.configuration,
      state: job.state,
      error: job.error,
      statistics: {
        totalBytesProcessed: String(job.bytes),
        query: {
          statementType: job.statementType,
          totalBytesProcessed: String(job.bytes),
          totalBytesBilled: String(job.bytes),
          referencedTables: job.referencedTables,
          ...(job.ddlTarget ? { ddlTargetTable: job.ddlTarget } : {}),
          ...(job.dmlAffectedRows !== undefined ? { numDmlAffectedRows: String(job.dmlAffectedRows) } : {}),
          ...(running || job.polls > 0
            ? { timeline: [{ elapsedMs: String(job.polls * 100), completedUnits: String(job.polls), pendingUnits: String(total - job.polls), activeUnits: '0' }] }
            : {}),
        },
      },
    });
  }

  private injectedFor(method: FakeMethod, dryRun?: boolean): JsonResponse | null {
    const index = this.injected.findIndex((i) => i.method === method && (i.dryRun === undefined || i.dryRun === dryRun));
    if (index < 0) return null;
    const found = this.injected[index];
    if (--found.times <= 0) this.injected.splice(index, 1);
    return this.error(found.status, found.error);
  }

  private missingJob(jobId: string): JsonResponse {
    return this.error(404, { reason: 'notFound', message: `Not found: Job ${jobId}` });
  }

  private error(status: number, error: ErrorProto): JsonResponse {
    return { status, body: errorBody(status, error) };
  }
}

function tableReference(name: string, project: string): TableReference {
  const parts = name.split('.');
  return parts.length >= 3 ? { projectId: parts[0], datasetId: parts[1], tableId: parts[2] } : { projectId: project, datasetId: parts[0], tableId: parts[1] ?? parts[0] };
}
