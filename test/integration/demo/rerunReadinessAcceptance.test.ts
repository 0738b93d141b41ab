import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { main } from '../../../src/cli/main';
import { CommitProvenanceRequest, ReadinessRequest, type CommitProvenanceResult, type ReadinessResponse } from '../../../src/shared/protocol';
import { runGit } from '../../fixtures/gitFixture';
import { LspHarness } from '../server/lspHarness';

/*
 * Issue 11's acceptance for re-runs, readiness, exit codes and links, the way a new user
 * meets them: the real command line (and the language server) on a freshly generated demo.
 * The backfill of Jan 9-28 ran the old build, so it replaced 2,006 rows with the same
 * predictions; Feb 3 has no expected list yet, recent grading is short and the worker is stale.
 */

describe('re-runs, readiness, exit codes and links on the demo', () => {
  let parent: string;
  let demo: DemoManifest;

  const run = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', demo.root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-demo-rerun-'));
    demo = await generateDemo(join(parent, 'demo'));
  });
  after(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('rerun-impact --from 2026-01-09 --to 2026-01-28: 2,006 rows superseded, and the paired hit rate on the same keys', async () => {
    const r = await run('rerun-impact', '--from', '2026-01-09', '--to', '2026-01-28', '--json');
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.deepEqual(
      body.perModel.map((m: { model: string }) => m.model),
      ['catboost_v8'],
    );
    const [v8] = body.perModel;
    assert.equal(v8.replacedRows, 2006);
    assert.deepEqual([v8.regenerated, v8.deleted, v8.added], [2006, 0, 0]);
    assert.deepEqual(v8.dates, { first: '2026-01-09', last: '2026-01-28' });
    // The backfill ran the old build: the same predictions, so the same hits on the same keys.
    assert.equal(v8.changed, 0);
    assert.equal(v8.sameBuild, true);
    assert.deepEqual(
      v8.builds.map((b: { old: string; new: string }) => [b.old, b.new]),
      [[demo.commits.preFixBuild, demo.commits.preFixBuild]],
    );
    assert.equal(v8.hits.n, 500);
    assert.equal(v8.hits.old.successes, 252);
    assert.equal(v8.hits.new.successes, 252);
    assert.equal(v8.hits.change.difference, 0);
    assert.ok(v8.hits.change.low < 0 && v8.hits.change.high > 0, 'an interval, not a point');
    assert.equal(v8.rerunMade.first.slice(0, 16), '2026-01-30T07:41');

    const text = await run('rerun-impact', '--from', '2026-01-09', '--to', '2026-01-28');
    assert.match(text.stdout, /catboost_v8: 2,006 rows superseded for game dates 2026-01-09\.\.2026-01-28/);
    assert.match(
      text.stdout,
      /hit rate on the same 500 graded keys: 50\.4% \[46\.0, 54\.8\] n=500 before → 50\.4% \[46\.0, 54\.8\] n=500 after, change \+0\.0 pts \[-\d\.\d, \+\d\.\d\] \(paired; no key changed outcome\)/,
    );
    assert.match(text.stdout, new RegExp(`the re-run ran the same build as the rows it replaced \\(${demo.commits.preFixBuild.slice(0, 8)}\\)`));

    const other = await run('rerun-impact', '--from', '2026-01-09', '--to', '2026-01-28', '--model', 'catboost_v9');
    assert.equal(other.code, 0);
    assert.match(other.stdout, /No row of catboost_v9 in this window is marked replaced/);
  });

  it('check --date 2026-02-03 says not ready, exit 1, and why', async () => {
    const r = await run('check', '--date', '2026-02-03');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^✗ NOT READY for 2026-02-03: 3 of 5 checks failed, 2 could not be made \(exit 1\)\./);
    assert.match(r.stdout, /✗ grading of 2026-01-27\.\.2026-02-02: 8 of 8 models are graded below 80% \(thresholds\.gradingCoverage\): catboost_v8 364\/1,206/);
    assert.match(r.stdout, /✗ prediction-worker serves HEAD's code: stale: .*lacks 1 commit/);
    // Every stage is verified: the feature-store processor's Vegas fix was never deployed.
    assert.match(r.stdout, /✗ feature-store-processor serves HEAD's code: stale: .*lacks 1 commit/);
    assert.match(r.stdout, /\? feature store rows for 2026-02-03: nba_analytics\.upcoming_player_game_context lists no entity for 2026-02-03/);
    const json = JSON.parse((await run('check', '--date', '2026-02-02', '--json')).stdout);
    const coverage = json.checks.find((c: { kind: string; data: { mode?: string } }) => c.kind === 'critical-feature-coverage' && c.data.mode === 'backfill');
    assert.equal(coverage.verdict, 'not-ready');
    const vegas = coverage.data.features.find((f: { index: number }) => f.index === 25);
    assert.deepEqual([vegas.coverage.successes, vegas.coverage.n], [200, 461], 'Vegas coverage 43.4% of the backfill rows');
  });

  it('investigate --fail-on critical exits 1 on the deployment gap', async () => {
    const r = await run('investigate', '--fail-on', 'critical');
    assert.equal(r.code, 1, r.stderr);
    // The prediction worker's backfill gap and the feature-store processor's undeployed Vegas fix.
    assert.match(r.stdout, /--fail-on critical: 2 critical findings: exit 1\.$/m);
  });

  it('the commit report of the fix names the backfill that re-ran without it, and links to the remote', async () => {
    await runGit(demo.root, ['remote', 'add', 'origin', 'https://github.com/acme/nba-predictions.git']);
    try {
      const r = await run('commit', demo.commits.fix.slice(0, 8));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^  https://github\\.com/acme/nba-predictions/commit/${demo.commits.fix}$`, 'm'));
      assert.match(
        r.stdout,
        /Re-runs after this commit:\n {2}⚠ catboost_v8: 2,006 rows superseded for game dates 2026-01-09\.\.2026-01-28: re-run before its deployment, by builds that lack this commit/,
      );
      const [json] = JSON.parse((await run('commit', demo.commits.fix, '--json')).stdout).commits;
      assert.equal(json.reruns[0].builds, 'lack it');
      assert.equal(json.reruns[0].when, 'before-deployment');
      assert.equal(json.reruns[0].rerun.replacedRows, 2006);
      assert.equal(json.links.commit, `https://github.com/acme/nba-predictions/commit/${demo.commits.fix}`);
      assert.equal(json.links.pullRequest, null, 'the demo merges no pull request');
    } finally {
      await runGit(demo.root, ['remote', 'remove', 'origin']);
    }
  });

  it('the editor gives the same: readiness through the server, and the re-run in the commit report', async () => {
    const server = await LspHarness.start({ folders: [demo.root] });
    try {
      await server.ready();
      const readiness = await server.connection.sendRequest<ReadinessResponse>(ReadinessRequest.method, { date: '2026-02-03' });
      assert.equal(readiness.verdict, 'not-ready');
      const cli = JSON.parse((await run('check', '--date', '2026-02-03', '--json')).stdout);
      assert.deepEqual(
        readiness.checks.map((c) => [c.subject, c.verdict, c.says]),
        cli.checks.map((c: { subject: string; verdict: string; says: string }) => [c.subject, c.verdict, c.says]),
      );
      const report = await server.connection.sendRequest<CommitProvenanceResult>(CommitProvenanceRequest.method, { sha: demo.commits.fix.slice(0, 8) });
      assert.match(report.markdown, /\*\*Re-runs after this commit\*\*\n\n- ⚠ catboost\\_v8: 2,006 rows superseded/);
      assert.match(report.markdown, /hit rate on the same 500 graded keys: 50\.4% \\\[46\.0, 54\.8\\\] n=500 before/);
    } finally {
      await server.stop();
    }
  });
});
