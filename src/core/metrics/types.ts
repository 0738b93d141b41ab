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
  /** Null without graded rows, or when the graded table holds no predicted and actual value. */
  mae: number | null;
  bias: number | null;
  stdError: number | null;
  /** Null when the tables hold no line (or no actual value) to be on the right side of: not recorded. */
  directionAccuracy: Proportion | null;
  /** Graded rows left out of direction accuracy because they have no line (NULL, or the configured lineMissingAs); null: not recorded. */
  directionExcluded?: number | null;
  highEdgeHitRate: Proportion | null;
}
