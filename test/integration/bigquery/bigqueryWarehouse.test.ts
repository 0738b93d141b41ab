import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BigQueryWarehouse } from '../../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { WarehouseError, type ParamType, type ParamValue, type QueryProgress, type SqlQuery } from '../../../src/core/warehouse/types';
import { JsonHttpServer } from '../../fakes/jsonHttpServer';
import { bigqueryProfile, FAST } from '../../fakes/bigqueryProfile';
import { fakeBigQuerySuite } from '../../fakes/fakeBigQuerySuite';

/*
 * BigQueryWarehouse with the real @google-cloud/bigquery client against the fake server:
 * what goes over the wire (typed parameters, the bytes cap, labels), what comes back
 * (normalised rows, pages), and the job's life (polling, progress, cancellation, retries).
 */

const SETUP = `
  CREATE SCHEMA ds;
  CREATE TABLE ds.numbers AS SELECT i AS n, DATE '2024-03-01' + i::INTEGER AS day, i % 2 = 0 AS even FROM range(25) t(i);
`;

const q = (sql: string, params: Record<string, ParamValue> = {}, types: Record<string, ParamType> = {}, name = 'test'): SqlQuery => ({ name, sql, params, types });

describe('BigQueryWarehouse against the fake BigQuery', () => {
  const bq = fakeBigQuerySuite({ setupSql: SETUP });

  it("sends typed named parameters, NULLs and empty arrays included, and returns rows in the embedded engine's shapes", async () => {
    const query = q(
      'SELECT @s AS s, @n AS n, @f AS f, @b AS b, @d AS d, @t AS t, @a AS a, @ints AS ints, @none AS none, @nodate AS nodate, ARRAY_LENGTH(@empty) AS empty_len',
      { s: "it's", n: 42, f: 0.25, b: true, d: '2024-03-01', t: '2024-03-01T12:30:00.123456Z', a: ['x', 'y'], ints: [1, 2], none: null, nodate: null, empty: [] },
      {
        s: 'STRING',
        n: 'INT64',
        f: 'FLOAT64',
        b: 'BOOL',
        d: 'DATE',
        t: 'TIMESTAMP',
        a: { array: 'STRING' },
        ints: { array: 'INT64' },
        none: 'STRING',
        nodate: 'DATE',
        empty: { array: 'STRING' },
      },
    );
    const result = await bq.warehouse.query(query);
    assert.deepEqual(result.rows, [
      { s: "it's", n: 42, f: 0.25, b: true, d: '2024-03-01', t: '2024-03-01T12:30:00.123456Z', a: ['x', 'y'], ints: [1, 2], none: null, nodate: null, empty_len: 0 },
    ]);
    assert.deepEqual(result.columns, ['s', 'n', 'f', 'b', 'd', 't', 'a', 'ints', 'none', 'nodate', 'empty_len']);

    const [job] = bq.fake.jobRequests;
    const sent = Object.fromEntries(job.query.queryParameters!.map((p) => [p.name, p]));
    assert.equal(job.query.parameterMode, 'NAMED');
    assert.deepEqual(sent.nodate, { name: 'nodate', parameterType: { type: 'DATE' }, parameterValue: {} });
    assert.deepEqual(sent.empty, { name: 'empty', parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [] } });
    assert.deepEqual(sent.t.parameterValue, { value: '2024-03-01 12:30:00.123456+00:00' });
    assert.deepEqual(sent.ints.parameterValue, { arrayValues: [{ value: '1' }, { value: '2' }] });
    assert.equal(job.query.query, query.sql, 'the SQL goes as written: BigQuery SQL, not rewritten');
  });

  it('sends only the parameters the SQL uses, and names one the SQL uses without a value', async () => {
    await bq.warehouse.query(q('SELECT @a AS a', { a: 1, unused: 'x' }, { a: 'INT64', unused: 'STRING' }));
    assert.deepEqual(
      bq.fake.jobRequests[0].query.queryParameters!.map((p) => p.name),
      ['a'],
    );
    await assert.rejects(bq.warehouse.query(q('SELECT @b AS b', {}, {})), /Query test uses @b but gives it no value/);
    await assert.rejects(bq.warehouse.query(q('SELECT @d AS d', { d: '2024-02-30' }, { d: 'DATE' })), /Parameter @d of query test is "2024-02-30", which is not a valid DATE/);
    assert.equal(bq.fake.jobRequests.length, 1, 'invalid parameters never reach BigQuery');
  });

  it('sends maximumBytesBilled on every job: queries, dry runs, and a per-query cap', async () => {
    await bq.warehouse.query(q('SELECT n FROM `ds.numbers` AS x WHERE x.n < 3'));
    await bq.warehouse.dryRun(q('SELECT n FROM `ds.numbers` AS x'));
    await bq.warehouse.query(q('SELECT 1 AS one'), { maximumBytesBilled: 5_000_000 });
    const inserts = bq.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    assert.equal(inserts.length, 3);
    assert.deepEqual(
      bq.fake.jobRequests.map((j) => [j.dryRun, j.query.maximumBytesBilled]),
      [
        [false, String(10 * 1024 ** 3)],
        [true, String(10 * 1024 ** 3)],
        [false, '5000000'],
      ],
    );
    assert.ok(bq.fake.jobRequests.every((j) => j.location === 'US' && j.labels.tool === 'pipeline-lens' && j.jobId!.startsWith('pipeline_lens_')));
  });

  it('pages through a large result, one request per page', async () => {
    const paged = await BigQueryWarehouse.open(bigqueryProfile(bq.fake.url), { ...FAST, pageSize: 4 });
    const result = await paged.query(q('SELECT x.n, x.day, x.even FROM `ds.numbers` AS x ORDER BY x.n'));
    assert.equal(result.rows.length, 25);
    assert.deepEqual(result.rows[24], { n: 24, day: '2024-03-25', even: true });
    const polls = bq.fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/queries/'));
    assert.equal(polls.length, 7, 'ceil(25 / 4) pages');
    assert.deepEqual(
      polls.map((p) => p.query.pageToken ?? null),
      [null, '4', '8', '12', '16', '20', '24'],
    );
    assert.ok(polls.every((p) => p.query.maxResults === '4'));
    assert.equal(result.bytesProcessed, 1024 * 1024);
  });

  it('polls a job that is still running, reporting progress, then fetching', async () => {
    bq.fake.pendingPolls = 3;
    const progress: QueryProgress[] = [];
    const result = await bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `ds.numbers` AS x'), { onProgress: (p) => progress.push(p) });
    assert.deepEqual(result.rows, [{ c: 25 }]);
    const running = progress.filter((p) => p.state === 'running');
    assert.equal(running.length, 3);
    assert.deepEqual(
      running.map((p) => p.fraction),
      [1 / 3, 2 / 3, 1],
      'from the job timeline (jobs.get)',
    );
    assert.ok(running.every((p) => p.jobId === bq.fake.jobRequests[0].jobId));
    assert.deepEqual(progress.at(-1), { ...progress.at(-1)!, state: 'fetching', rowsFetched: 1, totalRows: 1, fraction: 1 });
  });

  it('cancels the BigQuery job when the caller aborts', async () => {
    bq.fake.hang = true;
    const controller = new AbortController();
    const pending = bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `ds.numbers` AS x'), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.state === 'running') controller.abort();
      },
    });
    await assert.rejects(pending, (error: unknown) => error instanceof WarehouseError && error.reason === 'cancelled' && /Query test was cancelled/.test(error.message));
    const jobId = bq.fake.jobRequests[0].jobId!;
    const cancels = bq.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/jobs/${jobId}/cancel`));
    assert.equal(cancels.length, 1);
    assert.equal(cancels[0].query.location, 'US');
    assert.equal(bq.fake.job(jobId)!.error!.reason, 'stopped');
  });

  it('sends nothing when aborted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(bq.warehouse.query(q('SELECT 1 AS one'), { signal: controller.signal }), /cancelled/);
    assert.equal(bq.fake.requests.length, 0);
  });

  it('refuses DML, DDL and scripts unless the write was confirmed, naming the statement and its target', async () => {
    await assert.rejects(
      bq.warehouse.query(q('DELETE FROM `ds.numbers` WHERE TRUE')),
      (e: unknown) => e instanceof WarehouseError && e.reason === 'write-refused' && /a DELETE on ds\.numbers/.test(e.message) && /nothing was executed/.test(e.message),
    );
    await assert.rejects(bq.warehouse.query(q('CREATE TABLE ds.copy AS SELECT 1 AS a')), /CREATE_TABLE_AS_SELECT on ds\.copy/);
    await assert.rejects(bq.warehouse.query(q('SELECT 1; DROP TABLE ds.numbers')), /a script of several statements on ds\.numbers/);
    assert.equal(bq.fake.requests.length, 0, 'refused before any request');
    const confirmed = await bq.warehouse.query(q('DELETE FROM `ds.numbers` WHERE n > 100'), { writeConfirmed: true });
    assert.deepEqual(confirmed.rows, [{ affected_rows: 0 }]);
    assert.equal(bq.fake.jobRequests[0].query.maximumBytesBilled, String(10 * 1024 ** 3), 'a confirmed write is capped too');
  });

  it('dry-runs: bytes estimate, statement type, tables read and the target of DDL', async () => {
    const select = await bq.warehouse.dryRun(q('SELECT x.n FROM `ds.numbers` AS x WHERE x.day = @d', { d: '2024-03-02' }, { d: 'DATE' }));
    assert.deepEqual(select, { bytesProcessed: 1024 * 1024, statementType: 'SELECT', referencedTables: ['pl-test.ds.numbers'], targetTable: null });
    const ddl = await bq.warehouse.dryRun(q('CREATE TABLE ds.copy AS SELECT 1 AS a'));
    assert.equal(ddl.statementType, 'CREATE_TABLE_AS_SELECT');
    assert.equal(ddl.targetTable, 'pl-test.ds.copy');
    assert.ok(bq.fake.jobRequests.every((j) => j.dryRun));
    assert.equal(bq.fake.requests.filter((r) => r.path.includes('/queries/')).length, 0, 'a dry run fetches no results');
  });

  it('retries a job refused for rate limits, with backoff, then succeeds', async () => {
    bq.fake.failNext('jobs.insert', 403, { reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many concurrent queries for this project' }, { times: 2 });
    const result = await bq.warehouse.query(q('SELECT 1 AS one'));
    assert.deepEqual(result.rows, [{ one: 1 }]);
    assert.equal(bq.fake.jobRequests.length, 3);
  });

  it('sends no credentials to an http:// endpoint', async () => {
    await bq.warehouse.query(q('SELECT 1 AS one'));
    assert.ok(bq.fake.requests.length > 0);
    for (const r of bq.fake.requests) assert.equal(r.headers.authorization, undefined);
  });

  it('ignores BIGQUERY_EMULATOR_HOST: a stray variable does not redirect queries', async () => {
    const trap = await JsonHttpServer.start(() => ({ status: 200, body: {} }));
    const saved = process.env.BIGQUERY_EMULATOR_HOST;
    process.env.BIGQUERY_EMULATOR_HOST = trap.url;
    try {
      const w = await BigQueryWarehouse.open(bigqueryProfile(bq.fake.url), FAST);
      const result = await w.query(q('SELECT 2 AS two'));
      assert.deepEqual(result.rows, [{ two: 2 }]);
      assert.equal(trap.requests.length, 0, 'nothing went to the emulator host');
      assert.ok(bq.fake.requests.length >= 2);
      assert.equal(process.env.BIGQUERY_EMULATOR_HOST, trap.url, 'the variable is left as it was');
    } finally {
      if (saved === undefined) delete process.env.BIGQUERY_EMULATOR_HOST;
      else process.env.BIGQUERY_EMULATOR_HOST = saved;
      await trap.close();
    }
  });

  it('describes itself with project, location, endpoint and cap', () => {
    assert.equal(bq.warehouse.describe(), `BigQuery pl-test (US) at ${bq.fake.url} (no credentials sent), at most 10 GiB billed per query`);
    assert.equal(bq.warehouse.kind, 'bigquery');
  });

  it("also serves jobs.query for the client's own fast path", async () => {
    // Not the product's path (it needs the job id up front), but part of the fake's API.
    const { BigQuery } = await import('@google-cloud/bigquery');
    const { PassThroughClient } = await import('google-auth-library');
    const client = new BigQuery({ projectId: 'pl-test', apiEndpoint: bq.fake.url, authClient: new PassThroughClient() });
    const [rows] = await client.query({ query: 'SELECT COUNT(*) AS c FROM `ds.numbers` AS x WHERE x.n < @k', params: { k: 5 }, types: { k: 'INT64' } });
    assert.deepEqual(rows, [{ c: 5 }]);
    assert.equal(bq.fake.jobRequests[0].via, 'jobs.query');
  });
});
