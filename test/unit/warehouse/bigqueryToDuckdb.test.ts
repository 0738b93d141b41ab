import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toDuckdbSql } from '../../../src/core/warehouse/embedded/bigqueryToDuckdb';

/*
 * One test per rewrite rule, plus the traps: text inside strings and comments that looks
 * like something to rewrite must come through untouched. Behaviour on a real DuckDB is
 * checked in test/integration/warehouse/bigquerySemantics.test.ts.
 */

const rewrite = (sql: string) => toDuckdbSql(sql);

describe('toDuckdbSql: names and parameters', () => {
  it('splits a backtick path into quoted parts', () => {
    assert.equal(rewrite('SELECT * FROM `ds.table`'), 'SELECT * FROM "ds"."table"');
    assert.equal(rewrite('SELECT * FROM `my-proj.ds.table` AS t'), 'SELECT * FROM "my-proj"."ds"."table" AS t');
    assert.equal(rewrite('SELECT t.`end` FROM `ds`.`table` t'), 'SELECT t."end" FROM "ds"."table" t');
  });

  it('escapes a double quote inside a backtick name', () => {
    assert.equal(rewrite('SELECT `a"b` FROM t'), 'SELECT "a""b" FROM t');
  });

  it('turns @param into $param', () => {
    assert.equal(rewrite('SELECT * FROM t WHERE d BETWEEN @from AND @to_date'), 'SELECT * FROM t WHERE d BETWEEN $from AND $to_date');
  });

  it('casts parameters to their declared types when given', () => {
    assert.equal(
      toDuckdbSql('SELECT @d, @shas, @n', { paramTypes: { d: 'DATE', shas: { array: 'STRING' }, n: 'INT64' } }),
      'SELECT CAST($d AS DATE), CAST($shas AS VARCHAR[]), CAST($n AS BIGINT)',
    );
    assert.equal(toDuckdbSql('SELECT @ts', { paramTypes: { ts: 'TIMESTAMP' } }), 'SELECT CAST($ts AS TIMESTAMPTZ)');
  });

  it('leaves @@system variables alone', () => {
    assert.equal(rewrite('SELECT @@project_id'), 'SELECT @@project_id');
  });
});

describe('toDuckdbSql: literals and comments', () => {
  it('turns double-quoted strings into single-quoted ones', () => {
    assert.equal(rewrite('SELECT "it\'s" AS a'), "SELECT 'it''s' AS a");
  });

  it('decodes backslash escapes, since DuckDB strings take none', () => {
    assert.equal(rewrite("SELECT 'a\\'b', 'tab\\there', '\\\\d'"), "SELECT 'a''b', 'tab\there', '\\d'");
    assert.equal(rewrite("SELECT '\\x41\\u00e9'"), "SELECT 'Aé'");
  });

  it('keeps a raw string as written', () => {
    assert.equal(rewrite("SELECT r'\\d+\\.\\d'"), "SELECT '\\d+\\.\\d'");
    assert.equal(rewrite('SELECT R"a\'b"'), "SELECT 'a''b'");
  });

  it('reads triple-quoted strings', () => {
    assert.equal(rewrite("SELECT '''one 'two'\nthree'''"), "SELECT 'one ''two''\nthree'");
    assert.equal(rewrite('SELECT """say "hi\\""""'), 'SELECT \'say "hi"\'');
  });

  it('turns bytes literals into BLOBs', () => {
    assert.equal(rewrite("SELECT b'ab\\x00'"), "SELECT CAST('ab\\x00' AS BLOB)");
  });

  it('turns line comments into block comments, which end where they say wherever a rewrite moves them', () => {
    assert.equal(rewrite('SELECT 1 # why\n-- note\n/* block */'), 'SELECT 1 /* why */\n/* note */\n/* block */');
    assert.equal(rewrite('SELECT 1 -- a */ b\n'), 'SELECT 1 /* a * / b */\n');
  });

  it('makes decimal literals DOUBLE, as FLOAT64 is in BigQuery', () => {
    assert.equal(rewrite('SELECT 0.1, 1.5 * x, .5, 2., 1e3, 10'), 'SELECT 0.1e0, 1.5e0 * x, .5e0, 2.e0, 1e3, 10');
  });

  it('treats a typed TIMESTAMP literal as an instant', () => {
    assert.equal(rewrite("SELECT TIMESTAMP '2024-01-01 00:00:00+02'"), "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+02'");
    assert.equal(rewrite("SELECT DATE '2024-01-01', DATETIME '2024-01-01 10:00:00'"), "SELECT DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00'");
    assert.equal(rewrite("SELECT NUMERIC '1.25', JSON '{}'"), "SELECT CAST('1.25' AS DECIMAL(38, 9)), CAST('{}' AS JSON)");
  });
});

describe('toDuckdbSql: traps inside strings and comments', () => {
  it('rewrites nothing inside a string literal', () => {
    const sql = "SELECT 'x @p `a.b` # [OFFSET(1)] SAFE_CAST( 0.1 -- y' AS s";
    assert.equal(rewrite(sql), sql);
  });

  it('rewrites nothing inside a comment', () => {
    const sql = 'SELECT 1 /* @p `a.b` [OFFSET(1)] 0.1 "q" */\n/* @x IN UNNEST(@y) * EXCEPT(a) */';
    assert.equal(rewrite(sql), sql);
    assert.equal(rewrite('SELECT 1 -- @p `a.b` [OFFSET(1)]\n'), 'SELECT 1 /* @p `a.b` [OFFSET(1)] */\n');
  });

  it('does not take # inside a string as a comment', () => {
    assert.equal(rewrite("SELECT '#1', @p # c"), "SELECT '#1', $p /* c */");
  });

  it('keeps a backtick inside a string and a quote inside backticks', () => {
    assert.equal(rewrite("SELECT 'a`b' AS `x'y`"), `SELECT 'a\`b' AS "x'y"`);
  });

  it('never changes the value of a string literal', () => {
    // Any text, written as a BigQuery literal, comes out as a DuckDB literal of the same value.
    const bigqueryLiteral = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
    const duckdbLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;
    fc.assert(
      fc.property(fc.string(), (s) => {
        assert.equal(rewrite(`SELECT ${bigqueryLiteral(s)} AS v`), `SELECT ${duckdbLiteral(s)} AS v`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('toDuckdbSql: array subscripts', () => {
  it('turns a literal OFFSET into a 1-based index', () => {
    assert.equal(rewrite('SELECT features[OFFSET(25)] FROM t'), 'SELECT features[26] FROM t');
    assert.equal(rewrite('SELECT t.features[SAFE_OFFSET(0)] FROM t'), 'SELECT t.features[1] FROM t');
  });

  it('guards a computed OFFSET so a negative one is NULL, not counted from the end', () => {
    assert.equal(rewrite('SELECT f[SAFE_OFFSET(i)] FROM t'), 'SELECT f[CASE WHEN (i) >= 0 THEN (i) + 1 END] FROM t');
    assert.equal(rewrite('SELECT f[OFFSET(@idx)]'), 'SELECT f[CASE WHEN ($idx) >= 0 THEN ($idx) + 1 END]');
    assert.equal(rewrite('SELECT f[OFFSET(ARRAY_LENGTH(f) - 1)]'), 'SELECT f[CASE WHEN (ARRAY_LENGTH(f) - 1) >= 0 THEN (ARRAY_LENGTH(f) - 1) + 1 END]');
  });

  it('keeps ORDINAL 1-based', () => {
    assert.equal(rewrite('SELECT f[ORDINAL(3)], f[SAFE_ORDINAL(0)]'), 'SELECT f[3], f[NULL]');
    assert.equal(rewrite('SELECT f[ORDINAL(n)]'), 'SELECT f[CASE WHEN (n) >= 1 THEN (n) END]');
  });

  it('treats a bare index as an offset, as BigQuery does', () => {
    assert.equal(rewrite('SELECT f[0], SPLIT(s)[1]'), "SELECT f[1], string_split(s, ',')[2]");
  });

  it('subscripts the result of a CASE expression', () => {
    assert.equal(rewrite('SELECT CASE WHEN b THEN x ELSE y END[OFFSET(0)]'), 'SELECT CASE WHEN b THEN x ELSE y END[1]');
  });

  it('leaves array literals and string keys alone', () => {
    assert.equal(rewrite('SELECT [1, 2][OFFSET(1)], x IN ([1]), ARRAY<INT64>[1]'), 'SELECT [1, 2][2], x IN ([1]), ARRAY<INT64>[1]');
    assert.equal(rewrite("SELECT j['a'], [0]"), "SELECT j['a'], [0]");
  });
});

describe('toDuckdbSql: dates and times', () => {
  it('rewrites INTERVAL with a non-literal count', () => {
    assert.equal(rewrite('SELECT d - INTERVAL 7 DAY'), 'SELECT d - INTERVAL 7 DAY');
    assert.equal(rewrite('SELECT d - INTERVAL @days DAY'), 'SELECT d - to_days(CAST($days AS BIGINT))');
    assert.equal(rewrite('SELECT ts + INTERVAL -90 MINUTE'), 'SELECT ts + to_minutes(CAST(-90 AS BIGINT))');
    assert.equal(rewrite('SELECT ts + INTERVAL (n * 2) HOUR'), 'SELECT ts + to_hours(CAST((n * 2) AS BIGINT))');
  });

  it('truncates dates with BigQuery weeks (Sunday) and ISO weeks (Monday)', () => {
    assert.equal(rewrite('SELECT DATE_TRUNC(d, MONTH)'), "SELECT CAST(date_trunc('month', d) AS DATE)");
    assert.equal(rewrite('SELECT DATE_TRUNC(d, WEEK)'), 'SELECT bq_week_start(d, 0)');
    assert.equal(rewrite('SELECT DATE_TRUNC(d, WEEK(MONDAY)), DATE_TRUNC(d, ISOWEEK)'), 'SELECT bq_week_start(d, 1), bq_week_start(d, 1)');
    assert.equal(rewrite('SELECT DATE_TRUNC(d, WEEK(SATURDAY))'), 'SELECT bq_week_start(d, 6)');
  });

  it('truncates timestamps, in a zone when given', () => {
    assert.equal(rewrite('SELECT TIMESTAMP_TRUNC(ts, HOUR)'), "SELECT date_trunc('hour', ts)");
    assert.equal(
      rewrite("SELECT TIMESTAMP_TRUNC(ts, DAY, 'America/New_York')"),
      "SELECT timezone('America/New_York', date_trunc('day', timezone('America/New_York', CAST(ts AS TIMESTAMPTZ))))",
    );
  });

  it('counts whole intervals in TIMESTAMP_DIFF (date_sub), arguments reversed', () => {
    assert.equal(rewrite('SELECT TIMESTAMP_DIFF(ended, started, SECOND)'), "SELECT date_sub('second', started, ended)");
    assert.equal(rewrite('SELECT TIMESTAMP_DIFF(a, b, HOUR)'), "SELECT date_sub('hour', b, a)");
  });

  it('counts boundaries in DATE_DIFF', () => {
    assert.equal(rewrite('SELECT DATE_DIFF(a, b, DAY)'), "SELECT date_diff('day', CAST(b AS DATE), CAST(a AS DATE))");
    assert.equal(rewrite('SELECT DATE_DIFF(a, b, MONTH)'), "SELECT date_diff('month', CAST(b AS DATE), CAST(a AS DATE))");
    assert.equal(rewrite('SELECT DATE_DIFF(a, b, WEEK)'), "SELECT (date_diff('day', bq_week_start(b, 0), bq_week_start(a, 0)) // 7)");
  });

  it('keeps DATE_ADD and DATE_SUB dates', () => {
    assert.equal(rewrite('SELECT DATE_ADD(d, INTERVAL 1 DAY)'), 'SELECT CAST((d) + (INTERVAL 1 DAY) AS DATE)');
    assert.equal(rewrite('SELECT DATE_SUB(@d, INTERVAL @n DAY)'), 'SELECT CAST(($d) - (to_days(CAST($n AS BIGINT))) AS DATE)');
    assert.equal(rewrite('SELECT TIMESTAMP_ADD(ts, INTERVAL 2 HOUR)'), 'SELECT ((ts) + (INTERVAL 2 HOUR))');
    assert.equal(rewrite('SELECT TIMESTAMP_SUB(ts, INTERVAL 2 HOUR)'), 'SELECT ((ts) - (INTERVAL 2 HOUR))');
  });

  it('extracts BigQuery-numbered parts', () => {
    assert.equal(rewrite('SELECT EXTRACT(DAYOFWEEK FROM d)'), 'SELECT (dayofweek(d) + 1)');
    assert.equal(rewrite('SELECT EXTRACT(WEEK FROM d), EXTRACT(ISOWEEK FROM d)'), 'SELECT bq_week_number(d, 0), week(d)');
    assert.equal(rewrite('SELECT EXTRACT(MILLISECOND FROM ts)'), 'SELECT (millisecond(ts) % 1000)');
    assert.equal(rewrite('SELECT EXTRACT(DATE FROM ts)'), 'SELECT CAST(ts AS DATE)');
    assert.equal(rewrite('SELECT EXTRACT(YEAR FROM d)'), 'SELECT EXTRACT(YEAR FROM d)');
    assert.equal(rewrite("SELECT EXTRACT(HOUR FROM ts AT TIME ZONE 'Europe/Paris')"), "SELECT EXTRACT(HOUR FROM timezone('Europe/Paris', CAST(ts AS TIMESTAMPTZ)))");
  });

  it('converts TIMESTAMP(), DATE(), CURRENT_TIMESTAMP()', () => {
    assert.equal(rewrite("SELECT TIMESTAMP('2024-01-01')"), "SELECT CAST('2024-01-01' AS TIMESTAMPTZ)");
    assert.equal(rewrite("SELECT TIMESTAMP(s, 'Asia/Tokyo')"), "SELECT timezone('Asia/Tokyo', CAST(s AS TIMESTAMP))");
    assert.equal(rewrite('SELECT DATE(ts), DATE(2024, 1, 2)'), 'SELECT CAST(ts AS DATE), make_date(2024, 1, 2)');
    assert.equal(rewrite("SELECT DATE(ts, 'UTC')"), "SELECT CAST(timezone('UTC', CAST(ts AS TIMESTAMPTZ)) AS DATE)");
    assert.equal(rewrite('SELECT CURRENT_TIMESTAMP(), CURRENT_DATE()'), 'SELECT current_timestamp, CURRENT_DATE()');
  });

  it('formats and parses with translated format elements', () => {
    assert.equal(rewrite("SELECT FORMAT_DATE('%F', d)"), "SELECT strftime(CAST(d AS DATE), '%Y-%m-%d')");
    assert.equal(rewrite("SELECT FORMAT_TIMESTAMP('%F %T', ts)"), "SELECT strftime(ts, '%Y-%m-%d %H:%M:%S')");
    assert.equal(rewrite("SELECT PARSE_DATE('%Y%m%d', s)"), "SELECT CAST(strptime(s, '%Y%m%d') AS DATE)");
  });

  it('does not mistake a column named date for a function', () => {
    assert.equal(rewrite('SELECT date, t.date FROM t WHERE date = @d'), 'SELECT date, t.date FROM t WHERE date = $d');
  });
});

describe('toDuckdbSql: functions and clauses', () => {
  it('turns SAFE_CAST into TRY_CAST and maps type names', () => {
    assert.equal(rewrite('SELECT SAFE_CAST(x AS INT64)'), 'SELECT TRY_CAST(x AS BIGINT)');
    assert.equal(rewrite('SELECT CAST(x AS FLOAT64), CAST(y AS STRING)'), 'SELECT CAST(x AS DOUBLE), CAST(y AS VARCHAR)');
    assert.equal(rewrite('SELECT CAST(x AS ARRAY<FLOAT64>)'), 'SELECT CAST(x AS DOUBLE[])');
    assert.equal(rewrite('SELECT CAST(x AS NUMERIC(10, 2))'), 'SELECT CAST(x AS DECIMAL(10, 2))');
    assert.equal(rewrite('SELECT CAST(x AS TIMESTAMP)'), 'SELECT CAST(x AS TIMESTAMPTZ)');
    assert.equal(rewrite('SELECT CAST(CAST(x AS INT64) AS STRING)'), 'SELECT CAST(CAST(x AS BIGINT) AS VARCHAR)');
  });

  it('turns * EXCEPT into * EXCLUDE but leaves the set operator', () => {
    assert.equal(rewrite('SELECT * EXCEPT (a, b) FROM t'), 'SELECT * EXCLUDE (a, b) FROM t');
    assert.equal(rewrite('SELECT t.* EXCEPT(a) FROM t'), 'SELECT t.* EXCLUDE(a) FROM t');
    assert.equal(rewrite('SELECT a FROM t EXCEPT DISTINCT SELECT a FROM u'), 'SELECT a FROM t EXCEPT DISTINCT SELECT a FROM u');
  });

  it('rewrites IN UNNEST into a subquery', () => {
    assert.equal(rewrite('WHERE sha IN UNNEST(@shas)'), 'WHERE sha IN (SELECT unnest($shas))');
    assert.equal(rewrite('WHERE x NOT IN UNNEST([1, 2])'), 'WHERE x NOT IN (SELECT unnest([1, 2]))');
  });

  it('names the element of UNNEST in FROM after its alias', () => {
    assert.equal(rewrite('FROM t CROSS JOIN UNNEST(@idx) AS i'), 'FROM t CROSS JOIN unnest($idx) AS __unnest_1("i")');
    assert.equal(rewrite('FROM UNNEST(arr) x WITH OFFSET AS pos'), 'FROM (SELECT unnest(arr) AS "x", unnest(generate_series(0, len(arr) - 1)) AS "pos") AS __unnest_1');
  });

  it('reads JSON_VALUE without quotes', () => {
    assert.equal(rewrite("SELECT JSON_VALUE(j, '$.a')"), "SELECT json_extract_string(j, '$.a')");
    assert.equal(rewrite('SELECT JSON_VALUE(j)'), "SELECT json_extract_string(j, '$')");
    assert.equal(rewrite("SELECT JSON_QUERY(j, '$.a')"), "SELECT json_extract(j, '$.a')");
  });

  it('leaves functions that DuckDB shares or macros define', () => {
    const same = "SELECT SAFE_DIVIDE(a, b), REGEXP_CONTAINS(s, r), ANY_VALUE(x), STRING_AGG(s, ','), STDDEV(x), STDDEV_SAMP(x), ARRAY_LENGTH(a)";
    assert.equal(rewrite(same), same);
  });

  it('counts with COUNTIF as 0, not NULL, when nothing matches', () => {
    assert.equal(rewrite('SELECT COUNTIF(x > 0 AND y)'), 'SELECT COUNT(CASE WHEN (x > 0 AND y) THEN 1 END)');
    assert.equal(rewrite('SELECT COUNTIF(ok) OVER (PARTITION BY d)'), 'SELECT COUNT(CASE WHEN (ok) THEN 1 END) OVER (PARTITION BY d)');
  });

  it('renames LOGICAL_OR and LOGICAL_AND', () => {
    assert.equal(rewrite('SELECT LOGICAL_OR(a), LOGICAL_AND(b)'), 'SELECT bool_or(a), bool_and(b)');
  });

  it('keeps ARRAY_AGG IGNORE NULLS and LIMIT', () => {
    assert.equal(rewrite('SELECT ARRAY_AGG(x ORDER BY y)'), 'SELECT ARRAY_AGG(x ORDER BY y)');
    assert.equal(rewrite('SELECT ARRAY_AGG(DISTINCT x IGNORE NULLS ORDER BY x LIMIT 3)'), 'SELECT (array_agg(DISTINCT x  ORDER BY x) FILTER (WHERE (x) IS NOT NULL))[1:3]');
  });

  it('propagates NULL through CONCAT, GREATEST and LEAST', () => {
    assert.equal(rewrite("SELECT CONCAT(a, '-', b)"), "SELECT ((a) || ('-') || (b))");
    assert.equal(rewrite('SELECT GREATEST(a, b)'), 'SELECT CASE WHEN (a) IS NULL OR (b) IS NULL THEN NULL ELSE greatest(a, b) END');
  });

  it('takes LOG as natural log', () => {
    assert.equal(rewrite('SELECT LOG(x), LOG(x, 2), LOG10(x)'), 'SELECT ln(x), (ln(x) / ln(2)), LOG10(x)');
  });

  it('replaces every match in REGEXP_REPLACE', () => {
    assert.equal(rewrite("SELECT REGEXP_REPLACE(s, r'\\d', '')"), "SELECT regexp_replace(s, '\\d', '', 'g')");
  });

  it('expands APPROX_QUANTILES into exact quantiles', () => {
    assert.equal(rewrite('SELECT APPROX_QUANTILES(x, 4)[OFFSET(2)]'), 'SELECT quantile_disc(x, [0.0, 0.25, 0.5, 0.75, 1.0])[3]');
  });

  it('rewrites the less common functions', () => {
    const cases: Array<[string, string]> = [
      ['DATETIME_TRUNC(dt, DAY)', "date_trunc('day', dt)"],
      ['DATETIME_ADD(dt, INTERVAL 1 HOUR)', '((dt) + (INTERVAL 1 HOUR))'],
      ['DATETIME(ts)', 'CAST(ts AS TIMESTAMP)'],
      ['CURRENT_DATETIME()', 'CAST(current_timestamp AS TIMESTAMP)'],
      ["FORMAT_DATETIME('%F', dt)", "strftime(dt, '%Y-%m-%d')"],
      ["FORMAT_TIMESTAMP('%H', ts, 'Asia/Tokyo')", "strftime(timezone('Asia/Tokyo', CAST(ts AS TIMESTAMPTZ)), '%H')"],
      ["PARSE_TIMESTAMP('%F %T', s)", "CAST(strptime(s, '%Y-%m-%d %H:%M:%S') AS TIMESTAMPTZ)"],
      ["PARSE_DATETIME('%F', s)", "CAST(strptime(s, '%Y-%m-%d') AS TIMESTAMP)"],
      ["JSON_EXTRACT_SCALAR(j, '$.a')", "json_extract_string(j, '$.a')"],
      ["JSON_EXTRACT(j, '$.a')", "json_extract(j, '$.a')"],
      ["REGEXP_EXTRACT(s, r'id=(\\d+)')", "CASE WHEN regexp_matches(s, 'id=(\\d+)') THEN regexp_extract(s, 'id=(\\d+)', 1) END"],
      ['REGEXP_EXTRACT(s, pattern)', 'REGEXP_EXTRACT(s, pattern)'],
      ['DIV(a, b)', '((a) // (b))'],
      ["SPLIT(s, '|')", "string_split(s, '|')"],
      ['ARRAY_CONCAT(a, b, c)', 'list_concat(list_concat(a, b), c)'],
      ['ARRAY_REVERSE(a)', 'list_reverse(a)'],
      ['GENERATE_ARRAY(1, n)', 'generate_series(1, n)'],
      ['GENERATE_DATE_ARRAY(a, b, INTERVAL 1 WEEK)', 'list_transform(generate_series(CAST(a AS DATE), CAST(b AS DATE), INTERVAL 1 WEEK), lambda d: CAST(d AS DATE))'],
      ['PERCENTILE_CONT(x, 0.5) OVER ()', 'quantile_cont(x, 0.5e0) OVER ()'],
      ["FORMAT('%d', n)", "printf('%d', n)"],
      ['DATE_DIFF(a, b, ISOYEAR)', '(isoyear(a) - isoyear(b))'],
      ['DATE_DIFF(a, b, ISOWEEK)', "(date_diff('day', bq_week_start(b, 1), bq_week_start(a, 1)) // 7)"],
      ['TIMESTAMP_TRUNC(ts, WEEK)', 'CAST(CAST(bq_week_start(ts, 0) AS TIMESTAMP) AS TIMESTAMPTZ)'],
      ['EXTRACT(WEEK(MONDAY) FROM d)', 'bq_week_number(d, 1)'],
      ['EXTRACT(DAYOFYEAR FROM d)', 'dayofyear(d)'],
      ['EXTRACT(ISOYEAR FROM d)', 'isoyear(d)'],
      ['EXTRACT(MICROSECOND FROM ts)', '(microsecond(ts) % 1000000)'],
    ];
    for (const [bigquery, duckdb] of cases) assert.equal(rewrite(`SELECT ${bigquery}`), `SELECT ${duckdb}`, bigquery);
  });

  it('rewrites nested calls inside out', () => {
    assert.equal(
      rewrite('SELECT DATE_TRUNC(DATE(TIMESTAMP_ADD(ts, INTERVAL @h HOUR)), MONTH)'),
      "SELECT CAST(date_trunc('month', CAST(((ts) + (to_hours(CAST($h AS BIGINT)))) AS DATE)) AS DATE)",
    );
  });

  it('passes QUALIFY, FULL OUTER JOIN USING and window functions through', () => {
    const sql = 'SELECT a FROM x FULL OUTER JOIN y USING (a) QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC) = 1';
    assert.equal(rewrite(sql), sql);
  });

  it('keeps text it does not understand, so DuckDB reports it', () => {
    assert.equal(rewrite('SELECT DATE_TRUNC(d, FORTNIGHT)'), 'SELECT DATE_TRUNC(d, FORTNIGHT)');
    assert.equal(rewrite('SELECT SAFE.PARSE_DATE(a, b)'), 'SELECT SAFE.PARSE_DATE(a, b)');
  });

  it('round-trips any text it does not rewrite', () => {
    fc.assert(
      // `--` would start a comment, which is rewritten on purpose; '-' stays, alone.
      fc.property(
        fc.stringMatching(/^[0-9_ ,()=<>+*\-\n]*$/).filter((s) => !s.includes('--')),
        (s) => {
          assert.equal(rewrite(s), s);
        },
      ),
      { numRuns: 300 },
    );
  });
});
