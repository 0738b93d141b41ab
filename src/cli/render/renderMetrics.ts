import type { MetricsReport, MetricsRow } from '../../core/metrics/modelMetrics';
import { formatCount, formatNumber, formatPercent, formatPointDifference, formatRate } from '../../core/report/format';
import { textTable, textTableWithin, wrapText } from './textTable';

/** A terminal's usual width; `--wide` prints one table however wide it gets. */
export const TEXT_WIDTH = 100;

/**
 * The metrics of one model as text. Within 100 columns the figures come in two tables on
 * the same rows (volume and hit rate; errors and direction), with long labels cut; `wide`
 * prints them in one table with labels whole.
 */
export function renderMetrics(r: MetricsReport, options: { wide?: boolean } = {}): string {
  const out: string[] = [`${r.model} by ${r.by} (${r.window.from}..${r.window.to})`, ''];
  const label = (row: MetricsRow) => row.label;
  const days = (row: MetricsRow) => (row.firstDay === row.lastDay ? row.firstDay : `${row.firstDay}..${row.lastDay}`);
  const volume = {
    header: ['days', 'preds', 'graded', 'coverage', 'hit rate [95% CI] n'],
    cells: (row: MetricsRow) => [days(row), formatCount(row.metrics.predictions), formatCount(row.metrics.graded), formatPercent(row.metrics.gradingCoverage), formatRate(row.metrics.hitRate)],
  };
  const errors = {
    header: ['MAE', 'bias', 'std', 'direction', 'high-edge'],
    cells: (row: MetricsRow) => [
      formatNumber(row.metrics.mae),
      formatNumber(row.metrics.bias),
      formatNumber(row.metrics.stdError),
      formatRate(row.metrics.directionAccuracy),
      formatRate(row.metrics.highEdgeHitRate),
    ],
  };
  if (options.wide) {
    out.push(textTable([r.by, ...volume.header, ...errors.header], r.rows.map((row) => [label(row), ...volume.cells(row), ...errors.cells(row)])));
  } else {
    out.push(textTableWithin(TEXT_WIDTH, 0, [r.by, ...volume.header], r.rows.map((row) => [label(row), ...volume.cells(row)])));
    out.push('');
    out.push(textTableWithin(TEXT_WIDTH, 0, [r.by, ...errors.header], r.rows.map((row) => [label(row), ...errors.cells(row)])));
  }
  const width = options.wide ? Infinity : TEXT_WIDTH;
  if (r.comparison) {
    const c = r.comparison;
    const mae = c.mae.difference === null ? 'n/a' : `${c.mae.difference >= 0 ? '+' : ''}${c.mae.difference.toFixed(2)} [${c.mae.low.toFixed(2)}, ${c.mae.high.toFixed(2)}]`;
    out.push('');
    out.push(
      wrapText(
        `after − before (split at ${c.split}, by ${c.splitKind === 'commit' ? 'builds containing it' : 'date'}): hit rate ${formatPointDifference(c.hitRate)}${
          c.hitRate.significant ? '' : ' (interval includes zero: not established)'
        }; MAE ${mae}`,
        width,
        '  ',
      ),
    );
  }
  if (r.warnings.length) out.push('');
  for (const warning of r.warnings) out.push(wrapText(`warning: ${warning}`, width, '  '));
  return out.join('\n');
}
