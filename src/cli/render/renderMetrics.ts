import type { MetricsReport } from '../../core/metrics/modelMetrics';
import { formatCount, formatDirection, formatMeasure, formatNumber, formatPercent, formatPointDifference, formatRate } from '../../core/report/format';
import { textTable } from './textTable';

export function renderMetrics(r: MetricsReport): string {
  const out: string[] = [`${r.model} by ${r.by} (${r.window.from}..${r.window.to})`, ''];
  out.push(
    textTable(
      [r.by, 'days', 'preds', 'graded', 'coverage', 'hit rate [95% CI] n', 'MAE', 'bias', 'std', 'direction', 'high-edge'],
      r.rows.map((row) => [
        r.by === 'commit' ? row.label.slice(0, 48) : row.label,
        row.firstDay === row.lastDay ? row.firstDay : `${row.firstDay}..${row.lastDay}`,
        formatCount(row.metrics.predictions),
        formatCount(row.metrics.graded),
        formatPercent(row.metrics.gradingCoverage),
        formatRate(row.metrics.hitRate),
        formatMeasure(row.metrics.mae, row.metrics.graded),
        formatMeasure(row.metrics.bias, row.metrics.graded),
        formatMeasure(row.metrics.stdError, row.metrics.graded),
        formatDirection(row.metrics),
        formatRate(row.metrics.highEdgeHitRate),
      ]),
    ),
  );
  if (r.comparison) {
    out.push('');
    out.push(
      `after − before (split at ${r.comparison.split}, by ${r.comparison.splitKind === 'commit' ? 'builds containing it' : r.comparison.splitKind === 'time' ? 'when each prediction was made' : 'the date predicted for'}): hit rate ${formatPointDifference(r.comparison.hitRate)}${
        r.comparison.hitRate.significant ? '' : ' (interval includes zero: not established)'
      }; MAE ${r.comparison.mae.difference === null ? 'not recorded' : `${r.comparison.mae.difference >= 0 ? '+' : ''}${r.comparison.mae.difference.toFixed(2)} [${r.comparison.mae.low.toFixed(2)}, ${r.comparison.mae.high.toFixed(2)}]`}`,
    );
  }
  if (r.notRecorded.length) out.push('');
  for (const line of r.notRecorded) out.push(`Not recorded: ${line}.`);
  return out.join('\n');
}
