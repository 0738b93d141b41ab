import { bytesOverCap } from './bigquery/bigqueryErrors';
import { classifyStatement, type StatementKind } from './statementKind';
import { WarehouseError, type CapSource, type SqlQuery, type Warehouse } from './types';

/*
 * The guard in front of SQL a person wrote: before it runs, ask the engine what it is (a
 * dry run on BigQuery: statement type, tables, bytes) and refuse anything but a query
 * unless a person confirmed the write. The local reading of the text is consulted too,
 * and either one saying "not a query" is enough to refuse: the guard fails closed.
 */

export interface QueryPlan {
  kind: StatementKind['kind'];
  /** BigQuery's name for it: SELECT, INSERT, CREATE_TABLE, SCRIPT... */
  statementType: string;
  /** What a write would change. */
  targets: string[];
  /** The engine's estimate; null when it cannot estimate (the embedded engine). */
  bytesProcessed: number | null;
  referencedTables: string[];
  /** Whether the engine was asked (a dry run) or only the text was read. */
  checkedBy: 'dry-run' | 'text';
}

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE_TABLE', 'LOAD_DATA', 'EXPORT_DATA']);

/**
 * What `query` would do, from a dry run when the warehouse offers one (BigQuery's dry run
 * reads and changes nothing, and is not billed). No data is read or changed.
 */
export async function planQuery(warehouse: Warehouse, query: SqlQuery, options: { signal?: AbortSignal } = {}): Promise<QueryPlan> {
  const local = classifyStatement(query.sql);
  if (!warehouse.dryRun) {
    return { kind: local.kind, statementType: local.statementType, targets: local.targets, bytesProcessed: null, referencedTables: [], checkedBy: 'text' };
  }
  const dry = await warehouse.dryRun(query, options);
  const type = dry.statementType.toUpperCase();
  const server: QueryPlan['kind'] = type === 'SELECT' ? 'query' : type === 'SCRIPT' ? 'script' : DML.has(type) ? 'dml' : 'ddl';
  // Either reading saying "not a query" is enough.
  const disagree = server === 'query' && local.kind !== 'query';
  return {
    kind: disagree ? local.kind : server,
    statementType: disagree ? local.statementType : type,
    targets: dry.targetTable ? [dry.targetTable] : local.targets,
    bytesProcessed: dry.bytesProcessed,
    referencedTables: dry.referencedTables,
    checkedBy: 'dry-run',
  };
}

/**
 * Throws when the plan must not run: a write without confirmation (or any write on the
 * read-only embedded engine), or an estimate above the bytes cap.
 */
export function assertRunnable(
  warehouse: Warehouse,
  plan: QueryPlan,
  query: SqlQuery,
  options: { writeConfirmed?: boolean; maximumBytesBilled?: number | null; maximumBytesBilledSource?: CapSource } = {},
): void {
  if (plan.kind !== 'query' && (warehouse.kind === 'embedded' || !options.writeConfirmed)) {
    throw writeRefusal(`query ${query.name}`, plan.statementType, plan.targets, warehouse.kind);
  }
  const cap = options.maximumBytesBilled ?? null;
  if (cap !== null && plan.bytesProcessed !== null && plan.bytesProcessed > cap) {
    throw bytesOverCap(query.name, cap, options.maximumBytesBilledSource ?? 'config', plan.bytesProcessed);
  }
}

/**
 * The refusal of a statement that is not a query: what it is, what it would change, and
 * that nothing ran. `subject` names it for the reader: `query user`, a file name.
 */
export function writeRefusal(subject: string, statementType: string, targets: string[], engine: 'embedded' | 'bigquery', hint = ''): WarehouseError {
  const what =
    statementType === 'SCRIPT' ? 'a script of several statements' : statementType === 'EMPTY' ? 'empty' : `${/^[AEIOU]/.test(statementType) ? 'an' : 'a'} ${statementType}`;
  const on = targets.length > 0 ? ` on ${targets.join(', ')}` : '';
  // Several statements are usually several queries pasted together: say what to do first.
  const oneAtATime = statementType === 'SCRIPT' ? '; run one at a time' : '';
  const rule =
    engine === 'embedded'
      ? 'the embedded warehouse is read-only and runs queries (SELECT / WITH) only'
      : 'a statement that changes data runs only after a person confirms the write';
  return new WarehouseError(`Refused: ${subject} is ${what}${on}${oneAtATime}; ${rule}, and nothing was executed.${hint ? ` ${hint}` : ''}`, 'write-refused');
}
