import type { Row } from '../warehouse/types';
import type { SliceMetrics } from './types';
import { wilson } from './wilson';

/** The additive columns every metrics query returns; slices are sums of them. */
export interface MetricSums {
  predictions: number;
  graded: number;
  correct: number;
  absErrorSum: number;
  errorSum: number;
  errorSqSum: number;
  directionN: number;
  directionHits: number;
  highEdgeN: number;
  highEdgeHits: number;
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
  highEdgeN: 0,
  highEdgeHits: 0,
};

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export function sumsFromRow(row: Row): MetricSums {
  return {
    predictions: num(row.predictions),
    graded: num(row.graded),
    correct: num(row.correct),
    absErrorSum: num(row.abs_error_sum),
    errorSum: num(row.error_sum),
    errorSqSum: num(row.error_sq_sum),
    directionN: num(row.direction_n),
    directionHits: num(row.direction_hits),
    highEdgeN: num(row.high_edge_n),
    highEdgeHits: num(row.high_edge_hits),
  };
}

export function addSums(a: MetricSums, b: MetricSums): MetricSums {
  return {
    predictions: a.predictions + b.predictions,
    graded: a.graded + b.graded,
    correct: a.correct + b.correct,
    absErrorSum: a.absErrorSum + b.absErrorSum,
    errorSum: a.errorSum + b.errorSum,
    errorSqSum: a.errorSqSum + b.errorSqSum,
    directionN: a.directionN + b.directionN,
    directionHits: a.directionHits + b.directionHits,
    highEdgeN: a.highEdgeN + b.highEdgeN,
    highEdgeHits: a.highEdgeHits + b.highEdgeHits,
  };
}

export function sumRows(rows: Row[]): MetricSums {
  return rows.map(sumsFromRow).reduce(addSums, EMPTY_SUMS);
}

export function sliceMetrics(s: MetricSums): SliceMetrics {
  const n = s.graded;
  const mean = n > 0 ? s.errorSum / n : null;
  // Sample variance from sums; clamped because rounding can leave a tiny negative.
  const variance = n > 1 && mean !== null ? Math.max(0, (s.errorSqSum - n * mean * mean) / (n - 1)) : null;
  return {
    predictions: s.predictions,
    graded: n,
    hitRate: wilson(s.correct, n),
    gradingCoverage: s.predictions > 0 ? n / s.predictions : null,
    mae: n > 0 ? s.absErrorSum / n : null,
    bias: mean,
    stdError: variance === null ? null : Math.sqrt(variance),
    directionAccuracy: wilson(s.directionHits, s.directionN),
    highEdgeHitRate: wilson(s.highEdgeHits, s.highEdgeN),
  };
}
