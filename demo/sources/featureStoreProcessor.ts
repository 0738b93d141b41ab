/** The feature store processor (phase 4): which players get features, and the Vegas, pace and usage bugs and fixes. */
import { atLeast } from './stages';

export type ProcessorStage = 'initial' | 'opponent' | 'widen' | 'usageBreak' | 'paceBreak' | 'paceFix' | 'vegasChange' | 'usageFix' | 'vegasFix';
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
