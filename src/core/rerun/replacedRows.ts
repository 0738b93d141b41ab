import type { PipelineLensConfig } from '../config/types';
import { columnRef as col } from '../warehouse/identifiers';

/**
 * How the predictions table marks a row that a re-run replaced, as SQL over a row alias.
 * Rows that are neither replaced nor current (the marker is NULL) are left out of both.
 */
export interface ReplacedRowMarker {
  /** True for a row a later run replaced. */
  replaced(alias: string): string;
  /** True for a row that stands. */
  current(alias: string): string;
  /** The config key that says so, for messages. */
  configKey: string;
}

/**
 * The one place that reads "is this row replaced" from the config: every query about
 * re-runs asks here, so a new way of marking rows (a `superseded` flag, a `superseded_at`
 * timestamp) is added in this function and nowhere else. Null when the config names no
 * marker: then which rows were replaced is not recorded.
 */
export function replacedRowMarker(config: PipelineLensConfig): ReplacedRowMarker | null {
  const active = config.tables.predictions.columns.active;
  if (!active) return null;
  return {
    replaced: (alias) => `NOT ${alias}.${col(active)}`,
    current: (alias) => `${alias}.${col(active)}`,
    configKey: 'tables.predictions.columns.active',
  };
}
