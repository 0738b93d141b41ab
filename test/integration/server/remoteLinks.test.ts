import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import type { ServerStatus } from '../../../src/shared/protocol';
import { createGitFixture, runGit, type GitFixture } from '../../fixtures/gitFixture';
import { LspHarness, positionOf } from './lspHarness';

/*
 * Links out on a repository with a GitHub remote: a commit merged by a pull request, one
 * squash-merged, one committed on main, and a GitLab merge request. Through the real language
 * server's hover (still one git process for a cold document) and the `commit` report.
 */

describe('links to the remote and the pull request that merged a commit', () => {
  let repo: GitFixture;
  let sha: { feature: string; merge: string; squash: string; direct: string; mr: string; mrMerge: string };

  before(async () => {
    repo = await createGitFixture([
      { message: 'worker: first model', files: { 'worker/app.py': 'v1\n' }, date: '2026-01-01T10:00:00Z' },
      { message: 'fix(worker): read the line', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-02T10:00:00Z', branch: 'feature-line' },
      { message: 'Merge pull request #12 from acme/feature-line\n\nfix(worker): read the line', files: {}, date: '2026-01-03T10:00:00Z', branch: 'main', merge: 'feature-line' },
      { message: 'worker: retry transient errors (#15)\n\n* retry\n* log', files: { 'worker/retry.py': 'r\n' }, date: '2026-01-04T10:00:00Z' },
      { message: 'docs: runbook', files: { 'docs/runbook.md': 'steps\n' }, date: '2026-01-05T10:00:00Z' },
      { message: 'feat(worker): cache features', files: { 'worker/cache.py': 'c\n' }, date: '2026-01-06T10:00:00Z', branch: 'cache' },
      {
        message: "Merge branch 'cache' into 'main'\n\nfeat(worker): cache features\n\nSee merge request acme/ml/pipeline!45",
        files: {},
        date: '2026-01-07T10:00:00Z',
        branch: 'main',
        merge: 'cache',
      },
    ]);
    const [, feature, merge, squash, direct, mr, mrMerge] = repo.shas;
    sha = { feature, merge, squash, direct, mr, mrMerge };
    await runGit(repo.root, ['remote', 'add', 'origin', 'git@github.com:acme/pipeline.git']);
    await mkdir(join(repo.root, 'data'));
    await writeFile(
      join(repo.root, 'data', 'predictions.csv'),
      `player_lookup,game_date,system_id,predicted_points,line_value,build_commit_sha,deployment_revision,created_at,is_active\np1,2026-01-05,m,10,9.5,${merge},r,2026-01-05T12:00:00Z,true\n`,
    );
    await writeFile(
      join(repo.root, 'data', 'accuracy.csv'),
      `player_lookup,game_date,system_id,predicted_points,actual_points,line_value,prediction_correct,build_commit_sha\np1,2026-01-05,m,10,12,9.5,true,${merge}\n`,
    );
    await writeFile(
      join(repo.root, 'deployments.json'),
      JSON.stringify([{ service: 'worker', revision: 'worker-1', commit: merge, createdAt: '2026-01-03T12:00:00Z', trafficPercent: 100 }]),
    );
    await writeFile(
      join(repo.root, 'pipeline-lens.json'),
      JSON.stringify({
        warehouse: { kind: 'embedded', files: { 'preds.predictions': 'data/predictions.csv', 'preds.accuracy': 'data/accuracy.csv' } },
        tables: { predictions: { table: 'preds.predictions', partitionColumn: 'game_date' }, graded: { table: 'preds.accuracy', partitionColumn: 'game_date' } },
        services: [{ name: 'worker', paths: ['worker/**'], deployments: { kind: 'file', path: 'deployments.json' } }],
      }),
    );
  });
  after(async () => {
    await repo?.cleanup();
  });

  const commitJson = async (...shas: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', repo.root, 'commit', ...shas, '--from', '2026-01-01', '--to', '2026-01-10', '--json'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout).commits as Array<{ commit: { sha: string }; links: { commit: string; pullRequest: { number: number; url: string; namedBy: string } | null } | null }>;
  };

  it('the commit report links each commit, and the pull request its merge or squash names', async () => {
    const [feature, squash, direct, merge] = await commitJson(sha.feature, sha.squash, sha.direct, sha.merge);
    assert.deepEqual(feature.links, {
      commit: `https://github.com/acme/pipeline/commit/${sha.feature}`,
      pullRequest: { number: 12, url: 'https://github.com/acme/pipeline/pull/12', namedBy: sha.merge },
    });
    assert.deepEqual(squash.links!.pullRequest, { number: 15, url: 'https://github.com/acme/pipeline/pull/15', namedBy: sha.squash });
    assert.deepEqual(direct.links, { commit: `https://github.com/acme/pipeline/commit/${sha.direct}`, pullRequest: null });
    assert.equal(merge.links!.pullRequest!.number, 12, 'the merge commit names its own pull request');

    let text = '';
    await main(['--cwd', repo.root, 'commit', sha.feature.slice(0, 10), '--from', '2026-01-01', '--to', '2026-01-10'], { stdout: (t) => (text += t), stderr: () => undefined });
    assert.match(text, new RegExp(`^  https://github\\.com/acme/pipeline/commit/${sha.feature}$`, 'm'));
    assert.match(text, new RegExp(`^  pull request #12: https://github\\.com/acme/pipeline/pull/12 \\(merged by ${sha.merge.slice(0, 8)}\\)$`, 'm'));
  });

  it('the hover links the commit and its pull request, and a cold document still costs one git process', async () => {
    const server = await LspHarness.start({ folders: [repo.root] });
    try {
      const ready = await server.ready();
      const text = ['# Notes', '', `Fixed in ${sha.feature.slice(0, 8)}.`, `Retry in ${sha.squash.slice(0, 8)}.`, `Runbook ${sha.direct.slice(0, 8)}.`].join('\n');
      const uri = await server.open(join(repo.root, 'notes.md'), 'markdown', text);
      await server.lensTitles(uri);
      const feature = await server.hover(uri, positionOf(text, sha.feature.slice(0, 8), 2));
      const squash = await server.hover(uri, positionOf(text, sha.squash.slice(0, 8), 2));
      const direct = await server.hover(uri, positionOf(text, sha.direct.slice(0, 8), 2));
      const cold = await server.status();
      const git = (s: ServerStatus) => s.counters.gitProcesses;
      assert.equal(git(cold) - git(ready), 1, 'the merge commits ride in the document’s one git batch');
      assert.ok(feature!.includes(`[Commit on github.com](https://github.com/acme/pipeline/commit/${sha.feature})`), feature!);
      assert.ok(feature!.includes('[Pull request \\#12](https://github.com/acme/pipeline/pull/12)'), feature!);
      assert.ok(squash!.includes('[Pull request \\#15](https://github.com/acme/pipeline/pull/15)'), squash!);
      assert.ok(direct!.includes(`(https://github.com/acme/pipeline/commit/${sha.direct})`) && !direct!.includes('Pull request'), direct!);
    } finally {
      await server.stop();
    }
  });

  it('reads a GitLab merge request from the merge commit’s body, and gives no link for an unknown host', async () => {
    await runGit(repo.root, ['remote', 'set-url', 'origin', 'https://gitlab.com/acme/ml/pipeline.git']);
    try {
      const [mr, squash] = await commitJson(sha.mr, sha.squash);
      assert.deepEqual(mr.links, {
        commit: `https://gitlab.com/acme/ml/pipeline/-/commit/${sha.mr}`,
        pullRequest: { number: 45, url: 'https://gitlab.com/acme/ml/pipeline/-/merge_requests/45', namedBy: sha.mrMerge },
      });
      assert.equal(squash.links!.pullRequest, null, 'on GitLab "(#15)" names an issue');
      await runGit(repo.root, ['remote', 'set-url', 'origin', 'https://git.example.com/acme/pipeline.git']);
      const [unknown] = await commitJson(sha.feature);
      assert.equal(unknown.links, null);
    } finally {
      await runGit(repo.root, ['remote', 'set-url', 'origin', 'git@github.com:acme/pipeline.git']);
    }
  });
});
