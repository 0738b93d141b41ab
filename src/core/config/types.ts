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
  /** Where pipeline-lens.json sets it, for messages: `warehouse`, or `warehouses.staging` for a profile. */
  configKey?: string;
}

export type WarehouseConfig = EmbeddedWarehouseConfig | BigQueryWarehouseConfig;

/*
 * Columns typed `string | null` are optional: `null` says the table has no such column, and
 * every detector that needs it reports "not checked" instead of guessing.
 */

export interface PredictionColumns {
  entity: string;
  date: string;
  model: string;
  /** Predicted value, a number. */
  predicted: string | null;
  /** The line a prediction is compared with (over/under), a number. */
  line: string | null;
  /** SHA of the build that produced the row. */
  commit: string | null;
  revision: string | null;
  /** When the row was written (TIMESTAMP): the prediction time. */
  createdAt: string | null;
  /** Boolean column; rows where it is FALSE were superseded and are not counted. */
  active: string | null;
  /** Boolean column; rows where it is TRUE were superseded and are not counted. */
  superseded: string | null;
  /** TIMESTAMP column; rows where it is set were superseded and are not counted. */
  supersededAt: string | null;
  /** JSON object of feature values the model read at prediction time, e.g. `{"has_vegas_line": 0}`. */
  featureSnapshot: string | null;
  /** The model file (path or registry URI) that made the row: who "catboost_v9" really was. */
  artifact: string | null;
  /** How the run that wrote the row ran (e.g. daily or backfill): the groups a hit-rate shift is decomposed over. */
  mode: string | null;
}

export interface GradedColumns {
  entity: string;
  date: string;
  model: string;
  predicted: string | null;
  actual: string | null;
  line: string | null;
  /** Boolean column, NULL until graded (or for a push). */
  correct: string;
  /** Without it, graded rows take the build of their prediction (same entity, date and model). */
  commit: string | null;
  active: string | null;
  superseded: string | null;
  supersededAt: string | null;
}

export interface FeatureStoreColumns {
  entity: string;
  date: string;
  /** The column holding every feature (array, JSON text or delimited text); null for one column per feature. */
  features: string | null;
  mode: string | null;
  commit: string | null;
}

/** How the feature store holds a row's features. */
export type FeatureStorage =
  | { kind: 'array' }
  | { kind: 'jsonArray' }
  | { kind: 'delimited'; delimiter: string }
  /** One column per feature (a wide table): each registry entry names its column. */
  | { kind: 'columns' };

export interface ExecutionLogColumns {
  runId: string;
  commit: string;
  revision: string | null;
  start: string;
  /** TIMESTAMP; without it a run ends when it started. */
  end: string | null;
  /** The date the run produced results for, or the first date of its range. */
  date: string;
  /** The last date of the run's range, when a row covers several dates. */
  lastDate: string | null;
  model: string | null;
  rowsProduced: string | null;
  mode: string | null;
  status: string | null;
  /** Which stage (a service's name) each run belongs to, when several share one log. */
  stage: string | null;
  /** The model file (path or registry URI) the run loaded for its model. */
  artifact: string | null;
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
  /** How the date column holds its day; absent means a DATE. */
  day?: DayRule;
  /** Predictions and graded tables: the value the line column holds when there is no line (e.g. 0); absent: only NULL. */
  lineMissingAs?: number;
}

/*
 * Table time settings (`dateType`, `timeZone` beside `columns`): a pipeline whose "day" is
 * a TIMESTAMP, or a day in a time zone, is bucketed by that day on every engine.
 */

/** How a table's date column holds its day. */
export interface DayRule {
  /** DATE: the day itself; TIMESTAMP: an instant; DATETIME: wall-clock time read as UTC. */
  type: 'DATE' | 'TIMESTAMP' | 'DATETIME';
  /** IANA zone whose calendar days instants are bucketed by (UTC unless configured). */
  timeZone: string;
}

export interface PredictionsTableConfig extends TableConfig<PredictionColumns> {
  /** Keys of `columns.featureSnapshot` to read, each a feature's name at prediction time. */
  featureSnapshotKeys: string[];
  /** How a prediction row joins to the feature-store row it read; null: lineage to the feature build is not checked. */
  featureJoin: FeatureJoin | null;
  /**
   * Where each prediction's run mode is read: `columns` is `columns.mode` (null: not recorded);
   * `featureJoin` is the feature store's `columns.mode` on the row `featureJoin` reaches.
   */
  modeFrom: 'columns' | 'featureJoin';
}

/** A prediction's feature row: the same keys, dated `daysBefore` days before the prediction's date. */
export interface FeatureJoin {
  /** Pairs of (predictions column, feature-store column) holding the same key. */
  keys: Array<{ prediction: string; feature: string }>;
  daysBefore: number;
}

export interface FeatureStoreTableConfig extends TableConfig<FeatureStoreColumns> {
  storage: FeatureStorage;
}

export interface ExecutionLogTableConfig extends TableConfig<ExecutionLogColumns> {
  service: string | null;
  /**
   * Modes whose runs regenerate past dates (backfill, rebuild, rescore…), compared without
   * case; null means any mode whose name says so (backfill, rerun, replay, rebuild…).
   */
  backfillModes: string[] | null;
}

export interface TablesConfig {
  predictions: PredictionsTableConfig;
  graded: TableConfig<GradedColumns>;
  featureStore: FeatureStoreTableConfig | null;
  executionLog: ExecutionLogTableConfig | null;
  /** Who was expected to get a prediction on a date: the denominator of completeness. */
  expected: TableConfig<ExpectedColumns> | null;
}

export interface FeatureDefinition {
  /** Position in the features array; for one column per feature, the entry's own number. */
  index: number;
  /** The feature's column when the store has one column per feature, else null. */
  column: string | null;
  name: string;
  description: string;
  /** Minimum share of rows where the value is > 0 before coverage is reported as low. */
  minCoverage: number | null;
}

export interface FeaturesConfig {
  /** Length of the features array (for one column per feature: the number of feature columns). */
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

export interface WarehouseDeploymentConfig {
  kind: 'warehouse';
  table: string;
  /** Column the table is partitioned on; the query then reads its last `lookbackDays`. */
  partitionColumn: string | null;
  lookbackDays: number;
  columns: DeploymentTableColumns;
  servingRule: ServingRule;
}

export interface ExecutionLogDeploymentConfig {
  kind: 'executionLog';
  /** How far back the log is read: the window its partition filter scans. */
  lookbackDays: number;
  servingRule: ServingRule;
}

/**
 * No deployment record at all: a stage that stamps a table gets its deployments inferred
 * from the first day (or time) each build value appears in that table's build column. Never
 * configured, only filled in; what serves now is never known from it.
 */
export interface BuildColumnDeploymentConfig {
  kind: 'buildColumn';
  table: StageTable;
  /** Where, in words for messages: `ds.features.build_sha, the first day each build appears`. */
  describe: string;
}

export type DeploymentSourceConfig =
  { kind: 'file'; path: string; servingRule: ServingRule } | WarehouseDeploymentConfig | CloudRunDeploymentConfig | ExecutionLogDeploymentConfig | BuildColumnDeploymentConfig;

/** Tables whose rows a stage stamps with its build (their `columns.commit`). */
export type StageTable = 'predictions' | 'graded' | 'featureStore';

export interface ServiceConfig {
  name: string;
  /** Globs relative to the repository root: the code this service runs. */
  paths: string[];
  deployments: DeploymentSourceConfig | null;
  /** Shown when a verification finds the service stale. */
  deployCommand: string | null;
  /**
   * The table whose build column this stage stamps: rows it wrote on a build lacking a
   * commit are the stage's gap when the execution log does not record its runs.
   */
  table: StageTable | null;
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

/*
 * Model identity: what the team's registry says each model id is. The tables say which
 * artifact actually served (tables.*.columns.artifact); the findings compare the two.
 */

export interface ModelArtifact {
  /** Path or registry URI of the model file, compared exactly with what the tables record. */
  artifact: string;
  experiment: string | null;
  /** Dates the model was trained on, inclusive `YYYY-MM-DD`. */
  trainingWindow: { from: string; to: string } | null;
  /** Offline (holdout) figures, by name: `mae`, `hitRate` (a share), anything else numeric. */
  metrics: Record<string, number>;
}

export interface ModelRegistryEntry extends ModelArtifact {
  model: string;
  /** Other artifacts of this model the team knows of (earlier or rejected trainings), with their own figures. */
  versions: ModelArtifact[];
}

/** The named warehouses of a workspace (production, staging…) and the one in use. */
export interface WarehouseProfiles {
  /** Profile name → warehouse; the single `warehouse` of a config without `warehouses` is the profile `default`. */
  byName: Record<string, WarehouseConfig>;
  defaultName: string;
  /** The profile `warehouse` is; the default unless one was selected. */
  active: string;
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
  /** The models the team reads first, in order (`primaryModels`); empty: the most graded lead. */
  primaryModels: string[];
  /** The model registry (`models`); empty when the config has none. */
  models: ModelRegistryEntry[];
  /** The warehouse profiles; `warehouse` is the active one. */
  warehouseProfiles: WarehouseProfiles;
  readiness: ReadinessConfig;
}
