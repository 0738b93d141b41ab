import type { DayRule } from '../config/types';
import type { SqlQuery } from './types';

/** What a query asks of a configured column: that it exists and can be read as this type. */
export type ColumnType = 'any' | 'number' | 'bool' | 'date' | 'timestamp' | 'datetime' | 'text' | 'numberArray';

/**
 * A configured table as a query reads it: where in pipeline-lens.json it is named, and the
 * column a scan of it filters on, so that a check of one of its columns scans as little.
 */
export interface TableScope {
  /** The config path of the table's settings, e.g. `tables.predictions`. */
  key: string;
  table: string;
  partitionColumn: string | null;
  /** The column a window of it is read by (a DATE or a TIMESTAMP), and its config key. */
  time: { column: string; type: 'date' | 'timestamp'; key: string } | null;
  /** How the table's date column holds its day (tables.<role>.dateType, timeZone); absent: a DATE. */
  day?: DayRule & { role: string };
}

export interface ColumnNeed {
  /** The config path naming the column, e.g. `tables.graded.columns.line`. */
  key: string;
  column: string;
  type: ColumnType;
  /** Whether the config may set it to null (the detector then runs without it or says why not). */
  optional: boolean;
  scope: TableScope;
}

/** A built-in query and the configured columns it reads, so a failure can be traced to a setting. */
export interface CatalogQuery extends SqlQuery {
  needs: ColumnNeed[];
}

export const TYPE_NAMES: Record<ColumnType, string> = {
  any: 'a column',
  number: 'a number (INT64, NUMERIC or FLOAT64)',
  bool: 'a BOOL',
  date: 'a DATE',
  timestamp: 'a TIMESTAMP',
  datetime: 'a DATETIME',
  text: 'a STRING',
  numberArray: 'an ARRAY of numbers',
};

export function isCatalogQuery(query: SqlQuery): query is CatalogQuery {
  return Array.isArray((query as Partial<CatalogQuery>).needs);
}
