import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { createGitFixture, createShallowClone, runGit, type GitFixture } from '../../fixtures/gitFixture';

describe('shallow boundary', () => {
  let fixture: GitFixture;
  let clone: { root: string; cleanup(): Promise<void> };
  before(async () => {
    fixture = await createGitFixture(['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ message: name, files: { [`${name}.txt`]: `${name}\n` }, date: `2026-01-0${i + 1}T10:00:00Z` })));
    clone = await createShallowClone(fixture.root, 2);
  });
  after(async () => {
    await clone.cleanup();
    await fixture.cleanup();
  });

  it('is empty in a complete clone, and every pair of commits has whole history', async () => {
    const git = await GitRepository.open(fixture.root);
    assert.deepEqual(await git.shallowBoundary(), []);
    assert.deepEqual(await git.historyBetween(fixture.shas[0], fixture.shas[4]), { complete: true });
  });

  it('reads the commits where a shallow clone stops, from a subfolder too', async () => {
    await runGit(clone.root, ['checkout', '-q', 'HEAD']);
    const git = await GitRepository.open(join(clone.root, '.'));
    assert.deepEqual(await git.shallowBoundary(), [fixture.shas[3]]);
  });

  it('says history is cut when a boundary lies between the two commits, and whole when it lies below both', async () => {
    const git = await GitRepository.open(clone.root);
    assert.deepEqual(await git.historyBetween(fixture.shas[3], fixture.shas[4]), { complete: true }, 'the boundary is the older commit itself: nothing is missing between');
    await runGit(clone.root, ['fetch', '-q', '--depth=1', 'origin', fixture.shas[1]]);
    // Fetched alone, b is a boundary of its own: neither it nor d connects the two.
    const cut = await git.historyBetween(fixture.shas[1], fixture.shas[4]);
    assert.equal(cut.complete, false);
    assert.deepEqual(cut.complete ? [] : [...cut.cutAt].sort(), [fixture.shas[1], fixture.shas[3]].sort());
  });
});
