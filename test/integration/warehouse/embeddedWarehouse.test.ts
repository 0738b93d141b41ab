import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedWarehouse } from '../../../src/core/warehouse/embedded/embeddedWarehouse';
import type { ParamType, ParamValue, SqlQuery } from '../../../src/core/warehouse/types';
import { createEmbeddedFixture, type EmbeddedFixture } from './embeddedFixture';
import { failsWith } from '../../fixtures/warehouseFailure';

const q = (sql: string, params: Record<string, ParamValue> = {}, types: Record<string, ParamType> = {}): SqlQuery => ({
  name: 'test',
  sql,
  params,
  types,
});

describe('EmbeddedWarehouse over Parquet, CSV, NDJSON and a DuckDB file', () => {
  let fixture: EmbeddedFixture;
  let warehouse: EmbeddedWarehouse;

  before(async () => {
    fixture = await createEmbeddedFixture();
    warehouse = await EmbeddedWarehouse.open({ kind: 'embedded', files: fixture.files, database: fixture.database });
  });
  after(async () => {
    await warehouse?.close();
    await fixture?.cleanup();
  });

  it('describes its sources', async () => {
    assert.equal(warehouse.describe(), 'embedded DuckDB (warehouse.duckdb + 3 files)');
    const filesOnly = await EmbeddedWarehouse.open({ kind: 'embedded', files: fixture.files });
    const databaseOnly = await EmbeddedWarehouse.open({ kind: 'embedded', database: fixture.database });
    try {
      assert.equal(filesOnly.describe(), 'embedded DuckDB (3 files)');
      assert.equal(databaseOnly.describe(), 'embedded DuckDB (warehouse.duckdb)');
      assert.equal(warehouse.kind, 'embedded');
    } finally {
      await filesOnly.close();
      await databaseOnly.close();
    }
  });

  it('opens quickly, reading no file until a query names its table', async () => {
    const started = performance.now();
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', files: fixture.files, database: fixture.database });
    const elapsed = performance.now() - started;
    await w.close();
    assert.ok(elapsed < 1000, `open took ${Math.round(elapsed)} ms`);
  });

  it('binds every declared parameter type and returns normalised values', async () => {
    const result = await warehouse.query(
      q(
        'SELECT @s AS s, @n AS n, @f AS f, @b AS b, @d AS d, @t AS t, @a AS a, @ints AS ints, @none AS none',
        { s: "it's", n: 42, f: 0.25, b: true, d: '2024-03-01', t: '2024-03-01T12:30:00.123456Z', a: ['x', 'y'], ints: [1, 2], none: null },
        { s: 'STRING', n: 'INT64', f: 'FLOAT64', b: 'BOOL', d: 'DATE', t: 'TIMESTAMP', a: { array: 'STRING' }, ints: { array: 'INT64' }, none: 'STRING' },
      ),
    );
    assert.deepEqual(result.rows, [{ s: "it's", n: 42, f: 0.25, b: true, d: '2024-03-01', t: '2024-03-01T12:30:00.123456Z', a: ['x', 'y'], ints: [1, 2], none: null }]);
    assert.deepEqual(result.columns, ['s', 'n', 'f', 'b', 'd', 't', 'a', 'ints', 'none']);
    assert.equal(result.bytesProcessed, null);
  });

  it('gives a NULL parameter its declared type', async () => {
    // An untyped NULL would be an INTEGER, and COALESCE with a DATE would not bind.
    const result = await warehouse.query(q("SELECT COALESCE(@d, DATE '2024-01-01') AS d, DATE_ADD(@d, INTERVAL 1 DAY) AS next", { d: null }, { d: 'DATE' }));
    assert.deepEqual(result.rows, [{ d: '2024-01-01', next: null }]);
  });

  it('filters with IN UNNEST(@array), including an empty one', async () => {
    const count = async (shas: string[]) =>
      (await warehouse.query(q('SELECT COUNT(*) AS n FROM `ds.preds` WHERE commit_sha IN UNNEST(@shas)', { shas }, { shas: { array: 'STRING' } }))).rows[0].n;
    assert.equal(await count(['c2']), 40);
    assert.equal(await count(['c1', 'c2', 'nope']), 80);
    assert.equal(await count([]), 0);
  });

  it('reads features[OFFSET(n)] from a DOUBLE[] column', async () => {
    const result = await warehouse.query(
      q(
        `SELECT entity, features[OFFSET(25)] AS f25, features[SAFE_OFFSET(@i)] AS fi, features[SAFE_OFFSET(30)] AS beyond, ARRAY_LENGTH(features) AS len
         FROM \`ds.preds\` WHERE entity = @e AND game_date = @d AND model = 'xgb_v2'`,
        { i: 0, e: 'e3', d: '2024-03-02' },
        { i: 'INT64', e: 'STRING', d: 'DATE' },
      ),
    );
    assert.deepEqual(result.rows, [{ entity: 'e3', f25: 25 + 3 / 10, fi: 0 + 3 / 10, beyond: null, len: 30 }]);
  });

  it('counts with COUNTIF over a CSV boolean with NULLs', async () => {
    const result = await warehouse.query(q('SELECT COUNTIF(correct) AS hits, COUNTIF(correct IS NOT NULL) AS graded, COUNT(*) AS n FROM ds.graded'));
    assert.deepEqual(result.rows, [{ hits: 20, graded: 36, n: 40 }]);
  });

  it('does date arithmetic on DATE values', async () => {
    const result = await warehouse.query(
      q(
        `SELECT DATE_SUB(@to, INTERVAL 2 DAY) AS first_day, COUNT(*) AS n, MIN(game_date) AS lo, MAX(game_date) AS hi
         FROM ds.graded WHERE game_date BETWEEN DATE_SUB(@to, INTERVAL 2 DAY) AND @to GROUP BY 1`,
        { to: '2024-03-10' },
        { to: 'DATE' },
      ),
    );
    assert.deepEqual(result.rows, [{ first_day: '2024-03-08', n: 12, lo: '2024-03-08', hi: '2024-03-10' }]);
  });

  it('counts whole intervals in TIMESTAMP_DIFF, as BigQuery does', async () => {
    const result = await warehouse.query(
      q(`SELECT run_id, TIMESTAMP_DIFF(ended_at, started_at, SECOND) AS seconds, TIMESTAMP_DIFF(ended_at, started_at, MINUTE) AS minutes
         FROM ds.runs ORDER BY run_id`),
    );
    // r1 ran 1.2 s across two second boundaries: BigQuery says 1, a boundary count would say 2.
    assert.deepEqual(result.rows, [
      { run_id: 'r1', seconds: 1, minutes: 0 },
      { run_id: 'r2', seconds: 2220, minutes: 37 },
      { run_id: 'r3', seconds: 600, minutes: 10 },
    ]);
  });

  it('compares timestamps with a TIMESTAMP parameter', async () => {
    const result = await warehouse.query(
      q(
        'SELECT run_id FROM ds.runs WHERE started_at BETWEEN @from_ts AND @to_ts ORDER BY run_id',
        { from_ts: '2024-03-05T07:00:00Z', to_ts: new Date('2024-03-05T09:00:00Z') },
        { from_ts: 'TIMESTAMP', to_ts: 'TIMESTAMP' },
      ),
    );
    assert.deepEqual(
      result.rows.map((r) => r.run_id),
      ['r1', 'r2'],
    );
  });

  it('treats 0.1 as FLOAT64', async () => {
    const result = await warehouse.query(q('SELECT 0.1 + 0.2 = 0.3 AS exact, 0.1 + 0.2 AS sum, ROUND(AVG(predicted * 0.1), 2) AS avg FROM ds.graded'));
    // With DECIMAL literals (DuckDB's default) 0.1 + 0.2 would equal 0.3 exactly.
    assert.equal(result.rows[0].exact, false);
    assert.equal(result.rows[0].sum, 0.1 + 0.2);
    assert.equal(typeof result.rows[0].avg, 'number');
  });

  it('keeps the latest row per key with QUALIFY', async () => {
    const result = await warehouse.query(
      q(`SELECT entity, model, game_date FROM ds.preds WHERE TRUE
         QUALIFY ROW_NUMBER() OVER (PARTITION BY entity, model ORDER BY created_at DESC) = 1
         ORDER BY entity, model`),
    );
    assert.equal(result.rows.length, 8);
    assert.ok(result.rows.every((r) => r.game_date === '2024-03-10'));
  });

  it('joins with FULL OUTER JOIN ... USING', async () => {
    const result = await warehouse.query(
      q(`WITH made AS (SELECT model, COUNT(*) AS n FROM ds.preds GROUP BY model),
         scored AS (SELECT model, COUNTIF(correct) AS hits FROM ds.graded GROUP BY model)
         SELECT model, made.n, COALESCE(scored.hits, 0) AS hits FROM made FULL OUTER JOIN scored USING (model) ORDER BY model`),
    );
    assert.deepEqual(result.rows, [
      { model: 'catboost_v9', n: 40, hits: 20 },
      { model: 'xgb_v2', n: 40, hits: 0 },
    ]);
  });

  it('runs the catalog shape: CROSS JOIN UNNEST with SAFE_OFFSET of the element', async () => {
    const result = await warehouse.query(
      q(
        `SELECT feature_index, COUNTIF(f.features[SAFE_OFFSET(feature_index)] > 0) AS positive, COUNT(*) AS n
         FROM \`ds.preds\` AS f CROSS JOIN UNNEST(@indices) AS feature_index
         WHERE f.game_date BETWEEN @from AND @to GROUP BY 1 ORDER BY 1`,
        { indices: [0, 29, 99], from: '2024-03-01', to: '2024-03-01' },
        { indices: { array: 'INT64' }, from: 'DATE', to: 'DATE' },
      ),
    );
    // features[0] is e/10: zero for entity e0 only; index 99 is past the end, so NULL.
    assert.deepEqual(result.rows, [
      { feature_index: 0, positive: 6, n: 8 },
      { feature_index: 29, positive: 8, n: 8 },
      { feature_index: 99, positive: 0, n: 8 },
    ]);
  });

  it('normalises DATE, TIMESTAMP, BIGINT, HUGEINT, DECIMAL, LIST, BOOL, STRUCT and JSON', async () => {
    const [row] = (
      await warehouse.query(
        q(`SELECT p.game_date, p.created_at, p.active, p.features, COUNT(*) OVER () AS n, a.amount, a.big, a.s,
                  JSON_QUERY('{"a": {"b": 1}}', '$.a') AS j, SUM(p.predicted) OVER () AS total,
                  CAST(1 AS NUMERIC) AS num
           FROM ds.preds AS p CROSS JOIN ops.amounts AS a
           WHERE p.entity = 'e0' AND p.game_date = '2024-03-01' AND p.model = 'xgb_v2'`),
      )
    ).rows;
    assert.equal(row.game_date, '2024-03-01');
    assert.equal(row.created_at, '2024-03-01T08:00:00.000Z');
    assert.equal(row.active, false);
    assert.ok(Array.isArray(row.features) && (row.features as unknown[]).length === 30);
    assert.equal((row.features as number[])[1], 1);
    assert.equal(row.n, 1);
    assert.equal(row.amount, 1.25);
    assert.equal(row.big, 12345678901);
    assert.deepEqual(row.s, { a: 1 });
    assert.equal(row.j, '{"b":1}');
    assert.equal(row.total, 0);
    assert.equal(row.num, 1);
  });

  it('sums integers into numbers, not bigints', async () => {
    const result = await warehouse.query(q('SELECT SUM(rows_produced) AS total, COUNT(DISTINCT commit_sha) AS commits FROM ds.runs'));
    assert.deepEqual(result.rows, [{ total: 60, commits: 2 }]);
  });

  it('reads tables of the database file by dataset.table', async () => {
    const result = await warehouse.query(
      q('SELECT revision, commit_sha, created_at FROM `ops.deployments` WHERE service = @service ORDER BY created_at', { service: 'prediction-worker' }, { service: 'STRING' }),
    );
    assert.deepEqual(result.rows, [
      { revision: 'rev-1', commit_sha: 'c1', created_at: '2024-03-01T00:00:00.000Z' },
      { revision: 'rev-2', commit_sha: 'c2', created_at: '2024-03-06T19:10:00.000Z' },
    ]);
  });

  it('refuses DML, DDL and scripts before running anything', async () => {
    const before = warehouse.queryCount;
    await assert.rejects(warehouse.query(q('DELETE FROM `ds.preds` WHERE TRUE')), failsWith('write-refused', 'a DELETE on ds.preds', 'read-only'));
    await assert.rejects(warehouse.query(q('UPDATE ops.deployments SET revision = "x" WHERE TRUE')), failsWith('write-refused', 'an UPDATE on ops.deployments'));
    await assert.rejects(warehouse.query(q('CREATE TABLE ds.x AS SELECT 1 AS a')), failsWith('write-refused', 'CREATE_TABLE_AS_SELECT', 'ds.x'));
    await assert.rejects(warehouse.query(q('SELECT 1; DROP TABLE ds.preds')), failsWith('write-refused', 'script of several statements', '; run one at a time;'));
    await assert.rejects(warehouse.query(q("COPY ds.preds TO '/tmp/x.csv'")), failsWith('write-refused', 'COPY'));
    await assert.rejects(warehouse.query(q("ATTACH '/tmp/x.duckdb' AS x")), failsWith('write-refused', 'an ATTACH'));
    await assert.rejects(warehouse.query(q("PRAGMA enable_profiling = 'json'")), failsWith('write-refused', 'PRAGMA'));
    assert.equal(warehouse.queryCount, before);
    const still = await warehouse.query(q('SELECT COUNT(*) AS n FROM ds.preds'));
    assert.equal(still.rows[0].n, 80);
  });

  it('names a missing table or column and where to fix it', async () => {
    await assert.rejects(warehouse.query(q('SELECT * FROM ds.nope')), failsWith('not-found', 'nope', 'tables.*', 'pipeline-lens.json'));
    await assert.rejects(warehouse.query(q('SELECT * FROM nods.preds')), failsWith('not-found', 'nods.preds', 'tables.*'));
    await assert.rejects(warehouse.query(q('SELECT wrong_column FROM ds.preds')), failsWith('not-found', 'wrong_column', 'tables.*.columns'));
  });

  it('names a parameter with a bad value or no type', async () => {
    await assert.rejects(warehouse.query(q('SELECT @d AS d', { d: '03/01/2024' }, { d: 'DATE' })), failsWith('invalid-param', '@d'));
    await assert.rejects(warehouse.query(q('SELECT @d AS d', { d: '2024-03-01' }, {})), failsWith('missing-param-type', '@d'));
    await assert.rejects(warehouse.query(q('SELECT @d AS d', {}, { d: 'DATE' })), failsWith('missing-param', '@d'));
  });

  it('counts round trips to the engine', async () => {
    const before = warehouse.queryCount;
    await warehouse.query(q('SELECT 1 AS one'));
    await Promise.all([1, 2, 3].map((n) => warehouse.query(q('SELECT @n AS n', { n }, { n: 'INT64' }))));
    assert.equal(warehouse.queryCount, before + 4);
  });

  it('runs concurrent queries, each with its own answer', async () => {
    const results = await Promise.all(
      ['c1', 'c2', 'c1', 'c2', 'c1', 'c2'].map((sha) => warehouse.query(q('SELECT @sha AS sha, COUNT(*) AS n FROM ds.preds WHERE commit_sha = @sha', { sha }, { sha: 'STRING' }))),
    );
    assert.deepEqual(
      results.map((r) => r.rows[0]),
      ['c1', 'c2', 'c1', 'c2', 'c1', 'c2'].map((sha) => ({ sha, n: 40 })),
    );
  });

  it('cancels a long query when its signal aborts, and keeps working', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const running = warehouse.query(q('SELECT COUNT(*) AS n FROM range(100000000) AS a(x) CROSS JOIN range(1000) AS b(y) WHERE x + y = 7'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    await assert.rejects(running, failsWith('cancelled'));
    assert.ok(performance.now() - started < 5000, 'the interrupt did not stop the query promptly');
    const after = await warehouse.query(q('SELECT COUNT(*) AS n FROM ds.preds'));
    assert.equal(after.rows[0].n, 80);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const before = warehouse.queryCount;
    await assert.rejects(warehouse.query(q('SELECT 1 AS x'), { signal: AbortSignal.abort() }), failsWith('cancelled'));
    assert.equal(warehouse.queryCount, before);
  });

  it('has Parquet, JSON and ICU built in, with nothing to download or load', async () => {
    // Parquet: the tables above read .parquet files. JSON and ICU (time zones) answer here,
    // with extension loading switched off.
    const result = await warehouse.query(
      q(`SELECT json_extract_string('{"a": "x"}', '$.a') AS json, strftime(TIMESTAMPTZ '2026-01-30 03:17:00+00' AT TIME ZONE 'America/Los_Angeles', '%H:%M') AS icu`),
    );
    assert.deepEqual(result.rows, [{ json: 'x', icu: '19:17' }]);
    const settings = await warehouse.query(q(`SELECT current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS load`));
    assert.deepEqual(settings.rows, [{ install: false, load: false }]);
  });

  it('defines its macros without shadowing a DuckDB built-in', async () => {
    const result = await warehouse.query(
      q(`SELECT DISTINCT function_name FROM duckdb_functions()
         WHERE function_type <> 'macro' AND function_name IN (SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro' AND schema_name = 'main' AND database_name = 'memory')`),
    );
    assert.deepEqual(result.rows, []);
  });
});

describe('EmbeddedWarehouse configuration', () => {
  let fixture: EmbeddedFixture;
  before(async () => {
    fixture = await createEmbeddedFixture();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  it('names the table, the path and the config key of a missing file', async () => {
    await assert.rejects(
      EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.missing': 'nope/missing.parquet' } }, { baseDir: fixture.dir }),
      failsWith('missing-file', 'ds.missing', join(fixture.dir, 'nope/missing.parquet'), 'warehouse.files["ds.missing"]'),
    );
  });

  it('names the config key of a glob that matches nothing when the table is queried', async () => {
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.parts': 'parts/*.parquet' } }, { baseDir: fixture.dir });
    try {
      await assert.rejects(w.query(q('SELECT COUNT(*) AS n FROM ds.parts')), failsWith('missing-file', 'ds.parts', 'warehouse.files["ds.parts"]'));
    } finally {
      await w.close();
    }
  });

  it('reads a glob of Parquet files relative to baseDir', async () => {
    await copyFile(join(fixture.dir, 'preds.parquet'), join(fixture.dir, 'part-1.parquet'));
    await copyFile(join(fixture.dir, 'preds.parquet'), join(fixture.dir, 'part-2.parquet'));
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.parts': 'part-*.parquet' } }, { baseDir: fixture.dir });
    try {
      assert.deepEqual((await w.query(q('SELECT COUNT(*) AS n FROM ds.parts'))).rows, [{ n: 160 }]);
    } finally {
      await w.close();
    }
  });

  it('reads a path with a quote in it', async () => {
    const odd = join(fixture.dir, "o'brien.csv");
    await writeFile(odd, 'a,b\n1,x\n2,y\n');
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.odd': odd } });
    try {
      assert.deepEqual((await w.query(q('SELECT SUM(a) AS s FROM ds.odd'))).rows, [{ s: 3 }]);
    } finally {
      await w.close();
    }
  });

  it('resolves project.dataset.table names', async () => {
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', files: { 'my-proj.ds.preds': fixture.files['ds.preds'] } });
    try {
      assert.deepEqual((await w.query(q('SELECT COUNT(*) AS n FROM `my-proj.ds.preds`'))).rows, [{ n: 80 }]);
    } finally {
      await w.close();
    }
  });

  it('rejects an invalid table name in warehouse.files, naming the key', async () => {
    await assert.rejects(
      EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.x`; DROP': fixture.files['ds.preds'] } }),
      failsWith('invalid-identifier', 'warehouse.files["ds.x`; DROP"]'),
    );
  });

  it('rejects an unknown file type, and a config with nothing to read', async () => {
    await assert.rejects(EmbeddedWarehouse.open({ kind: 'embedded', files: { 'ds.x': join(fixture.dir, 'preds.xlsx') } }), failsWith('config', '.parquet, .csv'));
    await assert.rejects(EmbeddedWarehouse.open({ kind: 'embedded' }), failsWith('config', 'warehouse.database', 'warehouse.files'));
  });

  it('names a missing database file', async () => {
    await assert.rejects(
      EmbeddedWarehouse.open({ kind: 'embedded', database: 'gone.duckdb' }, { baseDir: fixture.dir }),
      failsWith('missing-file', 'warehouse.database', join(fixture.dir, 'gone.duckdb')),
    );
  });

  it('interrupts a running query on close', async () => {
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', database: fixture.database });
    const running = w.query(q('SELECT COUNT(*) AS n FROM range(100000000) AS a(x) CROSS JOIN range(1000) AS b(y) WHERE x + y = 7'));
    const outcome = assert.rejects(running, failsWith('cancelled'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await w.close();
    await outcome;
  });

  it('refuses queries after close', async () => {
    const w = await EmbeddedWarehouse.open({ kind: 'embedded', database: fixture.database });
    await w.close();
    await assert.rejects(w.query(q('SELECT 1 AS x')), failsWith('closed'));
  });
});
