import type { Row } from '../warehouse/types';

/**
 * Additive aggregates of one feature's values over some rows, as the catalog's feature
 * queries return them: enough to tell an input that is empty (zeros, NULLs), frozen at one
 * value, or below its expected coverage, and to add groups together.
 */
export interface ValueStats {
  rows: number;
  positive: number;
  zeros: number;
  nulls: number;
  /** Sum of the non-NULL values. */
  sum: number;
  sqSum: number;
  /** Smallest and largest non-NULL value; null when every value is NULL. */
  min: number | null;
  max: number | null;
}

export const NO_VALUES: ValueStats = { rows: 0, positive: 0, zeros: 0, nulls: 0, sum: 0, sqSum: 0, min: null, max: null };

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function statsFromRow(row: Row): ValueStats {
  const rows = num(row.row_count);
  const nulls = num(row.nulls);
  const mean = orNull(row.mean);
  return {
    rows,
    positive: num(row.positive),
    zeros: num(row.zeros),
    nulls,
    sum: mean === null ? 0 : mean * (rows - nulls),
    sqSum: num(row.value_sq_sum),
    min: orNull(row.min_value),
    max: orNull(row.max_value),
  };
}

export function addStats(a: ValueStats, b: ValueStats): ValueStats {
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number) => (x === null ? y : y === null ? x : f(x, y));
  return {
    rows: a.rows + b.rows,
    positive: a.positive + b.positive,
    zeros: a.zeros + b.zeros,
    nulls: a.nulls + b.nulls,
    sum: a.sum + b.sum,
    sqSum: a.sqSum + b.sqSum,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
  };
}

export const sumStats = (list: ValueStats[]) => list.reduce(addStats, NO_VALUES);

/** Share of rows where the value is 0 or NULL: what a missing input is stored as. */
export const emptyShare = (s: ValueStats) => (s.rows === 0 ? null : (s.zeros + s.nulls) / s.rows);
/** Share of rows where the value is > 0. */
export const coverage = (s: ValueStats) => (s.rows === 0 ? null : s.positive / s.rows);
export const nonNull = (s: ValueStats) => s.rows - s.nulls;
export const meanOf = (s: ValueStats) => (nonNull(s) === 0 ? null : s.sum / nonNull(s));

/** Population standard deviation of the non-NULL values. */
export function spread(s: ValueStats): number | null {
  const n = nonNull(s);
  if (n === 0) return null;
  const mean = s.sum / n;
  return Math.sqrt(Math.max(0, s.sqSum / n - mean * mean));
}

/** Fewest non-NULL values before "every value was the same" says anything. */
export const MIN_FROZEN_VALUES = 5;
const EPSILON = 1e-9;

/** Whether the values vary at all (a default written on every row does not). */
export const varies = (s: ValueStats) => s.min !== null && s.max !== null && s.max - s.min > EPSILON * Math.max(1, Math.abs(s.max));

/** Whether most groups (each one day, say) that have enough values vary inside themselves. */
export function variesWithin(groups: ValueStats[]): boolean {
  const judged = groups.filter((g) => nonNull(g) >= MIN_FROZEN_VALUES);
  return judged.length > 0 && judged.filter(varies).length >= judged.length / 2;
}

/** The one non-zero value every row holds, or null when the values vary, are empty or too few to say. */
export function frozenValue(s: ValueStats): number | null {
  if (nonNull(s) < MIN_FROZEN_VALUES || s.min === null || varies(s)) return null;
  return Math.abs(s.min) <= EPSILON ? null : s.min;
}

/** A value as people read it: up to 4 significant digits, no trailing zeros. */
export function formatValue(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
