import { WarehouseError } from './types';

/**
 * DuckDB's error text rephrased for someone who wrote BigQuery SQL and a pipeline-lens.json:
 * a missing table or column is almost always a name in config, so the message says where.
 */
export function translateDuckdbError(error: unknown, queryName: string): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const [first, ...rest] = message.split('\n');
  const hint = rest.find((line) => /did you mean|candidate bindings/i.test(line))?.trim();
  const suffix = hint ? ` (${hint.replace(/[.!]$/, '')})` : '';

  if (/^INTERRUPT Error/i.test(first)) return cancelledError(queryName);

  const table = /Table with name "?([^"\s!]+)"? does not exist/i.exec(first);
  if (table) {
    return new WarehouseError(
      `Query ${queryName}: table ${table[1]} does not exist in the embedded warehouse${suffix}. ` +
        'Check the table names under tables.* in pipeline-lens.json, and that warehouse.files or the warehouse.database file provides them.',
      'not-found',
    );
  }
  const column = /Referenced column "?([^"\s]+)"? not found/i.exec(first) ?? /column with name "?([^"\s]+)"? does not exist/i.exec(first);
  if (column) {
    return new WarehouseError(
      `Query ${queryName}: column ${column[1]} does not exist${suffix}. ` +
        'Check the column names under tables.*.columns in pipeline-lens.json against the table.',
      'not-found',
    );
  }
  const fn = /(?:Scalar|Aggregate|Table) Function with name "?([^"\s!]+)"? does not exist/i.exec(first);
  if (fn) {
    return new WarehouseError(
      `Query ${queryName}: function ${fn[1]} is not available on the embedded warehouse (DuckDB)${suffix}; ` +
        'the query uses BigQuery SQL outside the subset both engines run.',
      'unsupported',
    );
  }
  return new WarehouseError(`Query ${queryName} failed on the embedded warehouse (DuckDB): ${first}${suffix}`, 'invalid-query');
}

export function cancelledError(queryName: string): WarehouseError {
  return new WarehouseError(`Query ${queryName} was cancelled.`, 'cancelled');
}
