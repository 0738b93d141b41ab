import fc from 'fast-check';

/*
 * Generators of BigQuery SQL for the property tests. A generated text comes with what it
 * was built from (the values of its string literals, its parameters), so a property can
 * check the rewriter and the classifier against the truth rather than against themselves.
 */

/** Characters that matter to a SQL lexer, to make random text dense in them. */
const SQL_CHARS = [...'\'"`\\@#-/*;()[]{},.:=<>+!?$%&|~^\n\r\t 0123456789abcdefxyzABCDEFXYZ_rRbB'];

/** Any text, from any Unicode code point. */
export const anyText = fc.string({ unit: 'binary', maxLength: 120 });

/** Text made mostly of quotes, comment markers, brackets, backslashes and the like. */
export const sqlDenseText = fc.string({ unit: fc.constantFrom(...SQL_CHARS), maxLength: 120 });

/** Either of the above, mixed with fragments of real SQL. */
export const hostileText = fc.oneof(
  anyText,
  sqlDenseText,
  fc
    .array(fc.oneof(sqlDenseText, fc.constantFrom('SELECT ', 'DELETE FROM t', "'''", '"""', "r'", "b'", '/*', '*/', '--', '#', '@p', '@@x', '`a.b`', 'WITH x AS (', ')')), {
      maxLength: 8,
    })
    .map((parts) => parts.join('')),
);

/** A piece of a string literal's content: how it is written inside the quotes, and what it means. */
interface Piece {
  source: string;
  value: string;
}

/** Names used for `@name` written inside strings; real parameters never use this prefix. */
export const IN_STRING_PARAM = 'instr_';

const plainChar = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 1 })
  .filter((c) => c !== '\\' && c !== "'" && c !== '"' && c !== '\n' && c !== '\r')
  .map((c): Piece => ({ source: c, value: c }));

const escapes = fc.constantFrom<Piece>(
  { source: '\\n', value: '\n' },
  { source: '\\t', value: '\t' },
  { source: '\\\\', value: '\\' },
  { source: "\\'", value: "'" },
  { source: '\\"', value: '"' },
  { source: '\\x41', value: 'A' },
  { source: '\\u00e9', value: 'é' },
  { source: '\\U0001F600', value: '😀' },
  { source: '\\101', value: 'A' },
  { source: '\\`', value: '`' },
);

/** Text inside strings that would mean something outside them. */
const sqlInside = fc.constantFrom<Piece>(
  ...['--', '/*', '*/', '#', ';', 'DELETE FROM ds.t', 'DROP TABLE x', '`ds.t`', '$1', 'IN UNNEST(', '[OFFSET(1)]', 'SAFE_CAST('].map((s) => ({ source: s, value: s })),
);

const inStringParam = fc.integer({ min: 0, max: 9 }).map((n): Piece => ({ source: `@${IN_STRING_PARAM}${n}`, value: `@${IN_STRING_PARAM}${n}` }));

const pieces = fc.array(fc.oneof({ weight: 4, arbitrary: plainChar }, escapes, sqlInside, inStringParam), { maxLength: 12 });

export interface StringLiteral {
  /** As written in BigQuery SQL. */
  source: string;
  /** The value BigQuery reads from it. */
  value: string;
}

/** A BigQuery string literal in one of its spellings, with the value it denotes. */
export const stringLiteral: fc.Arbitrary<StringLiteral> = fc.oneof(
  pieces.map((p) => ({ source: `'${p.map((x) => x.source).join('')}'`, value: p.map((x) => x.value).join('') })),
  pieces.map((p) => ({ source: `"${p.map((x) => x.source).join('')}"`, value: p.map((x) => x.value).join('') })),
  // Triple-quoted: newlines allowed as they are; quotes still escaped so none can close it.
  fc
    .array(fc.oneof(plainChar, escapes, fc.constant<Piece>({ source: '\n', value: '\n' })), { maxLength: 10 })
    .map((p) => ({ source: `'''${p.map((x) => x.source).join('')}'''`, value: p.map((x) => x.value).join('') })),
  // Raw: backslashes are kept, so the content avoids them and the quote.
  fc
    .array(
      fc.oneof(
        plainChar.filter((x) => x.source !== '\\'),
        sqlInside,
        inStringParam,
      ),
      { maxLength: 10 },
    )
    .map((p) => ({ source: `r'${p.map((x) => x.source).join('')}'`, value: p.map((x) => x.value).join('') })),
);

/** Everything a query can hold between its string literals. */
const WORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'AS',
  'GROUP',
  'BY',
  'ORDER',
  'LIMIT',
  'IN',
  'UNNEST',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'IS',
  'NULL',
  'CAST',
  'SAFE_CAST',
  'COUNTIF',
  'IF',
  'CONCAT',
  'GREATEST',
  'DATE',
  'TIMESTAMP',
  'DATE_ADD',
  'DATE_DIFF',
  'TIMESTAMP_DIFF',
  'INTERVAL',
  'DAY',
  'MONTH',
  'EXTRACT',
  'JSON_VALUE',
  'REGEXP_EXTRACT',
  'REGEXP_REPLACE',
  'OFFSET',
  'SAFE_OFFSET',
  'ORDINAL',
  'STRING',
  'INT64',
  'FLOAT64',
  'EXCEPT',
  'WITH',
  'UNION',
  'ALL',
  'LOGICAL_OR',
  'ARRAY_AGG',
  'IGNORE',
  'NULLS',
  'ANY_VALUE',
  'SPLIT',
  'col_a',
  'features',
  'p',
  'ds',
  't',
];
const PUNCT = ['(', ')', ',', '.', '=', '+', '-', '*', '<', '>', '[', ']', ';', '!='];

export interface Fragment {
  source: string;
  literal?: StringLiteral;
  param?: string;
}

const fragment: fc.Arbitrary<Fragment> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WORDS).map((w) => ({ source: w })) },
  { weight: 3, arbitrary: fc.constantFrom(...PUNCT).map((p) => ({ source: p })) },
  { weight: 6, arbitrary: stringLiteral.map((literal) => ({ source: literal.source, literal })) },
  fc.integer({ min: 0, max: 999 }).map((n) => ({ source: String(n) })),
  fc.constantFrom('1.5', '0x1F', '2e3').map((n) => ({ source: n })),
  fc.integer({ min: 0, max: 5 }).map((n) => ({ source: `@p${n}`, param: `p${n}` })),
  fc.constantFrom('`proj.ds.table`', '`ds`.`t`', 'ds.t', '`col`').map((q) => ({ source: q })),
  fc.constantFrom('/* note */', '/* "x" \'y\' -- */', '/* # */', '-- note\n', '# note */ x\n').map((c) => ({ source: c })),
);

/**
 * Fragments joined with random spacing: often not valid SQL, always meaningful to the
 * lexer. A string literal is always followed by whitespace (BigQuery rejects literals
 * written back to back, and `'a''b'` would be one literal to DuckDB), and so is a minus
 * (two of them would start a comment the fragments do not know about).
 */
export const sqlFromFragments = fc.array(fc.tuple(fragment, fc.constantFrom(' ', '', '\n', '  ')), { maxLength: 30 }).map((parts) => ({
  sql: parts.map(([f, space]) => f.source + ((f.literal || f.source === '-') && space === '' ? ' ' : space)).join(''),
  literals: parts.flatMap(([f]) => (f.literal ? [f.literal] : [])),
  params: parts.flatMap(([f]) => (f.param ? [f.param] : [])),
}));

/** Comments and whitespace, where a keyword could hide from a careless reader. */
export const trivia = fc
  .array(fc.constantFrom(' ', '\n', '\t', '-- SELECT 1\n', '# select\n', '/* SELECT */', "/* it's a query; */", '-- ;\n'), { maxLength: 4 })
  .map((parts) => parts.join(''));

const randomCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((flags) => [...word].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const table = fc.constantFrom('ds.t', '`proj.ds.t`', 'proj.ds.t', 't', '`ds`.`t`', 'my-proj.ds.t');

/** A statement that writes or changes something, keywords in any case. */
export const writeStatement: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(randomCase('INSERT'), fc.constantFrom(' INTO ', ' '), table, fc.constantFrom(' (a) VALUES (1)', ' SELECT 1', " VALUES ('x;y')")).map((p) => p.join('')),
  fc.tuple(randomCase('UPDATE'), table, fc.constantFrom(" SET a = 'DELETE' WHERE TRUE", ' SET a = a + 1 WHERE b IN (SELECT 1)')).map(([u, t, rest]) => `${u} ${t}${rest}`),
  fc.tuple(randomCase('DELETE'), fc.constantFrom(' FROM ', ' '), table, fc.constantFrom(' WHERE TRUE', " WHERE a = 'SELECT'", '')).map((p) => p.join('')),
  fc.tuple(randomCase('MERGE'), table).map(([m, t]) => `${m} INTO ${t} USING s ON t.id = s.id WHEN MATCHED THEN DELETE`),
  fc
    .tuple(
      randomCase('CREATE'),
      fc.constantFrom(' TABLE ', ' OR REPLACE TABLE ', ' TEMP TABLE ', ' VIEW ', ' TABLE IF NOT EXISTS ', ' MACRO '),
      table,
      fc.constantFrom(' AS SELECT 1', ' (a INT64)', ''),
    )
    .map((p) => p.join('')),
  fc.tuple(randomCase('DROP'), fc.constantFrom(' TABLE ', ' TABLE IF EXISTS ', ' VIEW ', ' SCHEMA '), table).map((p) => p.join('')),
  fc.tuple(randomCase('TRUNCATE'), fc.constantFrom(' TABLE ', ' '), table).map((p) => p.join('')),
  fc.tuple(randomCase('ALTER'), table).map(([a, t]) => `${a} TABLE ${t} ADD COLUMN c STRING`),
  fc.tuple(randomCase('COPY'), table).map(([c, t]) => `${c} ${t} TO '/tmp/out.parquet'`),
  fc.tuple(randomCase('EXPORT'), fc.constant(" DATA OPTIONS (uri='gs://b/*') AS SELECT 1")).map((p) => p.join('')),
  fc.tuple(randomCase('LOAD'), table).map(([l, t]) => `${l} DATA INTO ${t} FROM FILES (uris = ['x'])`),
);

/** A read-only query whose strings and comments mention writes. */
export const readQuery: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('SELECT 1', 'select 1', 'WITH x AS (SELECT 1) SELECT 1', 'FROM ds.t SELECT 1', 'VALUES (1)'),
    fc.array(
      fc.oneof(
        stringLiteral.map((s) => s.source),
        trivia,
        fc.constantFrom('a', ',', "'DELETE FROM t; DROP TABLE t'", '/* ; UPDATE t SET a = 1 */', '-- DROP TABLE x;\n', '`delete`'),
      ),
      { maxLength: 6 },
    ),
    fc.boolean(),
  )
  .map(([head, parts, wrap]) => (wrap ? `(${head} ${parts.join(' ')}\n)` : `${head} ${parts.join(' ')}`));

/**
 * A script in which at least one statement writes: the write may come first, after
 * queries, after a WITH clause, behind comments, in any case.
 */
export const scriptWithWrite: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(readQuery, { maxLength: 2 }),
    writeStatement,
    fc.constantFrom(
      '',
      'WITH src AS (SELECT 1 AS id) ',
      "WITH src AS (SELECT 'x; DELETE' AS id), b AS (SELECT 2) ",
      'WITH RECURSIVE r AS (SELECT 1 UNION ALL SELECT 2) ',
      'with m AS MATERIALIZED (SELECT 1) ',
      'WITH /* SELECT */ s AS (SELECT [1, 2] AS a) ',
    ),
    trivia,
    fc.array(readQuery, { maxLength: 2 }),
    fc.constantFrom('', ';', ';\n', ' ; -- end\n'),
  )
  .map(([before, write, withClause, lead, after, end]) => {
    // A WITH clause only goes in front of statements that accept one.
    const withable = /^\s*(insert|update|delete|merge)\b/i.test(write);
    const statement = `${lead}${withable ? withClause : ''}${write}`;
    return [...before, statement, ...after].join(';\n') + end;
  });
