import { isPunct, isWord, matchingClose, nextSignificant, previousSignificant, significantIndexes, splitTopLevel, tokenize, type Token, type TokenRange } from '../bigqueryTokens';
import type { ParamType } from '../types';

/**
 * Rewrites BigQuery Standard SQL into DuckDB SQL that gives the same answers, for the
 * subset the product's queries use (see WAREHOUSE.md for what differs and why). It works
 * on tokens, so string literals and comments are never rewritten, and it leaves anything
 * it does not recognise as it was: DuckDB then reports it, rather than a guess running.
 * Functions that only need a new definition live in `duckdbMacros.ts`.
 */

export interface ToDuckdbOptions {
  /**
   * Declared parameter types. When given, each `@name` becomes `CAST($name AS <type>)`, so
   * a NULL or an empty array has the type BigQuery would give it.
   */
  paramTypes?: Record<string, ParamType>;
}

export function toDuckdbSql(bigquerySql: string, options: ToDuckdbOptions = {}): string {
  const tokens = tokenize(bigquerySql);
  return new Rewriter(tokens, options).range(0, tokens.length);
}

/** The DuckDB spelling of a declared parameter type. */
export function duckdbTypeOf(type: ParamType): string {
  if (typeof type === 'object') return `${duckdbTypeOf(type.array)}[]`;
  return SCALAR_TYPES[type];
}

const SCALAR_TYPES: Record<Exclude<ParamType, object>, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  // BigQuery's TIMESTAMP is an instant; DuckDB's plain TIMESTAMP has no time zone.
  TIMESTAMP: 'TIMESTAMPTZ',
};

/** BigQuery type names as they appear in CAST, mapped to DuckDB. */
const TYPE_NAMES: Record<string, string> = {
  INT64: 'BIGINT',
  INT: 'BIGINT',
  INTEGER: 'BIGINT',
  SMALLINT: 'BIGINT',
  BIGINT: 'BIGINT',
  TINYINT: 'BIGINT',
  BYTEINT: 'BIGINT',
  FLOAT64: 'DOUBLE',
  NUMERIC: 'DECIMAL(38, 9)',
  DECIMAL: 'DECIMAL(38, 9)',
  // DuckDB's widest decimal is 38 digits; BIGNUMERIC values beyond it do not fit.
  BIGNUMERIC: 'DECIMAL(38, 9)',
  BIGDECIMAL: 'DECIMAL(38, 9)',
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP: 'TIMESTAMPTZ',
  TIME: 'TIME',
  JSON: 'JSON',
  INTERVAL: 'INTERVAL',
};

/** `INTERVAL n <part>` → the DuckDB function building that interval from an integer. */
const INTERVAL_FUNCTIONS: Record<string, string> = {
  MICROSECOND: 'to_microseconds',
  MILLISECOND: 'to_milliseconds',
  SECOND: 'to_seconds',
  MINUTE: 'to_minutes',
  HOUR: 'to_hours',
  DAY: 'to_days',
  WEEK: 'to_weeks',
  MONTH: 'to_months',
  QUARTER: 'to_quarters',
  YEAR: 'to_years',
};

/** Every date part BigQuery names; anything else is not rewritten. */
const DATE_PARTS = new Set([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'DAYOFWEEK',
  'DAYOFYEAR',
  'WEEK',
  'ISOWEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
  'ISOYEAR',
  'DATE',
  'TIME',
  'DATETIME',
]);

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** Parts TIMESTAMP_DIFF accepts; all are fixed lengths, so DuckDB's date_sub counts them. */
const FIXED_PARTS = new Set(['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY']);

/**
 * BigQuery's reserved keywords, less END (which closes an expression). After one of these,
 * `[` opens an array literal; after any other name it subscripts an array.
 */
const RESERVED = new Set(
  (
    'ALL AND ANY ARRAY AS ASC ASSERT_ROWS_MODIFIED AT BETWEEN BY CASE CAST COLLATE CONTAINS CREATE ' +
    'CROSS CUBE CURRENT DEFAULT DEFINE DESC DISTINCT ELSE ENUM ESCAPE EXCEPT EXCLUDE EXISTS ' +
    'EXTRACT FALSE FETCH FOLLOWING FOR FROM FULL GROUP GROUPING GROUPS HASH HAVING IF IGNORE IN ' +
    'INNER INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LIKE LIMIT LOOKUP MERGE NATURAL NEW NO NOT ' +
    'NULL NULLS OF ON OR ORDER OUTER OVER PARTITION PRECEDING PROTO QUALIFY RANGE RECURSIVE RESPECT ' +
    'RIGHT ROLLUP ROWS SELECT SET SOME STRUCT TABLESAMPLE THEN TO TREAT TRUE UNBOUNDED UNION UNNEST ' +
    'USING WHEN WHERE WINDOW WITH WITHIN RETURN VALUES'
  ).split(' '),
);

/** Functions that only change name. */
const RENAMES: Record<string, string> = {
  LOGICAL_OR: 'bool_or',
  LOGICAL_AND: 'bool_and',
  PERCENTILE_CONT: 'quantile_cont',
  PERCENTILE_DISC: 'quantile_disc',
  ARRAY_REVERSE: 'list_reverse',
  // DuckDB's format() takes `{}` placeholders; printf() takes BigQuery's `%d`, `%s`.
  FORMAT: 'printf',
};

interface DatePart {
  part: string;
  /** For WEEK, WEEK(<weekday>) and ISOWEEK: the first day of the week, 0 = Sunday. */
  firstDay: number;
  /** WEEK in any spelling, ISOWEEK included: weeks whose start is `firstDay`. */
  weekly: boolean;
}

interface Emitted {
  text: string;
  next: number;
}

type FunctionRule = (this: Rewriter, call: Call) => string | null;

interface Call {
  args: TokenRange[];
  /** The rewritten text of argument `index`, trimmed. */
  arg(index: number): string;
}

class Rewriter {
  private uniqueId = 0;

  constructor(
    readonly t: Token[],
    private readonly options: ToDuckdbOptions,
  ) {}

  range(from: number, to: number): string {
    let out = '';
    let i = from;
    while (i < to) {
      const emitted = this.token(i, to);
      out += emitted.text;
      i = emitted.next;
    }
    return out;
  }

  private trimmed(range: TokenRange): string {
    return this.range(range.from, range.to).trim();
  }

  private token(i: number, to: number): Emitted {
    const token = this.t[i];
    switch (token.kind) {
      case 'space':
        return { text: token.text, next: i + 1 };
      case 'comment':
        return { text: blockComment(token.text), next: i + 1 };
      case 'string':
        return { text: token.bytes ? blobLiteral(token.value) : stringLiteral(token.value), next: i + 1 };
      case 'quoted':
        return { text: quotedPath(token.value), next: i + 1 };
      case 'number':
        return { text: numberLiteral(token.text), next: i + 1 };
      case 'param':
        return { text: this.param(token), next: i + 1 };
      case 'punct':
        if (token.text === '[') return this.subscript(i, to) ?? { text: '[', next: i + 1 };
        return { text: token.text, next: i + 1 };
      case 'word':
        return this.word(i, to);
    }
  }

  private param(token: Token): string {
    if (token.text.startsWith('@@')) return token.text;
    const type = this.options.paramTypes?.[token.value];
    return type ? `CAST($${token.value} AS ${duckdbTypeOf(type)})` : `$${token.value}`;
  }

  private word(i: number, to: number): Emitted {
    const t = this.t;
    const upper = t[i].text.toUpperCase();
    const next = nextSignificant(t, i + 1, to);
    const previous = previousSignificant(t, i);
    const afterDot = isPunct(t[previous], '.');

    if (upper === 'IN' && isWord(t[next], 'UNNEST')) {
      const open = nextSignificant(t, next + 1, to);
      const close = isPunct(t[open], '(') ? matchingClose(t, open, to) : -1;
      if (close !== -1) {
        // DuckDB has no `IN UNNEST`; a subquery keeps BigQuery's answers for NULL and [].
        return { text: `IN (SELECT unnest(${this.range(open + 1, close).trim()}))`, next: close + 1 };
      }
    }
    if (upper === 'EXCEPT' && isPunct(t[previous], '*') && isPunct(t[next], '(')) {
      return { text: 'EXCLUDE', next: i + 1 };
    }
    if (upper === 'INTERVAL') {
      const interval = this.interval(i, to);
      if (interval) return interval;
    }
    if (t[next]?.kind === 'string' && !afterDot) {
      const literal = this.typedLiteral(upper, t[next]);
      if (literal) return { text: literal, next: next + 1 };
    }
    if (isPunct(t[next], '(') && !afterDot) {
      if (upper === 'UNNEST') {
        const unnest = this.unnestInFrom(i, next, to);
        if (unnest) return unnest;
      }
      if (Object.hasOwn(RENAMES, upper)) return { text: RENAMES[upper], next: i + 1 };
      const rule = Object.hasOwn(FUNCTION_RULES, upper) ? FUNCTION_RULES[upper] : undefined;
      if (rule) {
        const close = matchingClose(t, next, to);
        if (close !== -1) {
          const args = splitTopLevel(t, next + 1, close);
          const call: Call = { args, arg: (index) => (args[index] ? this.trimmed(args[index]) : '') };
          const text = rule.call(this, call);
          if (text !== null) return { text, next: close + 1 };
        }
      }
    }
    return { text: t[i].text, next: i + 1 };
  }

  /** `TIMESTAMP '...'` and friends: typed literals whose DuckDB meaning differs. */
  private typedLiteral(upper: string, literal: Token): string | null {
    const value = stringLiteral(literal.value);
    switch (upper) {
      case 'TIMESTAMP':
        // A DuckDB TIMESTAMP literal drops a `+02` offset; TIMESTAMPTZ honours it, like BigQuery.
        return `TIMESTAMPTZ ${value}`;
      case 'DATETIME':
        return `TIMESTAMP ${value}`;
      case 'NUMERIC':
      case 'BIGNUMERIC':
        return `CAST(${value} AS DECIMAL(38, 9))`;
      case 'JSON':
        return `CAST(${value} AS JSON)`;
      default:
        return null;
    }
  }

  /**
   * `INTERVAL <int64 expression> <part>`. DuckDB parses only a literal there, so anything
   * else (a parameter, a negative number, an expression) becomes `to_days(...)` and friends.
   */
  private interval(i: number, to: number): Emitted | null {
    const t = this.t;
    const first = nextSignificant(t, i + 1, to);
    let depth = 0;
    let partAt = -1;
    for (let j = first; j < to; j++) {
      const token = t[j];
      if (isPunct(token, '(') || isPunct(token, '[')) depth++;
      else if (isPunct(token, ')') || isPunct(token, ']')) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && token.kind === 'word' && Object.hasOwn(INTERVAL_FUNCTIONS, token.text.toUpperCase()) && j > first) {
        partAt = j;
        break;
      } else if (depth === 0 && (isPunct(token, ',') || isWord(token, 'AND', 'OR', 'THEN', 'FROM'))) break;
    }
    if (partAt === -1) return null;
    // `INTERVAL '1-2' YEAR TO MONTH` and other range forms are left to DuckDB.
    if (isWord(t[nextSignificant(t, partAt + 1, to)], 'TO')) return null;
    const exprIndexes = significantIndexes(t, first, partAt);
    const part = t[partAt].text.toUpperCase();
    if (exprIndexes.length === 1 && /^\d+$/.test(t[exprIndexes[0]].text)) {
      return { text: `INTERVAL ${t[exprIndexes[0]].text} ${part}`, next: partAt + 1 };
    }
    const expr = this.range(first, partAt).trim();
    return { text: `${INTERVAL_FUNCTIONS[part]}(CAST(${expr} AS BIGINT))`, next: partAt + 1 };
  }

  /**
   * `UNNEST(x) AS v [WITH OFFSET [AS] o]` in FROM. BigQuery names the element `v`; in DuckDB
   * the alias names the table, and `v` alone would then be a struct of the row.
   */
  private unnestInFrom(i: number, open: number, to: number): Emitted | null {
    const t = this.t;
    const close = matchingClose(t, open, to);
    if (close === -1) return null;
    let j = nextSignificant(t, close + 1, to);
    if (isWord(t[j], 'AS')) j = nextSignificant(t, j + 1, to);
    const aliasToken = t[j];
    if (!aliasToken || (aliasToken.kind !== 'quoted' && aliasToken.kind !== 'word')) return null;
    if (aliasToken.kind === 'word' && RESERVED.has(aliasToken.text.toUpperCase())) return null;
    const alias = quotedPath(aliasToken.kind === 'quoted' ? aliasToken.value : aliasToken.text);
    const array = this.range(open + 1, close).trim();
    let end = j + 1;
    const withAt = nextSignificant(t, end, to);
    if (isWord(t[withAt], 'WITH') && isWord(t[nextSignificant(t, withAt + 1, to)], 'OFFSET')) {
      let k = nextSignificant(t, nextSignificant(t, withAt + 1, to) + 1, to);
      if (isWord(t[k], 'AS')) k = nextSignificant(t, k + 1, to);
      const offsetToken = t[k];
      const offset =
        offsetToken && (offsetToken.kind === 'quoted' || (offsetToken.kind === 'word' && !RESERVED.has(offsetToken.text.toUpperCase())))
          ? quotedPath(offsetToken.kind === 'quoted' ? offsetToken.value : offsetToken.text)
          : null;
      end = offset ? k + 1 : nextSignificant(t, withAt + 1, to) + 1;
      const offsetName = offset ?? '"offset"';
      // Two unnests in one SELECT run side by side in DuckDB, pairing each element with its offset.
      const text = `(SELECT unnest(${array}) AS ${alias}, unnest(generate_series(0, len(${array}) - 1)) AS ${offsetName})` + ` AS ${this.freshAlias()}`;
      return { text, next: end };
    }
    return { text: `unnest(${array}) AS ${this.freshAlias()}(${alias})`, next: end };
  }

  private freshAlias(): string {
    this.uniqueId++;
    return `__unnest_${this.uniqueId}`;
  }

  /**
   * `arr[OFFSET(n)]`, `[SAFE_OFFSET(n)]`, `[ORDINAL(n)]`, `[SAFE_ORDINAL(n)]` and bare
   * `arr[n]` (an offset in BigQuery). DuckDB lists are 1-based and count negative indexes
   * from the end, so a computed index goes through CASE to give NULL instead.
   * Out of range, OFFSET fails in BigQuery and gives NULL here.
   */
  private subscript(open: number, to: number): Emitted | null {
    const t = this.t;
    const previous = t[previousSignificant(t, open)];
    const follows =
      !!previous && ((previous.kind === 'word' && !RESERVED.has(previous.text.toUpperCase())) || previous.kind === 'quoted' || isPunct(previous, ')') || isPunct(previous, ']'));
    if (!follows) return null;
    const close = matchingClose(t, open, to);
    if (close === -1) return null;
    const inner = significantIndexes(t, open + 1, close);
    if (inner.length === 0) return null;
    if (inner.length === 1 && t[inner[0]].kind === 'string') return null;
    // A slice `[a:b]` is DuckDB's own syntax, not BigQuery's; leave it.
    if (inner.some((index) => isPunct(t[index], ':'))) return null;

    let mode: 'offset' | 'ordinal' = 'offset';
    let exprFrom = open + 1;
    let exprTo = close;
    const head = t[inner[0]];
    if (isWord(head, 'OFFSET', 'SAFE_OFFSET', 'ORDINAL', 'SAFE_ORDINAL') && isPunct(t[inner[1]], '(')) {
      const innerClose = matchingClose(t, inner[1], close);
      if (innerClose === inner[inner.length - 1]) {
        mode = head.text.toUpperCase().endsWith('ORDINAL') ? 'ordinal' : 'offset';
        exprFrom = inner[1] + 1;
        exprTo = innerClose;
      }
    }
    const expr = this.range(exprFrom, exprTo).trim();
    const base = mode === 'offset' ? 0 : 1;
    let index: string;
    if (/^\d+$/.test(expr)) {
      const n = Number(expr);
      index = n >= base ? String(n + 1 - base) : 'NULL';
    } else {
      index = mode === 'offset' ? `CASE WHEN (${expr}) >= 0 THEN (${expr}) + 1 END` : `CASE WHEN (${expr}) >= 1 THEN (${expr}) END`;
    }
    return { text: `[${index}]`, next: close + 1 };
  }

  /** A date part argument: `MONTH`, `WEEK`, `WEEK(MONDAY)`, `ISOWEEK`. */
  datePart(range: TokenRange | undefined): DatePart | null {
    if (!range) return null;
    const t = this.t;
    const inner = significantIndexes(t, range.from, range.to);
    if (inner.length === 0 || t[inner[0]].kind !== 'word') return null;
    const part = t[inner[0]].text.toUpperCase();
    if (!DATE_PARTS.has(part)) return null;
    if (inner.length === 1) {
      if (part === 'ISOWEEK') return { part, firstDay: 1, weekly: true };
      return { part, firstDay: 0, weekly: part === 'WEEK' };
    }
    if (part === 'WEEK' && inner.length === 4 && isPunct(t[inner[1]], '(') && t[inner[2]].kind === 'word' && isPunct(t[inner[3]], ')')) {
      const day = WEEKDAYS.indexOf(t[inner[2]].text.toUpperCase());
      if (day !== -1) return { part, firstDay: day, weekly: true };
    }
    return null;
  }

  /** `x AS type` inside CAST: the expression and the DuckDB type, or null. */
  castParts(range: TokenRange): { expr: string; type: string } | null {
    const t = this.t;
    let depth = 0;
    let asAt = -1;
    for (let j = range.from; j < range.to; j++) {
      if (isPunct(t[j], '(') || isPunct(t[j], '[')) depth++;
      else if (isPunct(t[j], ')') || isPunct(t[j], ']')) depth--;
      else if (depth === 0 && isWord(t[j], 'AS')) asAt = j;
    }
    if (asAt === -1) return null;
    const typeIndexes = significantIndexes(t, asAt + 1, range.to);
    const type = convertType(typeIndexes.map((index) => t[index]));
    if (type === null) return null;
    return { expr: this.range(range.from, asAt).trim(), type };
  }

  /** Splits `part FROM expr [AT TIME ZONE tz]` inside EXTRACT. */
  extractParts(range: TokenRange): { part: DatePart; expr: string } | null {
    const t = this.t;
    let fromAt = -1;
    let depth = 0;
    for (let j = range.from; j < range.to; j++) {
      if (isPunct(t[j], '(')) depth++;
      else if (isPunct(t[j], ')')) depth--;
      else if (depth === 0 && isWord(t[j], 'FROM')) {
        fromAt = j;
        break;
      }
    }
    if (fromAt === -1) return null;
    const part = this.datePart({ from: range.from, to: fromAt });
    if (!part) return null;
    const sig = significantIndexes(t, fromAt + 1, range.to);
    for (let k = 0; k + 2 < sig.length; k++) {
      if (isWord(t[sig[k]], 'AT') && isWord(t[sig[k + 1]], 'TIME') && isWord(t[sig[k + 2]], 'ZONE')) {
        const expr = this.range(fromAt + 1, sig[k]).trim();
        const zone = this.range(sig[k + 2] + 1, range.to).trim();
        return { part, expr: `timezone(${zone}, ${instant(expr)})` };
      }
    }
    return { part, expr: this.range(fromAt + 1, range.to).trim() };
  }

  /** Rewritten text of `[from, to)` with top-level `IGNORE NULLS` and `LIMIT n` taken out. */
  aggregateParts(range: TokenRange): { body: string; ignoreNulls: boolean; limit: string | null; value: string } {
    const t = this.t;
    let depth = 0;
    let ignoreNulls = false;
    let limit: string | null = null;
    let body = '';
    let valueEnd = -1;
    let j = range.from;
    while (j < range.to) {
      const token = t[j];
      if (depth === 0 && isWord(token, 'IGNORE', 'RESPECT')) {
        const nulls = nextSignificant(t, j + 1, range.to);
        if (isWord(t[nulls], 'NULLS')) {
          ignoreNulls = isWord(token, 'IGNORE');
          if (valueEnd === -1) valueEnd = j;
          j = nulls + 1;
          continue;
        }
      }
      if (depth === 0 && isWord(token, 'ORDER') && valueEnd === -1) valueEnd = j;
      if (depth === 0 && isWord(token, 'LIMIT')) {
        if (valueEnd === -1) valueEnd = j;
        limit = this.range(j + 1, range.to).trim();
        break;
      }
      const emitted = this.token(j, range.to);
      // A rule that consumed several tokens consumed balanced brackets; single ones count.
      if (emitted.next === j + 1) {
        if (isPunct(token, '(') || isPunct(token, '[')) depth++;
        else if (isPunct(token, ')') || isPunct(token, ']')) depth--;
      }
      body += emitted.text;
      j = emitted.next;
    }
    const valueFrom = isWord(t[nextSignificant(t, range.from, range.to)], 'DISTINCT') ? nextSignificant(t, range.from, range.to) + 1 : range.from;
    const value = this.range(valueFrom, valueEnd === -1 ? range.to : valueEnd).trim();
    return { body: body.trim(), ignoreNulls, limit, value };
  }
}

/** Converts a BigQuery type written in CAST into DuckDB's spelling, or null if unknown. */
function convertType(tokens: Token[]): string | null {
  let k = 0;
  const parse = (): string | null => {
    const head = tokens[k];
    if (!head || head.kind !== 'word') return null;
    const upper = head.text.toUpperCase();
    k++;
    if (upper === 'ARRAY' && isPunct(tokens[k], '<')) {
      k++;
      const element = parse();
      if (element === null || !isPunct(tokens[k], '>')) return null;
      k++;
      return `${element}[]`;
    }
    if (upper === 'STRUCT' && isPunct(tokens[k], '<')) {
      k++;
      const fields: string[] = [];
      for (;;) {
        const name = tokens[k];
        if (!name || (name.kind !== 'word' && name.kind !== 'quoted')) return null;
        k++;
        const fieldType = parse();
        if (fieldType === null) return null;
        fields.push(`${quotedPath(name.kind === 'quoted' ? name.value : name.text)} ${fieldType}`);
        if (isPunct(tokens[k], ',')) {
          k++;
          continue;
        }
        if (!isPunct(tokens[k], '>')) return null;
        k++;
        return `STRUCT(${fields.join(', ')})`;
      }
    }
    const mapped = TYPE_NAMES[upper];
    if (!mapped) return null;
    if (isPunct(tokens[k], '(')) {
      // NUMERIC(p, s) keeps its precision; STRING(n) and BYTES(n) lengths have no DuckDB meaning.
      const params: string[] = [];
      k++;
      while (k < tokens.length && !isPunct(tokens[k], ')')) {
        if (tokens[k].kind === 'number') params.push(tokens[k].text);
        k++;
      }
      if (!isPunct(tokens[k], ')')) return null;
      k++;
      if (mapped.startsWith('DECIMAL') && params.length > 0) return `DECIMAL(${params.join(', ')})`;
    }
    return mapped;
  };
  const type = parse();
  return type !== null && k === tokens.length ? type : null;
}

function stringLiteral(value: string): string {
  // DuckDB strings take no backslash escapes: the decoded value goes in as it is.
  return `'${value.replace(/'/g, "''")}'`;
}

function blobLiteral(value: string): string {
  let escaped = '';
  for (const byte of Buffer.from(value, 'latin1')) {
    escaped += byte >= 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x27 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return `CAST('${escaped}' AS BLOB)`;
}

/** `` `proj.ds.table` `` → `"proj"."ds"."table"`. */
function quotedPath(path: string): string {
  return path
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** `0.1` is FLOAT64 in BigQuery and DECIMAL in DuckDB; an exponent makes it DOUBLE in both. */
function numberLiteral(text: string): string {
  if (/^0[xX]/.test(text) || /[eE]/.test(text) || !text.includes('.')) return text;
  return `${text}e0`;
}

/** BigQuery format elements DuckDB's strftime spells differently. */
function translateFormat(format: string): string {
  return format
    .replace(/%F/g, '%Y-%m-%d')
    .replace(/%T/g, '%H:%M:%S')
    .replace(/%R/g, '%H:%M')
    .replace(/%D/g, '%m/%d/%y')
    .replace(/%E3S/g, '%S.%g')
    .replace(/%E6S/g, '%S.%f')
    .replace(/%E\*S/g, '%S.%f')
    .replace(/%e/g, '%-d');
}

/** A format string argument, translated when it is a literal. */
function formatArgument(rewriter: Rewriter, call: Call, index: number): string {
  const range = call.args[index];
  const t = rewriter.t;
  const tokens = range ? significantIndexes(t, range.from, range.to) : [];
  if (tokens.length === 1 && t[tokens[0]].kind === 'string') {
    return stringLiteral(translateFormat(t[tokens[0]].value));
  }
  return call.arg(index);
}

function weekStart(expr: string, firstDay: number): string {
  return `bq_week_start(${expr}, ${firstDay})`;
}

/** Counts capture groups in a regular expression literal (RE2 syntax), for REGEXP_EXTRACT. */
function captureGroups(pattern: string): number {
  let groups = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] !== '?') groups++;
    else if (c === '(' && pattern.startsWith('(?P<', i)) groups++;
  }
  return groups;
}

/**
 * A BigQuery TIMESTAMP as a DuckDB instant, before a zone is applied to it. DuckDB reads
 * `...Z` text from NDJSON or CSV as a zone-less TIMESTAMP, and `timezone(zone, x)` of a
 * zone-less value goes the other way (wall-clock time in the zone to an instant): the cast
 * makes it the UTC instant it holds (the session zone is UTC); a TIMESTAMPTZ is unchanged.
 */
function instant(expr: string): string {
  return `CAST(${expr} AS TIMESTAMPTZ)`;
}

const FUNCTION_RULES: Record<string, FunctionRule | undefined> = {
  COUNTIF(call) {
    // DuckDB's countif is NULL over no rows or only NULLs; BigQuery's COUNTIF is 0.
    return call.args.length === 1 ? `COUNT(CASE WHEN (${call.arg(0)}) THEN 1 END)` : null;
  },
  CAST(call) {
    if (call.args.length !== 1) return null;
    const parts = this.castParts(call.args[0]);
    return parts && `CAST(${parts.expr} AS ${parts.type})`;
  },
  SAFE_CAST(call) {
    if (call.args.length !== 1) return null;
    const parts = this.castParts(call.args[0]);
    return parts && `TRY_CAST(${parts.expr} AS ${parts.type})`;
  },

  DATE_TRUNC(call) {
    const part = this.datePart(call.args[1]);
    if (!part || call.args.length !== 2) return null;
    const d = call.arg(0);
    if (part.weekly) return weekStart(d, part.firstDay);
    return `CAST(date_trunc('${part.part.toLowerCase()}', ${d}) AS DATE)`;
  },
  TIMESTAMP_TRUNC(call) {
    const part = this.datePart(call.args[1]);
    if (!part || call.args.length < 2 || call.args.length > 3) return null;
    const zone = call.args.length === 3 ? call.arg(2) : null;
    const local = zone ? `timezone(${zone}, ${instant(call.arg(0))})` : call.arg(0);
    const truncated = part.weekly ? `CAST(${weekStart(local, part.firstDay)} AS TIMESTAMP)` : `date_trunc('${part.part.toLowerCase()}', ${local})`;
    if (zone) return `timezone(${zone}, ${truncated})`;
    return part.weekly ? `CAST(${truncated} AS TIMESTAMPTZ)` : truncated;
  },
  DATETIME_TRUNC(call) {
    const part = this.datePart(call.args[1]);
    if (!part || call.args.length !== 2) return null;
    if (part.weekly) return `CAST(${weekStart(call.arg(0), part.firstDay)} AS TIMESTAMP)`;
    return `date_trunc('${part.part.toLowerCase()}', ${call.arg(0)})`;
  },

  TIMESTAMP_DIFF(call) {
    const part = this.datePart(call.args[2]);
    if (!part || call.args.length !== 3 || !FIXED_PARTS.has(part.part)) return null;
    // BigQuery counts whole elapsed units (date_sub), not boundaries crossed (date_diff).
    return `date_sub('${part.part.toLowerCase()}', ${call.arg(1)}, ${call.arg(0)})`;
  },
  DATE_DIFF(call) {
    const part = this.datePart(call.args[2]);
    if (!part || call.args.length !== 3) return null;
    const [a, b] = [call.arg(0), call.arg(1)];
    if (part.weekly) return `(date_diff('day', ${weekStart(b, part.firstDay)}, ${weekStart(a, part.firstDay)}) // 7)`;
    switch (part.part) {
      case 'DAY':
      case 'MONTH':
      case 'QUARTER':
      case 'YEAR':
        // For dates BigQuery counts boundaries crossed, as DuckDB's date_diff does.
        return `date_diff('${part.part.toLowerCase()}', CAST(${b} AS DATE), CAST(${a} AS DATE))`;
      case 'ISOYEAR':
        return `(isoyear(${a}) - isoyear(${b}))`;
      default:
        return null;
    }
  },
  DATE_ADD(call) {
    if (call.args.length !== 2) return null;
    // DuckDB's DATE + INTERVAL is a TIMESTAMP; BigQuery's DATE_ADD stays a DATE.
    return `CAST((${call.arg(0)}) + (${call.arg(1)}) AS DATE)`;
  },
  DATE_SUB(call) {
    if (call.args.length !== 2) return null;
    return `CAST((${call.arg(0)}) - (${call.arg(1)}) AS DATE)`;
  },
  TIMESTAMP_ADD(call) {
    return call.args.length === 2 ? `((${call.arg(0)}) + (${call.arg(1)}))` : null;
  },
  TIMESTAMP_SUB(call) {
    return call.args.length === 2 ? `((${call.arg(0)}) - (${call.arg(1)}))` : null;
  },
  DATETIME_ADD(call) {
    return call.args.length === 2 ? `((${call.arg(0)}) + (${call.arg(1)}))` : null;
  },
  DATETIME_SUB(call) {
    return call.args.length === 2 ? `((${call.arg(0)}) - (${call.arg(1)}))` : null;
  },

  EXTRACT(call) {
    if (call.args.length !== 1) return null;
    const parts = this.extractParts(call.args[0]);
    if (!parts) return null;
    const { part, expr } = parts;
    switch (part.part) {
      case 'DAYOFWEEK':
        // DuckDB counts Sunday as 0, BigQuery as 1.
        return `(dayofweek(${expr}) + 1)`;
      case 'DAYOFYEAR':
        return `dayofyear(${expr})`;
      case 'ISOWEEK':
        return `week(${expr})`;
      case 'WEEK':
        return `bq_week_number(${expr}, ${part.firstDay})`;
      case 'ISOYEAR':
        return `isoyear(${expr})`;
      case 'DATE':
        return `CAST(${expr} AS DATE)`;
      case 'TIME':
        return `CAST(${expr} AS TIME)`;
      case 'DATETIME':
        return `CAST(${expr} AS TIMESTAMP)`;
      // DuckDB's millisecond and microsecond include the seconds; BigQuery's do not.
      case 'MILLISECOND':
        return `(millisecond(${expr}) % 1000)`;
      case 'MICROSECOND':
        return `(microsecond(${expr}) % 1000000)`;
      default:
        return `EXTRACT(${part.part} FROM ${expr})`;
    }
  },

  JSON_VALUE(call) {
    if (call.args.length < 1 || call.args.length > 2) return null;
    // DuckDB's json_value keeps the JSON quotes around strings.
    return `json_extract_string(${call.arg(0)}, ${call.args.length === 2 ? call.arg(1) : "'$'"})`;
  },
  JSON_EXTRACT_SCALAR(call) {
    return FUNCTION_RULES.JSON_VALUE!.call(this, call);
  },
  JSON_QUERY(call) {
    if (call.args.length < 1 || call.args.length > 2) return null;
    return `json_extract(${call.arg(0)}, ${call.args.length === 2 ? call.arg(1) : "'$'"})`;
  },
  JSON_EXTRACT(call) {
    return FUNCTION_RULES.JSON_QUERY!.call(this, call);
  },

  TIMESTAMP(call) {
    if (call.args.length === 1) return `CAST(${call.arg(0)} AS TIMESTAMPTZ)`;
    if (call.args.length === 2) return `timezone(${call.arg(1)}, CAST(${call.arg(0)} AS TIMESTAMP))`;
    return null;
  },
  DATE(call) {
    if (call.args.length === 1) return `CAST(${call.arg(0)} AS DATE)`;
    if (call.args.length === 2) return `CAST(timezone(${call.arg(1)}, ${instant(call.arg(0))}) AS DATE)`;
    if (call.args.length === 3) return `make_date(${call.arg(0)}, ${call.arg(1)}, ${call.arg(2)})`;
    return null;
  },
  DATETIME(call) {
    if (call.args.length === 1) return `CAST(${call.arg(0)} AS TIMESTAMP)`;
    return null;
  },
  CURRENT_TIMESTAMP(call) {
    // DuckDB's current_timestamp takes no parentheses.
    return call.args.length === 0 ? 'current_timestamp' : null;
  },
  CURRENT_DATETIME(call) {
    return call.args.length === 0 ? 'CAST(current_timestamp AS TIMESTAMP)' : null;
  },

  FORMAT_DATE(call) {
    if (call.args.length !== 2) return null;
    return `strftime(CAST(${call.arg(1)} AS DATE), ${formatArgument(this, call, 0)})`;
  },
  FORMAT_TIMESTAMP(call) {
    if (call.args.length === 2) return `strftime(${call.arg(1)}, ${formatArgument(this, call, 0)})`;
    if (call.args.length === 3) {
      return `strftime(timezone(${call.arg(2)}, ${instant(call.arg(1))}), ${formatArgument(this, call, 0)})`;
    }
    return null;
  },
  FORMAT_DATETIME(call) {
    return call.args.length === 2 ? `strftime(${call.arg(1)}, ${formatArgument(this, call, 0)})` : null;
  },
  PARSE_DATE(call) {
    if (call.args.length !== 2) return null;
    return `CAST(strptime(${call.arg(1)}, ${formatArgument(this, call, 0)}) AS DATE)`;
  },
  PARSE_TIMESTAMP(call) {
    if (call.args.length === 2) return `CAST(strptime(${call.arg(1)}, ${formatArgument(this, call, 0)}) AS TIMESTAMPTZ)`;
    if (call.args.length === 3) {
      return `timezone(${call.arg(2)}, CAST(strptime(${call.arg(1)}, ${formatArgument(this, call, 0)}) AS TIMESTAMP))`;
    }
    return null;
  },
  PARSE_DATETIME(call) {
    if (call.args.length !== 2) return null;
    return `CAST(strptime(${call.arg(1)}, ${formatArgument(this, call, 0)}) AS TIMESTAMP)`;
  },

  REGEXP_REPLACE(call) {
    // BigQuery replaces every match; DuckDB only the first unless told 'g'.
    if (call.args.length !== 3) return null;
    return `regexp_replace(${call.arg(0)}, ${call.arg(1)}, ${call.arg(2)}, 'g')`;
  },
  REGEXP_EXTRACT(call) {
    if (call.args.length !== 2) return null;
    const t = this.t;
    const patternTokens = significantIndexes(t, call.args[1].from, call.args[1].to);
    if (patternTokens.length !== 1 || t[patternTokens[0]].kind !== 'string') return null;
    // BigQuery returns the capture group if there is one, and NULL (not '') without a match.
    const group = captureGroups(t[patternTokens[0]].value) > 0 ? 1 : 0;
    const [s, pattern] = [call.arg(0), call.arg(1)];
    return `CASE WHEN regexp_matches(${s}, ${pattern}) THEN regexp_extract(${s}, ${pattern}, ${group}) END`;
  },

  ARRAY_AGG(call) {
    if (call.args.length !== 1) return null;
    const parts = this.aggregateParts(call.args[0]);
    if (!parts.ignoreNulls && parts.limit === null) return null;
    let text = `array_agg(${parts.body})`;
    if (parts.ignoreNulls) text += ` FILTER (WHERE (${parts.value}) IS NOT NULL)`;
    if (parts.limit !== null) text = `(${text})[1:${parts.limit}]`;
    return text;
  },
  APPROX_QUANTILES(call) {
    if (call.args.length !== 2) return null;
    const n = Number(call.arg(1));
    if (!Number.isInteger(n) || n < 1 || n > 1000) return null;
    const fractions = Array.from({ length: n + 1 }, (_, i) => (i === n ? '1.0' : String(i / n).replace(/^0$/, '0.0')));
    return `quantile_disc(${call.arg(0)}, [${fractions.join(', ')}])`;
  },

  CONCAT(call) {
    // DuckDB's concat skips NULLs; BigQuery's returns NULL, as `||` does.
    if (call.args.length === 0) return null;
    return `(${call.args.map((_, i) => `(${call.arg(i)})`).join(' || ')})`;
  },
  GREATEST(call) {
    return nullPropagating('greatest', call);
  },
  LEAST(call) {
    return nullPropagating('least', call);
  },
  LOG(call) {
    // BigQuery LOG(x) is natural, LOG(x, b) base b; DuckDB's log(x) is base 10.
    if (call.args.length === 1) return `ln(${call.arg(0)})`;
    if (call.args.length === 2) return `(ln(${call.arg(0)}) / ln(${call.arg(1)}))`;
    return null;
  },
  DIV(call) {
    return call.args.length === 2 ? `((${call.arg(0)}) // (${call.arg(1)}))` : null;
  },
  SPLIT(call) {
    if (call.args.length === 1) return `string_split(${call.arg(0)}, ',')`;
    if (call.args.length === 2) return `string_split(${call.arg(0)}, ${call.arg(1)})`;
    return null;
  },
  ARRAY_CONCAT(call) {
    if (call.args.length === 0) return null;
    return call.args.slice(1).reduce((acc, _, i) => `list_concat(${acc}, ${call.arg(i + 1)})`, call.arg(0));
  },
  GENERATE_DATE_ARRAY(call) {
    if (call.args.length < 2 || call.args.length > 3) return null;
    const step = call.args.length === 3 ? call.arg(2) : 'INTERVAL 1 DAY';
    return `list_transform(generate_series(CAST(${call.arg(0)} AS DATE), CAST(${call.arg(1)} AS DATE), ${step}),` + ` lambda d: CAST(d AS DATE))`;
  },
  GENERATE_ARRAY(call) {
    if (call.args.length === 2) return `generate_series(${call.arg(0)}, ${call.arg(1)})`;
    if (call.args.length === 3) return `generate_series(${call.arg(0)}, ${call.arg(1)}, ${call.arg(2)})`;
    return null;
  },
};

function nullPropagating(fn: string, call: Call): string | null {
  if (call.args.length < 2) return null;
  const args = call.args.map((_, i) => call.arg(i));
  // BigQuery's GREATEST/LEAST return NULL if any argument is NULL; DuckDB's skip NULLs.
  return `CASE WHEN ${args.map((a) => `(${a}) IS NULL`).join(' OR ')} THEN NULL ELSE ${fn}(${args.join(', ')}) END`;
}

/*
 * Line comments (`-- x`, `# x`) end at a newline, and rewrites trim and move the text around
 * them: a trimmed argument would let the comment swallow the code placed after it. As block
 * comments they end where they say, wherever they land.
 */
function blockComment(text: string): string {
  if (text.startsWith('/*')) return text;
  const body = text.startsWith('#') ? text.slice(1) : text.slice(2);
  return `/*${body.replace(/\r?\n$/, '').replaceAll('*/', '* /')} */`;
}
