import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BigQueryWarehouse } from '../../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { assertRunnable, planQuery } from '../../../src/core/warehouse/queryGuard';
import type { SqlQuery } from '../../../src/core/warehouse/types';
import { withoutCredentials } from '../../fixtures/withoutCredentials';
import { bigqueryProfile, FAST } from '../../fakes/bigqueryProfile';
import { fakeBigQuerySuite } from '../../fakes/fakeBigQuerySuite';
import { failsWith } from '../../fixtures/warehouseFailure';

/*
 * Every way BigQuery can fail, as the person running pipeline-lens reads it: each message
 * says what happened and what to do (the command, the setting, the permission).
 */

const q = (sql: string, name = 'modelsSummary'): SqlQuery => ({ name, sql, params: {}, types: {} });

describe('BigQuery errors a user can act on', () => {
  const bq = fakeBigQuerySuite(
    {
      setupSql: `CREATE SCHEMA preds; CREATE TABLE preds.predictions AS SELECT i AS n FROM range(3) t(i);`,
      tableBytes: { 'preds.predictions': 50 * 1024 ** 3 },
    },
    { ...FAST, tableKeys: { 'preds.predictions': 'tables.predictions.table', 'preds.scores': 'tables.graded.table' } },
  );

  it('no credentials: says to run gcloud auth application-default login or set keyFilename', async () => {
    await withoutCredentials(async () => {
      // Google's endpoint: credentials are required, and looked for before any request is made.
      const w = await BigQueryWarehouse.open(bigqueryProfile(null), FAST);
      await assert.rejects(
        w.query(q('SELECT 1 AS one')),
        failsWith('no-credentials', 'No Google Cloud credentials for BigQuery', '`gcloud auth application-default login`', 'warehouse.keyFilename'),
      );
    });
  });

  it('a key file that cannot be read: names the file and the setting', async () => {
    const w = await BigQueryWarehouse.open(bigqueryProfile(null, { keyFilename: '/nonexistent/key.json' }), FAST);
    await assert.rejects(w.query(q('SELECT 1 AS one')), failsWith('no-credentials', '/nonexistent/key.json', 'warehouse.keyFilename'));
  });

  it('a key file that is not a service-account key (an external-account configuration) is refused before any request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pl-key-'));
    try {
      const keyFilename = join(dir, 'workload-identity.json');
      await writeFile(
        keyFilename,
        JSON.stringify({
          type: 'external_account',
          audience: 'x',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: 'https://collector.example.test/token',
          credential_source: { file: '/home/someone/.config/gcloud/application_default_credentials.json' },
        }),
      );
      await assert.rejects(
        BigQueryWarehouse.open(bigqueryProfile(null, { keyFilename }), FAST),
        failsWith(
          'no-credentials',
          `warehouse.keyFilename in pipeline-lens.json names ${keyFilename}, a credential file of type "external_account"`,
          'only a service-account key',
          'GOOGLE_APPLICATION_CREDENTIALS',
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('403 accessDenied: names the project and the missing permission', async () => {
    bq.fake.failNext('jobs.insert', 403, {
      reason: 'accessDenied',
      message: 'Access Denied: Project pl-test: User does not have bigquery.jobs.create permission in project pl-test.',
    });
    await assert.rejects(
      bq.warehouse.query(q('SELECT 1 AS one')),
      failsWith('access-denied', 'BigQuery denied access in project pl-test', 'The account lacks bigquery.jobs.create', 'warehouse.project'),
    );
  });

  it('403 accessDenied on a table: the permission BigQuery named', async () => {
    bq.fake.failJobs({
      reason: 'accessDenied',
      message: 'Access Denied: Table pl-test:preds.predictions: User does not have permission to query table pl-test:preds.predictions, or perhaps it does not exist.',
    });
    await assert.rejects(
      bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `preds.predictions` AS p')),
      failsWith('access-denied', 'project pl-test', 'User does not have permission to query table', 'BigQuery Data Viewer'),
    );
  });

  it('quotaExceeded: retried with backoff, then says it was, how often, and what to do', async () => {
    bq.fake.failNext('jobs.insert', 403, { reason: 'quotaExceeded', message: 'Quota exceeded: Your project exceeded quota for concurrent queries.' }, { times: 10 });
    await assert.rejects(
      bq.warehouse.query(q('SELECT 1 AS one')),
      failsWith(
        'quota',
        'hit a quota of BigQuery in project pl-test on 5 attempts over',
        'quotaExceeded: Quota exceeded: Your project exceeded quota for concurrent queries',
        'Wait a minute',
      ),
    );
    assert.equal(bq.fake.jobRequests.length, 5, 'one request per attempt');
  });

  it('rateLimitExceeded on the job itself: retried, then reported as a rate limit', async () => {
    bq.fake.failJobs({ reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many table update operations for this table.' }, 10);
    await assert.rejects(
      bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `preds.predictions` AS p', 'user')),
      failsWith('quota', 'was rate limited by BigQuery in project pl-test on 5 attempts over', 'rateLimitExceeded'),
    );
  });

  it('400 invalidQuery: the message, the line and column, and the line of SQL with a caret', async () => {
    const sql = 'SELECT\n  p.n, nope\nFROM `preds.predictions` AS p';
    bq.fake.failNext('jobs.insert', 400, { reason: 'invalidQuery', message: 'Unrecognized name: nope at [2:8]', location: 'query' });
    await assert.rejects(bq.warehouse.query(q(sql, 'user')), (error: unknown) => {
      failsWith('invalid-query', 'Query user is not valid BigQuery SQL, at line 2, column 8: Unrecognized name: nope', 'check tables.*.columns')(error);
      const lines = (error as Error).message.split('\n');
      assert.deepEqual(lines.slice(1), ['  2 |   p.n, nope', '    |        ^']);
      return true;
    });
  });

  it('invalidQuery from a job that failed after it was created (no HTTP code) reads the same', async () => {
    bq.fake.failJobs({ reason: 'invalidQuery', message: 'Syntax error: Unexpected keyword FROM at [1:8]', location: 'query' });
    await assert.rejects(
      bq.warehouse.query(q('SELECT FROM x', 'user')),
      failsWith('invalid-query', 'at line 1, column 8: Syntax error: Unexpected keyword FROM', '1 | SELECT FROM x'),
    );
  });

  it('notFound: names the pipeline-lens.json setting that names the missing table', async () => {
    await assert.rejects(
      bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `preds.scores` AS g')),
      failsWith('not-found', 'table preds.scores was not found in project pl-test (location US)', 'It is named by tables.graded.table in pipeline-lens.json'),
    );
    bq.fake.failNext('jobs.insert', 404, { reason: 'notFound', message: 'Not found: Dataset pl-test:preds was not found in location EU' });
    await assert.rejects(
      bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `preds.predictions` AS p')),
      failsWith('not-found', 'dataset preds was not found in project pl-test', 'It is used by tables.predictions.table, tables.graded.table', 'warehouse.location'),
    );
  });

  it('bytes over the cap: BigQuery refuses the job, and the message gives the estimate and the cap', async () => {
    await assert.rejects(
      bq.warehouse.query(q('SELECT COUNT(*) AS c FROM `preds.predictions` AS p')),
      failsWith(
        'bytes-limit',
        'would bill 50 GiB (53687091200 bytes)',
        'the cap of 10 GiB (10737418240 bytes)',
        'warehouse.maximumBytesBilled',
        'nothing was billed',
        '--max-bytes',
      ),
    );
    assert.equal(bq.fake.jobRequests[0].query.maximumBytesBilled, '10737418240');
  });

  it('bytes over the cap: the guard refuses from the dry run, before any job runs', async () => {
    const query = q('SELECT COUNT(*) AS c FROM `preds.predictions` AS p', 'user');
    const plan = await planQuery(bq.warehouse, query);
    assert.equal(plan.bytesProcessed, 50 * 1024 ** 3);
    assert.throws(() => assertRunnable(bq.warehouse, plan, query, { maximumBytesBilled: 10 * 1024 ** 3 }), failsWith('bytes-limit', 'would bill 50 GiB', 'cap of 10 GiB'));
    assert.ok(
      bq.fake.jobRequests.every((j) => j.dryRun),
      'only the dry run was sent',
    );
  });

  it('an endpoint nobody answers: says where it tried and which setting names it', async () => {
    const w = await BigQueryWarehouse.open(bigqueryProfile('http://127.0.0.1:9'), FAST);
    await assert.rejects(w.query(q('SELECT 1 AS one')), failsWith('unreachable', 'Cannot reach BigQuery at http://127.0.0.1:9', 'warehouse.apiEndpoint'));
  });
});
