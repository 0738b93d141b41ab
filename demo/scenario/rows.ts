/** The demo's tables, row by row, as written to Parquet (timestamps are UTC epoch milliseconds). */
export interface PredictionRow {
  player_lookup: string;
  game_date: string;
  system_id: string;
  predicted_points: number;
  line_value: number;
  recommendation: 'OVER' | 'UNDER' | 'PASS';
  confidence_score: number;
  created_at: number;
  is_active: boolean;
  superseded: boolean;
  superseded_at: number | null;
  superseded_reason: string | null;
  build_commit_sha: string;
  deployment_revision: string;
  predicted_at: number;
  critical_features: string;
}

export interface AccuracyRow {
  player_lookup: string;
  game_date: string;
  system_id: string;
  predicted_points: number;
  actual_points: number | null;
  line_value: number;
  prediction_correct: boolean | null;
  confidence_score: number;
  build_commit_sha: string;
  critical_features: string;
}

export interface FeatureRow {
  player_lookup: string;
  game_date: string;
  features: number[];
  build_commit_sha: string;
  feature_source_mode: 'daily' | 'backfill';
  vegas_line_source: string | null;
}

export interface ExecutionRow {
  execution_id: string;
  batch_id: string;
  build_commit_sha: string;
  deployment_revision: string;
  execution_start_timestamp: number;
  execution_end_timestamp: number;
  duration_seconds: number;
  game_date: string;
  system_id: string;
  players_requested: number;
  players_predicted: number;
  status: string;
  error_message: string | null;
  error_count: number;
  avg_feature_quality_score: number | null;
  pct_with_vegas_line: number | null;
  pct_with_ppm: number | null;
  pct_with_shot_zones: number | null;
  feature_source_mode: 'daily' | 'backfill';
  orchestration_run_id: string | null;
  /** The model file the run loaded (null for ensembles and baselines). */
  model_artifact: string | null;
}

export interface ExpectedRow {
  player_lookup: string;
  game_date: string;
  game_id: string;
  team_abbr: string;
  opponent_team_abbr: string;
  current_points_line: number | null;
}

export interface ScenarioTables {
  predictions: PredictionRow[];
  accuracy: AccuracyRow[];
  featureStore: FeatureRow[];
  executionLog: ExecutionRow[];
  expected: ExpectedRow[];
}

/** How closely the constructed groups met their MAE / std targets (for the README and tests). */
export interface CalibrationReport {
  group: string;
  graded: number;
  mae: number;
  std: number;
  targetMae: number;
  targetStd: number;
}
