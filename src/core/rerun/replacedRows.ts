import type { PipelineLensConfig } from '../config/types';
import type { TableScope } from '../warehouse/columnNeeds';
import type { QueryBuilder } from '../warehouse/queryBuilder';

/** The columns a table may mark replaced rows with (tables.<role>.columns). */
export interface ReplacedColumns {
  active: string | null;
  superseded: string | null;
  supersededAt: string | null;
}

/**
 * How a table marks a row that a later run replaced, as SQL over a row alias. `current` is
 * TRUE for a row that stands, FALSE for a replaced one, and NULL for a row the marker does
 * not decide (an `active` flag left NULL): such rows are neither.
 */
export interface ReplacedRowMarker {
  current(q: QueryBuilder, scope: TableScope, alias: string): string;
  /** The config keys that say so, for messages. */
  configKeys: string[];
}

/**
 * The one place that reads "is this row replaced" from the config: the catalog's filter of
 * standing rows and every query about re-runs ask here, so a new way of marking rows is
 * added in this function and nowhere else. Null when the table names no marker: then which
 * rows were replaced is not recorded.
 */
export function replacedRowMarker(config: PipelineLensConfig, role: 'predictions' | 'graded' = 'predictions'): ReplacedRowMarker | null {
  return rowMarker(config.tables[role].columns, `tables.${role}`);
}

/** The marker of a table's columns; `tableKey` is the table's config path, e.g. `tables.graded`. */
export function rowMarker(c: ReplacedColumns, tableKey: string): ReplacedRowMarker | null {
  const keys = (['active', 'superseded', 'supersededAt'] as const).filter((k) => c[k] !== null);
  if (keys.length === 0) return null;
  return {
    configKeys: keys.map((k) => `${tableKey}.columns.${k}`),
    current(q, scope, alias) {
      const parts: string[] = [];
      if (c.active) parts.push(q.column(scope, alias, 'active', c.active, 'bool'));
      if (c.superseded) parts.push(`${q.column(scope, alias, 'superseded', c.superseded, 'bool')} IS NOT TRUE`);
      if (c.supersededAt) parts.push(`${q.column(scope, alias, 'supersededAt', c.supersededAt, 'timestamp')} IS NULL`);
      return parts.join(' AND ');
    },
  };
}
