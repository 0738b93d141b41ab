import { isPunct } from '../warehouse/bigqueryTokens';
import type { SqlTokens } from './significantTokens';

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
