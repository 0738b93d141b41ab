import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { verifyDeployment } from '../../../src/core/verify/verifyDeployment';
import { Workspace } from '../../../src/core/workspace';
import { runGit } from '../../fixtures/gitFixture';
import { createVerifyScenario, revisionOf, type VerifyScenario } from '../../fixtures/verifyScenario';

/*
 * The verification fault matrix, on real repositories: every way verification can fail
 * must end in `unknown` or `stale`, never in a false `ok`.
 */

const config = (deployments: unknown) => ({
  warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet', 'ds.graded': 'graded.parquet' } },
  tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
  services: [{ name: 'worker', paths: ['worker/**'], deployments, deployCommand: 'make deploy-worker' }],
});

type Scenario = VerifyScenario;
const scenario = createVerifyScenario;

async function workspaceWith(s: Scenario, deployments: unknown, source: unknown = { kind: 'file', path: 'deployments.json' }): Promise<Workspace> {
  await writeWorkspace(s, deployments, source);
  return Workspace.open({ cwd: s.fixture.root, now: () => new Date('2026-02-03T12:00:00Z') });
}

async function writeWorkspace(s: Scenario, deployments: unknown, source: unknown): Promise<void> {
  await writeFile(join(s.fixture.root, 'pipeline-lens.json'), JSON.stringify(config(source)));
  if (deployments !== undefined) await writeFile(join(s.fixture.root, 'deployments.json'), typeof deployments === 'string' ? deployments : JSON.stringify(deployments));
  else await rm(join(s.fixture.root, 'deployments.json'), { force: true });
}

const rev = revisionOf('worker');

describe('verifyDeployment', () => {
  let s: Scenario;
  before(async () => {
    s = await scenario();
  });
  after(async () => {
    await s.fixture.cleanup();
  });

  it('is stale when the fix touching the worker is not deployed, listing it with the deploy command', async () => {
    const w = await workspaceWith(s, [rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'stale');
    assert.deepEqual(
      r.missing.map((m) => m.subject),
      ['fix(worker): populate vegas features'],
    );
    assert.equal(r.missing[0].sha, s.sha.fix);
    assert.ok(r.missing[0].ageSeconds > 4 * 86400);
    assert.equal(r.unrelatedAhead, 3, 'the three docs commits are ahead but unrelated');
    assert.match(r.hint!, /make deploy-worker/);
  });

  it('is ok when the commits ahead of the deployment touch none of the worker paths', async () => {
    const w = await workspaceWith(s, [rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 0), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'ok');
    assert.equal(r.unrelatedAhead, 2);
    assert.match(r.reason, /2 unrelated commit/);
  });

  it('is ok when the deployed commit is the target', async () => {
    const w = await workspaceWith(s, [rev('worker-00070-aaa', s.sha.glossary.slice(0, 7), '2026-02-02T10:00:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'ok');
    assert.equal(r.deployed!.sha, s.sha.glossary);
    assert.match(r.reason, /exactly/);
  });

  it('checks against --target instead of HEAD', async () => {
    const w = await workspaceWith(s, [rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100)]);
    assert.equal((await verifyDeployment(w, 'worker', s.sha.docs)).verdict, 'ok');
    assert.equal((await verifyDeployment(w, 'worker', s.sha.fix.slice(0, 8))).verdict, 'stale');
  });

  it('uses the revision serving traffic, not the newest one', async () => {
    const w = await workspaceWith(s, [rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100), rev('worker-00069-old', s.sha.features, '2026-01-31T08:00:00Z', 0)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.deployed!.revision, 'worker-00068-f1x');
    assert.equal(r.verdict, 'ok');
  });

  it('calls a deployment from a branch that diverged from the target stale, and names it so', async () => {
    const w = await workspaceWith(s, [rev('worker-00071-exp', s.sha.experiment, '2026-02-01T10:00:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'stale');
    assert.equal(r.diverged, true);
    assert.match(r.reason, /diverged/);
  });

  it('calls a deployment ahead of the target with worker changes stale: the backfill would run code the target lacks', async () => {
    const w = await workspaceWith(s, [rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker', s.sha.features);
    assert.equal(r.verdict, 'stale');
    assert.match(r.reason, /ahead of/);
  });

  it('is unknown when the deployment source cannot be read', async () => {
    const w = await workspaceWith(s, undefined);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'unknown');
    assert.match(r.reason, /Cannot read the deployment history .*deployments\.json \(no such file\)/);
  });

  it('is unknown when the deployment file is malformed', async () => {
    const w = await workspaceWith(s, '[{"service": "worker", "revision": "r1", "createdAt": "yesterday"}]');
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'unknown');
    assert.match(r.reason, /createdAt "yesterday", which is not a date-time/);
  });

  it('is unknown when the serving revision records no commit, and says how to record it', async () => {
    const w = await workspaceWith(s, [rev('worker-00072-5d8', null, '2026-02-02T20:07:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'unknown');
    assert.match(r.reason, /worker-00072-5d8 .* does not record the commit/);
    assert.match(r.hint!, /BUILD_COMMIT/);
  });

  it('is unknown when the deployed commit is not in local history', async () => {
    const w = await workspaceWith(s, [rev('worker-00099-zzz', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef', '2026-02-02T20:07:00Z', 100)]);
    const r = await verifyDeployment(w, 'worker');
    assert.equal(r.verdict, 'unknown');
    assert.match(r.reason, /deadbeef.* is not in local history/);
    assert.match(r.hint!, /git fetch --all/);
  });

  it('is unknown in a shallow clone that lacks the deployed commit, and says how to deepen', async () => {
    const clone = join(s.fixture.root, '..', `${s.fixture.root.split('/').pop()}-shallow`);
    await runGit(join(s.fixture.root, '..'), ['clone', '-q', '--depth', '1', '--branch', 'main', `file://${s.fixture.root}`, clone]);
    try {
      await writeFile(join(clone, 'pipeline-lens.json'), JSON.stringify(config({ kind: 'file', path: 'deployments.json' })));
      await writeFile(join(clone, 'deployments.json'), JSON.stringify([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100)]));
      const r = await verifyDeployment(Workspace.open({ cwd: clone }), 'worker');
      assert.equal(r.verdict, 'unknown');
      assert.match(r.hint!, /shallow.*git fetch --unshallow/);
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  });

  it('warns about uncommitted changes under the worker paths without hiding the verdict', async () => {
    const w = await workspaceWith(s, [rev('worker-00070-aaa', s.sha.handoff, '2026-01-31T10:00:00Z', 100)]);
    await writeFile(join(s.fixture.root, 'worker', 'app.py'), 'local edit\n');
    await writeFile(join(s.fixture.root, 'docs', 'scratch.md'), 'not the worker\n');
    try {
      const r = await verifyDeployment(w, 'worker');
      assert.equal(r.verdict, 'ok');
      assert.equal(r.warnings.length, 1);
      assert.match(r.warnings[0], /uncommitted change.*worker\/app\.py/);
      assert.doesNotMatch(r.warnings[0], /scratch/);
    } finally {
      await runGit(s.fixture.root, ['checkout', '-q', '--', 'worker/app.py']);
      await rm(join(s.fixture.root, 'docs', 'scratch.md'));
    }
  });

  it('is unknown for a service that is not configured and for a target that does not exist', async () => {
    const w = await workspaceWith(s, [rev('worker-00070-aaa', s.sha.handoff, '2026-01-31T10:00:00Z', 100)]);
    assert.match((await verifyDeployment(w, 'reporter')).reason, /No service "reporter".*known services: worker/);
    const r = await verifyDeployment(w, 'worker', 'no-such-branch');
    assert.equal(r.verdict, 'unknown');
    assert.match(r.reason, /no-such-branch is not a revision/);
  });

  it('is unknown, not stuck, when the deployment source never answers', async () => {
    const w = await workspaceWith(s, [rev('worker-00070-aaa', s.sha.glossary, '2026-02-02T10:00:00Z', 100)]);
    w.deployments = () => new Promise(() => undefined);
    const r = await verifyDeployment(w, 'worker', 'HEAD', { deploymentTimeoutMs: 150 });
    assert.equal(r.verdict, 'unknown');
    assert.match(r.reason, /Cannot read the deployments of worker: no answer within 150 ms/);
  });

  it('is unknown when git cannot be run', async () => {
    const w = await workspaceWith(s, [rev('worker-00070-aaa', s.sha.handoff, '2026-01-31T10:00:00Z', 100)]);
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const r = await verifyDeployment(w, 'worker');
      assert.equal(r.verdict, 'unknown');
      assert.match(r.reason, /git/i);
    } finally {
      process.env.PATH = path;
    }
  });

  describe('pipeline-lens verify', () => {
    const run = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['--cwd', s.fixture.root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      return { code, stdout, stderr };
    };

    it('exits 1 when stale and lists the missing commit', async () => {
      await workspaceWith(s, [rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100)]);
      const r = await run(['verify', '--service', 'worker']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /STALE/);
      assert.match(r.stdout, new RegExp(`${s.sha.fix.slice(0, 8)}\\s+fix\\(worker\\): populate vegas features`));
      assert.match(r.stdout, /Do not run a backfill/);
    });

    it('exits 0 when ok and 2 when unknown, with the same verdict in --json', async () => {
      await workspaceWith(s, [rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]);
      const ok = await run(['verify', '--service', 'worker', '--json']);
      assert.equal(ok.code, 0);
      const body = JSON.parse(ok.stdout);
      assert.equal(body.verdict, 'ok');
      assert.equal(body.exitCode, 0);
      assert.equal(body.command, 'verify');
      await workspaceWith(s, undefined);
      const unknown = await run(['verify', '--service', 'worker']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stdout, /UNKNOWN/);
    });

    it('exits 2 with a one-line error naming the JSON path when the config is invalid', async () => {
      await writeWorkspace(s, [rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)], { kind: 'file' });
      const r = await run(['verify', '--service', 'worker']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^pipeline-lens: .*\/services\/0\/deployments\/path is required/);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    });
  });
});
