import { isPunct } from '../warehouse/bigqueryTokens';
import { sqlTokens, tokenEnd, type SqlTokens } from './significantTokens';

/** One statement of a SQL file, as a range of significant tokens. */
export interface StatementSpan {
  /** Index of the first significant token. */
  from: number;
  /** Index after the last one (the `;` is not included). */
  to: number;
}

/** Splits at top-level semicolons; empty statements are dropped. */
export function splitStatements(tokens: SqlTokens): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let from = 0;
  tokens.significant.forEach((token, i) => {
    if (isPunct(token, ';') && tokens.depth[i] === 0) {
      if (i > from) spans.push({ from, to: i });
      from = i + 1;
    }
  });
  if (from < tokens.significant.length) spans.push({ from, to: tokens.significant.length });
  return spans;
}

/**
 * Each statement of a SQL file as a range of the text, from its first significant token to
 * the end of its last (comments before it and the `;` left out): what a "▶ Run" lens above
 * each statement runs.
 */
export function statementRanges(sql: string): Array<{ start: number; end: number }> {
  const tokens = sqlTokens(sql);
  return splitStatements(tokens).map((span) => ({
    start: tokens.significant[span.from].start,
    end: tokenEnd(tokens.significant[span.to - 1]),
  }));
}
