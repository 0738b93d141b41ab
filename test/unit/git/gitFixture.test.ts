import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createGitFixture, createShallowClone, runGit, type FixtureCommit } from '../../fixtures/gitFixture';

const COMMITS: FixtureCommit[] = [
  { message: 'root', files: { 'svc/app.py': 'v1\n', 'README.md': 'hello\n' }, date: '2026-01-29T12:00:00Z' },
  { message: 'feature', files: { 'svc/feature.py': 'f\n' }, date: '2026-01-30T01:00:00Z', branch: 'feature', author: 'Grace Hopper <grace@navy.test>' },
  { message: 'fix', files: { 'svc/app.py': 'v2\n', 'README.md': null }, date: '2026-01-30T03:17:00Z', branch: 'main' },
  { message: 'merge feature', files: {}, date: '2026-01-30T19:10:00Z', merge: 'feature', tag: 'deployed' },
];

describe('createGitFixture', () => {
  it('gives the same SHAs every time', async () => {
    const a = await createGitFixture(COMMITS);
    const b = await createGitFixture(COMMITS);
    try {
      assert.notEqual(a.root, b.root);
      assert.deepEqual(a.shas, b.shas);
      assert.equal(new Set(a.shas).size, COMMITS.length);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it('records dates, authors, branches, merges, deletions and tags as described', async () => {
    const fixture = await createGitFixture(COMMITS);
    try {
      const [root, feature, fix, merge] = fixture.shas;
      const log = await runGit(fixture.root, ['log', '--format=%H|%P|%an <%ae>|%aI|%cI|%s', '--all']);
      const lines = new Map(
        log
          .trim()
          .split('\n')
          .map((line) => [line.split('|')[0], line.split('|').slice(1)]),
      );
      assert.deepEqual(lines.get(feature), [root, 'Grace Hopper <grace@navy.test>', '2026-01-30T01:00:00+00:00', '2026-01-30T01:00:00+00:00', 'feature']);
      assert.deepEqual(lines.get(fix)?.slice(0, 1), [root], 'main continues from root, not from the feature branch');
      assert.deepEqual(lines.get(merge)?.[0], `${fix} ${feature}`);
      assert.equal((await runGit(fixture.root, ['rev-parse', 'deployed'])).trim(), merge);
      assert.equal((await runGit(fixture.root, ['symbolic-ref', '--short', 'HEAD'])).trim(), 'main');
      assert.equal(await readFile(join(fixture.root, 'svc/app.py'), 'utf8'), 'v2\n');
      assert.equal(await readFile(join(fixture.root, 'svc/feature.py'), 'utf8'), 'f\n', 'the merge brings in the branch');
      await assert.rejects(stat(join(fixture.root, 'README.md')), 'deleted files are gone');
      assert.equal((await runGit(fixture.root, ['status', '--porcelain'])).trim(), '', 'the working tree is clean');
    } finally {
      await fixture.cleanup();
    }
  });

  it('refuses a conflicting merge unless the merge commit gives the content', async () => {
    const conflicting: FixtureCommit[] = [
      { message: 'root', files: { 'a.txt': '0\n' }, date: '2026-01-01T00:00:00Z' },
      { message: 'ours', files: { 'a.txt': '1\n' }, date: '2026-01-02T00:00:00Z', branch: 'other' },
      { message: 'theirs', files: { 'a.txt': '2\n' }, date: '2026-01-03T00:00:00Z', branch: 'main' },
    ];
    await assert.rejects(createGitFixture([...conflicting, { message: 'merge', files: {}, date: '2026-01-04T00:00:00Z', merge: 'other' }]), /conflicts on a\.txt/);
    const resolved = await createGitFixture([...conflicting, { message: 'merge', files: { 'a.txt': '3\n' }, date: '2026-01-04T00:00:00Z', merge: 'other' }]);
    try {
      assert.equal(await readFile(join(resolved.root, 'a.txt'), 'utf8'), '3\n');
    } finally {
      await resolved.cleanup();
    }
  });

  it('merges with -s ours and -X ours semantics when asked', async () => {
    const history: FixtureCommit[] = [
      { message: 'root', files: { 'a.txt': '0\n', 'b.txt': '0\n' }, date: '2026-01-01T00:00:00Z' },
      { message: 'side', files: { 'a.txt': '1\n', 'b.txt': '1\n' }, date: '2026-01-02T00:00:00Z', branch: 'side' },
      { message: 'main', files: { 'a.txt': '2\n' }, date: '2026-01-03T00:00:00Z', branch: 'main' },
    ];
    const ours = await createGitFixture([...history, { message: 'merge -s ours', files: {}, date: '2026-01-04T00:00:00Z', merge: 'side', mergeStrategy: 'ours' }]);
    const preferOurs = await createGitFixture([...history, { message: 'merge -X ours', files: {}, date: '2026-01-04T00:00:00Z', merge: 'side', mergeStrategy: 'prefer-ours' }]);
    try {
      assert.deepEqual(
        [await readFile(join(ours.root, 'a.txt'), 'utf8'), await readFile(join(ours.root, 'b.txt'), 'utf8')],
        ['2\n', '0\n'],
        '-s ours drops every change of the side branch',
      );
      assert.equal((await runGit(ours.root, ['rev-parse', 'HEAD^2'])).trim(), ours.shas[1], 'and still records it as merged');
      assert.deepEqual(
        [await readFile(join(preferOurs.root, 'a.txt'), 'utf8'), await readFile(join(preferOurs.root, 'b.txt'), 'utf8')],
        ['2\n', '1\n'],
        '-X ours keeps the side change that does not conflict',
      );
    } finally {
      await ours.cleanup();
      await preferOurs.cleanup();
    }
  });

  it('writes gitlinks (submodule entries) into trees', async () => {
    const lib = 'a'.repeat(40);
    const fixture = await createGitFixture([
      { message: 'root', files: { 'svc/app.py': 'v1\n', 'vendor/lib': { gitlink: lib } }, date: '2026-01-01T00:00:00Z' },
      { message: 'bump', files: { 'vendor/lib': { gitlink: 'b'.repeat(40) } }, date: '2026-01-02T00:00:00Z' },
    ]);
    try {
      assert.equal((await runGit(fixture.root, ['ls-tree', fixture.shas[0], 'vendor/lib'])).trim(), `160000 commit ${lib}\tvendor/lib`);
      assert.equal((await runGit(fixture.root, ['diff-tree', '--name-only', '-r', fixture.shas[1]])).trim().split('\n').pop(), 'vendor/lib');
      assert.equal((await runGit(fixture.root, ['status', '--porcelain'])).trim(), '', 'the working tree is clean');
    } finally {
      await fixture.cleanup();
    }
  });

  it('builds in a given folder and leaves that folder to its owner', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'pipeline-lens-fixture-dir-'));
    try {
      const dir = join(parent, 'repo');
      const fixture = await createGitFixture(COMMITS.slice(0, 1), { dir });
      assert.equal(fixture.root, dir);
      await fixture.cleanup();
      assert.ok((await stat(join(dir, '.git'))).isDirectory());
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('makes shallow clones of the requested depth', async () => {
    const fixture = await createGitFixture(COMMITS.slice(0, 3));
    const clone = await createShallowClone(fixture.root, 1);
    try {
      assert.equal((await runGit(clone.root, ['rev-parse', '--is-shallow-repository'])).trim(), 'true');
      assert.equal((await runGit(clone.root, ['rev-list', '--count', 'HEAD'])).trim(), '1');
      assert.equal((await runGit(clone.root, ['rev-parse', 'HEAD'])).trim(), fixture.shas[2]);
    } finally {
      await clone.cleanup();
      await fixture.cleanup();
    }
  });
});
