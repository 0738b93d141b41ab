import type { Proportion } from './wilson';

/** The figures of one slice of graded predictions (a model, a build, a date, a period). */
export interface SliceMetrics {
  /** Active predictions made in the slice. */
  predictions: number;
  /** Predictions with a result (correct IS NOT NULL). */
  graded: number;
  hitRate: Proportion;
  /** graded / predictions (can exceed 1 if the graded table holds rows the predictions table lacks). */
  gradingCoverage: number | null;
  mae: number | null;
  bias: number | null;
  stdError: number | null;
  directionAccuracy: Proportion;
  highEdgeHitRate: Proportion;
}
