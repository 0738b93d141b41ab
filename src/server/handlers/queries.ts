import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { statementRanges } from '../../core/sql/statements';
import { tokenize } from '../../core/warehouse/bigqueryTokens';
import { parseParameterValue } from '../../core/warehouse/parameterText';
import { assertRunnable, planQuery, writeRefusal } from '../../core/warehouse/queryGuard';
import type { ParamType, ParamValue, SqlQuery, Warehouse } from '../../core/warehouse/types';
import type {
  ParameterTextParams,
  ParameterTextReading,
  PlanQueryResult,
  QueryParams,
  RunQueryParams,
  RunQueryResult,
  StatementRange,
  StatementRangesParams,
} from '../../shared/protocol';
import type { ServerContext } from '../serverContext';
import type { ServerWorkspace } from '../serverWorkspace';
import { inWorkspace } from './workspaceRequest';

/** Rows sent to the client when it names no limit; the rest are counted, not sent. */
const DEFAULT_MAX_ROWS = 10_000;

/** `@name` parameters of the SQL (not `@@system` variables), in order of first appearance. */
export function sqlParameters(sql: string): string[] {
  const names: string[] = [];
  for (const t of tokenize(sql)) if (t.kind === 'param' && !t.text.startsWith('@@') && !names.includes(t.value)) names.push(t.value);
  return names;
}

function toQuery(params: QueryParams): { query: SqlQuery; names: string[]; missing: string[] } {
  const names = sqlParameters(params.sql);
  const given = params.parameters ?? {};
  const missing = names.filter((n) => !(n in given));
  const values: Record<string, ParamValue> = {};
  const types: Record<string, ParamType> = {};
  for (const name of names) {
    if (!(name in given)) continue;
    values[name] = given[name].value;
    types[name] = given[name].type;
  }
  return { query: { name: 'editor', sql: params.sql, params: values, types }, names, missing };
}

function bytesCap(workspace: ServerWorkspace, warehouse: Warehouse): number | null {
  return warehouse.kind === 'bigquery' && workspace.config.warehouse.kind === 'bigquery' ? workspace.config.warehouse.maximumBytesBilled : null;
}

/**
 * The statement's plan: BigQuery's dry run (type, tables, bytes; nothing read, nothing
 * billed), the text alone on the embedded engine. With parameters missing the engine is
 * not asked (a dry run needs their types); the client asks a person for them first.
 */
export function planEditorQuery(context: ServerContext, params: QueryParams, token: CancellationToken): Promise<PlanQueryResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const warehouse = await workspace.warehouse();
    const { query, names, missing } = toQuery(params);
    const plan = missing.length ? null : await planQuery(warehouse, query, { signal });
    const refused = plan !== null && plan.kind !== 'query' && warehouse.kind === 'embedded';
    return {
      warehouse: warehouse.kind,
      warehouseDescription: warehouse.describe(),
      parameters: names,
      missingParameters: missing,
      plan,
      maximumBytesBilled: bytesCap(workspace, warehouse),
      refusal: refused ? writeRefusal(params.subject ?? 'the statement', plan.statementType, plan.targets, 'embedded').message : null,
    };
  });
}

/**
 * Runs SQL a person wrote, behind the same guard as the CLI's `query`: anything but a
 * query is refused unless the client says a person confirmed it (the embedded engine
 * refuses regardless), and every BigQuery job carries the bytes cap.
 */
export function runEditorQuery(context: ServerContext, params: RunQueryParams, token: CancellationToken): Promise<RunQueryResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const warehouse = await workspace.warehouse();
    const { query, missing } = toQuery(params);
    if (missing.length) throw new ResponseError(ErrorCodes.InvalidParams, `The SQL uses ${missing.map((m) => `@${m}`).join(', ')} without a value.`);
    const plan = await planQuery(warehouse, query, { signal });
    const writeConfirmed = plan.kind !== 'query' && params.writeConfirmed === true;
    if (plan.kind !== 'query' && warehouse.kind === 'embedded') throw writeRefusal('the SQL', plan.statementType, plan.targets, 'embedded');
    const cap = bytesCap(workspace, warehouse);
    assertRunnable(warehouse, plan, query, { writeConfirmed, maximumBytesBilled: cap });
    const started = Date.now();
    const result = await warehouse.query(query, { signal, writeConfirmed, maximumBytesBilled: cap ?? undefined });
    const max = Math.max(1, Math.min(params.maxRows ?? DEFAULT_MAX_ROWS, 100_000));
    return {
      columns: result.columns,
      rows: result.rows.slice(0, max),
      totalRows: result.rows.length,
      bytesProcessed: result.bytesProcessed,
      durationMs: Date.now() - started,
      statementType: plan.statementType,
      warehouseDescription: warehouse.describe(),
    };
  });
}

/** The statements of a SQL file, for its "▶ Run" lenses: the text alone decides, so any SQL file is answered, in a workspace or not. */
export async function sqlStatementRanges(params: StatementRangesParams): Promise<StatementRange[]> {
  return statementRanges(params.sql);
}

/** A parameter value as typed in the editor's prompt, read by the one rule the CLI's `--param` follows too. */
export async function parameterText(params: ParameterTextParams): Promise<ParameterTextReading> {
  return parseParameterValue(params.text);
}
