import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { loadConfig } from '../../../src/core/config/loadConfig';
import { investigate } from '../../../src/core/findings/investigate';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { verifyDeployment } from '../../../src/core/verify/verifyDeployment';
import { Workspace } from '../../../src/core/workspace';
import { deploymentsOverview } from '../../../src/server/deploymentsOverview';
import { lensTitle } from '../../../src/server/lensTitle';
import { provenanceMarkdown } from '../../../src/server/provenanceMarkdown';
import { QueryCounter } from '../../../src/server/countingWarehouse';
import { ServerWorkspace } from '../../../src/server/serverWorkspace';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * The second-domain pipeline with a second stage: the snapshotter writes the feature
 * snapshots and stamps them with its build (test/fixtures/energy/energyPipeline.ts,
 * `featureStage`). Its satellite build first wrote on 2026-03-06; its fix of the 18th never ran.
 */

const ready = { state: 'ready' as const };
const parts = { deployments: ready, runs: ready, results: ready };
const NOW = () => new Date('2026-03-21T00:00:00Z');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return { code, out };
}

describe('a second stage with no deployment record: deployments inferred from its build column', () => {
  let pipeline: EnergyPipeline;
  let workspace: Workspace;
  let snap: NonNullable<EnergyPipeline['snapshotter']>;

  before(async () => {
    pipeline = await createEnergyPipeline({ featureStage: 'inferred' });
    snap = pipeline.snapshotter!;
    workspace = Workspace.open({ cwd: pipeline.root, now: NOW });
  });

  after(async () => {
    await workspace?.close();
    await pipeline?.cleanup();
  });

  it('infers one deployment per build, on the first day the build appears in the feature snapshots', async () => {
    const list = await workspace.deployments('snapshotter');
    assert.deepEqual(
      list.map((d) => [d.commit, d.createdAt, d.trafficPercent]),
      [
        [pipeline.sha.base.slice(0, 12), '2026-03-01T00:00:00.000Z', null],
        [snap.satellite.slice(0, 12), '2026-03-06T00:00:00.000Z', null],
      ],
    );
  });

  it('marks the lens, the hover and the commit report of a snapshotter commit as inferred', async () => {
    const [p] = await commitProvenance(workspace, [snap.satellite]);
    const s = p.services.find((x) => x.service === 'snapshotter')!;
    assert.equal(s.touchesService, true);
    assert.equal(s.status, 'deployed');
    assert.equal(s.inferredFrom, 'grid_ops.feature_snapshots.snap_rev, the first day each build appears');
    assert.equal(lensTitle(p, parts), '✓ snapshotter first seen 2026-03-06 (inferred)');
    const hover = provenanceMarkdown(p, parts);
    assert.match(hover, /✓ \*\*snapshotter\*\* first seen 2026-03-06 in build-\w+ \(inferred\)/);
    assert.match(provenanceMarkdown(p, parts, { full: true }), /\| snapshotter \| build-\w+ \(inferred\) \| first seen 2026-03-06 \| not recorded \|/);
    assert.match(hover, /Deployments of snapshotter are inferred from grid\\_ops\.feature\\_snapshots\.snap\\_rev/);
    const { code, out } = await cli(['--cwd', pipeline.root, 'commit', snap.satellite.slice(0, 10)]);
    assert.equal(code, 0, out);
    assert.match(out, /✓ snapshotter: first seen 2026-03-06 in a build with it .*; deployments inferred from grid_ops\.feature_snapshots\.snap_rev/);
  });

  it('says a fix no build has written with is not seen, never that a revision serves', async () => {
    const [p] = await commitProvenance(workspace, [snap.fix]);
    assert.equal(lensTitle(p, parts), '✗ no build of snapshotter with it seen (inferred)');
  });

  it('verify fails closed on inferred deployments, naming the column and the key for a real record', async () => {
    const result = await verifyDeployment(workspace, 'snapshotter');
    assert.equal(result.verdict, 'unknown');
    assert.match(result.reason, /^The deployments of service snapshotter are inferred from grid_ops\.feature_snapshots\.snap_rev, the first day each build appears, not recorded/);
    assert.match(result.reason, /The newest build seen, \w{8} \(first seen 2026-03-06\), lacks code of the target/);
    assert.match(result.hint!, /Set services\[1\]\.deployments in pipeline-lens\.json to a real deployment record/);
    assert.deepEqual(result.checked, []);
    // verify speaks of services throughout, as the rest of its messages do.
    assert.doesNotMatch(`${result.reason} ${result.hint}`, /\bstages?\b/);
  });

  it('verify says unknown even when the newest build seen has every commit of the target', async () => {
    const result = await verifyDeployment(workspace, 'snapshotter', snap.satellite);
    assert.equal(result.verdict, 'unknown');
    assert.match(result.reason, /has every commit touching its paths/);
    assert.equal(result.witnesses.ancestry.answer, 'agrees', 'the comparison was made and is shown, but is not a verdict');
    const { code, out } = await cli(['--cwd', pipeline.root, 'verify', '--service', 'snapshotter', '--target', snap.satellite, '--json']);
    assert.equal(code, 2, out);
    assert.equal(JSON.parse(out).verdict, 'unknown');
  });

  it('investigate reads the snapshotter gap from its table and says its deployments are inferred', async () => {
    const { findings } = await investigate(workspace);
    const gap = findings.find((f) => f.kind === 'deployment-gap' && f.subjects.services?.includes('snapshotter'));
    assert.ok(gap, findings.map((f) => f.title).join('\n'));
    assert.match(
      gap.title,
      new RegExp(`^snapshotter wrote 60 rows of tables\\.featureStore for 2026-03-19\\.\\.2026-03-20 .*on build ${snap.satellite.slice(0, 8)}, after fix ${snap.fix.slice(0, 8)}`),
    );
    assert.match(gap.title, /no build of snapshotter with it has written yet \(inferred\)$/);
    assert.ok(gap.evidence.some((e) => /snapshotter has no deployment record: its deployments are inferred from grid_ops\.feature_snapshots\.snap_rev/.test(e)));
  });

  it('the Deployments view says the revisions are inferred', async () => {
    const server = new ServerWorkspace(loadConfig(join(pipeline.root, 'pipeline-lens.json')), { counter: new QueryCounter(), gitCounter: { started: 0 }, fault: null });
    try {
      const overview = await deploymentsOverview(server);
      const s = overview.services.find((x) => x.service === 'snapshotter')!;
      assert.equal(s.inferredFrom, 'grid_ops.feature_snapshots.snap_rev, the first day each build appears');
      assert.equal(s.verification.verdict, 'unknown');
      assert.ok(s.revisions.every((r) => !r.serving));
    } finally {
      await server.close();
    }
  });
});

describe('a second stage with its own deployment record', () => {
  let pipeline: EnergyPipeline;
  let workspace: Workspace;
  let snap: NonNullable<EnergyPipeline['snapshotter']>;

  before(async () => {
    pipeline = await createEnergyPipeline({ featureStage: 'recorded' });
    snap = pipeline.snapshotter!;
    workspace = Workspace.open({ cwd: pipeline.root, now: NOW });
  });

  after(async () => {
    await workspace?.close();
    await pipeline?.cleanup();
  });

  it('places a snapshotter commit against its own stage, with the recorded release and no "inferred"', async () => {
    const [p] = await commitProvenance(workspace, [snap.satellite]);
    const s = p.services.find((x) => x.service === 'snapshotter')!;
    assert.equal(s.inferredFrom, null);
    assert.equal(s.firstDeployment!.revision, 'snap-8');
    assert.match(lensTitle(p, parts), /^✓ snapshotter 2026-03-06 03:00 \(\+18h00m\)/);
    assert.equal(
      p.services.find((x) => x.service === 'load-forecaster'),
      undefined,
      'a commit is placed against the stages it touches',
    );
  });

  it('verify says the snapshotter is stale by its undeployed fix, and the forecaster is still ok', async () => {
    const snapshotter = await verifyDeployment(workspace, 'snapshotter');
    assert.equal(snapshotter.verdict, 'stale');
    assert.deepEqual(
      snapshotter.missing.map((m) => m.sha),
      [snap.fix],
    );
    const forecaster = await verifyDeployment(workspace, 'load-forecaster');
    assert.equal(forecaster.verdict, 'ok', forecaster.reason);
  });

  it('investigate runs over both stages and still finds the forecaster incident and the registry findings', async () => {
    const { findings } = await investigate(workspace);
    const kinds = new Set(findings.map((f) => f.kind));
    assert.ok(kinds.has('deployment-gap'), [...kinds].join(', '));
    assert.ok(kinds.has('metric-shift'));
    assert.ok(kinds.has('model-artifact-changed'));
  });
});
