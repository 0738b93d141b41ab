import { isPunct, isWord } from '../warehouse/bigqueryTokens';
import { identifierOf, sqlTokens, tokenEnd, type SqlTokens } from './significantTokens';

export type ArrayAccessor = 'OFFSET' | 'SAFE_OFFSET' | 'ORDINAL' | 'SAFE_ORDINAL';

/** `name[OFFSET(n)]` and its kin, with a literal position. */
export interface ArrayAccess {
  /**
   * The array's name as written, without a table alias (`features` in `f.features[...]`);
   * for an array made by a function (`SPLIT(f.inputs, ';')[OFFSET(1)]`), the column it splits.
   */
  array: string;
  /** The function that made the array from the column (`SPLIT`, `JSON_EXTRACT_ARRAY`…), or null. */
  via: string | null;
  accessor: ArrayAccessor;
  /** The number inside the parentheses. */
  written: number;
  /** 0-based position: ORDINAL counts from 1. */
  index: number;
  /** From the array name to the closing `]`. */
  start: number;
  end: number;
  /** The number literal. */
  numberStart: number;
  numberEnd: number;
}

const ACCESSORS = new Set<ArrayAccessor>(['OFFSET', 'SAFE_OFFSET', 'ORDINAL', 'SAFE_ORDINAL']);
/** Functions that turn a text column holding every feature into an array of them. */
const ARRAY_MAKERS = new Set(['SPLIT', 'JSON_EXTRACT_ARRAY', 'JSON_QUERY_ARRAY', 'JSON_VALUE_ARRAY', 'JSON_EXTRACT_STRING_ARRAY']);
/** Functions that read one element of a JSON text by path (`'$[3]'`). */
const JSON_READERS = new Set(['JSON_VALUE', 'JSON_EXTRACT_SCALAR', 'JSON_QUERY', 'JSON_EXTRACT']);

/** The column a call's first argument names (`f.inputs`, `` `f.inputs` ``, `inputs`), and where the call starts. */
function callColumn(t: SqlTokens['significant'], open: number): { fn: string; column: string | null; start: number } | null {
  const fn = identifierOf(t[open - 1]);
  if (!fn || !isPunct(t[open], '(')) return null;
  let k = open + 1;
  let column = identifierOf(t[k]);
  while (column && isPunct(t[k + 1], '.') && identifierOf(t[k + 2])) {
    k += 2;
    column = identifierOf(t[k]);
  }
  return { fn: fn.toUpperCase(), column: column ? column.split('.').pop()! : null, start: t[open - 1].start };
}

/**
 * Every positional access with an integer literal, read from tokens so that text in strings
 * and comments never counts. Computed positions (`OFFSET(i)`) are left out: nothing can be
 * said about them without running the query.
 */
export function findArrayAccesses(sql: string | SqlTokens): ArrayAccess[] {
  const { significant: t } = typeof sql === 'string' ? sqlTokens(sql) : sql;
  const found: ArrayAccess[] = [];
  for (let i = 1; i + 5 < t.length; i++) {
    if (!isPunct(t[i], '[')) continue;
    let array = identifierOf(t[i - 1]);
    let via: string | null = null;
    let start = t[i - 1]?.start ?? 0;
    if (isPunct(t[i - 1], ')')) {
      const open = matchingOpen(t, i - 1);
      const call = open === null ? null : callColumn(t, open);
      if (call && ARRAY_MAKERS.has(call.fn) && call.column) {
        array = call.column;
        via = call.fn;
        start = call.start;
      }
    }
    const accessor = t[i + 1];
    if (!array || !isWord(accessor) || !ACCESSORS.has(accessor.text.toUpperCase() as ArrayAccessor)) continue;
    const number = t[i + 3];
    if (!isPunct(t[i + 2], '(') || number?.kind !== 'number' || !/^\d+$/.test(number.text) || !isPunct(t[i + 4], ')') || !isPunct(t[i + 5], ']')) continue;
    const kind = accessor.text.toUpperCase() as ArrayAccessor;
    const written = Number(number.text);
    found.push({
      array,
      via,
      accessor: kind,
      written,
      index: kind.endsWith('ORDINAL') ? written - 1 : written,
      start,
      end: tokenEnd(t[i + 5]),
      numberStart: number.start,
      numberEnd: tokenEnd(number),
    });
  }
  return found;
}

function matchingOpen(t: SqlTokens['significant'], close: number): number | null {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (isPunct(t[k], ')')) depth++;
    else if (isPunct(t[k], '(') && --depth === 0) return k;
  }
  return null;
}

/** Accesses to the configured feature array only. */
export function findFeatureOffsets(sql: string | SqlTokens, featuresColumn: string | null): ArrayAccess[] {
  if (!featuresColumn) return [];
  const wanted = featuresColumn.toLowerCase();
  return findArrayAccesses(sql).filter((a) => a.array.toLowerCase() === wanted);
}

export type FeatureStorageKind = 'array' | 'jsonArray' | 'delimited' | 'columns';

/** Where a query reads one feature, however the store holds them. */
export interface FeatureReference {
  index: number;
  start: number;
  end: number;
  /** A position in the features column (`[OFFSET(n)]`), a JSON path into it (`'$[n]'`), or the feature's own column. */
  how: 'offset' | 'jsonPath' | 'column';
  /** For positions: the access as written. */
  access: ArrayAccess | null;
}

/**
 * Every place a query reads a configured feature: positions in the features column (also
 * through SPLIT or JSON_EXTRACT_ARRAY when it holds text), JSON paths into it, and the
 * features' own columns in a wide table.
 */
export function findFeatureReferences(
  sql: string | SqlTokens,
  reading: { featuresColumn: string | null; storage: FeatureStorageKind; columns: Array<{ column: string; index: number }> },
): FeatureReference[] {
  const tokens = typeof sql === 'string' ? sqlTokens(sql) : sql;
  const found: FeatureReference[] = [];
  if (reading.storage === 'columns') {
    const byColumn = new Map(reading.columns.map((c) => [c.column.toLowerCase(), c.index]));
    const t = tokens.significant;
    t.forEach((token, k) => {
      const name = identifierOf(token);
      if (!name || isPunct(t[k + 1], '(') || isPunct(t[k + 1], '.')) return;
      const index = byColumn.get(name.split('.').pop()!.toLowerCase());
      if (index === undefined) return;
      // `alias.column` reads as one reference from the alias on.
      const start = isPunct(t[k - 1], '.') && identifierOf(t[k - 2]) ? t[k - 2].start : token.start;
      found.push({ index, start, end: tokenEnd(token), how: 'column', access: null });
    });
    return found;
  }
  for (const access of findFeatureOffsets(tokens, reading.featuresColumn)) found.push({ index: access.index, start: access.start, end: access.end, how: 'offset', access });
  if (reading.storage === 'jsonArray' && reading.featuresColumn) {
    const t = tokens.significant;
    const wanted = reading.featuresColumn.toLowerCase();
    for (let k = 1; k < t.length; k++) {
      const call = isPunct(t[k], '(') ? callColumn(t, k) : null;
      if (!call || !JSON_READERS.has(call.fn) || call.column?.toLowerCase() !== wanted) continue;
      let j = k + 1;
      while (j < t.length && !isPunct(t[j], ',') && !isPunct(t[j], ')')) j++;
      const path = t[j + 1];
      const close = t[j + 2];
      const position = isPunct(t[j], ',') && path?.kind === 'string' ? /^\$\[(\d+)\]$/.exec(path.value) : null;
      if (position && isPunct(close, ')')) found.push({ index: Number(position[1]), start: call.start, end: tokenEnd(close), how: 'jsonPath', access: null });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** How to write position `index` of an array with a given accessor family. */
export function offsetExpression(array: string, index: number, accessor: ArrayAccessor = 'OFFSET'): string {
  return `${array}[${accessor}(${accessor.endsWith('ORDINAL') ? index + 1 : index})]`;
}
