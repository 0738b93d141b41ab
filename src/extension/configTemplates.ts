/**
 * Starting points for pipeline-lens.json. Column names are left to their defaults (the
 * names docs/configuration.md lists); a pipeline with other names overrides them per
 * table. Every template is checked against the schema and the loader by a unit test.
 *
 * A template is written before any warehouse is read, so it cannot count the build columns
 * a warehouse holds: instead every table a template configures that carries a build column
 * by default gets its stage. A stage left without `deployments` has them inferred from its
 * table's build column (marked so, and never enough for verify) until a real record is set.
 */
export interface ConfigTemplate {
  id: 'bigquery' | 'embedded';
  label: string;
  detail: string;
  config: Record<string, unknown>;
}

const TABLES = {
  predictions: { table: 'nba_predictions.player_prop_predictions', partitionColumn: 'game_date' },
  graded: { table: 'nba_predictions.prediction_accuracy', partitionColumn: 'game_date' },
  featureStore: { table: 'nba_predictions.ml_feature_store_v2', partitionColumn: 'game_date' },
  executionLog: { table: 'nba_predictions.prediction_execution_log', partitionColumn: 'execution_start_timestamp', service: 'prediction-worker' },
};

const FEATURES = {
  count: 33,
  registry: [{ index: 25, name: 'vegas_points_line', description: 'Bookmaker points line (0 when missing)', minCoverage: 0.8 }],
};

const THRESHOLDS = { hitRate: 0.55, gradingCoverage: 0.8, featureCoverage: 0.8, minSample: 30 };

export const CONFIG_TEMPLATES: ConfigTemplate[] = [
  {
    id: 'bigquery',
    label: 'BigQuery + Cloud Run',
    detail:
      'Tables in BigQuery (Application Default Credentials), revisions read from Cloud Run; the feature store is a stage of its own, its deployments inferred from its build column until you record them. Edit project, location, tables and service paths.',
    config: {
      warehouse: { kind: 'bigquery', project: 'my-gcp-project', location: 'US', maximumBytesBilled: 10737418240 },
      tables: TABLES,
      features: FEATURES,
      services: [
        {
          name: 'prediction-worker',
          paths: ['predictions/worker/**'],
          deployments: { kind: 'cloudRun', project: 'my-gcp-project', region: 'us-west2', commitEnv: 'BUILD_COMMIT' },
          deployCommand: 'bin/deploy-prediction-worker.sh',
        },
        // The feature store's build column (columns.commit) is stamped by its own stage.
        { name: 'feature-store-processor', paths: ['data_processors/precompute/ml_feature_store/**'], table: 'featureStore' },
      ],
      thresholds: THRESHOLDS,
    },
  },
  {
    id: 'embedded',
    label: 'Embedded (local Parquet, CSV or NDJSON exports)',
    detail: 'No cloud access: DuckDB reads exported files. Point "files" at your exports and the deployments at a JSON file.',
    config: {
      warehouse: {
        kind: 'embedded',
        files: {
          'nba_predictions.player_prop_predictions': 'exports/player_prop_predictions.parquet',
          'nba_predictions.prediction_accuracy': 'exports/prediction_accuracy.parquet',
        },
      },
      tables: { predictions: TABLES.predictions, graded: TABLES.graded },
      features: FEATURES,
      services: [
        {
          name: 'prediction-worker',
          paths: ['predictions/worker/**'],
          deployments: { kind: 'file', path: 'deployments/prediction-worker.json' },
          deployCommand: 'bin/deploy-prediction-worker.sh',
        },
      ],
      thresholds: THRESHOLDS,
    },
  },
];

/** The file's text (VS Code validates it against the bundled schema as it is edited: contributes.jsonValidation). */
export function templateText(template: ConfigTemplate): string {
  return `${JSON.stringify(template.config, null, 2)}\n`;
}
