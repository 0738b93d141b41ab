import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliProcess } from '../../fixtures/cliProcess';
import { fixtureGitEnv, runGit } from '../../fixtures/gitFixture';
import { createPipelineFixture, type PipelineFixture } from '../server/pipelineFixture';

/*
 * `pipeline-lens commit` starts its ancestry walk from the deployed revisions and the commits
 * asked about before the warehouse names the builds behind the results. A build no deployed
 * revision reaches (an experiment branch that wrote predictions and was never deployed) is
 * joined to that walk afterwards; its rows must count as containing the commit exactly when
 * git says the build contains it.
 */

describe('pipeline-lens commit with results by builds outside the deployed history', () => {
  let fixture: PipelineFixture;
  let wrapperDir: string;
  let logFile: string;
  /** A branch from the fix, never deployed: its build contains the fix. */
  let experiment: string;
  /** A branch from before the fix, never deployed: its build lacks it. */
  let probe: string;

  const commitOn = async (branch: string, from: string, file: string, date: string): Promise<string> => {
    const root = fixture.root;
    await runGit(root, ['checkout', '-q', '-b', branch, from]);
    await writeFile(join(root, file), `# ${branch}\n`);
    await runGit(root, ['add', file]);
    await runGit(root, ['commit', '-q', '-m', `${branch}: try something`], undefined, { ...fixtureGitEnv(), GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    return (await runGit(root, ['rev-parse', 'HEAD'])).trim();
  };

  before(async () => {
    fixture = await createPipelineFixture();
    experiment = await commitOn('experiment', fixture.sha.fix, 'worker/experiment.py', '2026-03-02T06:00:00Z');
    probe = await commitOn('probe', fixture.sha.feed, 'worker/probe.py', '2026-03-01T09:00:00Z');
    await runGit(fixture.root, ['checkout', '-q', 'main']);
    // Days 11 and 12 predicted and graded by the two undeployed builds.
    const predictions: string[] = [];
    const graded: string[] = [];
    for (const [d, build] of [
      [11, experiment],
      [12, probe],
    ] as const) {
      for (let p = 0; p < 20; p++) {
        const line = 10 + (p % 15);
        const hit = p % 4 !== 0;
        predictions.push([`player_${p}`, `2026-03-${d}`, 'model_a', line + 3, line, build, 'r', `2026-03-${d}T12:00:00Z`, 'true'].join(','));
        graded.push(
          JSON.stringify({
            player_lookup: `player_${p}`,
            game_date: `2026-03-${d}`,
            system_id: 'model_a',
            predicted_points: line + 3,
            actual_points: hit ? line + 4 : line - 4,
            line_value: line,
            prediction_correct: hit,
            build_commit_sha: build,
          }),
        );
      }
    }
    await appendFile(join(fixture.root, 'data', 'predictions.csv'), `${predictions.join('\n')}\n`);
    await appendFile(join(fixture.root, 'data', 'accuracy.ndjson'), `${graded.join('\n')}\n`);

    wrapperDir = await mkdtemp(join(tmpdir(), 'pipeline-lens-git-count-'));
    logFile = join(wrapperDir, 'calls.log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    await writeFile(join(wrapperDir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logFile}'\nexec '${realGit}' "$@"\n`);
    await chmod(join(wrapperDir, 'git'), 0o755);
  });
  after(async () => {
    await fixture?.cleanup();
    if (wrapperDir) await rm(wrapperDir, { recursive: true, force: true });
  });

  const isAncestor = (commit: string, build: string): boolean => {
    try {
      execFileSync('git', ['merge-base', '--is-ancestor', commit, build], { cwd: fixture.root, env: fixtureGitEnv() });
      return true;
    } catch {
      return false;
    }
  };

  it('counts the rows of an undeployed build containing the commit, as git merge-base does, with one more walk', async () => {
    const run = await runCliProcess(['--cwd', fixture.root, 'commit', fixture.sha.fix.slice(0, 10), '--json'], {
      ...process.env,
      PATH: `${wrapperDir}${delimiter}${process.env.PATH ?? ''}`,
    });
    assert.equal(run.code, 0, run.stderr);
    const [commit] = JSON.parse(run.stdout).commits as Array<{
      window: { from: string; to: string };
      services: Array<{ status: string; firstDeployment: { revision: string } | null }>;
      models: Array<{ model: string; containingBuilds: string[]; containing: { predictions: number }; lacking: { predictions: number } }>;
    }>;
    assert.equal(commit.window.to, '2026-03-12');
    assert.equal(commit.services[0].status, 'deployed');
    assert.equal(commit.services[0].firstDeployment?.revision, 'worker-00003');

    const [model] = commit.models;
    assert.equal(model.model, 'model_a');
    const builds = [fixture.sha.first, fixture.sha.feed, fixture.sha.fix, experiment, probe];
    assert.deepEqual(model.containingBuilds, builds.filter((b) => isAncestor(fixture.sha.fix, b)).sort());
    assert.ok(model.containingBuilds.includes(experiment), 'the experiment build has the fix');
    assert.ok(!model.containingBuilds.includes(probe), 'the probe build lacks the fix');
    // Days 8-10 on the fix build (30 a day) and day 11 on the experiment (20).
    assert.equal(model.containing.predictions, 3 * 30 + 20);
    // Days 1-7 on the older builds and day 12 on the probe.
    assert.equal(model.lacking.predictions, 7 * 30 + 20);

    // The walk from the deployed revisions and the commit did not reach the experiment: one
    // more walk joins it (`rev-list <build> --not <first tips>`).
    const calls = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean);
    assert.equal(calls.filter((c) => c.includes('rev-list')).length, 2, calls.join('; '));
    assert.ok(calls.length <= 4, calls.join('; '));
  });
});
