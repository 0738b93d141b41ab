/**
 * Reads rewritten SQL the way DuckDB does, for the properties only: the values of its
 * string literals (`'...'` with `''` for a quote, no backslash escapes) and the code
 * outside literals, quoted identifiers and comments. Kept apart from the product's lexer
 * on purpose: the rewriter is checked against an independent reading of its output.
 */
export function readDuckdbSql(sql: string): { literals: string[]; code: string } {
  const literals: string[] = [];
  let code = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated string literal at ${i} in: ${sql}`);
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j++];
      }
      literals.push(value);
      code += ' ';
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      code += ' ';
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else {
      code += c;
      i++;
    }
  }
  return { literals, code };
}

/** Every value of `wanted` occurs in `found` at least as often (rewrites may repeat or reorder arguments, never lose them). */
export function missingFrom(found: string[], wanted: string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of found) counts.set(value, (counts.get(value) ?? 0) + 1);
  const missing: string[] = [];
  for (const value of wanted) {
    const left = counts.get(value) ?? 0;
    if (left === 0) missing.push(value);
    else counts.set(value, left - 1);
  }
  return missing;
}

/** Whether every `(` and `[` in `code` is closed by its own kind, in order. */
export function wellNested(code: string): boolean {
  const open: string[] = [];
  for (const c of code) {
    if (c === '(' || c === '[') open.push(c);
    else if (c === ')' || c === ']') {
      if (open.pop() !== (c === ')' ? '(' : '[')) return false;
    }
  }
  return open.length === 0;
}
