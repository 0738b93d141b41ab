import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { entriesThatDiffer, globsMatchingNothing, reachedGitlinks, serviceEntries } from '../../../src/core/git/serviceTree';
import type { TreeEntry } from '../../../src/core/git/treeEntries';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';

describe('the service part of a tree', () => {
  let fixture: GitFixture;
  let git: GitRepository;
  let first: TreeEntry[];
  let second: TreeEntry[];
  before(async () => {
    fixture = await createGitFixture([
      {
        message: 'init',
        files: { 'worker/app.py': 'v1\n', 'worker/docs/notes.md': 'n\n', 'libs/featlib': { gitlink: '1'.repeat(40) }, 'docs/readme.md': 'r\n', 'sp ace/ü.py': 'x\n' },
        date: '2026-01-05T10:00:00Z',
      },
      {
        message: 'bump, docs, rename',
        files: { 'libs/featlib': { gitlink: '2'.repeat(40) }, 'worker/docs/notes.md': 'n2\n', 'worker/app.py': null, 'worker/main.py': 'v1\n' },
        date: '2026-01-06T10:00:00Z',
      },
    ]);
    git = await GitRepository.open(fixture.root);
    [first, second] = await Promise.all(fixture.shas.map((sha) => git.treeEntries(sha)));
  });
  after(() => fixture.cleanup());

  it('lists every file and gitlink with its mode and object, names unquoted', () => {
    assert.deepEqual(
      first.map((e) => [e.path, e.mode, e.type]),
      [
        ['docs/readme.md', '100644', 'blob'],
        ['libs/featlib', '160000', 'commit'],
        ['sp ace/ü.py', '100644', 'blob'],
        ['worker/app.py', '100644', 'blob'],
        ['worker/docs/notes.md', '100644', 'blob'],
      ],
    );
    assert.equal(first.find((e) => e.path === 'libs/featlib')!.oid, '1'.repeat(40));
  });

  it('selects matched files and the gitlinks the globs reach into, minus exclusions', () => {
    const globs = ['worker/**', 'libs/featlib/**', '!worker/docs/**'];
    assert.deepEqual([...serviceEntries(globs, first).keys()], ['libs/featlib', 'worker/app.py']);
    assert.deepEqual(reachedGitlinks(globs, first), ['libs/featlib'], 'git pathspecs alone would miss it');
    assert.deepEqual(reachedGitlinks(['libs/featlib/**', '!libs/featlib'], first), [], 'an excluded gitlink is not reached');
  });

  it('names the paths that differ: content, gitlink target, added or removed', () => {
    const globs = ['worker/**', 'libs/featlib/**', '!worker/docs/**'];
    assert.deepEqual(entriesThatDiffer(serviceEntries(globs, first), serviceEntries(globs, second)), ['libs/featlib', 'worker/app.py', 'worker/main.py']);
    assert.deepEqual(entriesThatDiffer(serviceEntries(['docs/**'], first), serviceEntries(['docs/**'], second)), []);
  });

  it('finds the positive globs that select nothing in any tree', () => {
    const nothing = globsMatchingNothing(['Worker/**', 'worker/main.py', 'libs/featlib/src/**', '!nowhere/**', 'sp ace/*.py'], [first]);
    assert.deepEqual(
      nothing.map((g) => [g.index, g.raw]),
      [
        [0, 'Worker/**'],
        [1, 'worker/main.py'],
      ],
    );
    assert.deepEqual(globsMatchingNothing(['worker/main.py'], [first, second]), [], 'a glob that selects a file in either tree is fine');
  });

  it("tells where a glob's files went, from the last commit touching it", async () => {
    const change = await git.lastChange(fixture.shas[1], 'worker/app.py');
    assert.equal(change?.sha, fixture.shas[1]);
    assert.deepEqual(change?.renamed, [{ from: 'worker/app.py', to: 'worker/main.py' }]);
    assert.equal(await git.lastChange(fixture.shas[1], 'nowhere/**'), null);
  });
});
