import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedWarehouse } from '../../../src/core/warehouse/embedded/embeddedWarehouse';
import { createEmbeddedFixture, type EmbeddedFixture } from './embeddedFixture';

/*
 * BigQuery SQL run on the embedded engine must give BigQuery's answers. Each expected value
 * below is what BigQuery returns (from its documentation and behaviour); most are cases
 * where DuckDB, given the same text unrewritten, answers differently or fails.
 */

const CASES: Array<[string, unknown]> = [
  // Week and weekday numbering.
  ["EXTRACT(DAYOFWEEK FROM DATE '2024-01-07')", 1],
  ["EXTRACT(DAYOFWEEK FROM DATE '2024-01-13')", 7],
  ["EXTRACT(WEEK FROM DATE '2024-01-06')", 0],
  ["EXTRACT(WEEK FROM DATE '2024-01-07')", 1],
  ["EXTRACT(ISOWEEK FROM DATE '2024-12-30')", 1],
  ["EXTRACT(ISOYEAR FROM DATE '2024-12-30')", 2025],
  ["EXTRACT(MILLISECOND FROM TIMESTAMP '2024-01-01 00:00:03.456')", 456],
  ["EXTRACT(HOUR FROM TIMESTAMP '2024-01-01 00:00:00+00' AT TIME ZONE 'America/Los_Angeles')", 16],
  ["DATE_TRUNC(DATE '2024-03-13', WEEK)", '2024-03-10'],
  ["DATE_TRUNC(DATE '2024-03-13', WEEK(MONDAY))", '2024-03-11'],
  ["DATE_TRUNC(DATE '2024-03-13', QUARTER)", '2024-01-01'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '2024-03-13 15:45:00', HOUR)", '2024-03-13T15:00:00.000Z'],
  // Date arithmetic stays DATE; month ends clamp.
  ["DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH)", '2024-02-29'],
  ["DATE_SUB(DATE '2024-03-01', INTERVAL 1 DAY)", '2024-02-29'],
  ["DATE_DIFF(DATE '2024-02-01', DATE '2024-01-31', MONTH)", 1],
  ["DATE_DIFF(DATE '2024-01-31', DATE '2024-02-01', DAY)", -1],
  ["DATE_DIFF(DATE '2024-03-17', DATE '2024-03-16', WEEK)", 1],
  ["DATE(TIMESTAMP '2024-01-01 23:30:00-05:00')", '2024-01-02'],
  ["GENERATE_DATE_ARRAY(DATE '2024-02-28', DATE '2024-03-01')", ['2024-02-28', '2024-02-29', '2024-03-01']],
  // Whole intervals, not boundaries.
  ["TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:00:02.1', TIMESTAMP '2024-01-01 00:00:00.9', SECOND)", 1],
  ["TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:00:00.9', TIMESTAMP '2024-01-01 00:00:02.1', SECOND)", -1],
  ["TIMESTAMP_DIFF(TIMESTAMP '2024-01-02 22:00:00', TIMESTAMP '2024-01-01 23:00:00', DAY)", 0],
  // Time zones.
  ["TIMESTAMP '2024-01-01 00:00:00+02'", '2023-12-31T22:00:00.000Z'],
  ["TIMESTAMP('2024-01-01 00:00:00', 'America/New_York')", '2024-01-01T05:00:00.000Z'],
  ["UNIX_SECONDS(TIMESTAMP '2024-01-01 00:00:00.9')", 1704067200],
  ['TIMESTAMP_SECONDS(1704067200)', '2024-01-01T00:00:00.000Z'],
  ["FORMAT_DATE('%F', DATE '2024-01-05')", '2024-01-05'],
  ["FORMAT_TIMESTAMP('%Y-%m-%d %H:%M', TIMESTAMP '2024-01-05 01:02:03')", '2024-01-05 01:02'],
  ["PARSE_DATE('%Y%m%d', '20240105')", '2024-01-05'],
  // Numbers.
  ['0.1 + 0.2 = 0.3', false],
  ['0.1 + 0.2', 0.1 + 0.2],
  ['LOG(8, 2)', 3],
  ['ROUND(LOG(EXP(2)), 12)', 2],
  ['DIV(-7, 2)', -3],
  ['SAFE_DIVIDE(1, 0)', null],
  ['SAFE_DIVIDE(1, 4)', 0.25],
  ["SAFE_CAST('x' AS INT64)", null],
  ["CAST('12' AS INT64) + 1", 13],
  // NULL handling.
  ["CONCAT('a', NULL)", null],
  ["CONCAT('a', 'b', 'c')", 'abc'],
  ['GREATEST(1, NULL)', null],
  ['LEAST(3, 2)', 2],
  ['(SELECT COUNTIF(x) FROM UNNEST([CAST(NULL AS BOOL)]) AS x)', 0],
  ['(SELECT COUNTIF(x) FROM UNNEST([TRUE, FALSE, TRUE]) AS x)', 2],
  // Strings, JSON, regular expressions.
  [`JSON_VALUE('{"a": "x"}', '$.a')`, 'x'],
  [`JSON_VALUE('{"a": 1}', '$.a')`, '1'],
  ["REGEXP_CONTAINS('abc123', r'\\d+')", true],
  ["REGEXP_EXTRACT('v=42;', r'v=(\\d+)')", '42'],
  ["REGEXP_EXTRACT('abc', r'\\d+')", null],
  ["REGEXP_REPLACE('a1b2', r'\\d', 'X')", 'aXbX'],
  ["'it\\'s'", "it's"],
  ['"double"', 'double'],
  ["SPLIT('a,b,c')[OFFSET(1)]", 'b'],
  // Arrays.
  ['[10, 20, 30][OFFSET(0)]', 10],
  ['[10, 20, 30][ORDINAL(1)]', 10],
  ['[10, 20, 30][SAFE_OFFSET(3)]', null],
  ['[10, 20, 30][SAFE_OFFSET(-1)]', null],
  ['ARRAY_LENGTH([1, 2, 3])', 3],
  ['2 IN UNNEST([1, 2])', true],
  ['3 NOT IN UNNEST([1, 2])', true],
  // Aggregates.
  ["(SELECT STRING_AGG(x, '|' ORDER BY x) FROM UNNEST(['b', 'a']) AS x)", 'a|b'],
  ['(SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY x) FROM UNNEST([2, NULL, 1]) AS x)', [1, 2]],
  ['(SELECT LOGICAL_OR(x) FROM UNNEST([TRUE, FALSE]) AS x)', true],
  ['(SELECT LOGICAL_AND(x) FROM UNNEST([TRUE, FALSE]) AS x)', false],
  ['(SELECT APPROX_QUANTILES(x, 2) FROM UNNEST([1, 2, 3, 4, 5]) AS x)', [1, 3, 5]],
  ['(SELECT ROUND(STDDEV(x), 6) FROM UNNEST([1, 2, 3, 4]) AS x)', 1.290994],
  ['(SELECT ANY_VALUE(x) FROM UNNEST([7]) AS x)', 7],
  // Less common rewrites.
  ['ARRAY_CONCAT([1], [2, 3], [4])', [1, 2, 3, 4]],
  ['ARRAY_REVERSE([1, 2, 3])', [3, 2, 1]],
  ['GENERATE_ARRAY(1, 5, 2)', [1, 3, 5]],
  ["FORMAT('%d-%s', 1, 'a')", '1-a'],
  [`JSON_EXTRACT_SCALAR('{"a": {"b": "c"}}', '$.a.b')`, 'c'],
  ["REGEXP_EXTRACT('abc123def', r'[0-9]+')", '123'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '2024-03-13 15:45:00', WEEK)", '2024-03-10T00:00:00.000Z'],
  ["TIMESTAMP_ADD(TIMESTAMP '2024-03-13 23:30:00', INTERVAL 90 MINUTE)", '2024-03-14T01:00:00.000Z'],
  ["DATE_DIFF(DATE '2025-01-01', DATE '2024-12-29', ISOYEAR)", 1],
  ["PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', '2024-01-05 01:02:03')", '2024-01-05T01:02:03.000Z'],
  ['(SELECT MAX(m) FROM (SELECT PERCENTILE_CONT(x, 0.5) OVER () AS m FROM UNNEST([1, 2, 3, 10]) AS x))', 2.5],
  ["CURRENT_TIMESTAMP() > TIMESTAMP '2024-01-01'", true],
];

describe('BigQuery semantics on the embedded warehouse', () => {
  let fixture: EmbeddedFixture;
  let warehouse: EmbeddedWarehouse;

  before(async () => {
    fixture = await createEmbeddedFixture();
    warehouse = await EmbeddedWarehouse.open({ kind: 'embedded', files: fixture.files });
  });
  after(async () => {
    await warehouse?.close();
    await fixture?.cleanup();
  });

  for (const [expression, expected] of CASES) {
    it(`${expression} = ${JSON.stringify(expected)}`, async () => {
      const result = await warehouse.query({ name: 'semantics', sql: `SELECT ${expression} AS v`, params: {}, types: {} });
      assert.deepEqual(result.rows, [{ v: expected }]);
    });
  }

  it('orders NULLs first ascending and last descending', async () => {
    const run = async (direction: string) =>
      (await warehouse.query({ name: 'nulls', sql: `SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x ${direction}`, params: {}, types: {} })).rows.map((r) => r.x);
    assert.deepEqual(await run('ASC'), [null, 1, 2]);
    assert.deepEqual(await run('DESC'), [2, 1, null]);
  });

  it('names the element and offset of UNNEST ... WITH OFFSET', async () => {
    const result = await warehouse.query({
      name: 'unnest',
      sql: "SELECT x, o FROM UNNEST(['a', 'b']) AS x WITH OFFSET AS o ORDER BY o",
      params: {},
      types: {},
    });
    assert.deepEqual(result.rows, [
      { x: 'a', o: 0 },
      { x: 'b', o: 1 },
    ]);
  });

  it('drops columns with SELECT * EXCEPT', async () => {
    const result = await warehouse.query({ name: 'except', sql: 'SELECT * EXCEPT (b) FROM (SELECT 1 AS a, 2 AS b, 3 AS c)', params: {}, types: {} });
    assert.deepEqual(result.rows, [{ a: 1, c: 3 }]);
  });

  it('reads NDJSON timestamps written the way BigQuery exports them', async () => {
    const path = join(fixture.dir, 'export.json');
    await writeFile(path, '{"id":1,"ts":"2024-03-05 07:41:00.9 UTC","day":"2024-03-05"}\n{"id":2,"ts":"2024-03-05 08:00:00 UTC","day":"2024-03-06"}\n');
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.export': path } });
    try {
      const result = await w.query({
        name: 'export',
        sql: 'SELECT id, ts, day, TIMESTAMP_DIFF(ts, @t, SECOND) AS s FROM ds.export WHERE day >= @d ORDER BY id',
        params: { t: '2024-03-05T07:41:00Z', d: '2024-03-05' },
        types: { t: 'TIMESTAMP', d: 'DATE' },
      });
      assert.deepEqual(result.rows, [
        { id: 1, ts: '2024-03-05T07:41:00.900Z', day: '2024-03-05', s: 0 },
        { id: 2, ts: '2024-03-05T08:00:00.000Z', day: '2024-03-06', s: 1140 },
      ]);
    } finally {
      await w.close();
    }
  });
});
