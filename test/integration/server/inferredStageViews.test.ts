import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DeploymentsRequest, TreeRequest, type DeploymentsResult, type TreeResult } from '../../../src/shared/protocol';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';
import { LspHarness } from './lspHarness';

/*
 * A stage with no deployment record, asked of the real language server: the views mark its
 * deployments, inferred from its table's build column, as inferred.
 */

const WINDOW = { from: '2026-03-01', to: '2026-03-20' };

describe('views of a stage whose deployments are inferred', () => {
  let pipeline: EnergyPipeline;
  let server: LspHarness;

  before(async () => {
    pipeline = await createEnergyPipeline({ featureStage: 'inferred' });
    server = await LspHarness.start({ folders: [pipeline.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    await pipeline?.cleanup();
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);
  const scope = () => pathToFileURL(join(pipeline.root, 'pipeline-lens.json')).toString();

  it('models tree: a build first seen in the snapshotter table is deployed as an inferred revision, the recorded release is not', async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, { scope: scope(), window: WINDOW });
    const base = tree.models.find((m) => m.model === 'gbm_v2')!.commits.find((c) => c.commit === pipeline.sha.base)!;
    assert.deepEqual(
      base.deployedAs.map((d) => [d.service, d.inferred ?? false]),
      [
        ['load-forecaster', false],
        ['snapshotter', true],
      ],
    );
  });

  it('Deployments view: the snapshotter says where its revisions are inferred from, serves nothing, and verifies unknown', async () => {
    const result = await ask<DeploymentsResult>(DeploymentsRequest.method, { scope: scope() });
    const snapshotter = result.services.find((s) => s.service === 'snapshotter')!;
    assert.equal(snapshotter.inferredFrom, 'grid_ops.feature_snapshots.snap_rev, the first day each build appears');
    assert.ok(snapshotter.revisions.every((r) => !r.serving));
    assert.equal(snapshotter.verification.verdict, 'unknown');
    assert.equal(result.services.find((s) => s.service === 'load-forecaster')!.inferredFrom, null);
  });
});
