import type { ProportionDifference } from './compareProportions';
import { wilson, Z95, type Proportion } from './wilson';

/**
 * The same keys judged twice (an old and a new prediction of one entity, date and model):
 * how many were hits both times, only before, only after, and neither time.
 */
export interface PairedTable {
  bothHit: number;
  /** Hit before, missed after. */
  oldOnly: number;
  /** Missed before, hit after. */
  newOnly: number;
  neither: number;
}

export interface PairedComparison {
  /** Pairs judged both times. */
  n: number;
  old: Proportion;
  new: Proportion;
  /** new − old with Newcombe's paired interval; `significant` when it excludes zero. */
  change: ProportionDifference;
  /** McNemar's exact test on the discordant pairs: two-sided p, null when no pair changed outcome. */
  mcnemarP: number | null;
}

/*
 * Why not two Wilson intervals compared as if independent: the two rates are measured on
 * the same keys, so they are correlated (most keys keep their outcome) and an unpaired
 * interval is far too wide, or, when the correlation is negative, too narrow. Newcombe's
 * square-and-add interval for paired data (1998, method 10) combines the two Wilson
 * intervals with the estimated correlation ψ, keeps inside [-1, 1], and stays sensible
 * when no pair changed outcome, where the Wald interval collapses to a point.
 */
export function comparePaired(table: PairedTable, z: number = Z95): PairedComparison {
  const { bothHit: a, oldOnly: b, newOnly: c, neither: d } = table;
  for (const [name, value] of Object.entries(table)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} (${value}) must be a count`);
  }
  const n = a + b + c + d;
  const oldRate = wilson(a + b, n, z);
  const newRate = wilson(a + c, n, z);
  if (n === 0 || oldRate.rate === null || newRate.rate === null) {
    return { n, old: oldRate, new: newRate, change: { difference: null, low: -1, high: 1, significant: false }, mcnemarP: null };
  }
  const pNew = newRate.rate;
  const pOld = oldRate.rate;
  const estimate = pNew - pOld;
  const psi = pairCorrelation(table);
  const dlNew = pNew - newRate.low;
  const duNew = newRate.high - pNew;
  const dlOld = pOld - oldRate.low;
  const duOld = oldRate.high - pOld;
  const low = estimate - Math.sqrt(Math.max(0, dlNew ** 2 + duOld ** 2 - 2 * psi * dlNew * duOld));
  const high = estimate + Math.sqrt(Math.max(0, duNew ** 2 + dlOld ** 2 - 2 * psi * duNew * dlOld));
  const change = { difference: estimate, low: Math.max(-1, low), high: Math.min(1, high), significant: low > 0 || high < 0 };
  return { n, old: oldRate, new: newRate, change, mcnemarP: b + c === 0 ? null : mcnemarExactP(b, c) };
}

/**
 * Newcombe's ψ: the phi coefficient of the table with the continuity adjustment his method
 * uses (a positive association is reduced by n/2, and one below n/2 counts as none).
 */
function pairCorrelation({ bothHit: a, oldOnly: b, newOnly: c, neither: d }: PairedTable): number {
  const n = a + b + c + d;
  const margins = (a + b) * (c + d) * (a + c) * (b + d);
  if (margins === 0) return 0;
  const cross = a * d - b * c;
  if (cross > n / 2) return (cross - n / 2) / Math.sqrt(margins);
  if (cross >= 0) return 0;
  return cross / Math.sqrt(margins);
}

/** McNemar's statistic (b − c)² / (b + c), χ² with one degree of freedom; null without discordant pairs. */
export function mcnemarStatistic(oldOnly: number, newOnly: number): number | null {
  const discordant = oldOnly + newOnly;
  return discordant === 0 ? null : (oldOnly - newOnly) ** 2 / discordant;
}

/**
 * Two-sided exact McNemar p: under "no change", each discordant pair is equally likely to
 * go either way, so the smaller count is binomial(b + c, ½). Exact rather than χ², which
 * misleads on the handful of changed pairs a small re-run produces.
 */
export function mcnemarExactP(oldOnly: number, newOnly: number): number {
  const m = oldOnly + newOnly;
  const k = Math.min(oldOnly, newOnly);
  let tail = 0;
  for (let i = 0; i <= k; i += 1) tail += Math.exp(logChoose(m, i) - m * Math.LN2);
  return Math.min(1, 2 * tail);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i += 1) LOG_FACTORIALS.push(LOG_FACTORIALS[i - 1] + Math.log(i));
  return LOG_FACTORIALS[n];
}
