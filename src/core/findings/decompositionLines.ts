import type { GroupChange } from '../metrics/rateDecomposition';
import type { Proportion } from '../metrics/wilson';
import { formatCount, formatPercent } from '../report/format';

/*
 * The words a rate decomposition is told in, shared by hit-rate shifts and coverage drops so
 * that a group reads the same in both: its share of the rows on each side, its rate with
 * interval and n on each side, and what its mix and within parts added.
 */

/** A part of a change in points, always signed: "+0.0" says the part was measured and is nil. */
export const signedPoints = (share: number) => `${share >= 0 ? '+' : '−'}${(Math.abs(share) * 100).toFixed(1)}`;

/** A side's rate with its interval and n, or "no rows" for a group absent from that side. */
export function sideRate(p: Proportion): string {
  return p.n === 0 ? 'no rows' : `${formatPercent(p.rate)} [${formatPercent(p.low)}, ${formatPercent(p.high)}] n=${formatCount(p.n)}`;
}

/** One group's evidence line: `rows` names the denominator, `measure` the rate, `mix` the mix part. */
export function groupLine(g: GroupChange, words: { rows: string; measure: string; mix: string }): string {
  return `${g.group}: ${formatPercent(g.before.share)} → ${formatPercent(g.after.share)} of the ${words.rows}, ${words.measure} ${sideRate(g.before)} → ${sideRate(g.after)}; ${
    words.mix
  } ${signedPoints(g.mix)}, within ${signedPoints(g.within)} points.`;
}

/** One group in `data.decomposition.groups`, the hits named as the finding counts them (correct, covered). */
export function groupData(g: GroupChange, hits: 'correct' | 'covered') {
  const side = (p: GroupChange['before']) => ({ n: p.n, [hits]: p.successes, rate: p.rate, low: p.low, high: p.high, share: p.share });
  return { group: g.group, before: side(g.before), after: side(g.after), mix: g.mix, within: g.within };
}
