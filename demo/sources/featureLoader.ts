/** prediction-worker's feature loader: positional, then by name with defaults for features 25-32 (the bug), then the fix. */
import { DEMO_FEATURES } from '../featureRegistry';
import { atLeast } from './stages';

const featureNameList = DEMO_FEATURES.map((f) => `    "${f.name}",  # ${f.index}`).join('\n');

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
