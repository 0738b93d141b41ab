/** The repository's .gitignore, architecture note and backfill runbook. */
export function gitignore(): string {
  return `# Local warehouse extracts (Parquet) are never committed.
data/
__pycache__/
*.pyc
.venv/
.env
`;
}

export function architectureDoc(): string {
  return `# Prediction pipeline

| phase | job | writes |
|---|---|---|
| 1 | scrapers | \`nba_raw.*\` (box scores, \`odds_api_player_points_props\`, \`bettingpros_player_points_props\`) |
| 2 | analytics | \`nba_analytics.player_game_summary\` |
| 3 | context | \`nba_analytics.upcoming_player_game_context\` (players expected tonight, with their line) |
| 4 | precompute | \`nba_precompute.player_daily_cache\`, \`player_composite_factors\`, \`nba_predictions.ml_feature_store_v2\` |
| 5 | prediction-worker (Cloud Run, us-west2) | \`nba_predictions.player_prop_predictions\`, \`prediction_execution_log\` |
| 6 | grading | \`nba_predictions.prediction_accuracy\` |

- The feature store holds 33 positional features per (player_lookup, game_date); the list
  is in \`predictions/worker/feature_loader.py\` (\`FEATURE_NAMES\`).
- Every prediction row carries \`build_commit_sha\` (the worker's \`BUILD_COMMIT\`) and
  \`deployment_revision\` (\`K_REVISION\`).
- Deploy the worker with \`bin/deploy-prediction-worker.sh\`.
`;
}

export function backfillRunbook(): string {
  return `# Runbook: backfilling predictions

1. Fix the cause and merge it.
2. Regenerate the feature store for the dates if features changed
   (\`feature_store_processor.py --date D --backfill-mode\`).
3. Run \`backfill_jobs/predictions/backfill_predictions.py\` for each date.
4. Re-run grading for the dates.

The backfill calls the deployed prediction-worker: it runs the code of the revision that
serves traffic, whatever your checkout says.
`;
}
