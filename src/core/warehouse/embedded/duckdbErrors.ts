import { WarehouseError } from '../types';

/**
 * DuckDB's error text rephrased for someone who wrote BigQuery SQL and a pipeline-lens.json:
 * a missing table or column is almost always a name in config, so the message says where.
 */
export function translateDuckdbError(error: unknown, queryName: string, workspace: string | null = null): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const [first, ...rest] = message.split('\n');
  const hint = rest.find((line) => /did you mean|candidate bindings/i.test(line))?.trim();
  const suffix = hint ? ` (${hint.replace(/[.!]$/, '')})` : '';

  if (/^INTERRUPT Error/i.test(first)) return cancelledError(queryName);

  const outside = /^Permission Error: Cannot access (?:file|directory) "(.*)" - file system operations are disabled by configuration/i.exec(first);
  if (outside) {
    return new WarehouseError(
      `Query ${queryName} tried to read ${outside[1]}, which is outside ${workspace ? `the workspace (${workspace})` : 'the workspace'} and not a file named in warehouse.files or warehouse.database; ` +
        'the embedded warehouse reads nothing else. Move the file into the workspace, or name it as a table in warehouse.files in pipeline-lens.json.',
      'file-access',
    );
  }
  if (/^Permission Error: Loading external extensions is disabled/i.test(first) || /^Invalid Input Error: Cannot change configuration option/i.test(first)) {
    return new WarehouseError(
      `Query ${queryName} was refused: the embedded warehouse does not load extensions or change its settings from a query (${first.replace(/^[\w ]+Error: /, '')}).`,
      'write-refused',
    );
  }

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
      `Query ${queryName}: column ${column[1]} does not exist${suffix}. ` + 'Check the column names under tables.*.columns in pipeline-lens.json against the table.',
      'not-found',
    );
  }
  const fn = /(?:Scalar|Aggregate|Table) Function with name "?([^"\s!]+)"? does not exist/i.exec(first);
  if (fn) {
    return new WarehouseError(
      `Query ${queryName}: function ${fn[1]} is not available on the embedded warehouse (DuckDB)${suffix}; ` + 'the query uses BigQuery SQL outside the subset both engines run.',
      'unsupported',
    );
  }
  return new WarehouseError(`Query ${queryName} failed on the embedded warehouse (DuckDB): ${first}${suffix}`, 'invalid-query');
}

export function cancelledError(queryName: string): WarehouseError {
  return new WarehouseError(`Query ${queryName} was cancelled.`, 'cancelled');
}
