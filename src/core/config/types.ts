/**
 * The resolved configuration of a workspace: `pipeline-lens.json` with every default
 * filled in and every path made absolute. Nothing here names a particular domain: the
 * column defaults are only the names the first pipeline used, and any of them can be
 * overridden per table.
 */

export interface EmbeddedWarehouseConfig {
  kind: 'embedded';
  /** A DuckDB database file, opened read-only. */
  database?: string;
  /** Table name as written in queries (`dataset.table`) → Parquet, CSV or NDJSON file(s). */
  files?: Record<string, string>;
}

export interface BigQueryWarehouseConfig {
  kind: 'bigquery';
  /** Project the query jobs run (and are billed) in. */
  project: string;
  /** Where the datasets live and jobs run, e.g. `US`, `EU`, `us-central1`. */
  location: string;
  /**
   * Another endpoint than Google's, for emulators and tests. Whether it is used, and with
   * credentials, is decided by the user's allowed hosts (see credentials/endpointPolicy).
   */
  apiEndpoint: string | null;
  /** Sent on every job: BigQuery fails a job that would bill more instead of running it. */
  maximumBytesBilled: number;
  /** Absolute path of a service-account key; null means Application Default Credentials. */
  keyFilename: string | null;
  /** How long one request may go unanswered before the call is abandoned and its job cancelled. */
  requestTimeoutSeconds: number;
  /** How long one query may run, polls included, before its job is cancelled. */
  queryTimeoutSeconds: number;
}

export type WarehouseConfig = EmbeddedWarehouseConfig | BigQueryWarehouseConfig;

export interface PredictionColumns {
  entity: string;
  date: string;
  model: string;
  predicted: string;
  line: string;
  commit: string;
  revision: string;
  createdAt: string;
  /** Boolean column; rows where it is FALSE were superseded and are not counted. */
  active: string | null;
}

export interface GradedColumns {
  entity: string;
  date: string;
  model: string;
  predicted: string;
  actual: string;
  line: string;
  /** Boolean column, NULL until graded (or for a push). */
  correct: string;
  commit: string;
}

export interface FeatureStoreColumns {
  entity: string;
  date: string;
  /** ARRAY<FLOAT64>, read positionally. */
  features: string;
  mode: string | null;
  commit: string | null;
}

export interface ExecutionLogColumns {
  runId: string;
  commit: string;
  revision: string | null;
  start: string;
  end: string;
  date: string;
  model: string | null;
  rowsProduced: string | null;
  mode: string | null;
  status: string | null;
}

export interface ExpectedColumns {
  entity: string;
  date: string;
}

export interface DeploymentTableColumns {
  service: string;
  revision: string;
  commit: string;
  createdAt: string;
  trafficPercent: string | null;
}

export interface TableConfig<C> {
  /** Fully qualified as queries write it, e.g. `dataset.table`. */
  table: string;
  /** Column the table is partitioned on; every built-in query filters on it. */
  partitionColumn: string | null;
  columns: C;
}

export interface TablesConfig {
  predictions: TableConfig<PredictionColumns>;
  graded: TableConfig<GradedColumns>;
  featureStore: TableConfig<FeatureStoreColumns> | null;
  executionLog: (TableConfig<ExecutionLogColumns> & { service: string | null }) | null;
  /** Who was expected to get a prediction on a date: the denominator of completeness. */
  expected: TableConfig<ExpectedColumns> | null;
}

export interface FeatureDefinition {
  index: number;
  name: string;
  description: string;
  /** Minimum share of rows where the value is > 0 before coverage is reported as low. */
  minCoverage: number | null;
}

export interface FeaturesConfig {
  /** Length of the features array. */
  count: number;
  registry: FeatureDefinition[];
}

export interface CloudRunDeploymentConfig {
  kind: 'cloudRun';
  project: string;
  region: string;
  /** The Cloud Run service's name (default: the name of the service in pipeline-lens.json). */
  service: string | null;
  /** Environment variable of the revision's containers that holds the commit. */
  commitEnv: string;
  /** Label holding the commit, read when the variable is absent. */
  commitLabel: string | null;
  /** Another endpoint than Google's, for tests; used as credentials/endpointPolicy decides. */
  apiEndpoint: string | null;
  /** `auto`: the Admin API, or `gcloud` when Application Default Credentials are not set up. */
  useGcloud: 'auto' | 'always' | 'never';
}

/**
 * How a source that may not record traffic is read. `traffic` (default): only recorded
 * shares say what serves. `newest`: when no revision records a share, the newest ready
 * revision serves all traffic, an assumption the user makes explicitly and every verdict
 * resting on it repeats.
 */
export type ServingRule = 'traffic' | 'newest';

export interface ExecutionLogDeploymentConfig {
  kind: 'executionLog';
  /** How far back the log is read: the window its partition filter scans. */
  lookbackDays: number;
  servingRule: ServingRule;
}

export type DeploymentSourceConfig =
  | { kind: 'file'; path: string; servingRule: ServingRule }
  | { kind: 'warehouse'; table: string; columns: DeploymentTableColumns; servingRule: ServingRule }
  | CloudRunDeploymentConfig
  | ExecutionLogDeploymentConfig;

export interface ServiceConfig {
  name: string;
  /** Globs relative to the repository root: the code this service runs. */
  paths: string[];
  deployments: DeploymentSourceConfig | null;
  /** Shown when a verification finds the service stale. */
  deployCommand: string | null;
}

export interface ThresholdsConfig {
  hitRate: number;
  gradingCoverage: number;
  featureCoverage: number;
  zeroRate: number;
  featureStoreCompleteness: number;
  /** |predicted - line| at or above which a prediction counts as high-edge. */
  highEdge: number;
  /** Share of one direction in a day's calls above which the day is skewed. */
  directionSkew: number;
  /** Smallest number of graded rows a comparison needs before it is reported. */
  minSample: number;
}

/** What `check --date D` asks of the days before D. */
export interface ReadinessConfig {
  /** How many days before D must be graded to the gradingCoverage threshold. */
  gradingDays: number;
}

export interface PipelineLensConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Absolute directory of the config file; relative paths in it resolve from here. */
  root: string;
  /** Absolute path of the git repository the services are built from. */
  repository: string;
  warehouse: WarehouseConfig;
  tables: TablesConfig;
  features: FeaturesConfig;
  services: ServiceConfig[];
  thresholds: ThresholdsConfig;
  /** Names that make model ids of one family, e.g. `catboost_v9` and `catboost_v9_2026_02`. */
  modelFamilyPattern: string;
  readiness: ReadinessConfig;
}
