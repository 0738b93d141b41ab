/** How the pipeline is deployed and scheduled: the deploy script and the daily orchestration. */
export function deployScript(): string {
  return `#!/usr/bin/env bash
# Builds prediction-worker from the current checkout and deploys it to Cloud Run.
# BUILD_COMMIT is what ends up in every prediction row: deploy only committed code.
set -euo pipefail

cd "$(git rev-parse --show-toplevel)"
if [[ -n "$(git status --porcelain -- predictions/worker shared/config)" ]]; then
  echo "Uncommitted changes under predictions/worker or shared/config: commit them first." >&2
  exit 1
fi

PROJECT="\${PROJECT:-courtside-prod}"
REGION="\${REGION:-us-west2}"
COMMIT="$(git rev-parse HEAD)"
IMAGE="\${REGION}-docker.pkg.dev/\${PROJECT}/pipeline/prediction-worker:\${COMMIT:0:12}"

docker build -f predictions/worker/Dockerfile --build-arg "BUILD_COMMIT=\${COMMIT}" -t "\${IMAGE}" .
docker push "\${IMAGE}"
gcloud run deploy prediction-worker \\
  --project "\${PROJECT}" --region "\${REGION}" \\
  --image "\${IMAGE}" \\
  --set-env-vars "BUILD_COMMIT=\${COMMIT}" \\
  --quiet
gcloud run revisions list --service prediction-worker --project "\${PROJECT}" --region "\${REGION}" --limit 3
`;
}

export function orchestrationYaml(): string {
  return `# Cloud Scheduler → Workflows: phase 5 every day once the feature store is written.
name: daily-predictions
schedule: "0 15 * * *"   # 15:00 UTC, before the first tip-off
timeZone: Etc/UTC
steps:
  - check_feature_store:
      call: http.post
      args:
        url: https://feature-store-check-7q2kdl3x5a-wl.a.run.app/check
        body: { game_date: \${today}, min_completeness: 0.95 }
  - predict:
      call: http.post
      args:
        url: https://prediction-worker-7q2kdl3x5a-wl.a.run.app/predict
        auth: { type: OIDC }
        body:
          game_date: \${today}
          mode: daily
          orchestration_run_id: \${sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")}
`;
}
