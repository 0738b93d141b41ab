import type { PipelineLensConfig, TablesConfig } from '../config/types';
import type { TableScope } from './columnNeeds';

export type TableRole = keyof TablesConfig;

/** A configured table as catalog queries read it; null when the config has no such table. */
export function tableScope(config: PipelineLensConfig, role: TableRole): TableScope | null {
  const table = config.tables[role];
  if (!table) return null;
  const key = `tables.${role}`;
  const day = table.day ? { day: { ...table.day, role } } : {};
  if (role === 'executionLog') {
    const log = config.tables.executionLog!;
    return { key, table: log.table, partitionColumn: log.partitionColumn, time: { column: log.columns.start, type: 'timestamp', key: `${key}.columns.start` }, ...day };
  }
  const date = (table.columns as { date: string }).date;
  return { key, table: table.table, partitionColumn: table.partitionColumn, time: { column: date, type: 'date', key: `${key}.columns.date` }, ...day };
}

export function requiredScope(config: PipelineLensConfig, role: TableRole): TableScope {
  const scope = tableScope(config, role);
  if (!scope) throw new Error(`The query needs tables.${role}, which ${config.file} does not configure.`);
  return scope;
}
