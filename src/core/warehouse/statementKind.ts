import { isPunct, isTrivia, isWord, readDottedName, tokenize, type Token } from './bigqueryTokens';

/**
 * What a SQL text would do, read from its tokens (so `SELECT 'DELETE FROM x'` is a query).
 * Anything not recognised as a query is classified as something else: callers refuse all
 * but `query`, so an unknown statement is refused rather than run.
 */
export interface StatementKind {
  kind: 'query' | 'dml' | 'ddl' | 'script';
  /** BigQuery's names where it has one: SELECT, INSERT, MERGE, CREATE_TABLE, DROP_VIEW, SCRIPT... */
  statementType: string;
  /** Tables or other objects the statement writes or changes, as written (`ds.table`). */
  targets: string[];
}

export function classifyStatement(sql: string): StatementKind {
  const statements = splitStatements(tokenize(sql).filter((t) => !isTrivia(t)));
  if (statements.length === 0) return { kind: 'script', statementType: 'EMPTY', targets: [] };
  if (statements.length === 1) return classifyOne(statements[0]);
  const targets = new Set<string>();
  for (const statement of statements) for (const target of classifyOne(statement).targets) targets.add(target);
  return { kind: 'script', statementType: 'SCRIPT', targets: [...targets] };
}

/** Splits at top-level semicolons, dropping empty statements. */
function splitStatements(tokens: Token[]): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (isPunct(token, '(') || isPunct(token, '[')) depth++;
    else if (isPunct(token, ')') || isPunct(token, ']')) depth = Math.max(0, depth - 1);
    if (isPunct(token, ';') && depth === 0) {
      if (current.length > 0) statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

/** Words that may sit between CREATE/DROP/ALTER and the object type. */
const OBJECT_MODIFIERS = new Set(['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'EXTERNAL', 'SNAPSHOT', 'MATERIALIZED', 'UNIQUE', 'PERSISTENT']);
const OBJECT_TYPES = new Set([
  'TABLE',
  'VIEW',
  'FUNCTION',
  'PROCEDURE',
  'SCHEMA',
  'MODEL',
  'MACRO',
  'SEQUENCE',
  'TYPE',
  'INDEX',
  'SECRET',
  'DATABASE',
  'CAPACITY',
  'RESERVATION',
  'ASSIGNMENT',
  'ROW',
  'SEARCH',
  'VECTOR',
  'AGGREGATE',
]);

function classifyOne(tokens: Token[]): StatementKind {
  let i = 0;
  while (isPunct(tokens[i], '(')) i++;
  const head = tokens[i];
  const word = head?.kind === 'word' ? head.text.toUpperCase() : '';

  switch (word) {
    case 'SELECT':
    case 'FROM':
    case 'VALUES':
      return query();
    case 'WITH':
      return afterWith(tokens, i + 1);
    case 'INSERT':
      return dml('INSERT', tokens, skipWords(tokens, i + 1, 'INTO', 'OVERWRITE'));
    case 'UPDATE':
      return dml('UPDATE', tokens, i + 1);
    case 'DELETE':
      return dml('DELETE', tokens, skipWords(tokens, i + 1, 'FROM'));
    case 'MERGE':
      return dml('MERGE', tokens, skipWords(tokens, i + 1, 'INTO'));
    case 'TRUNCATE':
      return dml('TRUNCATE_TABLE', tokens, skipWords(tokens, i + 1, 'TABLE'));
    case 'LOAD':
      if (isWord(tokens[i + 1], 'DATA')) return dml('LOAD_DATA', tokens, skipWords(tokens, i + 2, 'INTO', 'OVERWRITE', 'TEMP', 'TABLE'));
      return other('LOAD');
    case 'EXPORT':
      return { kind: 'dml', statementType: isWord(tokens[i + 1], 'DATA') ? 'EXPORT_DATA' : 'EXPORT', targets: [] };
    case 'COPY':
      return dml('COPY', tokens, i + 1);
    case 'CREATE':
    case 'DROP':
    case 'ALTER':
    case 'UNDROP':
      return ddl(word, tokens, i + 1);
    case 'GRANT':
    case 'REVOKE':
      return grant(word, tokens, i + 1);
    default:
      return other(word || head?.text || 'UNKNOWN');
  }
}

function query(): StatementKind {
  return { kind: 'query', statementType: 'SELECT', targets: [] };
}

/** Scripting (DECLARE, BEGIN, CALL...), DuckDB's own statements (ATTACH, PRAGMA...), anything unknown. */
function other(statementType: string): StatementKind {
  return { kind: 'script', statementType, targets: [] };
}

/**
 * After WITH the CTE bodies sit inside parentheses; the first top-level statement keyword is
 * what the statement does (DuckDB accepts `WITH ... DELETE`, so this matters).
 */
function afterWith(tokens: Token[], from: number): StatementKind {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunct(t, '(') || isPunct(t, '[')) depth++;
    else if (isPunct(t, ')') || isPunct(t, ']')) depth--;
    else if (depth === 0 && t.kind === 'word') {
      const rest = tokens.slice(i);
      switch (t.text.toUpperCase()) {
        case 'SELECT':
        case 'FROM':
        case 'VALUES':
          return query();
        case 'INSERT':
        case 'UPDATE':
        case 'DELETE':
        case 'MERGE':
          return classifyOne(rest);
      }
    }
  }
  return query();
}

function skipWords(tokens: Token[], at: number, ...words: string[]): number {
  let i = at;
  while (isWord(tokens[i], ...words)) i++;
  return i;
}

function nameAt(tokens: Token[], at: number): string[] {
  const name = readDottedName(tokens, at);
  return name ? [name.parts.join('.')] : [];
}

function dml(statementType: string, tokens: Token[], at: number): StatementKind {
  return { kind: 'dml', statementType, targets: nameAt(tokens, at) };
}

function ddl(verb: string, tokens: Token[], from: number): StatementKind {
  let i = from;
  const modifiers: string[] = [];
  while (isWord(tokens[i]) && OBJECT_MODIFIERS.has(tokens[i].text.toUpperCase())) {
    modifiers.push(tokens[i].text.toUpperCase());
    i++;
  }
  const objectWords: string[] = [];
  if (isWord(tokens[i]) && OBJECT_TYPES.has(tokens[i].text.toUpperCase())) {
    objectWords.push(tokens[i].text.toUpperCase());
    i++;
  }
  // Two- and three-word kinds: TABLE FUNCTION, ROW ACCESS POLICY, SEARCH INDEX.
  while (objectWords.length > 0 && isWord(tokens[i], 'ACCESS', 'POLICY', 'POLICIES', 'FUNCTION', 'INDEX')) {
    objectWords.push(tokens[i].text.toUpperCase());
    i++;
  }
  i = skipWords(tokens, i, 'IF', 'NOT', 'EXISTS');
  const kindWords = [...modifiers.filter((m) => m === 'EXTERNAL' || m === 'SNAPSHOT' || m === 'MATERIALIZED'), ...objectWords];
  let statementType = [verb, ...(kindWords.length > 0 ? kindWords : ['UNKNOWN'])].join('_');
  const targets = nameAt(tokens, i);
  if (verb === 'CREATE' && statementType === 'CREATE_TABLE' && hasTopLevelAsSelect(tokens, i)) {
    statementType = 'CREATE_TABLE_AS_SELECT';
  }
  return { kind: 'ddl', statementType, targets };
}

function hasTopLevelAsSelect(tokens: Token[], from: number): boolean {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) depth--;
    else if (depth === 0 && isWord(t, 'AS')) {
      let j = i + 1;
      while (isPunct(tokens[j], '(')) j++;
      if (isWord(tokens[j], 'SELECT', 'WITH')) return true;
    }
  }
  return false;
}

function grant(verb: string, tokens: Token[], from: number): StatementKind {
  for (let i = from; i < tokens.length; i++) {
    if (isWord(tokens[i], 'ON')) {
      const at = isWord(tokens[i + 1]) && OBJECT_TYPES.has(tokens[i + 1].text.toUpperCase()) ? i + 2 : i + 1;
      return { kind: 'ddl', statementType: verb, targets: nameAt(tokens, at) };
    }
  }
  return { kind: 'ddl', statementType: verb, targets: [] };
}
