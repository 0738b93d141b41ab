import { isPunct, isWord } from '../warehouse/bigqueryTokens';
import { offsetExpression } from './featureOffsets';
import { findTable, roleLabel, sameTable, type SqlContext } from './sqlContext';
import { identifierOf, sqlTokens } from './significantTokens';
import { findTableReferences } from './tableReferences';

export type SqlCompletionKind = 'table' | 'column' | 'feature';

export interface SqlCompletion {
  label: string;
  kind: SqlCompletionKind;
  detail: string;
  documentation?: string;
  insertText: string;
  filterText: string;
  /** Orders items: tables, then columns, then features, each alphabetically or by index. */
  sortText: string;
}

export interface SqlCompletionResult {
  /** The range the chosen item replaces: the word (or backtick name) being typed. */
  replaceStart: number;
  replaceEnd: number;
  items: SqlCompletion[];
}

/** Columns of a table as the warehouse reports them, by configured table name. */
export type TableSchemas = ReadonlyMap<string, readonly string[]>;

/**
 * Tables from config, fully qualified; the columns of the tables the statement reads (from
 * config and, when known, the warehouse's schema); feature names that insert the array
 * access, so nobody has to remember that vegas_points_line is `features[OFFSET(25)]`.
 */
export function sqlCompletions(sql: string, offset: number, context: SqlContext, schemas: TableSchemas = new Map()): SqlCompletionResult {
  let replaceStart = offset;
  while (replaceStart > 0 && /[A-Za-z0-9_]/.test(sql[replaceStart - 1])) replaceStart--;
  const tokens = sqlTokens(sql);
  const { significant: t } = tokens;
  // Inside an unfinished backtick name (`nba_pre|), the item replaces it from the backtick.
  const quoted = t.find((tok) => tok.kind === 'quoted' && tok.start < offset && offset <= tok.start + tok.text.length);
  if (quoted) replaceStart = quoted.start;
  const quoteEnd = quoted && !quoted.unterminated ? quoted.start + quoted.text.length : offset;

  let before = -1;
  for (let i = 0; i < t.length && t[i].start < replaceStart; i++) before = i;
  const previous = t[before];
  const afterFrom = isWord(previous, 'FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'MERGE', 'USING');
  const afterDot = !quoted && isPunct(previous, '.') && replaceStart === previous.start + 1;
  const qualifier = afterDot ? identifierOf(t[before - 1]) : null;

  const items: SqlCompletion[] = [];
  const tableItem = (name: string, role: string, partitionColumn: string | null, insert: string): SqlCompletion => ({
    label: name,
    kind: 'table',
    detail: `${roleLabel(role)} table${partitionColumn ? `, partitioned on ${partitionColumn}` : ''}`,
    insertText: insert,
    filterText: quoted ? `\`${name}` : name,
    sortText: `0${name}`,
  });

  if (afterDot && qualifier) {
    // `dataset.` → the tables of that dataset; `alias.` → that table's columns and features.
    const inDataset = context.tables.filter((tbl) => tbl.name.split('.').slice(-2)[0].toLowerCase() === qualifier.toLowerCase());
    for (const tbl of inDataset) {
      const last = tbl.name.split('.').pop()!;
      items.push({ ...tableItem(tbl.name, tbl.role, tbl.partitionColumn, last), label: last, filterText: last });
    }
    if (inDataset.length === 0) {
      const refs = findTableReferences(tokens);
      const ref = refs.find((r) => r.alias?.toLowerCase() === qualifier.toLowerCase() || r.name.split('.').pop()!.toLowerCase() === qualifier.toLowerCase());
      const table = ref ? findTable(context, ref.name) : null;
      items.push(...columnItems(table ? [table.name] : context.tables.map((x) => x.name), context, schemas));
      if (!table || table.role === 'featureStore') items.push(...featureItems(context));
    }
    return { replaceStart, replaceEnd: offset, items };
  }

  for (const tbl of context.tables) items.push(tableItem(tbl.name, tbl.role, tbl.partitionColumn, `\`${tbl.name}\``));
  if (afterFrom) return { replaceStart, replaceEnd: quoteEnd, items };
  if (quoted) return { replaceStart, replaceEnd: quoteEnd, items };

  const statementTables = findTableReferences(tokens)
    .map((r) => findTable(context, r.name)?.name)
    .filter((n): n is string => !!n);
  const tables = statementTables.length ? [...new Set(statementTables)] : context.tables.map((x) => x.name);
  items.push(...columnItems(tables, context, schemas));
  const readsFeatures = !statementTables.length || statementTables.some((n) => findTable(context, n)?.role === 'featureStore');
  if (readsFeatures) items.push(...featureItems(context));
  return { replaceStart, replaceEnd: offset, items };
}

function columnItems(tables: string[], context: SqlContext, schemas: TableSchemas): SqlCompletion[] {
  const byColumn = new Map<string, { tables: string[]; partition: boolean }>();
  for (const name of tables) {
    const table = context.tables.find((x) => x.name === name);
    if (!table) continue;
    const fromSchema = [...schemas.entries()].find(([key]) => sameTable(key, name))?.[1] ?? [];
    for (const column of [...table.columns, ...fromSchema]) {
      const entry = byColumn.get(column) ?? { tables: [], partition: false };
      if (!entry.tables.includes(name)) entry.tables.push(name);
      if (column === table.partitionColumn) entry.partition = true;
      byColumn.set(column, entry);
    }
  }
  return [...byColumn.entries()].map(([column, entry]) => ({
    label: column,
    kind: 'column' as const,
    detail: `${entry.partition ? 'partition column of ' : 'column of '}${entry.tables.join(', ')}`,
    insertText: column,
    filterText: column,
    // Partition columns first: filtering on them is what keeps a query cheap.
    sortText: `1${entry.partition ? '0' : '1'}${column}`,
  }));
}

/** How a query reads one feature, as the store holds them; null when it cannot be said. */
function featureExpression(context: SqlContext, feature: SqlContext['features'][number]): string | null {
  const column = context.featuresColumn;
  switch (context.featureStorage ?? 'array') {
    case 'columns':
      return feature.column ?? null;
    case 'jsonArray':
      return column ? `JSON_VALUE(${column}, '$[${feature.index}]')` : null;
    case 'delimited':
      return column ? `SPLIT(${column}, '${(context.featureDelimiter ?? ',').replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')[OFFSET(${feature.index})]` : null;
    case 'array':
      return column ? offsetExpression(column, feature.index) : null;
  }
}

function featureItems(context: SqlContext): SqlCompletion[] {
  return context.features.flatMap((f) => {
    const expression = featureExpression(context, f);
    if (!expression) return [];
    return [
      {
        label: f.name,
        kind: 'feature' as const,
        detail: `${expression} · feature ${f.index}`,
        documentation: f.description || undefined,
        insertText: expression,
        filterText: f.name,
        sortText: `2${String(f.index).padStart(5, '0')}`,
      },
    ];
  });
}
