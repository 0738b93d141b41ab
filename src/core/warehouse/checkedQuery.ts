import type { PipelineLensConfig } from '../config/types';
import { columnProbeQuery, type DateWindow } from './catalog';
import { TYPE_NAMES, type CatalogQuery, type ColumnNeed } from './columnNeeds';
import { WarehouseError, type Row, type Warehouse } from './types';

/**
 * A built-in query run so that a wrong setting costs one detector, not the report: when the
 * warehouse refuses it, each configured column it reads is checked on its own (does it
 * exist, does it read as the type the query needs), and the setting at fault is named. A
 * column the config may leave out is then left out, and the query runs again without it.
 */

export type CheckedResult =
  | {
      ok: true;
      rows: Row[];
      /** The config the rows came from: the one given, or one with faulty optional columns set to null. */
      config: PipelineLensConfig;
      /** Settings left out to get an answer, each saying what was wrong. */
      leftOut: ColumnFault[];
    }
  | {
      ok: false;
      reason: string;
      faults: ColumnFault[];
      /** The warehouse's refusal when no setting could be blamed for it. */
      error: WarehouseError | null;
    };

export interface ColumnFault {
  need: ColumnNeed;
  problem: 'missing' | 'type';
  /** One sentence: the key, the column it names, what is wrong, what to do. */
  message: string;
}

/** Failures that are about a query and its columns; anything else (network, credentials, cancel) is not a setting of one detector. */
const QUERY_FAULTS = new Set(['invalid-query', 'not-found', 'error', 'unsupported']);

export function isQueryFault(error: unknown): boolean {
  return error instanceof WarehouseError && QUERY_FAULTS.has(error.reason) && !/^Query \S+: table \S+ (does not exist|was not found)/.test(error.message);
}

export async function runChecked(
  warehouse: Warehouse,
  config: PipelineLensConfig,
  build: (config: PipelineLensConfig) => CatalogQuery,
  window: DateWindow,
  signal?: AbortSignal,
): Promise<CheckedResult> {
  const query = build(config);
  try {
    return { ok: true, rows: (await warehouse.query(query, { signal })).rows, config, leftOut: [] };
  } catch (error) {
    if (!(error instanceof WarehouseError) || error.reason === 'cancelled') throw error;
    if (!isQueryFault(error)) return { ok: false, reason: error.message, faults: [], error };
    const faults = await findFaults(warehouse, query.needs, window, signal);
    if (faults.length === 0) return { ok: false, reason: error.message, faults, error };
    if (faults.some((f) => !f.need.optional)) return { ok: false, reason: faults.map((f) => f.message).join('; '), faults, error: null };
    const reduced = withoutColumns(
      config,
      faults.map((f) => f.need.key),
    );
    let retry: CatalogQuery;
    try {
      retry = build(reduced);
    } catch {
      // The query cannot be written without them.
      return { ok: false, reason: faults.map((f) => f.message).join('; '), faults, error: null };
    }
    try {
      return { ok: true, rows: (await warehouse.query(retry, { signal })).rows, config: reduced, leftOut: faults };
    } catch (retryError) {
      if (!(retryError instanceof WarehouseError) || retryError.reason === 'cancelled') throw retryError;
      return { ok: false, reason: `${faults.map((f) => f.message).join('; ')}; and without ${faults.length === 1 ? 'it' : 'them'}: ${retryError.message}`, faults, error: null };
    }
  }
}

/**
 * The configured columns of a failed query that do not exist or do not read as the needed
 * type. The columns a table is filtered by come first: while one of them is wrong, nothing
 * else of that table can be checked.
 */
export async function findFaults(warehouse: Warehouse, needs: ColumnNeed[], window: DateWindow, signal?: AbortSignal): Promise<ColumnFault[]> {
  const isFilter = (n: ColumnNeed) => n.key === n.scope.time?.key || n.key === `${n.scope.key}.partitionColumn`;
  const ordered = [...needs.filter(isFilter), ...needs.filter((n) => !isFilter(n))];
  const faults: ColumnFault[] = [];
  const brokenTables = new Set<string>();
  for (const need of ordered) {
    if (brokenTables.has(need.scope.key)) continue;
    const exists = await probe(warehouse, { ...need, type: 'any' }, window, signal);
    const fits = exists && (need.type === 'any' || (await probe(warehouse, need, window, signal)));
    if (fits) continue;
    faults.push(describeFault(need, exists ? 'type' : 'missing'));
    if (isFilter(need)) brokenTables.add(need.scope.key);
  }
  return faults;
}

async function probe(warehouse: Warehouse, need: ColumnNeed, window: DateWindow, signal?: AbortSignal): Promise<boolean> {
  // BigQuery checks types in a dry run, reading nothing; the embedded engine finds some
  // mismatches (text that is not a BOOL) only on the rows themselves, so it reads the window.
  const query = columnProbeQuery(need, window);
  try {
    if (warehouse.dryRun) await warehouse.dryRun(query, { signal });
    else await warehouse.query(query, { signal });
    return true;
  } catch (error) {
    if (!(error instanceof WarehouseError) || error.reason === 'cancelled') throw error;
    return false;
  }
}

function describeFault(need: ColumnNeed, problem: 'missing' | 'type'): ColumnFault {
  const setting = `${need.key} is "${need.column}"`;
  const storage = need.key.endsWith('.columns.features')
    ? ' (or set tables.featureStore.storage to how the features are stored: array, jsonArray, delimited or columns)'
    : /\.columns\.(date|lastDate)$/.test(need.key)
      ? ` (or set ${need.scope.key}.dateType to what the column holds: DATE, TIMESTAMP or DATETIME)`
      : '';
  const fix = need.optional ? `; name the column that holds it, or set ${need.key} to null if the table has none` : `; name the column that holds it`;
  const message =
    problem === 'missing'
      ? `${setting}, but ${need.scope.table} has no such column${fix}`
      : `${setting}, but that column of ${need.scope.table} does not read as ${TYPE_NAMES[need.type]}${storage}${need.optional ? `; point it at ${TYPE_NAMES[need.type]} column, or set it to null` : ''}`;
  return { need, problem, message };
}

/** The config with the given `tables.<role>.columns.<key>` settings set to null. */
export function withoutColumns(config: PipelineLensConfig, keys: string[]): PipelineLensConfig {
  const tables = { ...config.tables } as Record<string, unknown>;
  for (const key of keys) {
    const match = /^tables\.(\w+)\.columns\.(\w+)$/.exec(key);
    if (!match) continue;
    const [, role, column] = match;
    const table = tables[role] as { columns: Record<string, string | null> } | null;
    if (!table) continue;
    tables[role] = { ...table, columns: { ...table.columns, [column]: null } };
  }
  return { ...config, tables: tables as unknown as PipelineLensConfig['tables'] };
}

/**
 * A built-in query behind a view or a report: its rows, and what could not be checked,
 * each note naming the setting, so a wrong or missing column costs a part of the view,
 * not the view. `what` names the part ("runs in the gap", "results by build"). Not
 * `answered`: the query could not run at all, so no rows means "not known", not "none".
 */
export async function runForView(
  warehouse: Warehouse,
  config: PipelineLensConfig,
  build: (config: PipelineLensConfig) => CatalogQuery,
  window: DateWindow,
  what: string,
  signal?: AbortSignal,
): Promise<{ rows: Row[]; notChecked: string[]; answered: boolean }> {
  const result = await runChecked(warehouse, config, build, window, signal);
  if (!result.ok) {
    if (result.error && !isQueryFault(result.error)) throw result.error;
    return { rows: [], notChecked: [`${what}: not checked: ${result.reason}`], answered: false };
  }
  return { rows: result.rows, notChecked: result.leftOut.map((f) => `${what}: ${f.message}`), answered: true };
}
