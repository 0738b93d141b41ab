/**
 * The files of the demo workspace that are about the investigation rather than the
 * pipeline: `pipeline-lens.json`, the deployment history, BigQuery SQL, the README and the
 * engineer's handoff note.
 */
import { DEMO_FEATURES, FEATURE_COUNT } from './featureRegistry';
import { DEPLOYMENTS, PROCESSOR_DEPLOYS, PROCESSOR_SERVICE, SERVICE } from './deploymentPlan';
import { MODEL_ARTIFACTS } from './sources/models';

const short = (sha: string | undefined) => (sha ?? '').slice(0, 8);

export function pipelineLensConfig(): string {
  const config = {
    warehouse: {
      kind: 'embedded',
      files: {
        'nba_predictions.player_prop_predictions': 'data/player_prop_predictions.parquet',
        'nba_predictions.prediction_accuracy': 'data/prediction_accuracy.parquet',
        'nba_predictions.ml_feature_store_v2': 'data/ml_feature_store_v2.parquet',
        'nba_predictions.prediction_execution_log': 'data/prediction_execution_log.parquet',
        'nba_analytics.upcoming_player_game_context': 'data/upcoming_player_game_context.parquet',
      },
    },
    tables: {
      predictions: {
        table: 'nba_predictions.player_prop_predictions',
        partitionColumn: 'game_date',
        // The features the worker read, recorded with each prediction since the incident.
        columns: { featureSnapshot: 'critical_features' },
        featureSnapshotKeys: ['vegas_points_line', 'has_vegas_line', 'ppm_avg_last_10', 'team_win_pct'],
        // Each prediction read its player's feature row of the same game date: lineage across stages.
        featureJoin: { keys: { player_lookup: 'player_lookup' }, daysBefore: 0 },
        // The run mode is recorded on the feature store only: each prediction's is its feature row's.
        modeFrom: 'featureJoin',
      },
      graded: { table: 'nba_predictions.prediction_accuracy', partitionColumn: 'game_date' },
      featureStore: { table: 'nba_predictions.ml_feature_store_v2', partitionColumn: 'game_date' },
      executionLog: {
        table: 'nba_predictions.prediction_execution_log',
        partitionColumn: 'execution_start_timestamp',
        service: SERVICE,
        // The model file each run loaded: who "catboost_v9" was on each date.
        columns: { artifact: 'model_artifact' },
      },
      expected: { table: 'nba_analytics.upcoming_player_game_context', partitionColumn: 'game_date' },
    },
    features: {
      count: FEATURE_COUNT,
      registry: DEMO_FEATURES.map((f) => ({ index: f.index, name: f.name, description: f.description, minCoverage: f.minCoverage })),
    },
    services: [
      {
        name: SERVICE,
        paths: ['predictions/worker/**', 'shared/config/**'],
        deployments: { kind: 'file', path: 'deployments/prediction-worker.json' },
        deployCommand: 'bin/deploy-prediction-worker.sh',
      },
      {
        name: PROCESSOR_SERVICE,
        paths: ['data_processors/precompute/ml_feature_store/**'],
        deployments: { kind: 'file', path: 'deployments/feature-store-processor.json' },
        // The build each feature row records: its runs are not in the prediction execution log.
        table: 'featureStore',
      },
    ],
    thresholds: {},
    // The team's model registry: the artifact each id should run, and its holdout figures.
    models: {
      catboost_v8: {
        artifact: MODEL_ARTIFACTS.catboostV8,
        experiment: 'catboost_v8_2025_10',
        trainingWindow: { from: '2024-10-22', to: '2025-10-15' },
      },
      catboost_v9: {
        artifact: MODEL_ARTIFACTS.v9FebRetrain,
        experiment: 'V9_FEB_RETRAIN',
        trainingWindow: { from: '2025-11-02', to: '2026-01-31' },
        metrics: { mae: 4.12, hitRate: 0.746 },
        versions: [
          { artifact: MODEL_ARTIFACTS.v9January, experiment: 'catboost_v9_2026_01', trainingWindow: { from: '2025-10-01', to: '2026-01-04' } },
          {
            artifact: MODEL_ARTIFACTS.v9Variant,
            experiment: 'catboost_v9_2026_02',
            trainingWindow: { from: '2025-11-02', to: '2026-01-24' },
            metrics: { mae: 5.08, hitRate: 0.508 },
          },
        ],
      },
      similarity_balanced_v1: { artifact: MODEL_ARTIFACTS.similarity },
      zone_matchup_v1: { artifact: MODEL_ARTIFACTS.zone },
      catboost_v10: {
        artifact: 'gs://courtside-models/catboost_v10/v10_shot_zones_20260201.cbm',
        experiment: 'V10_SHOT_ZONES',
        trainingWindow: { from: '2025-11-02', to: '2026-01-31' },
        metrics: { mae: 4.05, hitRate: 0.731 },
      },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function deploymentsJson(shas: Record<string, string>): string {
  const last = DEPLOYMENTS[DEPLOYMENTS.length - 1];
  const rows = DEPLOYMENTS.map((d) => {
    const commit = shas[d.commitRole];
    if (!commit) throw new Error(`Deployment ${d.revision} names commit role ${d.commitRole}, which is not committed yet`);
    return { service: SERVICE, revision: d.revision, commit, createdAt: d.createdAt, trafficPercent: d === last ? 100 : 0 };
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function processorDeploymentsJson(shas: Record<string, string>): string {
  const last = PROCESSOR_DEPLOYS[PROCESSOR_DEPLOYS.length - 1];
  const rows = PROCESSOR_DEPLOYS.map((d) => {
    const commit = shas[d.commitRole];
    if (!commit) throw new Error(`Deployment ${d.revision} names commit role ${d.commitRole}, which is not committed yet`);
    return { service: PROCESSOR_SERVICE, revision: d.revision, commit, createdAt: d.at, trafficPercent: d === last ? 100 : 0 };
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function investigationSql(): Record<string, string> {
  return {
    'sql/hit_rate_by_build.sql': `-- Hit rate, MAE and sample size of one model per build (the code that produced the rows).
-- Graded = prediction_correct IS NOT NULL (NULL until graded, and for a push).
SELECT
  build_commit_sha,
  MIN(game_date) AS first_game_date,
  MAX(game_date) AS last_game_date,
  COUNT(*) AS rows_in_accuracy,
  COUNTIF(prediction_correct IS NOT NULL) AS graded,
  ROUND(100.0 * COUNTIF(prediction_correct) / NULLIF(COUNTIF(prediction_correct IS NOT NULL), 0), 1) AS hit_rate_pct,
  ROUND(AVG(IF(prediction_correct IS NOT NULL, ABS(predicted_points - actual_points), NULL)), 2) AS mae
FROM \`nba_predictions.prediction_accuracy\`
WHERE game_date BETWEEN @start_date AND @end_date
  AND system_id = @system_id
GROUP BY build_commit_sha
ORDER BY first_game_date;
`,
    'sql/vegas_coverage.sql': `-- Share of feature-store rows with a Vegas line (features[OFFSET(25)] = vegas_points_line),
-- per date and mode. A missing line is stored as 0.
SELECT
  game_date,
  feature_source_mode,
  COUNT(*) AS players,
  ROUND(100.0 * COUNTIF(features[OFFSET(25)] > 0) / COUNT(*), 1) AS vegas_coverage_pct,
  ROUND(100.0 * COUNTIF(features[OFFSET(8)] = 0) / COUNT(*), 1) AS usage_spike_zero_pct,
  ARRAY_AGG(DISTINCT IFNULL(vegas_line_source, 'none')) AS line_sources
FROM \`nba_predictions.ml_feature_store_v2\`
WHERE game_date BETWEEN @start_date AND @end_date
GROUP BY game_date, feature_source_mode
ORDER BY game_date, feature_source_mode;
`,
    'sql/execution_log_window.sql': `-- Every prediction run between two instants: which build and revision ran, in which mode,
-- for which game dates. The 2026-01-30 07:41-08:37 backfill is the one to look at.
SELECT
  execution_start_timestamp,
  execution_end_timestamp,
  feature_source_mode,
  deployment_revision,
  SUBSTR(build_commit_sha, 1, 8) AS build,
  system_id,
  game_date,
  players_predicted,
  pct_with_vegas_line,
  pct_with_ppm,
  status
FROM \`nba_predictions.prediction_execution_log\`
WHERE execution_start_timestamp BETWEEN @window_start AND @window_end
ORDER BY execution_start_timestamp, system_id;
`,
    'sql/grading_coverage.sql': `-- Predictions vs graded rows per model over a window (alert below 80% graded).
WITH predicted AS (
  SELECT system_id, COUNT(*) AS predictions
  FROM \`nba_predictions.player_prop_predictions\`
  WHERE game_date BETWEEN @start_date AND @end_date AND is_active
  GROUP BY system_id
), graded AS (
  SELECT system_id, COUNTIF(prediction_correct IS NOT NULL) AS graded
  FROM \`nba_predictions.prediction_accuracy\`
  WHERE game_date BETWEEN @start_date AND @end_date
  GROUP BY system_id
)
SELECT system_id, predictions, IFNULL(graded, 0) AS graded,
  ROUND(100.0 * IFNULL(graded, 0) / predictions, 1) AS graded_pct
FROM predicted LEFT JOIN graded USING (system_id)
ORDER BY predictions DESC;
`,
  };
}

export function workspaceReadme(): string {
  return `# Pipeline Lens demo: the January prediction regression

A generated workspace that reproduces a real incident of an NBA player-points prediction
pipeline (phases 1-6, BigQuery + a Cloud Run service called \`prediction-worker\`). Everything
here is synthetic but consistent: the git history, the deployments and five warehouse tables
(\`data/*.parquet\`, queried by the embedded engine) tell the same story.

**The question:** catboost_v8 hit 66% of its OVER/UNDER calls in the first week of January
and about 50% from January 9. Which code produced the bad numbers, was the fix deployed when
the backfill ran, and what did it do to the results?

## Layout
- \`predictions/worker/\`, \`shared/config/\`: the prediction-worker service (what
  \`pipeline-lens verify\` checks).
- \`data_processors/precompute/ml_feature_store/\`: the feature store (33 positional features).
- \`backfill_jobs/predictions/\`: the backfill script (it calls the *deployed* service).
- \`deployments/prediction-worker.json\`: the Cloud Run revisions and the commit each was built from.
- \`deployments/feature-store-processor.json\`: the feature store processor's deployments (a stage of its own).
- \`sql/\`: the queries the team ran (BigQuery SQL).
- \`docs/handoffs/\`: the engineer's handoff note, with the SHAs that matter.
- \`data/\`: the warehouse extract (not committed; regenerate the workspace to get it back).

## Investigate
\`\`\`sh
pipeline-lens investigate                         # ranked findings: what changed, when, with evidence
pipeline-lens commit <sha>                        # was this commit deployed, when, what ran without it
pipeline-lens verify --service prediction-worker  # may a backfill run now? (exit 1: stale)
\`\`\`
Open the folder in VS Code with the extension: every SHA in the handoff note and in
\`deployments/prediction-worker.json\` gets a CodeLens; \`features[OFFSET(25)]\` in \`sql/\`
shows its feature name.

Things to find: the fix committed 15 h 53 min before it was deployed; the backfill that ran
in between, on the old build; the Vegas-coverage red herring; three models called "v9";
grading too thin to trust some hit rates; and a worker commit on \`main\` that is not deployed.
`;
}

/**
 * The handoff note. `undeployed` is null for the committed version (written before the
 * last commit existed); the workspace's working tree gets the version with the morning
 * update that names it.
 */
export function handoffNote(shas: Record<string, string>, undeployed: string | null): string {
  const fix = short(shas.fix);
  const preFix = short(shas.preFixBuild);
  const v9 = short(shas.v9Retrain);
  const variant = short(shas.v9Variant);
  const vegasFix = short(shas.vegasSourceFix);
  const usageFix = short(shas.usageSpikeFix);
  const note = `# Handoff: catboost_v8 regression (Jan 9-30) and the v9 mix-up

*Dana Whitfield, 2026-02-02 evening (UTC). Tomás has the model side, Ravi the feature store.*

## TL;DR
- catboost_v8 went from **66.1%** (Jan 1-7) to **50.4%** (Jan 9-28). Root cause: the
  name-based feature loader that came with catboost_v9 in \`${preFix}\` (deployed Jan 8 21:40 as
  prediction-worker-00067-tz9) gave v8 the *defaults* for features 25-32 -
  has_vegas_line = 0.0, ppm = 0.4 - for every player. Errors of up to +29 points.
- The fix is \`${fix}\`, committed 2026-01-30 03:17 UTC. It was deployed at 19:10
  (prediction-worker-00069-wqf), **15 h 53 min later**.
- The backfill of Jan 9-28 ran 07:41-08:37 that morning, in between - so on ${preFix}, without
  the fix. It superseded the daily rows with the same bad predictions. It has to run again.
- Vegas coverage was a red herring: 37.5% of v8's predictions had a line in the feature
  store in the good week, 45.3% in the bad period. I lost two hours on it on Feb 1; grouping
  by \`build_commit_sha\` found the cause in minutes.

## Timeline (UTC)
| when | what |
|---|---|
| 2025-12-10 | backfill_mode widened from players with lines (150-200) to everyone with minutes (500+) |
| 2025-12-15 | usage_spike_score (feature 8) all zeros from here (fixed Jan 31 by ${usageFix}) |
| 2026-01-08 21:40 | ${preFix} deployed (catboost_v9, name-based loader) |
| 2026-01-09 | daily orchestration starts; v8 hit rate drops the same day |
| 2026-01-30 03:17 | fix \`${fix}\` committed |
| 2026-01-30 07:41-08:37 | backfill of Jan 9-28 on 00067-tz9 (old code) |
| 2026-01-30 19:10 | fix deployed, 00069-wqf |
| 2026-01-31 | Vegas source moved to phase 3: backfill-mode coverage 99.4% -> 43.4%. Fix \`${vegasFix}\` committed 22:15, **processor not redeployed yet** |
| 2026-02-01 11:32 | catboost_v9_2026_02 (${variant}) deployed by mistake - trained to Jan 24, MAE 5.08 |
| 2026-02-02 20:07 | V9_FEB_RETRAIN as catboost_v9, commit \`${v9}\`, revision prediction-worker-00072-5d8 |

## By build (catboost_v8)
| code | predictions | graded | hit rate |
|---|---|---|---|
| ${preFix} (before the fix) | 2,303 | 668 | 50.6% |
| ${fix} and later | 559 | 41 | 58.5% |

41 graded rows is not a result yet - the interval is roughly 43-72%. Don't quote 58.5%.

## Open items
1. Re-run the Jan 9-28 backfill **on a revision that contains ${fix}**, with
   \`--mark-superseded\`, then re-grade. Run \`pipeline-lens verify --service prediction-worker\`
   first; the runbook never said to check what is deployed.
2. Grading is thin for Jan 27 - Feb 2 (catboost_v8 364 graded, catboost_v9_2026_02 none).
3. Deploy the feature store processor so ${vegasFix} takes effect, then regenerate Jan 31 - Feb 2.
4. "v9" means three things: catboost_v9 rows before Feb 1 (Jan model), catboost_v9_2026_02
   (Feb 1-2, should never have run), catboost_v9 from Feb 2 20:07 (V9_FEB_RETRAIN, ${v9}).
   Compare them by build, not by system_id.
`;
  if (!undeployed) return note;
  return `${note}
## Update 2026-02-03 morning
Tomás pushed \`${short(undeployed)}\` (retry feature loads on transient BigQuery errors) at 09:55.
It touches \`predictions/worker/\` and is **not deployed**: 00072-5d8 still serves ${v9}. Verify
will say stale until ${short(undeployed)} is deployed (\`bin/deploy-prediction-worker.sh\`);
do not start the backfill re-run before that.
`;
}
