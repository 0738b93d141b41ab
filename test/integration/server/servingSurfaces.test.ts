import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderProvenance } from '../../../src/cli/render/renderProvenance';
import { loadConfig } from '../../../src/core/config/loadConfig';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { Workspace } from '../../../src/core/workspace';
import { QueryCounter } from '../../../src/server/countingWarehouse';
import { deploymentsOverview } from '../../../src/server/deploymentsOverview';
import { lensTitle } from '../../../src/server/lensTitle';
import { provenanceMarkdown } from '../../../src/server/provenanceMarkdown';
import { ServerWorkspace } from '../../../src/server/serverWorkspace';
import { createVerifyScenario, revisionOf, type VerifyScenario } from '../../fixtures/verifyScenario';

/*
 * Every surface that says what serves a service (the lens, the hover and provenance
 * report, `pipeline-lens commit`, the Deployments view and the status bar it feeds) asks
 * the one serving rule: when the records do not prove what serves, none of them names a
 * revision as deployed or serving; each says the serving revision is unknown and why.
 */

const NOW = new Date('2026-02-03T12:00:00Z');
const rev = revisionOf('worker');
const ready = { state: 'ready' as const };

describe('surfaces when what serves is not known', () => {
  let s: VerifyScenario;
  let parent: string;
  let folders = 0;

  before(async () => {
    s = await createVerifyScenario();
    parent = await mkdtemp(join(tmpdir(), 'pl-serving-surfaces-'));
  });
  after(async () => {
    await s?.fixture.cleanup();
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  async function configFile(records: unknown[]): Promise<string> {
    const dir = join(parent, `ws${++folders}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'deployments.json'), JSON.stringify(records));
    await writeFile(
      join(dir, 'preds.csv'),
      'player_lookup,game_date,system_id,predicted_points,line_value,build_commit_sha,deployment_revision,created_at,is_active\np,2026-01-30,m,20.5,19.5,x,r,2026-01-30T01:00:00Z,true\n',
    );
    await writeFile(
      join(dir, 'graded.csv'),
      'player_lookup,game_date,system_id,predicted_points,actual_points,line_value,prediction_correct,build_commit_sha\np,2026-01-30,m,20.5,22,19.5,true,x\n',
    );
    const file = join(dir, 'pipeline-lens.json');
    await writeFile(
      file,
      JSON.stringify({
        repository: s.fixture.root,
        warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.csv', 'ds.graded': 'graded.csv' } },
        tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
        services: [{ name: 'worker', paths: ['worker/**'], deployments: { kind: 'file', path: 'deployments.json' } }],
      }),
    );
    return file;
  }

  // A deploy log without traffic: the newest revision has the fix, but nothing says it serves.
  const untrafficked = () => [rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z'), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z')];

  it('lens, hover and `pipeline-lens commit`: an undeployed commit is "not in" the service, with the serving revision unknown, never "deployed: <newest>"', async () => {
    const workspace = new Workspace(loadConfig(await configFile(untrafficked())), () => NOW);
    try {
      const [p] = await commitProvenance(workspace, [s.sha.experiment]);
      const worker = p.services[0];
      assert.equal(worker.status, 'not-deployed');
      assert.equal(worker.serving, null);
      assert.equal(worker.behindBy, null);
      assert.match(worker.servingUnknown!, /records no traffic share for any revision of worker/);
      assert.equal(lensTitle(p, { deployments: ready, runs: ready, results: ready }), '✗ not in worker (serving revision unknown)');
      const markdown = provenanceMarkdown(p, { deployments: ready, runs: ready, results: ready });
      assert.match(markdown, /\*\*not deployed\*\* — serving revision unknown: .*records no traffic share/);
      assert.doesNotMatch(markdown, /serving worker-00068/);
      assert.match(renderProvenance(p), /not deployed; serving revision unknown \(.*records no traffic share/);
    } finally {
      await workspace.close();
    }
  });

  it('the same commit, once the records say which revision serves, names it', async () => {
    const workspace = new Workspace(
      loadConfig(await configFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 0), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)])),
      () => NOW,
    );
    try {
      const [p] = await commitProvenance(workspace, [s.sha.experiment]);
      assert.equal(p.services[0].servingUnknown, null);
      assert.equal(lensTitle(p, { deployments: ready, runs: ready, results: ready }), `✗ not in worker (deployed: ${s.sha.fix.slice(0, 7)}, 2 commits behind)`);
    } finally {
      await workspace.close();
    }
  });

  it('Deployments view and status bar: no revision marked serving, a note saying why, and the verdict unknown', async () => {
    const workspace = new ServerWorkspace(loadConfig(await configFile(untrafficked())), { counter: new QueryCounter(), gitCounter: { started: 0 }, fault: null });
    try {
      const overview = await deploymentsOverview(workspace);
      const worker = overview.services[0];
      assert.deepEqual(
        worker.revisions.map((r) => [r.revision, r.serving]),
        [
          ['worker-00068-f1x', false],
          ['worker-00063-abc', false],
        ],
      );
      assert.match(worker.servingUnknown!, /records no traffic share/);
      assert.equal(worker.verification.verdict, 'unknown');
      assert.match(worker.verification.reason, /records no traffic share/);
      assert.equal(worker.error, null);
    } finally {
      await workspace.close();
    }
  });

  it('provenance: revisions created at the same instant from different builds leave "the build it replaced" open, in either file order', async () => {
    const a = rev('worker-00060-aaa', s.sha.init, '2026-01-08T12:00:00Z', 0);
    const b = rev('worker-00061-bbb', s.sha.features, '2026-01-08T12:00:00Z', 0);
    const fix = rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100);
    for (const records of [
      [a, b, fix],
      [b, a, fix],
    ]) {
      const workspace = new Workspace(loadConfig(await configFile(records)), () => NOW);
      try {
        const [p] = await commitProvenance(workspace, [s.sha.fix]);
        const worker = p.services[0];
        assert.equal(worker.status, 'deployed');
        assert.equal(worker.firstDeployment?.revision, 'worker-00068-f1x');
        assert.equal(worker.replaced, null, `picked ${worker.replaced?.revision}`);
        assert.match(
          worker.problem!,
          /Revisions worker-0006\d-\w+, worker-0006\d-\w+ of worker were created at the same instant \(2026-01-08T12:00:00\.000Z\) from different builds/,
        );
      } finally {
        await workspace.close();
      }
    }
  });
});
