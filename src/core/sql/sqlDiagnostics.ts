import { isPunct, isWord } from '../warehouse/bigqueryTokens';
import { classifyStatement } from '../warehouse/statementKind';
import { findFeatureOffsets, type ArrayAccess } from './featureOffsets';
import { findTable, type SqlContext, type SqlTable } from './sqlContext';
import { identifierOf, sqlTokens, tokenEnd, type SqlTokens } from './significantTokens';
import { splitStatements } from './statements';
import { findTableReferences, type TableReference } from './tableReferences';

export type SqlProblemCode = 'feature-offset-out-of-range' | 'feature-not-in-registry' | 'partition-filter-missing' | 'writes-tables';

export interface SqlProblem {
  code: SqlProblemCode;
  severity: 'error' | 'warning' | 'information';
  start: number;
  end: number;
  message: string;
}

/** Everything worth saying about a BigQuery SQL text, given the workspace's configuration. */
export function sqlDiagnostics(sql: string, context: SqlContext): SqlProblem[] {
  const tokens = sqlTokens(sql);
  return [...offsetProblems(tokens, context), ...partitionProblems(tokens, context), ...writeProblems(sql, tokens)].sort((a, b) => a.start - b.start);
}

function offsetProblems(tokens: SqlTokens, context: SqlContext): SqlProblem[] {
  const problems: SqlProblem[] = [];
  const registry = new Map(context.features.map((f) => [f.index, f]));
  for (const access of findFeatureOffsets(tokens, context.featuresColumn)) {
    const problem = offsetProblem(access, context, registry);
    if (problem) problems.push(problem);
  }
  return problems;
}

function offsetProblem(access: ArrayAccess, context: SqlContext, registry: Map<number, unknown>): SqlProblem | null {
  const where = { start: access.start, end: access.end };
  const written = `${access.accessor}(${access.written})`;
  const count = context.featureCount;
  if (count > 0 && (access.index < 0 || access.index >= count)) {
    const range = access.accessor.endsWith('ORDINAL') ? `ORDINAL 1-${count}` : `OFFSET 0-${count - 1}`;
    const safe = access.accessor.startsWith('SAFE_');
    return {
      code: 'feature-offset-out-of-range',
      severity: safe ? 'warning' : 'error',
      ...where,
      message: `${access.array} holds ${count} values (${range}, features.count in pipeline-lens.json): ${written} is outside it, so ${
        safe ? 'it is always NULL' : 'the query fails with "Array index out of bounds"'
      }.`,
    };
  }
  if (registry.size > 0 && access.index >= 0 && !registry.has(access.index)) {
    return {
      code: 'feature-not-in-registry',
      severity: 'warning',
      ...where,
      message: `${access.array}[${written}] is feature ${access.index}, which has no entry in features.registry of pipeline-lens.json: nobody has said what it holds.`,
    };
  }
  return null;
}

const CLAUSE_AFTER_WHERE = ['GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT'];
const SET_OPERATORS = ['UNION', 'INTERSECT', 'EXCEPT'];
const PSEUDO_PARTITION_COLUMNS = new Set(['_partitiontime', '_partitiondate']);

/**
 * A configured table with a partition column, read in a SELECT whose WHERE never mentions
 * that column: BigQuery then scans (and bills) every partition. A filter in another clause
 * (a JOIN's ON, a later CTE) does not prune, so only this block's WHERE counts.
 */
function partitionProblems(tokens: SqlTokens, context: SqlContext): SqlProblem[] {
  const problems: SqlProblem[] = [];
  for (const ref of findTableReferences(tokens)) {
    const table = findTable(context, ref.name);
    if (!table?.partitionColumn) continue;
    if (whereFilters(tokens, ref, table)) continue;
    problems.push({
      code: 'partition-filter-missing',
      severity: 'warning',
      start: ref.start,
      end: ref.end,
      message: `${table.name} is partitioned on ${table.partitionColumn}, and this query reads it without filtering on ${table.partitionColumn}: it scans every partition (and is billed for them). Add a filter such as \`WHERE ${
        ref.alias ? `${ref.alias}.` : ''
      }${table.partitionColumn} BETWEEN @start_date AND @end_date\`.`,
    });
  }
  return problems;
}

function whereFilters(tokens: SqlTokens, ref: TableReference, table: SqlTable): boolean {
  const { significant: t, depth } = tokens;
  const d = depth[ref.tokenIndex];
  let end = t.length;
  for (let j = ref.tokenIndex + 1; j < t.length; j++) {
    if (depth[j] < d || (depth[j] === d && (isPunct(t[j], ';') || isWord(t[j], ...SET_OPERATORS)))) {
      end = j;
      break;
    }
  }
  let where = -1;
  for (let j = ref.tokenIndex + 1; j < end; j++) {
    if (depth[j] === d && isWord(t[j], 'WHERE')) {
      where = j;
      break;
    }
  }
  if (where === -1) return false;
  let whereEnd = end;
  for (let j = where + 1; j < end; j++) {
    if (depth[j] === d && isWord(t[j], ...CLAUSE_AFTER_WHERE)) {
      whereEnd = j;
      break;
    }
  }
  const column = table.partitionColumn!.toLowerCase();
  const qualifiers = new Set([ref.alias, ref.name.split('.').pop(), ref.name].filter((q): q is string => !!q).map((q) => q.toLowerCase()));
  for (let j = where + 1; j < whereEnd; j++) {
    const name = identifierOf(t[j])?.toLowerCase();
    if (!name) continue;
    if (PSEUDO_PARTITION_COLUMNS.has(name)) return true;
    // A backtick path like `f.game_date` arrives as one quoted token.
    const last = name.split('.').pop();
    if (last !== column) continue;
    const qualifier = name.includes('.') ? name.split('.').slice(-2)[0] : isPunct(t[j - 1], '.') ? identifierOf(t[j - 2])?.toLowerCase() : null;
    if (!qualifier || qualifiers.has(qualifier)) return true;
  }
  return false;
}

/** DML and DDL are information, not errors: the file may be meant to write, but a reader should know before running it. */
function writeProblems(sql: string, tokens: SqlTokens): SqlProblem[] {
  const problems: SqlProblem[] = [];
  for (const span of splitStatements(tokens)) {
    const first = tokens.significant[span.from];
    const last = tokens.significant[span.to - 1];
    const kind = classifyStatement(sql.slice(first.start, tokenEnd(last)));
    if (kind.kind !== 'dml' && kind.kind !== 'ddl') continue;
    const what = kind.statementType.replace(/_/g, ' ');
    const targets = kind.targets.length ? ` ${kind.targets.join(', ')}` : '';
    problems.push({
      code: 'writes-tables',
      severity: 'information',
      start: first.start,
      end: tokenEnd(first),
      message: `${kind.kind === 'dml' ? 'DML' : 'DDL'}: this ${what} ${kind.kind === 'dml' ? 'writes' : 'changes'}${targets || ' the warehouse'}. Pipeline Lens never runs it without a person confirming; check the target before you do.`,
    });
  }
  return problems;
}
