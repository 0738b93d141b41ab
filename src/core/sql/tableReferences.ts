import { isPunct, isWord, readDottedName } from '../warehouse/bigqueryTokens';
import { identifierOf, sqlTokens, tokenEnd, type SqlTokens } from './significantTokens';

/** A table named where a query reads rows: after FROM or JOIN, or in a comma-joined FROM list. */
export interface TableReference {
  /** Parts joined with dots, as written (backticks removed). */
  name: string;
  /** Index of the name's first significant token. */
  tokenIndex: number;
  /** Alias given with or without AS, or null. */
  alias: string | null;
  start: number;
  end: number;
}

/** Words that follow a table name and are never its alias. */
const NOT_ALIAS = new Set([
  'WHERE',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'OUTER',
  'ON',
  'USING',
  'GROUP',
  'ORDER',
  'HAVING',
  'QUALIFY',
  'WINDOW',
  'LIMIT',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'FOR',
  'TABLESAMPLE',
  'SET',
  'WHEN',
  'SELECT',
  'PIVOT',
  'UNPIVOT',
  'WITH',
]);

export function findTableReferences(sql: string | SqlTokens): TableReference[] {
  const { all, significant: t, allIndex, depth } = typeof sql === 'string' ? sqlTokens(sql) : sql;
  const refs: TableReference[] = [];
  const readAt = (i: number): number => {
    // readDottedName walks the full token list, where dots sit right next to the parts.
    const token = t[i];
    const name = readDottedName(all, allIndex[i]);
    if (!name) return i + 1;
    const last = all[name.end - 1];
    let next = i;
    while (next < t.length && t[next].start < tokenEnd(last)) next++;
    // `FROM fn(...)` is a table function, not a table.
    if (isPunct(t[next], '(')) return next;
    let alias: string | null = null;
    if (isWord(t[next], 'AS') && identifierOf(t[next + 1])) {
      alias = identifierOf(t[next + 1]);
      next += 2;
    } else if ((t[next]?.kind === 'word' && !NOT_ALIAS.has(t[next].text.toUpperCase())) || t[next]?.kind === 'quoted') {
      alias = identifierOf(t[next]);
      next += 1;
    }
    refs.push({ name: name.parts.join('.'), tokenIndex: i, alias, start: token.start, end: tokenEnd(last) });
    return next;
  };
  for (let i = 0; i < t.length; i++) {
    if (!isWord(t[i], 'FROM', 'JOIN')) continue;
    const first = i + 1;
    if (!t[first] || (t[first].kind !== 'word' && t[first].kind !== 'quoted') || isWord(t[first], 'UNNEST', 'SELECT')) continue;
    let next = readAt(first);
    // Comma joins: `FROM a, b AS x, c`.
    while (
      isPunct(t[next], ',') &&
      depth[next] === depth[first] &&
      t[next + 1] &&
      (t[next + 1].kind === 'word' || t[next + 1].kind === 'quoted') &&
      !isWord(t[next + 1], 'UNNEST')
    ) {
      next = readAt(next + 1);
    }
  }
  return refs;
}
