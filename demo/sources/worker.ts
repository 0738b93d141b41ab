/**
 * prediction-worker's source, image and requirements (Cloud Run service of phase 5). Like
 * every file under sources/, written to be read in the demo's history, never run.
 */
import { atLeast } from './stages';

export type WorkerStage = 'initial' | 'similarityZone' | 'earlyBuild' | 'preFix' | 'fix';

const WORKER_ORDER: WorkerStage[] = ['initial', 'similarityZone', 'earlyBuild', 'preFix', 'fix'];

export function workerPy(stage: WorkerStage): string {
  const since = (s: WorkerStage) => atLeast(WORKER_ORDER, stage, s);
  const loadVectors = since('preFix') ? `    vectors = loader.vectors(game_date, players, model)` : `    vectors = loader.positional_vectors(game_date, players)`;
  const zones = since('similarityZone')
    ? `
    zones = loader.shot_zone_profiles(game_date, players) if model.needs_shot_zones else {}`
    : '';
  const zoneArg = since('similarityZone') ? ', zones.get(player)' : '';
  const ensemble = since('earlyBuild')
    ? `
        if model.kind == "ensemble":
            predicted = model.combine(member_predictions.get(player, {}))
        else:
            predicted = float(model.predict(vector.values${zoneArg}))`
    : `
        predicted = float(model.predict(vector.values${zoneArg}))`;
  const defaultsGuard = since('fix')
    ? `
        if vector.defaults_used:
            # A default in 25-32 means the line or ppm join failed for this player: predicting
            # anyway is how has_vegas_line = 0.0 and ppm = 0.4 produced +29-point errors.
            errors.append(f"{player}: defaults used for {', '.join(vector.defaults_used)}")
            continue`
    : '';
  const memberBookkeeping = since('earlyBuild')
    ? `
        member_predictions.setdefault(player, {})[model.system_id] = predicted`
    : '';
  const memberInit = since('earlyBuild') ? `\nmember_predictions = {}  # player -> {system_id: points}, filled by base models first\n` : '';
  return `"""prediction-worker: the Cloud Run service of phase 5.

Reads tonight's rows of nba_predictions.ml_feature_store_v2, runs every registered model
(shared/config/models.py) and writes nba_predictions.player_prop_predictions plus one row
per model and game date in nba_predictions.prediction_execution_log.

Backfills call this same service with mode=backfill: they run whatever revision is
deployed, not what is in git.
"""
import datetime as dt
import json
import logging
import os
import uuid

from flask import Flask, jsonify, request
from google.cloud import bigquery

from predictions.worker.feature_loader import FeatureLoader
from shared.config.models import active_models

BUILD_COMMIT = os.environ.get("BUILD_COMMIT", "unknown")
K_REVISION = os.environ.get("K_REVISION", "local")
PROJECT = os.environ.get("GCP_PROJECT", "courtside-prod")

PREDICTIONS_TABLE = "nba_predictions.player_prop_predictions"
EXECUTION_LOG_TABLE = "nba_predictions.prediction_execution_log"

app = Flask(__name__)
log = logging.getLogger("prediction-worker")
bq = bigquery.Client(project=PROJECT)
loader = FeatureLoader(bq)
${memberInit}

def recommend(predicted, line, min_edge=0.5):
    if line is None:
        return "PASS"
    edge = predicted - line
    if abs(edge) < min_edge:
        return "PASS"
    return "OVER" if edge > 0 else "UNDER"


@app.post("/predict")
def predict():
    body = request.get_json(force=True)
    game_date = dt.date.fromisoformat(body["game_date"])
    mode = body.get("mode", "daily")
    batch_id = body.get("batch_id") or f"{mode}-{game_date.isoformat()}"
    wanted = set(body.get("system_ids") or [])
    results = []
    for model in active_models():
        if wanted and model.system_id not in wanted:
            continue
        results.append(run_model(model, game_date, mode, batch_id, body.get("orchestration_run_id")))
    return jsonify(results)


def run_model(model, game_date, mode, batch_id, orchestration_run_id):
    started = dt.datetime.now(dt.timezone.utc)
    players = loader.players_with_lines(game_date)
${loadVectors}${zones}
    rows, errors = [], []
    for player, vector in vectors.items():${defaultsGuard}${ensemble}${memberBookkeeping}
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        rows.append({
            "player_lookup": player,
            "game_date": game_date.isoformat(),
            "system_id": model.system_id,
            "predicted_points": round(predicted, 1),
            "line_value": vector.line,
            "recommendation": recommend(predicted, vector.line),
            "confidence_score": model.confidence(vector.values, predicted, vector.line),
            "created_at": now,
            "is_active": True,
            "superseded": False,
            "build_commit_sha": BUILD_COMMIT,
            "deployment_revision": K_REVISION,
            "predicted_at": now,
            "critical_features": json.dumps(vector.critical()),
        })
    if rows:
        bq.insert_rows_json(PREDICTIONS_TABLE, rows)
    finished = dt.datetime.now(dt.timezone.utc)
    log_row = {
        "execution_id": str(uuid.uuid4()),
        "batch_id": batch_id,
        "build_commit_sha": BUILD_COMMIT,
        "deployment_revision": K_REVISION,
        "execution_start_timestamp": started.isoformat(),
        "execution_end_timestamp": finished.isoformat(),
        "duration_seconds": (finished - started).total_seconds(),
        "game_date": game_date.isoformat(),
        "system_id": model.system_id,
        "players_requested": len(players),
        "players_predicted": len(rows),
        "status": "success" if not errors else ("partial" if rows else "failed"),
        "error_message": "; ".join(errors[:5]) or None,
        "error_count": len(errors),
        "avg_feature_quality_score": loader.quality_score(vectors),
        "pct_with_vegas_line": loader.pct_with(vectors, "vegas_points_line"),
        "pct_with_ppm": loader.pct_with(vectors, "ppm_avg_last_10"),
        "pct_with_shot_zones": loader.pct_with_shot_zones(vectors),
        "feature_source_mode": mode,
        "orchestration_run_id": orchestration_run_id,
    }
    bq.insert_rows_json(EXECUTION_LOG_TABLE, [log_row])
    log.info("%s %s: %d predicted, %d errors", model.system_id, game_date, len(rows), len(errors))
    return log_row
`;
}

export function workerDockerfile(): string {
  return `# prediction-worker image. BUILD_COMMIT is stamped by bin/deploy-prediction-worker.sh and
# written into every prediction and execution-log row.
FROM python:3.11-slim

ARG BUILD_COMMIT=unknown
ENV BUILD_COMMIT=\${BUILD_COMMIT} \\
    PYTHONUNBUFFERED=1 \\
    PORT=8080

WORKDIR /app
COPY predictions/worker/requirements.txt /app/requirements.txt
RUN pip install --no-cache-dir -r /app/requirements.txt

COPY shared/ /app/shared/
COPY predictions/ /app/predictions/

CMD exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 900 predictions.worker.worker:app
`;
}

export function workerRequirements(): string {
  return `flask==3.0.3
gunicorn==22.0.0
google-cloud-bigquery==3.25.0
catboost==1.2.5
numpy==1.26.4
pandas==2.2.2
`;
}
