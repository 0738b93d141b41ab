import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import type { RevisionSpec, TrafficSpec } from '../../fakes/cloudRunResponses';
import { FakeCloudRun } from '../../fakes/fakeCloudRun';
import { createFakeGcloud } from '../../fakes/fakeGcloud';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';

/*
 * Acceptance: `pipeline-lens verify --service S` with the Cloud Run source pointed at the
 * fake Admin API answers ok / stale / unknown from the revision that serves traffic,
 * including a revision that does not record its commit.
 */

describe('pipeline-lens verify with the Cloud Run source', () => {
  let repo: GitFixture;
  let fake: FakeCloudRun;
  let sha: Record<'init' | 'fix' | 'docs', string>;

  before(async () => {
    repo = await createGitFixture([
      { message: 'worker: first version', files: { 'worker/app.py': 'v1\n', '.gitignore': 'pipeline-lens.json\n' }, date: '2026-01-05T10:00:00Z' },
      { message: 'fix(worker): populate vegas features', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-30T03:17:00Z' },
      { message: 'docs: handoff', files: { 'docs/handoff.md': 'note\n' }, date: '2026-01-31T09:00:00Z' },
    ]);
    const [init, fix, docs] = repo.shas;
    sha = { init, fix, docs };
    fake = await FakeCloudRun.start();
    await writeFile(
      join(repo.root, 'pipeline-lens.json'),
      JSON.stringify({
        // Never opened: verify reads only git and Cloud Run.
        warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet' } },
        tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
        services: [
          {
            name: 'worker',
            paths: ['worker/**'],
            deployments: { kind: 'cloudRun', project: 'pl-run', region: 'us-west2', service: 'prediction-worker', apiEndpoint: fake.url, useGcloud: false },
            deployCommand: 'bin/deploy-worker.sh',
          },
        ],
      }),
    );
  });
  after(async () => {
    await fake?.close();
    await repo?.cleanup();
  });

  function serve(revisions: RevisionSpec[], traffic: TrafficSpec[] = [{ latest: true, percent: 100 }]) {
    fake.setService({ project: 'pl-run', region: 'us-west2', service: 'prediction-worker', revisions, traffic });
  }

  async function verify(...extra: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', repo.root, 'verify', '--service', 'worker', ...extra], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr, json: extra.includes('--json') ? JSON.parse(stdout) : null };
  }

  it('ok: the revision serving traffic was built from a commit with every change to the worker', async () => {
    serve([
      { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
      { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix } },
    ]);
    const r = await verify('--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.verdict, 'ok');
    assert.equal(r.json.deployed.revision, 'prediction-worker-00002-f1x');
    assert.equal(r.json.deployed.trafficPercent, 100);
    assert.equal(r.json.unrelatedAhead, 1);
  });

  it('stale: traffic still goes to a revision without the fix, though a newer one exists', async () => {
    serve(
      [
        { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
        // Deployed with --no-traffic: created, serving nothing.
        { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix } },
      ],
      [{ revision: 'prediction-worker-00001-abc', percent: 100 }],
    );
    const r = await verify();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /STALE/);
    assert.match(r.stdout, new RegExp(`${sha.fix.slice(0, 8)}\\s+fix\\(worker\\): populate vegas features`));
    assert.match(r.stdout, /bin\/deploy-worker\.sh/);
  });

  it('unknown: the traffic block is empty because the newest revision never became ready', async () => {
    serve(
      [
        { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
        { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix }, ready: false },
      ],
      [],
    );
    const r = await verify('--json');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json.verdict, 'unknown');
    assert.equal(r.json.deployed, null);
    assert.match(r.json.reason, /The traffic shares Cloud Run reports for worker sum to 0% \(no revision has a share\): 100% of its traffic is unaccounted for/);
    assert.match(r.json.hint, /gcloud run services describe prediction-worker --region us-west2.*a revision that never became ready receives none/);
  });

  it('unknown: a traffic share on a revision that is not ready', async () => {
    serve(
      [
        { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
        { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix }, ready: false },
      ],
      [{ revision: 'prediction-worker-00002-f1x', percent: 100 }],
    );
    const r = await verify('--json');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.json.reason, /Revision prediction-worker-00002-f1x \(100%\) of worker has a share of traffic but is not ready: a revision that is not ready serves nothing/);
  });

  it('stale: LATEST traffic goes to the newest ready revision, not to a newer one that failed', async () => {
    serve([
      { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
      { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix }, ready: false },
    ]);
    const r = await verify('--json');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.json.deployed.revision, 'prediction-worker-00001-abc');
  });

  it('stale: a 50/50 split across two ready revisions, one of them without the fix; both are checked', async () => {
    serve(
      [
        { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
        { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix } },
      ],
      [
        { revision: 'prediction-worker-00001-abc', percent: 50 },
        { revision: 'prediction-worker-00002-f1x', percent: 50 },
      ],
    );
    const r = await verify('--json');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.json.deployed.revision, 'prediction-worker-00001-abc');
    assert.match(r.json.reason, /\(50% of traffic goes to that revision\.\)/);
    assert.deepEqual(
      r.json.checked.map((c: { revision: string; verdict: string }) => [c.revision, c.verdict]),
      [
        ['prediction-worker-00002-f1x', 'ok'],
        ['prediction-worker-00001-abc', 'stale'],
      ],
    );
  });

  it('unknown: the serving revision does not record its commit, and the hint says how to record it', async () => {
    serve([
      { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix } },
      { name: 'prediction-worker-00003-hot', createTime: '2026-02-02T20:07:00Z', env: { LOG_LEVEL: 'debug' } },
    ]);
    const r = await verify('--json');
    assert.equal(r.code, 2);
    assert.equal(r.json.verdict, 'unknown');
    assert.equal(r.json.deployed.revision, 'prediction-worker-00003-hot');
    assert.equal(r.json.deployed.commit, null);
    assert.match(r.json.reason, /prediction-worker-00003-hot of worker does not record the commit/);
    assert.match(r.json.hint, /environment variable BUILD_COMMIT on the revision \(e\.g\. --set-env-vars BUILD_COMMIT=\$\(git rev-parse HEAD\)\)/);
  });

  it('names the configured commit variable, not the default, in that hint', async () => {
    const file = join(repo.root, 'pipeline-lens.json');
    const original = await readFile(file, 'utf8');
    const config = JSON.parse(original);
    config.services[0].deployments.commitEnv = 'GIT_SHA';
    await writeFile(file, JSON.stringify(config));
    try {
      serve([{ name: 'prediction-worker-00003-hot', createTime: '2026-02-02T20:07:00Z', env: { BUILD_COMMIT: sha.fix } }]);
      const r = await verify('--json');
      assert.equal(r.code, 2);
      assert.match(r.json.hint, /GIT_SHA=\$\(git rev-parse HEAD\)/);
      assert.doesNotMatch(r.json.hint, /BUILD_COMMIT/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('unknown: Cloud Run cannot be read (permission denied), and the reason says what is missing', async () => {
    fake.failNext(403, "Permission 'run.services.get' denied on resource 'namespaces/pl-run/services/prediction-worker'.");
    const r = await verify('--json');
    assert.equal(r.code, 2);
    assert.equal(r.json.verdict, 'unknown');
    assert.match(r.json.reason, /Cloud Run denied access to service prediction-worker in project pl-run.*roles\/run\.viewer/);
  });

  type GcloudService = Parameters<typeof createFakeGcloud>[0][number];

  // Runs verify with the gcloud fallback answering for the service; returns the exit code,
  // the parsed JSON and how many gcloud calls were made.
  async function verifyThroughGcloud(service: Omit<GcloudService, 'project' | 'region' | 'service'>) {
    const gcloud = await createFakeGcloud([{ project: 'pl-run', region: 'us-west2', service: 'prediction-worker', ...service }]);
    await writeFile(
      join(repo.root, 'gcloud.json'),
      JSON.stringify({
        warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet' } },
        tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
        services: [
          { name: 'worker', paths: ['worker/**'], deployments: { kind: 'cloudRun', project: 'pl-run', region: 'us-west2', service: 'prediction-worker', useGcloud: true } },
        ],
      }),
    );
    const path = process.env.PATH;
    process.env.PATH = gcloud.env.PATH;
    try {
      let stdout = '';
      const code = await main(['--cwd', repo.root, '--config', 'gcloud.json', 'verify', '--service', 'worker', '--json'], {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
      });
      return { code, stdout, json: JSON.parse(stdout), calls: (await gcloud.calls()).length };
    } finally {
      process.env.PATH = path;
      await gcloud.cleanup();
    }
  }

  it('unknown through gcloud too: a share on a revision whose Ready condition is False', async () => {
    const r = await verifyThroughGcloud({
      revisions: [
        { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
        { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix }, ready: false },
      ],
      traffic: [
        { revision: 'prediction-worker-00001-abc', percent: 90 },
        { revision: 'prediction-worker-00002-f1x', percent: 10 },
      ],
    });
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.json.reason, /Revision prediction-worker-00002-f1x \(10%\) of worker has a share of traffic but is not ready/);
  });

  it('the same verdicts through the gcloud fallback', async () => {
    const r = await verifyThroughGcloud({
      revisions: [
        { name: 'prediction-worker-00001-abc', createTime: '2026-01-05T12:00:00Z', env: { BUILD_COMMIT: sha.init } },
        { name: 'prediction-worker-00002-f1x', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: sha.fix } },
      ],
      traffic: [{ revision: 'prediction-worker-00001-abc', percent: 100 }],
    });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.json.deployed.revision, 'prediction-worker-00001-abc');
    assert.equal(r.calls, 2);
  });
});
