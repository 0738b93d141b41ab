/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Proportion {
  successes: number;
  n: number;
  /** successes / n, or null when n = 0. */
  rate: number | null;
  /** Wilson score interval; [0, 1] when n = 0 (nothing is known). */
  low: number;
  high: number;
}

/*
 * Wilson rather than the normal approximation: the samples this product shows are often
 * tiny (41 graded rows, a handful of high-edge calls), where p ± z·se leaves [0, 1] and
 * claims false precision near 0% and 100%.
 */
export function wilson(successes: number, n: number, z: number = Z95): Proportion {
  if (!Number.isFinite(n) || n <= 0) return { successes: 0, n: 0, rate: null, low: 0, high: 1 };
  if (successes < 0 || successes > n) throw new RangeError(`successes (${successes}) must lie between 0 and n (${n})`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 or n successes the bound is exactly 0 or 1; floating point would leave 1e-17.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { successes, n, rate: p, low, high };
}
