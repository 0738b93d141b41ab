/**
 * A lexer for BigQuery Standard SQL, enough to rewrite and classify statements without
 * ever touching the inside of a string literal or a comment. Every character of the input
 * belongs to exactly one token, so joining the `text` of all tokens gives the input back.
 */

export type TokenKind =
  | 'space'
  /** `-- ...`, `# ...` or `/* ... *\/`. */
  | 'comment'
  /** Any string or bytes literal: quoted, triple-quoted, raw, bytes. */
  | 'string'
  /** A backtick-quoted identifier or path. */
  | 'quoted'
  | 'number'
  /** `@name` query parameter, or `@@name` system variable. */
  | 'param'
  /** An unquoted identifier or keyword. */
  | 'word'
  /** One punctuation or operator character. */
  | 'punct';

export interface Token {
  kind: TokenKind;
  /** The exact source text. */
  text: string;
  /** Offset of the first character in the source. */
  start: number;
  /**
   * Strings: the value after escape processing. Quoted identifiers: the name without
   * backticks. Params: the name without `@`. Words: the text.
   */
  value: string;
  /** Strings only: a bytes literal (`b'...'`). */
  bytes?: boolean;
  /** A string, quoted identifier or block comment that reaches the end of the input. */
  unterminated?: boolean;
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string, extra?: Partial<Token>): void => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, start: i, value: value ?? text, ...extra });
    i = end;
  };

  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1] ?? '';

    if (/\s/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end])) end++;
      push('space', end);
    } else if (c === '#' || (c === '-' && next === '-')) {
      const newline = sql.indexOf('\n', i);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) push('comment', sql.length, undefined, { unterminated: true });
      else push('comment', close + 2);
    } else if (c === "'" || c === '"') {
      const lit = readString(sql, i, false);
      push('string', lit.end, lit.value, lit.unterminated ? { unterminated: true } : undefined);
    } else if (c === '`') {
      const lit = readQuotedIdentifier(sql, i);
      push('quoted', lit.end, lit.value, lit.unterminated ? { unterminated: true } : undefined);
    } else if (c === '@') {
      let end = i + 1;
      if (sql[end] === '@') end++;
      while (end < sql.length && WORD_PART.test(sql[end])) end++;
      push('param', end, sql.slice(i, end).replace(/^@+/, ''));
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(next) && !endsPath(tokens))) {
      if (DIGIT.test(c) && afterPathDot(tokens)) {
        // `dataset.2024_events`: a path part that starts with a digit is a name, not a number.
        let end = i;
        while (end < sql.length && WORD_PART.test(sql[end])) end++;
        push('word', end);
      } else {
        push('number', readNumber(sql, i));
      }
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end])) end++;
      const word = sql.slice(i, end);
      const quote = sql[end];
      if ((quote === "'" || quote === '"') && /^(r|b|rb|br)$/i.test(word)) {
        const lit = readString(sql, end, /r/i.test(word));
        push('string', lit.end, lit.value, {
          bytes: /b/i.test(word),
          ...(lit.unterminated ? { unterminated: true } : {}),
        });
      } else {
        push('word', end);
      }
    } else {
      push('punct', i + 1);
    }
  }
  return tokens;
}

/** True for tokens that carry no meaning: whitespace and comments. */
export function isTrivia(token: Token): boolean {
  return token.kind === 'space' || token.kind === 'comment';
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  if (!token || token.kind !== 'word') return false;
  if (words.length === 0) return true;
  const upper = token.text.toUpperCase();
  return words.includes(upper);
}

export function isPunct(token: Token | undefined, char: string): boolean {
  return !!token && token.kind === 'punct' && token.text === char;
}

/** Index of the next non-trivia token at or after `from`, or `tokens.length`. */
export function nextSignificant(tokens: Token[], from: number, to = tokens.length): number {
  let i = from;
  while (i < to && isTrivia(tokens[i])) i++;
  return i;
}

/** Index of the previous non-trivia token before `from`, or -1. */
export function previousSignificant(tokens: Token[], from: number, floor = 0): number {
  let i = from - 1;
  while (i >= floor && isTrivia(tokens[i])) i--;
  return i < floor ? -1 : i;
}

/**
 * Index of the `)` or `]` closing the bracket at `open`, or -1 when the input ends first.
 * Brackets inside strings and comments are already tokens of their own and do not count.
 */
export function matchingClose(tokens: Token[], open: number, to = tokens.length): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export interface TokenRange {
  from: number;
  to: number;
}

/** Splits `[from, to)` at top-level commas. An empty range gives no parts. */
export function splitTopLevel(tokens: Token[], from: number, to: number, separator = ','): TokenRange[] {
  const parts: TokenRange[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (t.text === separator && depth === 0) {
      parts.push({ from: start, to: i });
      start = i + 1;
    }
  }
  if (start < to && nextSignificant(tokens, start, to) < to) parts.push({ from: start, to });
  else if (parts.length > 0) parts.push({ from: start, to });
  return parts;
}

/** Significant (non-trivia) token indexes in `[from, to)`. */
export function significantIndexes(tokens: Token[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (!isTrivia(tokens[i])) out.push(i);
  return out;
}

/**
 * A dotted name starting at `at`: `ds.table`, `` `proj.ds.table` ``, `` `proj`.ds.`table` ``,
 * or an unquoted project with dashes (`my-proj.ds.table`, which BigQuery accepts in FROM).
 * Returns the parts and the index after the name, or null when `at` starts no name.
 */
export function readDottedName(tokens: Token[], at: number): { parts: string[]; end: number } | null {
  const parts: string[] = [];
  let i = at;
  for (;;) {
    const t = tokens[i];
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) break;
    let part = t.kind === 'quoted' ? t.value : t.text;
    i++;
    // Dashes only join when written without spaces, as in `my-proj` or `my-proj-42`.
    let dotInNumber = false;
    while (t.kind === 'word' && isPunct(tokens[i], '-') && /^(word|number)$/.test(tokens[i + 1]?.kind ?? '')) {
      const piece = tokens[i + 1];
      if (piece.kind === 'number' && !/^\d+\.?$/.test(piece.text)) break;
      // The lexer reads `42.` in `my-proj-42.ds` as a number; its dot is the path's.
      dotInNumber = piece.text.endsWith('.');
      part += '-' + piece.text.replace(/\.$/, '');
      i += 2;
      if (dotInNumber) break;
    }
    parts.push(...(t.kind === 'quoted' ? part.split('.') : [part]));
    if (dotInNumber && (tokens[i]?.kind === 'word' || tokens[i]?.kind === 'quoted')) continue;
    if (isPunct(tokens[i], '.') && (tokens[i + 1]?.kind === 'word' || tokens[i + 1]?.kind === 'quoted')) {
      i++;
      continue;
    }
    break;
  }
  return parts.length === 0 ? null : { parts, end: i };
}

/** Escape processing of BigQuery string literals (`\n`, `\x41`, `\u00e9`, `\'`, ...). */
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '?': '?',
  '"': '"',
  "'": "'",
  '`': '`',
};

function readString(sql: string, quoteAt: number, raw: boolean): { end: number; value: string; unterminated: boolean } {
  const quote = sql[quoteAt];
  const triple = sql.startsWith(quote.repeat(3), quoteAt);
  const delimiter = triple ? quote.repeat(3) : quote;
  let i = quoteAt + delimiter.length;
  let value = '';
  while (i < sql.length) {
    if (sql.startsWith(delimiter, i)) return { end: i + delimiter.length, value, unterminated: false };
    const c = sql[i];
    if (c === '\n' && !triple) break;
    if (c === '\\') {
      if (raw) {
        // A raw string keeps its backslashes, but `\'` still does not end it.
        value += c + (sql[i + 1] ?? '');
        i += 2;
        continue;
      }
      const escaped = decodeEscape(sql, i);
      value += escaped.text;
      i = escaped.end;
      continue;
    }
    value += c;
    i++;
  }
  return { end: i, value, unterminated: true };
}

function decodeEscape(sql: string, at: number): { text: string; end: number } {
  const c = sql[at + 1] ?? '';
  if (c in SIMPLE_ESCAPES) return { text: SIMPLE_ESCAPES[c], end: at + 2 };
  const hex = (length: number, from: number): { text: string; end: number } | null => {
    const digits = sql.slice(from, from + length);
    if (digits.length !== length || !/^[0-9A-Fa-f]+$/.test(digits)) return null;
    return { text: String.fromCodePoint(parseInt(digits, 16)), end: from + length };
  };
  if (c === 'x' || c === 'X') return hex(2, at + 2) ?? { text: c, end: at + 2 };
  if (c === 'u') return hex(4, at + 2) ?? { text: c, end: at + 2 };
  if (c === 'U') return hex(8, at + 2) ?? { text: c, end: at + 2 };
  if (/[0-7]/.test(c)) {
    const digits = sql.slice(at + 1, at + 4);
    if (/^[0-7]{3}$/.test(digits)) return { text: String.fromCharCode(parseInt(digits, 8)), end: at + 4 };
  }
  // BigQuery rejects unknown escapes; keeping the character lets the engine report the query.
  return { text: c, end: at + 2 };
}

function readQuotedIdentifier(sql: string, at: number): { end: number; value: string; unterminated: boolean } {
  let i = at + 1;
  let value = '';
  while (i < sql.length) {
    const c = sql[i];
    if (c === '`') return { end: i + 1, value, unterminated: false };
    if (c === '\\') {
      const escaped = decodeEscape(sql, i);
      value += escaped.text;
      i = escaped.end;
      continue;
    }
    if (c === '\n') break;
    value += c;
    i++;
  }
  return { end: i, value, unterminated: true };
}

function readNumber(sql: string, at: number): number {
  if (sql[at] === '0' && /[xX]/.test(sql[at + 1] ?? '') && /[0-9A-Fa-f]/.test(sql[at + 2] ?? '')) {
    let end = at + 2;
    while (end < sql.length && /[0-9A-Fa-f]/.test(sql[end])) end++;
    return end;
  }
  let end = at;
  while (end < sql.length && DIGIT.test(sql[end])) end++;
  if (sql[end] === '.') {
    end++;
    while (end < sql.length && DIGIT.test(sql[end])) end++;
  }
  if (/[eE]/.test(sql[end] ?? '')) {
    let e = end + 1;
    if (/[+-]/.test(sql[e] ?? '')) e++;
    if (DIGIT.test(sql[e] ?? '')) {
      while (e < sql.length && DIGIT.test(sql[e])) e++;
      end = e;
    }
  }
  return end;
}

/** The last token ends a name or expression, so a following `.5` is member access, not a number. */
function endsPath(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return !!last && (last.kind === 'word' || last.kind === 'quoted' || isPunct(last, ')') || isPunct(last, ']'));
}

function afterPathDot(tokens: Token[]): boolean {
  const dot = tokens[tokens.length - 1];
  const before = tokens[tokens.length - 2];
  return isPunct(dot, '.') && !!before && (before.kind === 'word' || before.kind === 'quoted');
}
