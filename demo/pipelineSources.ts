/**
 * Source files of the demo pipeline, one function per file, each taking the stage of the
 * history it is written at. The code is there to be read (CodeLens, hovers, `git log -p`),
 * never run, so it is plausible Python rather than a working service; what matters is that
 * each commit changes what its message says and that the bug and its fix are visible.
 */
import { DEMO_FEATURES } from './featureRegistry';

const featureNameList = DEMO_FEATURES.map((f) => `    "${f.name}",  # ${f.index}`).join('\n');

export type WorkerStage = 'initial' | 'similarityZone' | 'earlyBuild' | 'preFix' | 'fix';

const WORKER_ORDER: WorkerStage[] = ['initial', 'similarityZone', 'earlyBuild', 'preFix', 'fix'];
const atLeast = <T>(order: T[], stage: T, since: T) => order.indexOf(stage) >= order.indexOf(since);

export function workerPy(stage: WorkerStage): string {
  const since = (s: WorkerStage) => atLeast(WORKER_ORDER, stage, s);
  const loadVectors = since('preFix')
    ? `    vectors = loader.vectors(game_date, players, model)`
    : `    vectors = loader.positional_vectors(game_date, players)`;
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

export type LoaderStage = 'initial' | 'preFix' | 'fix' | 'retry';
const LOADER_ORDER: LoaderStage[] = ['initial', 'preFix', 'fix', 'retry'];

export function featureLoaderPy(stage: LoaderStage): string {
  const since = (s: LoaderStage) => atLeast(LOADER_ORDER, stage, s);
  const imports = since('retry')
    ? `import logging
import time
from dataclasses import dataclass, field

from google.api_core import exceptions as gexc
`
    : `from dataclasses import dataclass, field
`;
  const retry = since('retry')
    ? `
TRANSIENT = (gexc.ServiceUnavailable, gexc.InternalServerError, gexc.TooManyRequests)
log = logging.getLogger("prediction-worker.features")


def query_with_retry(bq, sql, job_config, attempts=4, first_delay=2.0):
    """BigQuery returns 503/500 a few times a week around 15:00 UTC; a daily run used to fail
    outright on the first one."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return list(bq.query(sql, job_config=job_config).result())
        except TRANSIENT as exc:
            if attempt == attempts:
                raise
            log.warning("feature query failed (%s), retry %d in %.0fs", exc, attempt, delay)
            time.sleep(delay)
            delay *= 2
`
    : '';
  const run = since('retry') ? 'query_with_retry(self.bq, sql, job_config)' : 'list(self.bq.query(sql, job_config=job_config).result())';
  const defaults = `DEFAULTS = {
    "vegas_points_line": 0.0,
    "vegas_opening_line": 0.0,
    "vegas_line_move": 0.0,
    "has_vegas_line": 0.0,
    "opponent_def_rating": 112.0,
    "opponent_pace": 99.0,
    "ppm_avg_last_10": 0.4,
    "ppm_avg_season": 0.4,
}`;
  const header = !since('preFix')
    ? ''
    : since('fix')
      ? `
# Used only when the store has NULL for a player; every use is reported in
# Vector.defaults_used and the worker refuses to predict with them.
${defaults}
CONTEXT_FEATURES = FEATURE_NAMES[25:33]
`
      : `
# The v8 vector keeps its historical order; the Vegas, opponent and ppm group (25-32) is
# joined from the context table for the name-based models.
V8_FEATURES = FEATURE_NAMES[:25]
${defaults}
`;
  const vectorsMethod = !since('preFix')
    ? ''
    : since('fix')
      ? `

    def vectors(self, game_date, players, model):
        rows = self._rows(game_date, players)
        out = {}
        for player, row in rows.items():
            named = dict(zip(FEATURE_NAMES, row["features"]))
            defaults_used = []
            for name in CONTEXT_FEATURES:
                if named.get(name) is None:
                    named[name] = DEFAULTS[name]
                    defaults_used.append(name)
            names = FEATURE_NAMES if model.feature_set == "v8" else model.feature_names
            out[player] = Vector(
                values=[named[n] for n in names],
                names=list(names),
                line=row["line"],
                defaults_used=defaults_used,
            )
        return out`
      : `

    def vectors(self, game_date, players, model):
        rows = self._rows(game_date, players)
        out = {}
        for player, row in rows.items():
            named = dict(zip(FEATURE_NAMES, row["features"]))
            if model.feature_set == "v8":
                values = [named[n] for n in V8_FEATURES]
                values += [DEFAULTS[n] for n in FEATURE_NAMES[25:]]
                names = FEATURE_NAMES
            else:
                names = model.feature_names
                values = [named[n] for n in names]
            out[player] = Vector(values=values, names=list(names), line=row["line"])
        return out`;
  return `"""Feature vectors for the prediction worker, read from nba_predictions.ml_feature_store_v2.

The store holds one row per (player_lookup, game_date) with 33 positional features; the
names below are the contract with data_processors/precompute/ml_feature_store.
"""
${imports}
FEATURE_STORE_TABLE = "nba_predictions.ml_feature_store_v2"
CONTEXT_TABLE = "nba_analytics.upcoming_player_game_context"

FEATURE_NAMES = [
${featureNameList}
]
${header}${retry}

@dataclass
class Vector:
    values: list
    names: list = field(default_factory=lambda: list(FEATURE_NAMES))
    line: float | None = None
    defaults_used: list = field(default_factory=list)

    def value(self, name):
        return self.values[self.names.index(name)] if name in self.names else None

    def critical(self):
        """Snapshot written with each prediction (critical_features)."""
        return {
            "vegas_points_line": self.value("vegas_points_line"),
            "has_vegas_line": self.value("has_vegas_line"),
            "ppm_avg_last_10": self.value("ppm_avg_last_10"),
            "team_win_pct": self.value("team_win_pct"),
        }


class FeatureLoader:
    def __init__(self, bq):
        self.bq = bq

    def _query(self, sql, params):
        from google.cloud import bigquery

        job_config = bigquery.QueryJobConfig(query_parameters=params)
        return ${run}

    def players_with_lines(self, game_date):
        from google.cloud import bigquery

        sql = f"""
            SELECT player_lookup
            FROM \`{CONTEXT_TABLE}\`
            WHERE game_date = @game_date AND current_points_line IS NOT NULL
        """
        rows = self._query(sql, [bigquery.ScalarQueryParameter("game_date", "DATE", game_date)])
        return [r.player_lookup for r in rows]

    def _rows(self, game_date, players):
        from google.cloud import bigquery

        sql = f"""
            SELECT f.player_lookup, f.features, c.current_points_line AS line
            FROM \`{FEATURE_STORE_TABLE}\` f
            JOIN \`{CONTEXT_TABLE}\` c USING (player_lookup, game_date)
            WHERE f.game_date = @game_date AND f.player_lookup IN UNNEST(@players)
        """
        rows = self._query(sql, [
            bigquery.ScalarQueryParameter("game_date", "DATE", game_date),
            bigquery.ArrayQueryParameter("players", "STRING", players),
        ])
        return {r.player_lookup: {"features": list(r.features), "line": r.line} for r in rows}

    def positional_vectors(self, game_date, players):
        return {
            player: Vector(values=row["features"], line=row["line"])
            for player, row in self._rows(game_date, players).items()
        }${vectorsMethod}

    def shot_zone_profiles(self, game_date, players):
        from google.cloud import bigquery

        sql = """
            SELECT player_lookup, paint_rate, mid_range_rate, three_pt_rate
            FROM \`nba_precompute.player_shot_zone_analysis\`
            WHERE analysis_date = @game_date AND player_lookup IN UNNEST(@players)
        """
        rows = self._query(sql, [
            bigquery.ScalarQueryParameter("game_date", "DATE", game_date),
            bigquery.ArrayQueryParameter("players", "STRING", players),
        ])
        return {r.player_lookup: r for r in rows}

    @staticmethod
    def pct_with(vectors, name):
        if not vectors:
            return 0.0
        have = sum(1 for v in vectors.values() if (v.value(name) or 0) > 0)
        return round(100.0 * have / len(vectors), 1)

    @staticmethod
    def pct_with_shot_zones(vectors):
        return FeatureLoader.pct_with(vectors, "paint_rate_last_10")

    @staticmethod
    def quality_score(vectors):
        if not vectors:
            return None
        filled = [sum(1 for x in v.values if x) / len(v.values) for v in vectors.values()]
        return round(100.0 * sum(filled) / len(filled), 1)
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

export type ProcessorStage =
  | 'initial'
  | 'opponent'
  | 'widen'
  | 'usageBreak'
  | 'paceBreak'
  | 'paceFix'
  | 'vegasChange'
  | 'usageFix'
  | 'vegasFix';
const PROCESSOR_ORDER: ProcessorStage[] = ['initial', 'opponent', 'widen', 'usageBreak', 'paceBreak', 'paceFix', 'vegasChange', 'usageFix', 'vegasFix'];

export function featureStoreProcessorPy(stage: ProcessorStage): string {
  const since = (s: ProcessorStage) => atLeast(PROCESSOR_ORDER, stage, s);
  const backfillPlayers = since('widen')
    ? `    if backfill_mode:
        # Everyone with minutes in the last 30 days (500+ a date), not only players with a
        # line (150-200): training sets need the players the books ignore too.
        return run_query(bq, """
            SELECT DISTINCT player_lookup
            FROM \`nba_analytics.player_game_summary\`
            WHERE game_date BETWEEN DATE_SUB(@game_date, INTERVAL 30 DAY) AND @game_date
              AND minutes_played > 0
        """, game_date)`
    : `    if backfill_mode:
        return run_query(bq, """
            SELECT DISTINCT player_lookup
            FROM \`nba_raw.odds_api_player_points_props\`
            WHERE game_date = @game_date
        """, game_date)`;
  const usageSource = since('usageBreak')
    ? since('usageFix')
      ? `    usage_spike = max(0.0, cache.get("usage_rate_last_5", 0.0) - cache.get("usage_rate_season", 0.0)) * 10`
      : `    usage_spike = max(0.0, cache.get("usage_spike", 0.0))  # player_daily_cache has no such column`
    : `    usage_spike = max(0.0, factors["usage_last_5"] - factors["usage_season"]) * 10`;
  const paceSource = since('usageBreak')
    ? since('paceBreak') && !since('paceFix')
      ? `    pace = (cache["team_pace"] * cache["opponent_pace"]) // 10000  # vectorised with numpy arrays`
      : `    pace = (cache["team_pace"] * cache["opponent_pace"]) / 100.0`
    : `    pace = (factors["team_pace"] + factors["opponent_pace"]) / 2.0`;
  const opponent = since('opponent')
    ? `        ctx["opponent_def_rating"],
        ctx["opponent_pace"],
        cache["points_per_minute_last_10"],
        cache["points_per_minute_season"],`
    : `        0.0, 0.0, 0.0, 0.0,  # opponent and points-per-minute features: not computed yet`;
  let vegas: string;
  if (!since('vegasChange')) {
    vegas = `def vegas_lines(bq, game_date, backfill_mode):
    """Lines from the raw odds tables: odds API first, BettingPros as fallback."""
    rows = run_query(bq, """
        SELECT player_lookup, points_line, opening_line, 'odds_api' AS source
        FROM \`nba_raw.odds_api_player_points_props\`
        WHERE game_date = @game_date
        UNION ALL
        SELECT player_lookup, points_line, opening_line, 'bettingpros' AS source
        FROM \`nba_raw.bettingpros_player_points_props\`
        WHERE game_date = @game_date AND market_type = 'points'
    """, game_date)
    lines = {}
    for r in rows:
        lines.setdefault(r["player_lookup"], r)
    return lines`;
  } else if (!since('vegasFix')) {
    vegas = `def vegas_lines(bq, game_date, backfill_mode):
    """Lines from phase 3 (upcoming_player_game_context): one source of truth for lines."""
    rows = run_query(bq, """
        SELECT player_lookup, current_points_line AS points_line,
               opening_points_line AS opening_line, 'phase3_context' AS source
        FROM \`nba_analytics.upcoming_player_game_context\`
        WHERE game_date = @game_date AND current_points_line IS NOT NULL
    """, game_date)
    return {r["player_lookup"]: r for r in rows}`;
  } else {
    vegas = `def vegas_lines(bq, game_date, backfill_mode):
    """Phase 3 only has lines for the players it expects to play; in backfill mode (500+
    players) that left most rows without a line, so read the raw odds tables there:
    odds API first, BettingPros (points market only) as fallback."""
    if not backfill_mode:
        rows = run_query(bq, """
            SELECT player_lookup, current_points_line AS points_line,
                   opening_points_line AS opening_line, 'phase3_context' AS source
            FROM \`nba_analytics.upcoming_player_game_context\`
            WHERE game_date = @game_date AND current_points_line IS NOT NULL
        """, game_date)
        return {r["player_lookup"]: r for r in rows}
    rows = run_query(bq, """
        SELECT player_lookup, points_line, opening_line, 'odds_api' AS source, 1 AS rank
        FROM \`nba_raw.odds_api_player_points_props\`
        WHERE game_date = @game_date
        UNION ALL
        SELECT player_lookup, points_line, opening_line, 'bettingpros' AS source, 2 AS rank
        FROM \`nba_raw.bettingpros_player_points_props\`
        WHERE game_date = @game_date AND market_type = 'points'
    """, game_date)
    lines = {}
    for r in sorted(rows, key=lambda r: r["rank"]):
        lines.setdefault(r["player_lookup"], r)
    return lines`;
  }
  const defaultMode = since('vegasChange')
    ? `    # Until the backfill of the January dates is finished, the daily job writes every recent
    # player too (backfill mode), so the regenerated predictions find their rows.
    parser.add_argument("--backfill-mode", action=argparse.BooleanOptionalAction, default=True)`
    : `    parser.add_argument("--backfill-mode", action="store_true")`;
  const cacheRead = since('usageBreak')
    ? `    cache = daily_cache.get(player, {})`
    : `    cache = daily_cache.get(player, {})
    factors = composite.get(player, {})`;
  return `"""Phase 4: builds nba_predictions.ml_feature_store_v2, one row per (player_lookup, game_date)
with the 33 positional features the prediction worker reads.

Daily mode writes the players phase 3 expects tonight; backfill mode regenerates a past
date for a wider list. Each row records the build it came from and the source of its line.
"""
import argparse
import datetime as dt
import os

from google.cloud import bigquery

BUILD_COMMIT = os.environ.get("BUILD_COMMIT", "unknown")
TABLE = "nba_predictions.ml_feature_store_v2"


def run_query(bq, sql, game_date):
    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("game_date", "DATE", game_date)]
    )
    return [dict(r) for r in bq.query(sql, job_config=job_config).result()]


def players_for(bq, game_date, backfill_mode):
${backfillPlayers}
    return run_query(bq, """
        SELECT player_lookup
        FROM \`nba_analytics.upcoming_player_game_context\`
        WHERE game_date = @game_date
    """, game_date)


${vegas}


def feature_row(player, game_date, ctx, daily_cache, composite, lines, mode):
${cacheRead}
${paceSource}
${usageSource}
    line = lines.get(player)
    points_line = line["points_line"] if line else 0.0
    opening = line["opening_line"] if line else 0.0
    features = [
        cache["points_avg_last_5"],
        cache["points_avg_last_10"],
        cache["points_avg_season"],
        cache["points_std_last_10"],
        cache["minutes_avg_last_10"],
        ctx["fatigue_score"],
        ctx["shot_zone_mismatch_score"],
        pace,
        usage_spike,
        ctx["rest_days"],
        ctx["back_to_back"],
        ctx["home_game"],
        ctx["injury_risk_score"],
        cache["fg_pct_last_10"],
        cache["three_pt_rate_last_10"],
        cache["ft_rate_last_10"],
        cache["paint_rate_last_10"],
        cache["mid_range_rate_last_10"],
        cache["usage_rate_last_10"],
        ctx["starter_flag"],
        cache["games_in_last_7_days"],
        ctx["opponent_points_allowed_to_position"],
        ctx["team_pace_last_10"],
        ctx["team_off_rating_last_10"],
        ctx["team_win_pct"],
        points_line,
        opening,
        points_line - opening if line else 0.0,
        1.0 if line else 0.0,
${opponent}
    ]
    return {
        "player_lookup": player,
        "game_date": game_date.isoformat(),
        "features": [float(x or 0.0) for x in features],
        "build_commit_sha": BUILD_COMMIT,
        "feature_source_mode": mode,
        "vegas_line_source": line["source"] if line else None,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat)
${defaultMode}
    args = parser.parse_args()
    bq = bigquery.Client()
    mode = "backfill" if args.backfill_mode else "daily"
    players = [r["player_lookup"] for r in players_for(bq, args.date, args.backfill_mode)]
    lines = vegas_lines(bq, args.date, args.backfill_mode)
    ...  # context, cache and composite factors are loaded per date (see load_inputs.py)


if __name__ == "__main__":
    main()
`;
}

export type BackfillStage = 'initial' | 'range';

export function backfillPredictionsPy(stage: BackfillStage): string {
  const range = stage === 'range';
  return `"""Regenerates predictions for past game dates by calling the deployed prediction-worker
with mode=backfill. The service runs whatever revision is deployed, not this checkout.
"""
import argparse
import datetime as dt
import subprocess

import requests
${range ? 'from google.cloud import bigquery\n' : ''}
SERVICE_URL = "https://prediction-worker-7q2kdl3x5a-wl.a.run.app"


def id_token():
    return subprocess.check_output(["gcloud", "auth", "print-identity-token"], text=True).strip()

${range ? `
def mark_superseded(bq, start, end, system_ids, reason):
    """Flags the rows a backfill replaces so metrics count only the regenerated ones."""
    sql = """
        UPDATE \`nba_predictions.player_prop_predictions\`
        SET is_active = FALSE, superseded = TRUE,
            superseded_at = CURRENT_TIMESTAMP(), superseded_reason = @reason
        WHERE game_date BETWEEN @start AND @end
          AND system_id IN UNNEST(@system_ids)
          AND is_active
    """
    job_config = bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter("start", "DATE", start),
        bigquery.ScalarQueryParameter("end", "DATE", end),
        bigquery.ArrayQueryParameter("system_ids", "STRING", system_ids),
        bigquery.ScalarQueryParameter("reason", "STRING", reason),
    ])
    bq.query(sql, job_config=job_config).result()

` : ''}
def main():
    parser = argparse.ArgumentParser()
${range
  ? `    parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--system-id", action="append", required=True)
    parser.add_argument("--mark-superseded", action="store_true")`
  : `    parser.add_argument("--date", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--system-id", action="append")`}
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {id_token()}"}
${range
  ? `    bq = bigquery.Client()
    day = args.start
    while day <= args.end:
        body = {"game_date": day.isoformat(), "mode": "backfill", "system_ids": args.system_id,
                "batch_id": f"backfill-{dt.date.today().isoformat()}"}
        if args.mark_superseded:
            mark_superseded(bq, day, day, args.system_id,
                            f"superseded by backfill {args.start}..{args.end}")
        resp = requests.post(f"{SERVICE_URL}/predict", json=body, headers=headers, timeout=900)
        resp.raise_for_status()
        for row in resp.json():
            print(day, row["system_id"], row["players_predicted"], row["deployment_revision"])
        day += dt.timedelta(days=1)`
  : `    body = {"game_date": args.date.isoformat(), "mode": "backfill", "system_ids": args.system_id}
    resp = requests.post(f"{SERVICE_URL}/predict", json=body, headers=headers, timeout=900)
    resp.raise_for_status()
    print(resp.json())`}


if __name__ == "__main__":
    main()
`;
}

export type ModelsStage = 'initial' | 'similarityZone' | 'earlyBuild' | 'preFix' | 'v9Variant' | 'v9Retrain';
const MODELS_ORDER: ModelsStage[] = ['initial', 'similarityZone', 'earlyBuild', 'preFix', 'v9Variant', 'v9Retrain'];

export function modelsPy(stage: ModelsStage): string {
  const since = (s: ModelsStage) => atLeast(MODELS_ORDER, stage, s);
  const entries: string[] = [
    `    ModelSpec("catboost_v8", "catboost", "gs://courtside-models/catboost_v8/model_20251020.cbm",
              feature_set="v8", trained="2024-10-22..2025-10-15"),`,
    `    ModelSpec("ensemble_v1", "ensemble", None, feature_set="v8",
              members=("catboost_v8", "moving_average"), weights=(0.7, 0.3)),`,
    `    ModelSpec("moving_average", "baseline", None, feature_set="none",
              notes="mean of the last 10 games; the floor every model must beat"),`,
  ];
  if (since('similarityZone')) {
    entries.push(
      `    ModelSpec("similarity_balanced_v1", "similarity", "gs://courtside-models/similarity/balanced_v1.parquet",
              feature_set="similarity", needs_shot_zones=True),`,
      `    ModelSpec("zone_matchup_v1", "zone", "gs://courtside-models/zone/matchup_v1.json",
              feature_set="zone", needs_shot_zones=True),`,
    );
  }
  if (since('earlyBuild')) {
    entries.push(
      `    ModelSpec("ensemble_v1_1", "ensemble", None, feature_set="v8",
              members=("catboost_v8", "similarity_balanced_v1", "moving_average"), weights=(0.6, 0.25, 0.15),
              notes="weights recalibrated on 2025-11-01..2025-12-20"),`,
    );
  }
  if (since('preFix')) {
    if (since('v9Retrain')) {
      entries.push(
        `    # V9_FEB_RETRAIN: trained 2025-11-02..2026-01-31; holdout MAE 4.12, hit rate 74.6%.
    ModelSpec("catboost_v9", "catboost", "gs://courtside-models/catboost_v9/v9_feb_retrain_20260131.cbm",
              feature_set="v9", trained="2025-11-02..2026-01-31", model_name="V9_FEB_RETRAIN"),`,
        `    # Trained to 2026-01-24 only (MAE 5.08, hit rate 50.8%): registered by mistake on 2026-02-01.
    ModelSpec("catboost_v9_2026_02", "catboost", "gs://courtside-models/catboost_v9/v9_20260124.cbm",
              feature_set="v9", trained="2025-11-02..2026-01-24", enabled=False),`,
      );
    } else if (since('v9Variant')) {
      entries.push(
        `    ModelSpec("catboost_v9", "catboost", "gs://courtside-models/catboost_v9/model_20260105.cbm",
              feature_set="v9", trained="2025-10-01..2026-01-04", enabled=False,
              notes="replaced by catboost_v9_2026_02"),`,
        `    ModelSpec("catboost_v9_2026_02", "catboost", "gs://courtside-models/catboost_v9/v9_20260124.cbm",
              feature_set="v9", trained="2025-11-02..2026-01-24"),`,
      );
    } else {
      entries.push(
        `    ModelSpec("catboost_v9", "catboost", "gs://courtside-models/catboost_v9/model_20260105.cbm",
              feature_set="v9", trained="2025-10-01..2026-01-04"),`,
      );
    }
  }
  return `"""Model registry of the prediction worker: every enabled entry runs on every request.

A model is identified in the tables by system_id only; when an artifact is retrained under
the same system_id, build_commit_sha is what tells the rows apart.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelSpec:
    system_id: str
    kind: str
    artifact: str | None
    feature_set: str = "v8"
    trained: str | None = None
    enabled: bool = True
    members: tuple = ()
    weights: tuple = ()
    needs_shot_zones: bool = False
    model_name: str | None = None
    notes: str = ""
    feature_names: tuple = field(default=())


MODELS = [
${entries.join('\n')}
]


def active_models():
    return [m for m in MODELS if m.enabled]
`;
}

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
