import { isTrivia, tokenize, type Token } from '../warehouse/bigqueryTokens';

/**
 * The tokens that carry meaning (no spaces or comments), each with its bracket depth, which
 * is what clause-level questions ("is this WHERE in the same SELECT as that FROM?") need.
 */
export interface SqlTokens {
  all: Token[];
  significant: Token[];
  /** Index in `all` of each significant token. */
  allIndex: number[];
  /** Depth of each significant token: `(` and `[` count after themselves, `)` and `]` before. */
  depth: number[];
}

export function sqlTokens(sql: string): SqlTokens {
  const all = tokenize(sql);
  const significant: Token[] = [];
  const allIndex: number[] = [];
  all.forEach((t, i) => {
    if (isTrivia(t)) return;
    significant.push(t);
    allIndex.push(i);
  });
  const depth: number[] = [];
  let d = 0;
  for (const t of significant) {
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) d = Math.max(0, d - 1);
    depth.push(d);
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) d++;
  }
  return { all, significant, allIndex, depth };
}

export function tokenEnd(token: Token): number {
  return token.start + token.text.length;
}

/** The name a word or backtick-quoted token stands for. */
export function identifierOf(token: Token | undefined): string | null {
  if (!token) return null;
  if (token.kind === 'word') return token.text;
  if (token.kind === 'quoted') return token.value;
  return null;
}
