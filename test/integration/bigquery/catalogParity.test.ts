import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../src/core/config/loadConfig';
import type { BigQueryWarehouseConfig, PipelineLensConfig } from '../../../src/core/config/types';
import { BigQueryWarehouse } from '../../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { EmbeddedWarehouse } from '../../../src/core/warehouse/embedded/embeddedWarehouse';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { catalogCalls, type CatalogArgs } from '../../fixtures/catalogCalls';
import { COMMIT_A, COMMIT_B, createParityDataset, type ParityDataset } from './parityDataset';

/*
 * Parity: every query of the catalog returns the same rows, column for column, from the
 * embedded engine directly and from BigQueryWarehouse through the real client, the REST
 * wire format and the fake server. What differs between the paths is everything a user
 * of the Warehouse interface must not see: typed parameters on the wire, TIMESTAMP as
 * int64 microseconds, DATE and NUMERIC wrappers, paging.
 */

describe('catalog parity: embedded engine vs BigQueryWarehouse through the fake', () => {
  let dataset: ParityDataset;
  let fake: FakeBigQuery;
  let embedded: EmbeddedWarehouse;
  let bigquery: BigQueryWarehouse;
  let config: PipelineLensConfig;

  before(async () => {
    dataset = await createParityDataset();
    fake = await FakeBigQuery.start({ database: dataset.database });
    config = resolveConfig(
      {
        warehouse: { kind: 'bigquery', project: 'pl-parity', location: 'US', apiEndpoint: fake.url },
        tables: dataset.tables,
        features: dataset.features,
        services: [{ name: 'prediction-worker', paths: ['worker/**'], deployments: { kind: 'warehouse', table: 'ops.deployments' } }],
      },
      join(dataset.dir, 'pipeline-lens.json'),
    );
    embedded = await EmbeddedWarehouse.open({ kind: 'embedded', database: dataset.database });
    // Small pages, so that every result of more than a few rows is paged.
    bigquery = await BigQueryWarehouse.open(config.warehouse as BigQueryWarehouseConfig, { pageSize: 7 });
  });
  after(async () => {
    await embedded?.close();
    await bigquery?.close();
    await fake?.close();
    await dataset?.cleanup();
  });

  const args: CatalogArgs = {
    window: { from: '2026-01-02', to: '2026-01-11' },
    models: ['catboost_v8', 'xgb_v3'],
    commits: [COMMIT_A, COMMIT_B.slice(0, 12), COMMIT_B],
    model: 'catboost_v8',
    splitDate: '2026-01-06',
    service: 'prediction-worker',
  };

  it('returns the same rows for every catalog query', async () => {
    const calls = catalogCalls(config, args);
    assert.ok(calls.length >= 15, `${calls.length} queries`);
    let paged = 0;
    for (const call of calls) {
      const direct = await embedded.query(call.query);
      const before = fake.requests.length;
      const viaFake = await bigquery.query(call.query);
      if (fake.requests.length - before > 2) paged++;
      assert.deepEqual(viaFake.columns, direct.columns, `${call.label}: columns`);
      assert.deepEqual(viaFake.rows, direct.rows, `${call.label}: rows`);
    }
    assert.ok(paged >= 5, `${paged} results came in several pages`);
  });

  it('gives the catalog queries data to disagree on', async () => {
    // Guards the parity check itself: empty results would agree trivially.
    for (const call of catalogCalls(config, args)) {
      const { rows } = await embedded.query(call.query);
      assert.ok(rows.length > 0, `${call.label} returns rows`);
    }
  });

  it('sends every catalog query as typed named parameters with the bytes cap', async () => {
    fake.reset();
    const calls = catalogCalls(config, args);
    for (const call of calls) await bigquery.query(call.query);
    const jobs = fake.jobRequests;
    assert.equal(jobs.length, calls.length);
    for (const job of jobs) {
      assert.equal(job.query.maximumBytesBilled, String(config.warehouse.kind === 'bigquery' ? config.warehouse.maximumBytesBilled : 0));
      assert.equal(job.query.parameterMode, 'NAMED');
      assert.equal(job.query.useLegacySql, false);
      for (const p of job.query.queryParameters ?? []) assert.ok(p.parameterType.type, `${p.name} is typed`);
    }
    const runs = jobs.find((j) => j.labels.query === 'runs')!;
    assert.deepEqual(
      runs.query.queryParameters!.map((p) => [p.name, p.parameterType.type]),
      [
        ['from_ts', 'TIMESTAMP'],
        ['to_ts', 'TIMESTAMP'],
      ],
    );
    const byCommit = jobs.find((j) => j.query.queryParameters?.some((p) => p.name === 'commits'))!;
    const commits = byCommit.query.queryParameters!.find((p) => p.name === 'commits')!;
    assert.deepEqual(commits.parameterType, { type: 'ARRAY', arrayType: { type: 'STRING' } });
    assert.deepEqual(
      commits.parameterValue.arrayValues!.map((v) => v.value),
      args.commits,
    );
  });
});
