/*
 * Typed builders of BigQuery REST v2 responses (jobs.insert/get, jobs.query,
 * jobs.getQueryResults, jobs.cancel, errors), for the fake server and for tests that
 * want to state exactly what the server said. Shapes follow the API reference; only the
 * fields the client reads are filled in.
 */

export interface TableFieldSchema {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: TableFieldSchema[];
}

/** A cell as the API sends it: scalars as strings, arrays as cells, records as rows. */
export type WireValue = string | null | WireCell[] | WireRow;
export interface WireCell {
  v: WireValue;
}
export interface WireRow {
  f: WireCell[];
}

export interface JobReference {
  projectId: string;
  jobId: string;
  location: string;
}

export interface ErrorProto {
  reason: string;
  message: string;
  location?: string;
  locationType?: string;
  domain?: string;
}

export interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
}

export interface JobStatistics {
  creationTime: string;
  startTime?: string;
  endTime?: string;
  totalBytesProcessed?: string;
  query?: {
    statementType?: string;
    totalBytesProcessed?: string;
    totalBytesBilled?: string;
    referencedTables?: TableReference[];
    ddlTargetTable?: TableReference;
    numDmlAffectedRows?: string;
    timeline?: Array<{ elapsedMs: string; completedUnits: string; pendingUnits: string; activeUnits: string }>;
  };
}

export type JobState = 'PENDING' | 'RUNNING' | 'DONE';

export interface JobResource {
  kind: 'bigquery#job';
  id: string;
  jobReference: JobReference;
  configuration: unknown;
  status: { state: JobState; errorResult?: ErrorProto; errors?: ErrorProto[] };
  statistics: JobStatistics;
}

export interface QueryResultsPage {
  kind: 'bigquery#getQueryResultsResponse' | 'bigquery#queryResponse';
  jobReference: JobReference;
  jobComplete: boolean;
  schema?: { fields: TableFieldSchema[] };
  rows?: WireRow[];
  totalRows?: string;
  pageToken?: string;
  totalBytesProcessed?: string;
  numDmlAffectedRows?: string;
  cacheHit?: boolean;
}

export interface ErrorBody {
  error: { code: number; message: string; errors: ErrorProto[]; status: string };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function errorBody(code: number, error: ErrorProto): ErrorBody {
  return {
    error: {
      code,
      message: error.message,
      errors: [{ domain: 'global', ...error, ...(error.location ? { locationType: 'other' } : {}) }],
      status: STATUS_NAMES[code] ?? 'UNKNOWN',
    },
  };
}

export function jobResource(input: {
  reference: JobReference;
  configuration: unknown;
  state: JobState;
  error?: ErrorProto;
  statistics: Omit<JobStatistics, 'creationTime'> & { creationTime?: string };
}): JobResource {
  const { reference } = input;
  return {
    kind: 'bigquery#job',
    id: `${reference.projectId}:${reference.location}.${reference.jobId}`,
    jobReference: reference,
    configuration: input.configuration,
    status: input.error ? { state: input.state, errorResult: input.error, errors: [input.error] } : { state: input.state },
    statistics: { creationTime: String(Date.now()), ...input.statistics },
  };
}

export function resultsPage(input: {
  kind?: QueryResultsPage['kind'];
  reference: JobReference;
  complete: boolean;
  fields?: TableFieldSchema[];
  rows?: WireRow[];
  totalRows?: number;
  pageToken?: string;
  totalBytesProcessed?: number;
  numDmlAffectedRows?: number;
}): QueryResultsPage {
  const page: QueryResultsPage = { kind: input.kind ?? 'bigquery#getQueryResultsResponse', jobReference: input.reference, jobComplete: input.complete };
  if (!input.complete) return page;
  if (input.fields) page.schema = { fields: input.fields };
  if (input.rows && input.rows.length > 0) page.rows = input.rows;
  if (input.totalRows !== undefined) page.totalRows = String(input.totalRows);
  if (input.pageToken) page.pageToken = input.pageToken;
  if (input.totalBytesProcessed !== undefined) page.totalBytesProcessed = String(input.totalBytesProcessed);
  if (input.numDmlAffectedRows !== undefined) page.numDmlAffectedRows = String(input.numDmlAffectedRows);
  page.cacheHit = false;
  return page;
}

export function cancelResponse(job: JobResource): { kind: 'bigquery#jobCancelResponse'; job: JobResource } {
  return { kind: 'bigquery#jobCancelResponse', job };
}
