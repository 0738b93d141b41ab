import type { RateDecomposition } from '../metrics/rateDecomposition';
import { formatCount, formatPercent } from '../report/format';
import type { Finding } from './types';

/*
 * A hit-rate shift told apart into which runs are graded and how well each kind of run did:
 * a backfill that widens its population with harder rows lowers the hit rate without any
 * mode getting worse, and a regressed build lowers it with the same mix of runs. The groups
 * are the run mode each graded row's prediction was written in.
 */

const MODE_KEY = 'tables.predictions.columns.mode';

const signed = (share: number) => `${share >= 0 ? '+' : '−'}${(Math.abs(share) * 100).toFixed(1)}`;

/** The evidence line of a shift whose mode column is not configured, so that its absence is said rather than silent. */
export function notDecomposedLine(): string {
  return `Hit-rate change not decomposed: the predictions table names no run mode column (${MODE_KEY}), so mix and within-mode change cannot be told apart.`;
}

/** Adds the decomposition over run modes to a metric-shift finding, as one evidence line and `data.decomposition`. */
export function withHitRateDecomposition(finding: Finding, d: RateDecomposition, sides: { splitDay: string; from: string; to: string }): Finding {
  if (d.before.n === 0 || d.after.n === 0 || d.change.difference === null) {
    return { ...finding, evidence: [...finding.evidence, `Hit-rate change not decomposed: no graded rows on one side of ${sides.splitDay} joined to a prediction (${MODE_KEY}).`] };
  }
  const rate = (p: { n: number; rate: number | null }) => (p.n === 0 ? 'no rows' : formatPercent(p.rate));
  const groups = d.groups
    .map(
      (g) =>
        `${g.group} ${formatPercent(g.before.share)} → ${formatPercent(g.after.share)} of graded rows (n=${formatCount(g.before.n)} → ${formatCount(g.after.n)}), hit rate ${rate(g.before)} → ${rate(
          g.after,
        )}`,
    )
    .join('; ');
  const line = `By run mode (${MODE_KEY}), graded rows ${sides.from}..${sides.to} split at ${sides.splitDay}: of the ${signed(d.change.difference)}-point change (${formatPercent(
    d.before.rate,
  )} of ${formatCount(d.before.n)} → ${formatPercent(d.after.rate)} of ${formatCount(d.after.n)}), mix ${signed(d.mix)} points (each mode's share of the graded rows changed) and within modes ${signed(
    d.within,
  )} points: mostly ${d.dominant === 'mix' ? 'a change in the mix of runs' : 'a change within modes'}. ${groups}.`;
  return {
    ...finding,
    evidence: [...finding.evidence.slice(0, 3), line, ...finding.evidence.slice(3)],
    data: {
      ...finding.data,
      decomposition: {
        groupedBy: 'mode',
        splitDay: sides.splitDay,
        window: { from: sides.from, to: sides.to },
        before: { n: d.before.n, correct: d.before.successes, rate: d.before.rate },
        after: { n: d.after.n, correct: d.after.successes, rate: d.after.rate },
        change: d.change.difference,
        mix: d.mix,
        within: d.within,
        dominant: d.dominant,
        groups: d.groups.map((g) => ({
          group: g.group,
          before: { n: g.before.n, correct: g.before.successes, rate: g.before.rate, share: g.before.share },
          after: { n: g.after.n, correct: g.after.successes, rate: g.after.rate, share: g.after.share },
          mix: g.mix,
          within: g.within,
        })),
      },
    },
  };
}
