import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { createGitFixture, createShallowClone, runGit, type GitFixture } from '../../fixtures/gitFixture';

/*
 * The files a commit changed, read by comparing trees through the open `cat-file --batch` of
 * a batched call, must be diff-tree's answer exactly, in its order: the CLI's `commit` reads
 * them that way to stay within three git processes.
 */

describe('files changed, read through one cat-file conversation', () => {
  let fixture: GitFixture;
  let shas: string[];

  before(async () => {
    const submodule = { gitlink: '1111111111111111111111111111111111111111' };
    fixture = await createGitFixture([
      /* 0 */ {
        message: 'root',
        files: { 'a/x.py': 'x\n', 'a/y/z.py': 'z\n', b: 'b\n', 'c.txt': 'c\n', 'c/d.txt': 'd\n', 'c-d': 'cd\n', d: 'file\n', 'ü/ñ.md': 'u\n', vendor: submodule },
        date: '2026-01-20T08:00:00Z',
      },
      /* 1 */ { message: 'remove a folder', files: { 'a/x.py': null, 'a/y/z.py': null }, date: '2026-01-21T08:00:00Z' },
      /* 2 */ { message: 'a file becomes a folder', files: { d: null, 'd/e.py': 'e\n', 'd/f/g.py': 'g\n' }, date: '2026-01-22T08:00:00Z' },
      /* 3 */ { message: 'names around a folder', files: { 'c.txt': 'c2\n', 'c/d.txt': 'd2\n', 'c-d': 'cd2\n', c0: 'new\n' }, date: '2026-01-23T08:00:00Z' },
      /* 4 */ { message: 'submodule moves', files: { vendor: { gitlink: '2222222222222222222222222222222222222222' }, 'ü/ñ.md': 'u2\n' }, date: '2026-01-24T08:00:00Z' },
      /* 5 */ { message: 'side', files: { 'side/s.py': 's\n', b: 'side\n' }, date: '2026-01-25T08:00:00Z', branch: 'side' },
      /* 6 */ { message: 'main meanwhile', files: { 'main.py': 'm\n' }, date: '2026-01-26T08:00:00Z', branch: 'main' },
      /* 7 */ { message: 'merge side', files: {}, date: '2026-01-27T08:00:00Z', merge: 'side' },
      /* 8 */ { message: 'empty', files: {}, date: '2026-01-28T08:00:00Z' },
      /* 9 */ { message: 'folder back to a file', files: { 'd/e.py': null, 'd/f/g.py': null, d: 'file again\n' }, date: '2026-01-29T08:00:00Z' },
    ]);
    // A mode change alone (the same content made executable).
    await writeFile(join(fixture.root, 'b'), 'side\n');
    await runGit(fixture.root, ['update-index', '--chmod=+x', 'b']);
    await runGit(fixture.root, ['commit', '-q', '-m', 'make b executable']);
    shas = [...fixture.shas, (await runGit(fixture.root, ['rev-parse', 'HEAD'])).trim()];
  });
  after(() => fixture?.cleanup());

  it('gives diff-tree’s paths, in its order, for root, removed and added folders, a file turned folder, a submodule, a merge, an empty commit and a mode change', async () => {
    const git = await GitRepository.open(fixture.root);
    const expected = await git.filesChanged(shas);
    const processesBefore = git.processCount;
    const got = await git.batched((batched) => batched.filesChanged(shas));
    assert.equal(git.processCount - processesBefore, 1, 'one cat-file process for every commit');
    assert.equal(expected.size, shas.length);
    for (const sha of shas) assert.deepEqual(got.get(sha), expected.get(sha), `files of ${sha}`);
    assert.deepEqual(expected.get(shas[10]), ['b'], 'the fixture makes a mode-only change');
    assert.ok(expected.get(shas[3])!.length === 4, 'the fixture changes names that sort around a folder');
  });

  it('gives diff-tree’s answer for a shallow clone’s boundary commit, whose parent is not there', async () => {
    const clone = await createShallowClone(fixture.root, 2);
    try {
      const git = await GitRepository.open(clone.root);
      const head = (await runGit(clone.root, ['rev-parse', 'HEAD'])).trim();
      const boundary = (await runGit(clone.root, ['rev-parse', 'HEAD~1'])).trim();
      const expected = await git.filesChanged([head, boundary]);
      const got = await git.batched((batched) => batched.filesChanged([head, boundary]));
      assert.deepEqual(got, expected);
      assert.ok(expected.get(boundary)!.length > 2, 'the boundary commit lists its whole tree, as a root does');
    } finally {
      await clone.cleanup();
    }
  });
});
