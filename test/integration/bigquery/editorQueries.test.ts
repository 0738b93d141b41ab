import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PlanQueryRequest, RunQueryRequest, type PlanQueryResult, type RunQueryResult } from '../../../src/shared/protocol';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';
import { LspHarness } from '../server/lspHarness';
import { createParityDataset, type ParityDataset } from './parityDataset';

/*
 * Run Query and Dry Run Query from the editor on BigQuery (the fake), through the real
 * server: the plan is BigQuery's dry run (type, table, bytes), a write runs only when the
 * client says a person confirmed it, and every job carries the cap.
 */
const CAP = 10 * 1024 ** 3;
const DELETE = "DELETE FROM `preds.predictions` WHERE game_date = '2026-01-09'";

describe('editor queries on BigQuery (the fake)', () => {
  let repo: GitFixture;
  let dataset: ParityDataset;
  let fake: FakeBigQuery;
  let server: LspHarness;

  before(async () => {
    repo = await createGitFixture([{ message: 'worker: first model', files: { 'worker/app.py': 'v1\n' }, date: '2025-12-19T10:00:00Z' }]);
    dataset = await createParityDataset({ a: repo.shas[0], b: repo.shas[0] });
    fake = await FakeBigQuery.start({ database: dataset.database });
    await writeFile(
      join(repo.root, 'pipeline-lens.json'),
      JSON.stringify({
        warehouse: { kind: 'bigquery', project: 'pl-editor', location: 'US', apiEndpoint: fake.url },
        tables: dataset.tables,
        features: dataset.features,
        services: [{ name: 'prediction-worker', paths: ['worker/**'], deployments: { kind: 'warehouse', table: 'ops.deployments' } }],
      }),
    );
    server = await LspHarness.start({ folders: [repo.root] });
    await server.ready();
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await server?.stop();
    await fake?.close();
    await dataset?.cleanup();
    await repo?.cleanup();
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);
  // Jobs the server runs for its own views (deployments, results) are left out: these are the editor's.
  const executed = () => fake.jobRequests.filter((j) => !j.dryRun && /^DELETE/.test(j.query.query));

  it("plans with BigQuery's dry run: the statement, its table, the bytes, the cap", async () => {
    const plan = await ask<PlanQueryResult>(PlanQueryRequest.method, { sql: DELETE });
    assert.equal(plan.warehouse, 'bigquery');
    assert.equal(plan.plan?.checkedBy, 'dry-run');
    assert.equal(plan.plan?.statementType, 'DELETE');
    assert.equal(plan.plan?.kind, 'dml');
    assert.equal(typeof plan.plan?.bytesProcessed, 'number');
    assert.equal(plan.maximumBytesBilled, CAP);
    assert.equal(plan.refusal, null, 'a write on BigQuery runs once a person confirms it');
    assert.deepEqual(executed(), [], 'a plan runs nothing');
  });

  it('refuses a write the client does not say was confirmed, having run nothing', async () => {
    await assert.rejects(ask(RunQueryRequest.method, { sql: DELETE }), /Refused: .*DELETE.*nothing was executed/);
    assert.deepEqual(executed(), []);
  });

  it('runs a confirmed write, capped like every job', async () => {
    const result = await ask<RunQueryResult>(RunQueryRequest.method, { sql: DELETE, writeConfirmed: true });
    assert.equal(result.statementType, 'DELETE');
    const jobs = executed();
    assert.equal(jobs.length, 1);
    assert.match(jobs[0].query.query, /^DELETE FROM/);
    assert.equal(jobs[0].query.maximumBytesBilled, String(CAP));
  });
});
