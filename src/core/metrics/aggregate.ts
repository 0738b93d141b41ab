import type { Row } from '../warehouse/types';
import type { SliceMetrics } from './types';
import { wilson } from './wilson';

/**
 * The additive columns every metrics query returns; slices are sums of them. A sum is null
 * when the tables cannot give it (no line column: no direction; no actual value: no
 * error), and stays null through every addition: unknown is not zero.
 */
export interface MetricSums {
  predictions: number;
  graded: number;
  correct: number;
  absErrorSum: number | null;
  errorSum: number | null;
  errorSqSum: number | null;
  directionN: number | null;
  directionHits: number | null;
  /** Graded rows left out of direction accuracy for having no line (NULL, or tables.graded.lineMissingAs). */
  directionExcluded?: number | null;
  highEdgeN: number | null;
  highEdgeHits: number | null;
}

export const EMPTY_SUMS: MetricSums = {
  predictions: 0,
  graded: 0,
  correct: 0,
  absErrorSum: 0,
  errorSum: 0,
  errorSqSum: 0,
  directionN: 0,
  directionHits: 0,
  directionExcluded: 0,
  highEdgeN: 0,
  highEdgeHits: 0,
};

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const orNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function sumsFromRow(row: Row): MetricSums {
  const graded = num(row.graded);
  // A slice without graded rows has no error to sum (SUM over nothing is NULL): that is 0,
  // not unknown. Whether the error can be known at all shows on the rows that have some.
  const error = (v: unknown) => (graded === 0 && (v === null || v === undefined) ? 0 : orNull(v));
  return {
    predictions: num(row.predictions),
    graded,
    correct: num(row.correct),
    absErrorSum: error(row.abs_error_sum),
    errorSum: error(row.error_sum),
    errorSqSum: error(row.error_sq_sum),
    directionN: orNull(row.direction_n),
    directionHits: orNull(row.direction_hits),
    directionExcluded: orNull(row.direction_excluded),
    highEdgeN: orNull(row.high_edge_n),
    highEdgeHits: orNull(row.high_edge_hits),
  };
}

const plus = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

export function addSums(a: MetricSums, b: MetricSums): MetricSums {
  return {
    predictions: a.predictions + b.predictions,
    graded: a.graded + b.graded,
    correct: a.correct + b.correct,
    absErrorSum: plus(a.absErrorSum, b.absErrorSum),
    errorSum: plus(a.errorSum, b.errorSum),
    errorSqSum: plus(a.errorSqSum, b.errorSqSum),
    directionN: plus(a.directionN, b.directionN),
    directionHits: plus(a.directionHits, b.directionHits),
    directionExcluded: plus(a.directionExcluded ?? null, b.directionExcluded ?? null),
    highEdgeN: plus(a.highEdgeN, b.highEdgeN),
    highEdgeHits: plus(a.highEdgeHits, b.highEdgeHits),
  };
}

export function sumRows(rows: Row[]): MetricSums {
  return rows.map(sumsFromRow).reduce(addSums, EMPTY_SUMS);
}

export function sliceMetrics(s: MetricSums): SliceMetrics {
  const n = s.graded;
  const mean = n > 0 && s.errorSum !== null ? s.errorSum / n : null;
  // Sample variance from sums; clamped because rounding can leave a tiny negative.
  const variance = n > 1 && mean !== null && s.errorSqSum !== null ? Math.max(0, (s.errorSqSum - n * mean * mean) / (n - 1)) : null;
  return {
    predictions: s.predictions,
    graded: n,
    hitRate: wilson(s.correct, n),
    gradingCoverage: s.predictions > 0 ? n / s.predictions : null,
    mae: n > 0 && s.absErrorSum !== null ? s.absErrorSum / n : null,
    bias: mean,
    stdError: variance === null ? null : Math.sqrt(variance),
    directionAccuracy: s.directionN === null || s.directionHits === null ? null : wilson(s.directionHits, s.directionN),
    directionExcluded: s.directionExcluded ?? null,
    highEdgeHitRate: s.highEdgeN === null || s.highEdgeHits === null ? null : wilson(s.highEdgeHits, s.highEdgeN),
  };
}
