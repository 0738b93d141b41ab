import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { createGitFixture, runGit, type GitFixture } from '../../fixtures/gitFixture';

describe('GitRepository.dirtyFiles', () => {
  let fixture: GitFixture;
  let repo: GitRepository;

  beforeEach(async () => {
    fixture = await createGitFixture([
      {
        message: 'initial',
        files: { '.gitignore': '*.log\n', 'svc/app.py': 'a\n', 'svc/keep.py': 'k\n', 'svc/renamed.py': 'r\n', 'other/x.txt': 'x\n' },
        date: '2026-01-30T03:17:00Z',
      },
    ]);
    repo = await GitRepository.open(fixture.root);
  });
  afterEach(() => fixture.cleanup());

  const write = async (path: string, content: string) => {
    await mkdir(join(fixture.root, path, '..'), { recursive: true });
    await writeFile(join(fixture.root, path), content);
  };

  it('is empty for a clean tree', async () => {
    assert.deepEqual(await repo.dirtyFiles(['svc/**']), []);
  });

  it('lists modified, staged, deleted, renamed and untracked files under the globs, but not ignored ones or others', async () => {
    await write('svc/app.py', 'changed\n');
    await write('svc/staged.py', 'new\n');
    await runGit(fixture.root, ['add', 'svc/staged.py']);
    await rm(join(fixture.root, 'svc/keep.py'));
    await runGit(fixture.root, ['mv', 'svc/renamed.py', 'svc/moved.py']);
    await write('svc/new/deep/untracked.py', 'u\n');
    await write('svc/my file ü.py', 'spaces and unicode\n');
    await write('svc/debug.log', 'ignored\n');
    await write('other/x.txt', 'outside the globs\n');
    await write('other/new.txt', 'outside the globs\n');
    assert.deepEqual(await repo.dirtyFiles(['svc/**']), [
      'svc/app.py',
      'svc/keep.py',
      'svc/moved.py',
      'svc/my file ü.py',
      'svc/new/deep/untracked.py',
      'svc/renamed.py',
      'svc/staged.py',
    ]);
  });

  it('applies several globs, exclusions, and no globs meaning the whole tree', async () => {
    await write('svc/app.py', 'changed\n');
    await write('svc/notes.md', 'n\n');
    await write('other/x.txt', 'changed\n');
    assert.deepEqual(await repo.dirtyFiles(['svc/**', '!**/*.md']), ['svc/app.py']);
    assert.deepEqual(await repo.dirtyFiles(['other', 'svc/*.md']), ['other/x.txt', 'svc/notes.md']);
    assert.deepEqual(await repo.dirtyFiles([]), ['other/x.txt', 'svc/app.py', 'svc/notes.md']);
  });

  it("does not rewrite the index, which would race the user's own git commands", async () => {
    // A touched but unchanged file is what makes a plain `git status` refresh and rewrite the index.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(fixture.root, 'svc/keep.py'), later, later);
    const before = await runGit(fixture.root, ['ls-files', '--stage', '--debug']);
    await repo.dirtyFiles(['svc/**']);
    assert.equal(await runGit(fixture.root, ['ls-files', '--stage', '--debug']), before);
  });
});
