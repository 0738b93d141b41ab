import type { MetricsReport, MetricsRow } from '../../core/metrics/modelMetrics';
import { formatCount, formatDirection, formatMeasure, formatPercent, formatPointDifference, formatRate } from '../../core/report/format';
import { textTable, textTableWithin, wrapText } from './textTable';

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** A terminal's usual width; `--wide` prints one table however wide it gets. */
export const TEXT_WIDTH = 100;

/**
 * The metrics of one model as text. Within 100 columns the figures come in two tables on
 * the same rows (volume and hit rate; errors and direction), commits named by their short
 * SHA with their subjects listed below; `wide` prints one table with labels whole.
 */
export function renderMetrics(r: MetricsReport, options: { wide?: boolean } = {}): string {
  const out: string[] = [`${r.model} by ${r.by} (${r.window.from}..${r.window.to})`, ''];
  const byCommit = r.by === 'commit' && !options.wide;
  const label = (row: MetricsRow) => (byCommit && /^[0-9a-f]{9,}$/i.test(row.key) ? row.key.slice(0, 8) : row.label);
  const days = (row: MetricsRow) => (row.firstDay === row.lastDay ? row.firstDay : `${row.firstDay}..${row.lastDay}`);
  const volume = {
    header: ['days', 'preds', 'graded', 'coverage', 'hit rate [95% CI] n'],
    cells: (row: MetricsRow) => [
      days(row),
      formatCount(row.metrics.predictions),
      formatCount(row.metrics.graded),
      formatPercent(row.metrics.gradingCoverage),
      formatRate(row.metrics.hitRate),
    ],
  };
  // Within 100 columns a figure over no graded rows is "n=0" (the sentence says so below the
  // table): three "no graded rows" cells would push the table past the width.
  let ungraded = false;
  const measure = (value: number | null, graded: number) => {
    if (options.wide || value !== null || graded !== 0) return formatMeasure(value, graded);
    ungraded = true;
    return 'n=0';
  };
  const errors = {
    header: ['MAE', 'bias', 'std', 'direction', 'high-edge'],
    cells: (row: MetricsRow) => [
      measure(row.metrics.mae, row.metrics.graded),
      measure(row.metrics.bias, row.metrics.graded),
      measure(row.metrics.stdError, row.metrics.graded),
      formatDirection(row.metrics),
      formatRate(row.metrics.highEdgeHitRate),
    ],
  };
  if (options.wide) {
    out.push(
      textTable(
        [r.by, ...volume.header, ...errors.header],
        r.rows.map((row) => [label(row), ...volume.cells(row), ...errors.cells(row)]),
      ),
    );
  } else {
    out.push(
      textTableWithin(
        TEXT_WIDTH,
        0,
        [r.by, ...volume.header],
        r.rows.map((row) => [label(row), ...volume.cells(row)]),
      ),
    );
    out.push('');
    out.push(
      textTableWithin(
        TEXT_WIDTH,
        0,
        [r.by, ...errors.header],
        r.rows.map((row) => [label(row), ...errors.cells(row)]),
      ),
    );
  }
  const width = options.wide ? Infinity : TEXT_WIDTH;
  if (ungraded) out.push(wrapText('MAE, bias and std of n=0: no graded rows, so no error to measure.', width, '  '));
  if (byCommit) {
    out.push('');
    for (const row of r.rows) {
      const subject = row.commit ? row.commit.subject : row.label === row.key ? '' : 'not in local history';
      if (subject) out.push(cut(`${label(row)}  ${subject}`, width));
    }
  }
  if (r.comparison) {
    const c = r.comparison;
    const mae =
      c.mae.difference === null ? 'not recorded' : `${c.mae.difference >= 0 ? '+' : ''}${c.mae.difference.toFixed(2)} [${c.mae.low.toFixed(2)}, ${c.mae.high.toFixed(2)}]`;
    out.push('');
    out.push(
      wrapText(
        `after − before (split at ${c.split}, by ${c.splitKind === 'commit' ? 'builds containing it' : c.splitKind === 'time' ? 'when each prediction was made' : 'the date predicted for'}): hit rate ${formatPointDifference(c.hitRate)}${
          c.hitRate.significant ? '' : ' (interval includes zero: not established)'
        }; MAE ${mae}`,
        width,
        '  ',
      ),
    );
  }
  if (r.notRecorded.length) out.push('');
  for (const line of r.notRecorded) out.push(wrapText(`Not recorded: ${line}.`, width, '  '));
  if (r.warnings.length) out.push('');
  for (const warning of r.warnings) out.push(wrapText(`warning: ${warning}`, width, '  '));
  return out.join('\n');
}
