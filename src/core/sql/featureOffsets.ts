import { isPunct, isWord } from '../warehouse/bigqueryTokens';
import { identifierOf, sqlTokens, tokenEnd, type SqlTokens } from './significantTokens';

export type ArrayAccessor = 'OFFSET' | 'SAFE_OFFSET' | 'ORDINAL' | 'SAFE_ORDINAL';

/** `name[OFFSET(n)]` and its kin, with a literal position. */
export interface ArrayAccess {
  /** The array's name as written, without a table alias (`features` in `f.features[...]`). */
  array: string;
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
    const array = identifierOf(t[i - 1]);
    const accessor = t[i + 1];
    if (!array || !isWord(accessor) || !ACCESSORS.has(accessor.text.toUpperCase() as ArrayAccessor)) continue;
    const number = t[i + 3];
    if (!isPunct(t[i + 2], '(') || number?.kind !== 'number' || !/^\d+$/.test(number.text) || !isPunct(t[i + 4], ')') || !isPunct(t[i + 5], ']')) continue;
    const kind = accessor.text.toUpperCase() as ArrayAccessor;
    const written = Number(number.text);
    found.push({
      array,
      accessor: kind,
      written,
      index: kind.endsWith('ORDINAL') ? written - 1 : written,
      start: t[i - 1].start,
      end: tokenEnd(t[i + 5]),
      numberStart: number.start,
      numberEnd: tokenEnd(number),
    });
  }
  return found;
}

/** Accesses to the configured feature array only. */
export function findFeatureOffsets(sql: string | SqlTokens, featuresColumn: string | null): ArrayAccess[] {
  if (!featuresColumn) return [];
  const wanted = featuresColumn.toLowerCase();
  return findArrayAccesses(sql).filter((a) => a.array.toLowerCase() === wanted);
}

/** How to write position `index` of an array with a given accessor family. */
export function offsetExpression(array: string, index: number, accessor: ArrayAccessor = 'OFFSET'): string {
  return `${array}[${accessor}(${accessor.endsWith('ORDINAL') ? index + 1 : index})]`;
}
