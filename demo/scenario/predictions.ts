/** Predictions (player_prop_predictions) and their grading (prediction_accuracy), including the daily rows the backfill superseded. */
import type { Outcome } from './grading';
import type { AccuracyRow, FeatureRow, PredictionRow } from './rows';
import { commitOf, usesDefaultFeatures, type Cell } from './runs';

const SUPERSEDED_REASON = 'superseded by backfill 2026-01-30 (catboost_v8, game dates 2026-01-09..2026-01-28)';

function criticalJson(values: { vegas: number; has: number; ppm: number; win: number }): string {
  return JSON.stringify({ vegas_points_line: values.vegas, has_vegas_line: values.has, ppm_avg_last_10: values.ppm, team_win_pct: values.win });
}

export function predictionRows(
  cells: Cell[],
  outcomes: Map<Cell, Outcome[]>,
  featureStore: FeatureRow[],
  shas: Record<string, string>,
): { predictions: PredictionRow[]; accuracy: AccuracyRow[] } {
  const featureOf = new Map(featureStore.map((r) => [`${r.game_date}|${r.player_lookup}`, r.features]));
  const predictions: PredictionRow[] = [];
  const accuracy: AccuracyRow[] = [];

  const emit = (c: Cell, source: Cell, superseded: Cell | null) => {
    const rows = outcomes.get(source)!;
    c.players.forEach((p, i) => {
      const o = rows[i];
      const f = featureOf.get(`${c.date}|${p.lookup}`)!;
      const critical = usesDefaultFeatures(c) ? criticalJson({ vegas: 0, has: 0, ppm: 0.4, win: f[24] }) : criticalJson({ vegas: f[25], has: f[28], ppm: f[31], win: f[24] });
      const created = Math.round(c.start + ((i + 1) / (c.players.length + 1)) * c.duration * 1000);
      const row: PredictionRow = {
        player_lookup: p.lookup,
        game_date: c.date,
        system_id: c.system,
        predicted_points: o.predicted,
        line_value: o.line,
        recommendation: o.recommendation,
        confidence_score: o.confidence,
        created_at: created,
        is_active: superseded === null,
        superseded: superseded !== null,
        superseded_at: superseded ? superseded.start + 5000 : null,
        superseded_reason: superseded ? SUPERSEDED_REASON : null,
        build_commit_sha: commitOf(shas, c.revision),
        deployment_revision: c.revision.revision,
        predicted_at: created,
        critical_features: critical,
      };
      predictions.push(row);
      if (superseded === null) {
        accuracy.push({
          player_lookup: p.lookup,
          game_date: c.date,
          system_id: c.system,
          predicted_points: o.predicted,
          actual_points: o.actual,
          line_value: o.line,
          prediction_correct: o.correct,
          confidence_score: o.confidence,
          build_commit_sha: row.build_commit_sha,
          critical_features: critical,
        });
      }
    });
  };

  for (const c of cells) {
    if (c.failed) continue;
    if (c.supersededBy) emit(c, c.supersededBy, c.supersededBy);
    else emit(c, c, null);
  }
  return { predictions, accuracy };
}
