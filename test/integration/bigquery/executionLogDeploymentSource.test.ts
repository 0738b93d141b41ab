import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../src/core/config/loadConfig';
import type { BigQueryWarehouseConfig, PipelineLensConfig } from '../../../src/core/config/types';
import { ExecutionLogDeploymentSource } from '../../../src/core/deployments/executionLogDeploymentSource';
import { BigQueryWarehouse } from '../../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { EmbeddedWarehouse } from '../../../src/core/warehouse/embedded/embeddedWarehouse';
import type { Warehouse } from '../../../src/core/warehouse/types';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { COMMIT_A, COMMIT_B, createParityDataset, type ParityDataset } from './parityDataset';

/*
 * Deployments derived from the execution log, for teams without access to the deploy
 * tool's API: the first run of each build, on both engines, through a query bounded by the
 * log's partition column.
 */

describe('ExecutionLogDeploymentSource', () => {
  let dataset: ParityDataset;
  let fake: FakeBigQuery;
  let config: PipelineLensConfig;
  let embedded: EmbeddedWarehouse;
  let bigquery: BigQueryWarehouse;
  const now = () => new Date('2026-01-12T00:00:00Z');

  before(async () => {
    dataset = await createParityDataset();
    fake = await FakeBigQuery.start({ database: dataset.database });
    config = resolveConfig(
      {
        warehouse: { kind: 'bigquery', project: 'pl-log', location: 'US', apiEndpoint: fake.url },
        tables: dataset.tables,
        services: [{ name: 'prediction-worker', paths: ['worker/**'], deployments: { kind: 'executionLog', lookbackDays: 30 } }],
      },
      join(dataset.dir, 'pipeline-lens.json'),
    );
    embedded = await EmbeddedWarehouse.open({ kind: 'embedded', database: dataset.database });
    bigquery = await BigQueryWarehouse.open(config.warehouse as BigQueryWarehouseConfig);
  });
  after(async () => {
    await embedded?.close();
    await fake?.close();
    await dataset?.cleanup();
  });

  const expected = [
    // run-03, a backfill on commit A without a revision, belongs to A's revision: it is no new deployment.
    { service: 'prediction-worker', revision: 'worker-00001-aaa', commit: COMMIT_A, createdAt: '2026-01-01T06:00:00.000Z', trafficPercent: null },
    { service: 'prediction-worker', revision: 'worker-00002-bbb', commit: COMMIT_B, createdAt: '2026-01-07T19:10:00.000Z', trafficPercent: null },
  ];

  for (const [label, warehouse] of [
    ['embedded engine', () => embedded],
    ['BigQuery (fake)', () => bigquery],
  ] as Array<[string, () => Warehouse]>) {
    // The log shows what ran, not where traffic goes: no share is recorded, never a guessed 100%.
    it(`${label}: a build deployed when first seen running, with no traffic share`, async () => {
      const source = new ExecutionLogDeploymentSource(async () => warehouse(), config, 30, now);
      assert.deepEqual(await source.list('prediction-worker'), expected);
    });
  }

  it('reads only the lookback window, filtered on the partition column', async () => {
    fake.reset();
    const source = new ExecutionLogDeploymentSource(async () => bigquery, config, 3, now);
    assert.deepEqual(await source.list('prediction-worker'), [
      { service: 'prediction-worker', revision: 'worker-00002-bbb', commit: COMMIT_B, createdAt: '2026-01-10T06:00:00.000Z', trafficPercent: null },
    ]);
    const [job] = fake.jobRequests;
    assert.match(job.query.query, /WHERE l\.`execution_start_timestamp` BETWEEN @from_ts AND @to_ts/);
    assert.deepEqual(
      job.query.queryParameters!.map((p) => [p.name, p.parameterValue.value]),
      [
        ['from_ts', '2026-01-09 00:00:00.000000+00:00'],
        ['to_ts', '2026-01-12 00:00:00.000000+00:00'],
      ],
    );
  });

  it('a build whose runs name no revision is named after its commit', async () => {
    const bare = resolveConfig(
      {
        warehouse: { kind: 'embedded', database: dataset.database },
        tables: { ...dataset.tables, executionLog: { table: 'ops.runs', partitionColumn: 'execution_start_timestamp', columns: { revision: null } } },
      },
      join(dataset.dir, 'pipeline-lens.json'),
    );
    const source = new ExecutionLogDeploymentSource(async () => embedded, bare, 30, now);
    assert.deepEqual(
      (await source.list('prediction-worker')).map((d) => [d.revision, d.commit, d.trafficPercent]),
      [
        [`build-${COMMIT_A.slice(0, 12)}`, COMMIT_A, null],
        [`build-${COMMIT_B.slice(0, 12)}`, COMMIT_B, null],
      ],
    );
  });

  it('says which log it could not read', async () => {
    const broken = { ...config, tables: { ...config.tables, executionLog: { ...config.tables.executionLog!, table: 'ops.missing_runs' } } };
    const source = new ExecutionLogDeploymentSource(async () => bigquery, broken, 30, now);
    await assert.rejects(
      source.list('prediction-worker'),
      /Cannot read the runs of prediction-worker from the execution log ops\.missing_runs: .*table ops\.missing_runs was not found/,
    );
  });
});
