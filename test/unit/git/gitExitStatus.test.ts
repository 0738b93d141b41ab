import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { GitError } from '../../../src/core/git/types';
import { createGitFixture, runGit, type FixtureCommit, type GitFixture } from '../../fixtures/gitFixture';

/**
 * A git that misbehaves on one subcommand and is the real git otherwise: killed by a signal
 * (what the OOM killer does), or exiting 1 without a word on stderr. Both used to read as
 * "success, empty output", which made verification say that nothing was missing.
 */
async function misbehavingGit(dir: string, subcommand: string, behaviour: 'signal' | 'silent-exit-1'): Promise<string> {
  const real = (await runGit(dir, ['--exec-path'])).trim();
  const action = behaviour === 'signal' ? 'kill -9 $$' : 'exit 1';
  const path = join(dir, `git-${behaviour}-${subcommand}`);
  await writeFile(
    path,
    [
      '#!/bin/sh',
      // Skip the -c options the product puts first to find the subcommand.
      'sub=""; for a in "$@"; do case "$a" in -c) skip=1 ;; *) if [ -n "$skip" ]; then skip=""; else sub="$a"; break; fi ;; esac; done',
      `if [ "$sub" = "${subcommand}" ]; then printf 'partial output\\n'; ${action}; fi`,
      `exec "${real}/git" "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(path, 0o755);
  return path;
}

const HISTORY: FixtureCommit[] = [
  { message: 'one', files: { 'svc/app.py': '1\n' }, date: '2026-01-26T00:00:00Z' },
  { message: 'two', files: { 'svc/app.py': '2\n' }, date: '2026-01-27T00:00:00Z' },
  { message: 'docs', files: { 'docs/a.md': 'a\n' }, date: '2026-01-28T00:00:00Z' },
];

describe('git processes that do not exit cleanly', () => {
  let fixture: GitFixture;
  let scratch: string;

  before(async () => {
    fixture = await createGitFixture(HISTORY);
    scratch = await mkdtemp(join(tmpdir(), 'pipeline-lens-bad-git-'));
  });
  after(async () => {
    await fixture.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  for (const behaviour of ['signal', 'silent-exit-1'] as const) {
    it(`a git log ${behaviour === 'signal' ? 'killed by a signal' : 'exiting 1 with empty stderr'} is a GitError, not an empty history`, async () => {
      const binary = await misbehavingGit(scratch, 'log', behaviour);
      const repo = await GitRepository.open(fixture.root, { binary });
      await assert.rejects(repo.commitsBetween(fixture.shas[0], fixture.shas[2], ['svc/**']), (error: unknown) => {
        assert.ok(error instanceof GitError, `expected a GitError, got ${String(error)}`);
        assert.match(error.message, behaviour === 'signal' ? /killed by a signal/ : /exited with status 1/);
        return true;
      });
    });
  }

  it('a rev-list killed by a signal fails the ancestry index instead of answering from partial output', async () => {
    const binary = await misbehavingGit(scratch, 'rev-list', 'signal');
    const repo = await GitRepository.open(fixture.root, { binary });
    await assert.rejects(repo.ancestryIndex([fixture.shas[2]]), GitError);
  });

  it('an unknown revision is still "no such commit", not an error (rev-parse --quiet exits 1 by design)', async () => {
    const repo = await GitRepository.open(fixture.root);
    assert.equal(await repo.revParse('0000000000000000000000000000000000000000'), null);
    assert.equal(await repo.revParse('no-such-branch'), null);
  });

  it("never runs the repository's fsmonitor hook", async () => {
    const marker = join(scratch, 'fsmonitor-ran');
    const hook = join(scratch, 'fsmonitor-hook');
    await writeFile(hook, `#!/bin/sh\necho ran > "${marker}"\nexit 1\n`);
    await chmod(hook, 0o755);
    await runGit(fixture.root, ['config', 'core.fsmonitor', hook]);
    try {
      const repo = await GitRepository.open(fixture.root);
      await repo.dirtyFiles(['svc/**']);
      await assert.rejects(readFile(marker, 'utf8'), { code: 'ENOENT' });
    } finally {
      await runGit(fixture.root, ['config', '--unset', 'core.fsmonitor']);
    }
  });
});
