/**
 * One interface over every warehouse. Queries are written once, in BigQuery Standard SQL,
 * with named parameters (`@name`) whose types are declared: BigQuery needs the types for
 * NULL and empty arrays, DuckDB to bind DATE and LIST values.
 */

export type ScalarParamType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP';
export type ParamType = ScalarParamType | { array: ScalarParamType };

/**
 * Values as JavaScript sees them: DATE as `YYYY-MM-DD`, TIMESTAMP as an ISO-8601 string
 * or a Date, arrays as arrays, NULL as null.
 */
export type ParamValue = string | number | boolean | Date | null | Array<string | number | boolean | null>;

export interface SqlQuery {
  /** Catalog name, for logs and counting. */
  name: string;
  /** BigQuery Standard SQL with `@name` parameters. */
  sql: string;
  params: Record<string, ParamValue>;
  types: Record<string, ParamType>;
}

/**
 * Rows come back normalised, whatever the engine: DATE → `YYYY-MM-DD`, TIMESTAMP → ISO-8601
 * with `Z`, integers and decimals → number, BOOL → boolean, arrays → arrays, NULL → null.
 */
export type Row = Record<string, unknown>;

export interface QueryResult {
  rows: Row[];
  columns: string[];
  /** Bytes the engine scanned, when it says so. */
  bytesProcessed: number | null;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Called while a long query runs and while its result pages arrive. */
  onProgress?: (progress: QueryProgress) => void;
  /**
   * A person confirmed that this statement may change data (DML, DDL, scripts). Without it
   * every engine runs queries only; the embedded engine is read-only and refuses regardless.
   */
  writeConfirmed?: boolean;
  /** Bytes-billed cap for this query instead of the profile's (BigQuery only). */
  maximumBytesBilled?: number;
  /** Who set that cap, so a refusal names what to change: the command line's flag, or (default) the config. */
  maximumBytesBilledSource?: CapSource;
}

/** Where a bytes-billed cap came from: `warehouse.maximumBytesBilled` in pipeline-lens.json, or `query --max-bytes`. */
export type CapSource = 'config' | '--max-bytes';

export interface QueryProgress {
  /** Engine's id of the running job, when it has one. */
  jobId: string | null;
  state: 'running' | 'fetching';
  elapsedMs: number;
  /** Share of the work done (0-1) while running, when the engine says. */
  fraction: number | null;
  rowsFetched: number;
  /** Rows in the whole result, once known. */
  totalRows: number | null;
}

/** What the engine says a statement would do, without running it. */
export interface DryRunResult {
  /** Bytes the engine estimates it would scan (and bill); null when it cannot say. */
  bytesProcessed: number | null;
  /** The engine's name for the statement: SELECT, INSERT, CREATE_TABLE, SCRIPT... */
  statementType: string;
  /** Tables it would read, as `project.dataset.table` or `dataset.table`. */
  referencedTables: string[];
  /** The table a DML or DDL statement would change, when the engine names it. */
  targetTable: string | null;
}

export interface Warehouse {
  readonly kind: 'embedded' | 'bigquery';
  /** Human description for reports and errors, e.g. `embedded (3 files)`. */
  describe(): string;
  query(query: SqlQuery, options?: QueryOptions): Promise<QueryResult>;
  /** Asks the engine what the statement would do and cost; engines that cannot estimate leave it out. */
  dryRun?(query: SqlQuery, options?: Pick<QueryOptions, 'signal'>): Promise<DryRunResult>;
  close(): Promise<void>;
}

/** A failure a user can act on: `message` says what was wrong and what to do. */
export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly reason: string = 'error',
  ) {
    super(message);
    this.name = 'WarehouseError';
  }
}
