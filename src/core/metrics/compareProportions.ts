import { Z95, type Proportion } from './wilson';

export interface ProportionDifference {
  /** after.rate - before.rate, or null when either side has no data. */
  difference: number | null;
  low: number;
  high: number;
  /** True when the 95% interval of the difference excludes zero. */
  significant: boolean;
}

/*
 * Newcombe's hybrid score interval (method 10) for p2 - p1: it is built from the two Wilson
 * intervals, so it stays inside [-1, 1] and behaves with small or extreme samples where
 * the Wald interval of a difference does not.
 */
export function compareProportions(before: Proportion, after: Proportion): ProportionDifference {
  if (before.rate === null || after.rate === null) return { difference: null, low: -1, high: 1, significant: false };
  const p1 = before.rate;
  const p2 = after.rate;
  const d = p2 - p1;
  const low = d - Math.sqrt((p2 - after.low) ** 2 + (before.high - p1) ** 2);
  const high = d + Math.sqrt((after.high - p2) ** 2 + (p1 - before.low) ** 2);
  return { difference: d, low, high, significant: low > 0 || high < 0 };
}

export interface MeanDifference {
  difference: number | null;
  low: number;
  high: number;
  significant: boolean;
}

/** Welch's interval for a difference of means, from each side's mean, standard deviation and n. */
export function compareMeans(before: { mean: number | null; std: number | null; n: number }, after: { mean: number | null; std: number | null; n: number }): MeanDifference {
  if (before.mean === null || after.mean === null || before.n < 2 || after.n < 2 || before.std === null || after.std === null) {
    return { difference: null, low: -Infinity, high: Infinity, significant: false };
  }
  const d = after.mean - before.mean;
  const se = Math.sqrt(before.std ** 2 / before.n + after.std ** 2 / after.n);
  // A normal quantile rather than Student's t: comparisons are only reported for samples
  // above the configured minimum, where the two differ in the third decimal.
  const half = Z95 * se;
  return { difference: d, low: d - half, high: d + half, significant: d - half > 0 || d + half < 0 };
}
