import { metricsQuery, type DateWindow, type MetricsGrain } from '../core/warehouse/catalog';
import { tokenize } from '../core/warehouse/bigqueryTokens';
import type { ParamType, ParamValue, SqlQuery } from '../core/warehouse/types';
import type { RowSqlParams, RowSqlResult } from '../shared/protocol';
import type { ServerWorkspace } from './serverWorkspace';

/**
 * The catalog query a models-tree row was computed from, as SQL a person can edit and run:
 * the same definition the tree used (one catalog), narrowed to the row, with its parameters
 * written in as literals (an untitled editor has nowhere to keep parameter values) and the
 * rates the tree shows computed from the additive sums.
 */
export function rowSql(workspace: ServerWorkspace, params: RowSqlParams, window: DateWindow): RowSqlResult {
  const grain: MetricsGrain[] = params.date ? ['model', 'commit', 'date'] : params.commit ? ['model', 'commit', 'date'] : ['model', 'commit'];
  const rowWindow = params.date ? { from: params.date, to: params.date } : window;
  const query = metricsQuery(workspace.config, grain, { window: rowWindow, models: [params.model], commits: params.commit ? [params.commit] : undefined }, 'treeRow');
  const what = [params.model, params.commit?.slice(0, 8), params.date].filter(Boolean).join(' · ');
  const sql = `-- ${what}: the query behind this row of the Pipeline Lens models tree (${rowWindow.from}..${rowWindow.to}).
-- hit rate = correct / graded (graded: the result is known); MAE over graded rows.
SELECT
  *,
  ROUND(100 * correct / NULLIF(graded, 0), 1) AS hit_rate_pct,
  ROUND(abs_error_sum / NULLIF(graded, 0), 2) AS mae,
  ROUND(100 * graded / NULLIF(predictions, 0), 1) AS graded_pct
FROM (
${indent(inlineParameters(query))}
)
ORDER BY 1, 2${grain.length > 2 ? ', 3' : ''};
`;
  return { sql, title: `${what.replace(/[^\w.-]+/g, '_')}.bqsql` };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

/** Replaces each `@name` outside strings and comments with its value as a BigQuery literal. */
export function inlineParameters(query: SqlQuery): string {
  return tokenize(query.sql)
    .map((t) => (t.kind === 'param' && !t.text.startsWith('@@') && t.value in query.params ? literal(query.params[t.value], query.types[t.value]) : t.text))
    .join('');
}

function literal(value: ParamValue, type: ParamType | undefined): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) {
    const element = type && typeof type === 'object' ? type.array : undefined;
    return `[${value.map((v) => literal(v, element)).join(', ')}]`;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  const text = value instanceof Date ? value.toISOString() : value;
  const quoted = `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (type === 'DATE') return `DATE ${quoted}`;
  if (type === 'TIMESTAMP') return `TIMESTAMP ${quoted}`;
  return quoted;
}
