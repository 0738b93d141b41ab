import type {
  DeploymentTableColumns,
  ExecutionLogColumns,
  ExpectedColumns,
  FeatureStoreColumns,
  GradedColumns,
  PredictionColumns,
  ReadinessConfig,
  ThresholdsConfig,
} from './types';

/*
 * Column defaults are the names of the pipeline the product was first built around; any
 * other pipeline overrides them per table in pipeline-lens.json.
 */

export const DEFAULT_PREDICTION_COLUMNS: PredictionColumns = {
  entity: 'player_lookup',
  date: 'game_date',
  model: 'system_id',
  predicted: 'predicted_points',
  line: 'line_value',
  commit: 'build_commit_sha',
  revision: 'deployment_revision',
  createdAt: 'created_at',
  active: 'is_active',
  superseded: null,
  supersededAt: null,
  featureSnapshot: null,
  artifact: null,
  mode: null,
};

export const DEFAULT_GRADED_COLUMNS: GradedColumns = {
  entity: 'player_lookup',
  date: 'game_date',
  model: 'system_id',
  predicted: 'predicted_points',
  actual: 'actual_points',
  line: 'line_value',
  correct: 'prediction_correct',
  commit: 'build_commit_sha',
  active: null,
  superseded: null,
  supersededAt: null,
};

export const DEFAULT_FEATURE_STORE_COLUMNS: FeatureStoreColumns = {
  entity: 'player_lookup',
  date: 'game_date',
  features: 'features',
  mode: 'feature_source_mode',
  commit: 'build_commit_sha',
};

export const DEFAULT_EXECUTION_LOG_COLUMNS: ExecutionLogColumns = {
  runId: 'execution_id',
  commit: 'build_commit_sha',
  revision: 'deployment_revision',
  start: 'execution_start_timestamp',
  end: 'execution_end_timestamp',
  date: 'game_date',
  lastDate: null,
  model: 'system_id',
  rowsProduced: 'players_predicted',
  mode: 'feature_source_mode',
  status: 'status',
  stage: null,
  artifact: null,
};

export const DEFAULT_EXPECTED_COLUMNS: ExpectedColumns = {
  entity: 'player_lookup',
  date: 'game_date',
};

export const DEFAULT_DEPLOYMENT_TABLE_COLUMNS: DeploymentTableColumns = {
  service: 'service',
  revision: 'revision',
  commit: 'commit_sha',
  createdAt: 'created_at',
  trafficPercent: 'traffic_percent',
};

export const DEFAULT_THRESHOLDS: ThresholdsConfig = {
  hitRate: 0.55,
  gradingCoverage: 0.8,
  featureCoverage: 0.8,
  zeroRate: 0.9,
  featureStoreCompleteness: 0.95,
  highEdge: 5,
  directionSkew: 0.65,
  minSample: 30,
};

/** A week: the span over which the team reads grading coverage. */
export const DEFAULT_READINESS: ReadinessConfig = { gradingDays: 7 };

/** The name up to and including its version token: `catboost_v9_2026_02` → `catboost_v9`. */
export const DEFAULT_MODEL_FAMILY_PATTERN = '^.*?v\\d+';

/** The profile name of a config's single `warehouse`. */
export const DEFAULT_WAREHOUSE_PROFILE = 'default';

export const CONFIG_FILE_NAME = 'pipeline-lens.json';
