import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BigQueryWarehouse } from '../../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { BIGQUERY_RETRY_POLICY } from '../../../src/core/warehouse/bigquery/retryPolicy';
import type { SqlQuery } from '../../../src/core/warehouse/types';
import { bigqueryProfile, FAST } from '../../fakes/bigqueryProfile';
import { fakeBigQuerySuite } from '../../fakes/fakeBigQuerySuite';
import { failsWith } from '../../fixtures/warehouseFailure';

/*
 * Every BigQuery call ends: a request that gets no answer is abandoned after the
 * per-request limit (and the job it created is cancelled), a query that runs past its own
 * budget is cancelled, and transient failures are retried by one policy whose attempts
 * are the requests the fake sees. Limits here are fractions of a second, so no test waits
 * for the defaults.
 */

const q = (sql: string, name = 'user'): SqlQuery => ({ name, sql, params: {}, types: {} });

describe('BigQuery calls are bounded', () => {
  const bq = fakeBigQuerySuite({ setupSql: `CREATE SCHEMA ds; CREATE TABLE ds.numbers AS SELECT i AS n FROM range(3) t(i);` });

  before(async () => {
    // The first request of a process loads the client's HTTP layer; the limits here are for answers.
    await bq.warehouse.query(q('SELECT 1 AS one'));
  });

  const open = (overrides: Parameters<typeof bigqueryProfile>[1] = {}) => BigQueryWarehouse.open(bigqueryProfile(bq.fake.url, { requestTimeoutSeconds: 0.3, ...overrides }), FAST);
  const requestsTo = (method: string, path: RegExp) => bq.fake.requests.filter((r) => r.method === method && path.test(r.path));

  it('an insert that is never answered: abandoned at the per-request limit, not retried, and its job id cancelled', async () => {
    bq.fake.stall('jobs.insert');
    const w = await open();
    await assert.rejects(
      w.query(q('SELECT n FROM `ds.numbers` AS t')),
      failsWith('timeout', `no answer from BigQuery at ${bq.fake.url} within 0.3 s`, 'warehouse.requestTimeoutSeconds', '--request-timeout', 'warehouse.apiEndpoint'),
    );
    const inserts = requestsTo('POST', /\/jobs$/);
    assert.equal(inserts.length, 1, 'a request that got no answer is not sent again');
    const jobId = (inserts[0].body as { jobReference: { jobId: string } }).jobReference.jobId;
    assert.deepEqual(
      requestsTo('POST', /\/cancel$/).map((r) => r.path),
      [`/bigquery/v2/projects/pl-test/jobs/${jobId}/cancel`],
      'the job the insert may have created is cancelled by the id chosen before sending',
    );
  });

  it('a result poll that is never answered: the job that was created is cancelled, and the message says so', async () => {
    bq.fake.stall('jobs.getQueryResults');
    bq.fake.hang = true;
    const w = await open();
    let jobId = '';
    await assert.rejects(w.query(q('SELECT n FROM `ds.numbers` AS t')), (error: unknown) => {
      jobId = bq.fake.jobRequests[0]?.jobId ?? '';
      return failsWith('timeout', 'no answer from BigQuery', 'within 0.3 s', `Its job ${jobId} was cancelled`)(error);
    });
    assert.equal(bq.fake.job(jobId)?.error?.reason, 'stopped', 'BigQuery was told to stop the job');
    assert.equal(requestsTo('GET', /\/queries\//).length, 1, 'the unanswered poll is not sent again');
  });

  it('a query that runs past its own budget is cancelled, and BigQuery is given the same budget as the job timeout', async () => {
    bq.fake.hang = true;
    const w = await open({ requestTimeoutSeconds: 5, queryTimeoutSeconds: 0.3 });
    await assert.rejects(
      w.query(q('SELECT n FROM `ds.numbers` AS t')),
      failsWith('timeout', 'did not finish within 0.3 s', 'was cancelled', 'warehouse.queryTimeoutSeconds', '--query-timeout'),
    );
    const [sent] = bq.fake.jobRequests;
    assert.equal((requestsTo('POST', /\/jobs$/)[0].body as { configuration: { jobTimeoutMs?: string } }).configuration.jobTimeoutMs, '300');
    assert.equal(bq.fake.job(sent.jobId!)?.error?.reason, 'stopped');
    assert.ok(requestsTo('GET', /\/queries\//).length >= 1, 'it was polled while it ran');
  });

  it('a poll is held by BigQuery for less than the per-request limit, so a short limit does not cut off a running job', async () => {
    bq.fake.pendingPolls = 2;
    const w = await open({ requestTimeoutSeconds: 4 });
    assert.deepEqual((await w.query(q('SELECT n FROM `ds.numbers` AS t ORDER BY n'))).rows, [{ n: 0 }, { n: 1 }, { n: 2 }]);
    for (const poll of requestsTo('GET', /\/queries\//)) assert.equal(poll.query.timeoutMs, '2000');
  });

  it("a rate limit costs one request per attempt: the policy's attempts in all, not the client's retries on top", async () => {
    bq.fake.failNext('jobs.insert', 403, { reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many concurrent queries for this project' }, { times: 100 });
    const w = await open({ requestTimeoutSeconds: 60 });
    await assert.rejects(
      w.query(q('SELECT 1 AS one')),
      failsWith('quota', `was rate limited by BigQuery in project pl-test on ${BIGQUERY_RETRY_POLICY.attempts} attempts over`, 'rateLimitExceeded', 'Wait a minute'),
    );
    assert.equal(requestsTo('POST', /\/jobs$/).length, BIGQUERY_RETRY_POLICY.attempts);
  });

  it('HTTP 429 and 503 count against the same attempts, across the requests of one query', async () => {
    bq.fake.failNext('jobs.insert', 429, { reason: 'rateLimitExceeded', message: 'Too many requests' }, { times: 1 });
    bq.fake.failNext('jobs.getQueryResults', 503, { reason: 'backendError', message: 'Service unavailable' }, { times: 2 });
    const w = await open();
    assert.deepEqual((await w.query(q('SELECT 1 AS one'))).rows, [{ one: 1 }]);
    assert.equal(requestsTo('POST', /\/jobs$/).length, 2, 'the refused insert was sent again');
    assert.equal(requestsTo('GET', /\/queries\//).length, 3, 'each failed poll was sent again, without a new job');

    bq.fake.reset();
    bq.fake.failNext('jobs.insert', 429, { reason: 'rateLimitExceeded', message: 'Too many requests' }, { times: 2 });
    bq.fake.failNext('jobs.getQueryResults', 503, { reason: 'backendError', message: 'Service unavailable' }, { times: 100 });
    await assert.rejects(w.query(q('SELECT 1 AS one')), failsWith('server', `server error on ${BIGQUERY_RETRY_POLICY.attempts} attempts over`, 'run again in a few minutes'));
    assert.equal(
      requestsTo('POST', /\/jobs$/).length + requestsTo('GET', /\/queries\//).length,
      BIGQUERY_RETRY_POLICY.attempts + 1,
      'five failures and the one success between them',
    );
  });

  it('a submission whose answer was lost is sent again under the same job id, and the job BigQuery already has is used: it runs once', async () => {
    bq.fake.dropAfterCreate = 1;
    const w = await open();
    assert.deepEqual((await w.query(q('SELECT n FROM `ds.numbers` AS t ORDER BY n'))).rows, [{ n: 0 }, { n: 1 }, { n: 2 }]);
    const inserts = bq.fake.jobRequests.filter((j) => !j.dryRun);
    assert.equal(inserts.length, 2, 'the insert was sent again after the dropped connection');
    assert.equal(inserts[0].jobId, inserts[1].jobId, 'under the same id, so BigQuery answered "already exists"');
    assert.equal(requestsTo('GET', new RegExp(`/jobs/${inserts[0].jobId}$`)).length, 1, 'the existing job was looked up');
  });

  it('errors that retrying cannot fix are not retried', async () => {
    bq.fake.failNext('jobs.insert', 403, { reason: 'accessDenied', message: 'Access Denied: Project pl-test' }, { times: 100 });
    const w = await open();
    await assert.rejects(w.query(q('SELECT 1 AS one')), failsWith('access-denied'));
    assert.equal(requestsTo('POST', /\/jobs$/).length, 1);
  });

  it('a dry run that is never answered ends at the same limit', async () => {
    bq.fake.stall('jobs.insert');
    const w = await open();
    await assert.rejects(w.dryRun(q('SELECT 1 AS one')), failsWith('timeout', 'no answer from BigQuery', 'within 0.3 s'));
  });
});
