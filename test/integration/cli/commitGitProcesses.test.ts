import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliProcess } from '../../fixtures/cliProcess';
import { createPipelineFixture, type PipelineFixture } from '../server/pipelineFixture';

/*
 * `pipeline-lens commit <sha>` promises at most three git processes whatever it asks: one
 * rev-parse to open the repository, one cat-file conversation for the commit, its files and
 * the builds the records name, one rev-list for ancestry. Counted through a `git` on PATH
 * that logs its arguments before running the real one, in a CLI process of its own.
 */

describe('git processes of pipeline-lens commit', () => {
  let fixture: PipelineFixture;
  let wrapperDir: string;
  let logFile: string;

  before(async () => {
    fixture = await createPipelineFixture();
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

  const counted = async (args: string[]) => {
    await rm(logFile, { force: true });
    const run = await runCliProcess(['--cwd', fixture.root, ...args], { ...process.env, PATH: `${wrapperDir}${delimiter}${process.env.PATH ?? ''}` });
    const calls = (await readFile(logFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^(-c \S+ )+/, ''));
    return { run, calls };
  };

  it('is at most three for a deployed commit given abbreviated, and the answer names its deployment', async () => {
    const { run, calls } = await counted(['commit', fixture.sha.fix.slice(0, 10), '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(calls.length <= 3, `git processes: ${calls.join('; ')}`);
    const [commit] = JSON.parse(run.stdout).commits as Array<{
      commit: { sha: string };
      files: string[];
      services: Array<{ status: string; firstDeployment: { revision: string } | null }>;
    }>;
    assert.equal(commit.commit.sha, fixture.sha.fix);
    assert.deepEqual(commit.files, ['worker/step_6.py']);
    assert.equal(commit.services[0].status, 'deployed');
    assert.equal(commit.services[0].firstDeployment?.revision, 'worker-00003');
  });

  it('is at most three for several commits, one of them not deployed', async () => {
    const { run, calls } = await counted(['commit', fixture.sha.feed, fixture.sha.undeployed.slice(0, 12), fixture.sha.docs, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(calls.length <= 3, `git processes: ${calls.join('; ')}`);
    const commits = JSON.parse(run.stdout).commits as Array<{ services: Array<{ status: string; touchesService: boolean }> }>;
    assert.deepEqual(
      commits.map((c) => c.services[0].status),
      ['deployed', 'not-deployed', 'deployed'],
    );
    assert.deepEqual(
      commits.map((c) => c.services[0].touchesService),
      [true, true, false],
    );
  });

  it("with git's commit-graph file: the same answers, read from the file instead of a rev-list walk", async () => {
    const args = ['commit', fixture.sha.feed, fixture.sha.undeployed.slice(0, 12), fixture.sha.fix, '--json'];
    const walked = await counted(args);
    assert.equal(walked.run.code, 0, walked.run.stderr);
    assert.ok(
      walked.calls.some((c) => c.startsWith('rev-list')),
      `without the file the history is walked: ${walked.calls.join('; ')}`,
    );
    execFileSync('git', ['commit-graph', 'write', '--reachable'], { cwd: fixture.root });
    try {
      const read = await counted(args);
      assert.equal(read.run.code, 0, read.run.stderr);
      assert.deepEqual(
        read.calls.filter((c) => c.startsWith('rev-list')),
        [],
        `git processes: ${read.calls.join('; ')}`,
      );
      assert.deepEqual(JSON.parse(read.run.stdout).commits, JSON.parse(walked.run.stdout).commits);
    } finally {
      await rm(join(fixture.root, '.git', 'objects', 'info', 'commit-graph'), { force: true });
    }
  });
});
