import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { GitError } from '../../../src/core/git/types';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';

const ODD_SUBJECT = 'svc: handle ünïcode, "quotes", | pipes, %s %x1f and a \x1f unit separator';

describe('GitRepository.commitsBetween and filesChanged', () => {
  let fixture: GitFixture;
  let repo: GitRepository;
  let sha: string[];

  before(async () => {
    fixture = await createGitFixture([
      /* 0 */ { message: 'root', files: { 'svc/app.py': '0\n', 'svc/old.py': 'old\n', 'docs/readme.md': 'r\n', 'other/x.txt': 'x\n' }, date: '2026-01-20T08:00:00Z' },
      /* 1 */ { message: 'docs only', files: { 'docs/readme.md': 'r2\n' }, date: '2026-01-21T08:00:00Z' },
      /* 2 */ { message: `${ODD_SUBJECT}\n\nBody text.`, files: { 'svc/app.py': '1\n' }, date: '2026-01-22T08:00:00Z', author: 'Ada Lovelace <ada@engine.test>' },
      /* 3 */ { message: 'other only', files: { 'other/x.txt': 'y\n' }, date: '2026-01-23T08:00:00Z' },
      /* 4 */ { message: 'delete old module', files: { 'svc/old.py': null }, date: '2026-01-24T08:00:00Z' },
      /* 5 */ { message: 'nested change', files: { 'svc/deep/a/b.py': 'b\n' }, date: '2026-01-25T08:00:00Z' },
      /* 6 */ { message: 'dotfile', files: { 'svc/.env': 'K=V\n' }, date: '2026-01-26T08:00:00Z' },
      /* 7 */ { message: 'side branch', files: { 'svc/side.py': 's\n' }, date: '2026-01-27T08:00:00Z', branch: 'side' },
      /* 8 */ { message: 'main meanwhile', files: { 'other/x.txt': 'z\n' }, date: '2026-01-28T08:00:00Z', branch: 'main' },
      /* 9 */ { message: 'merge side', files: {}, date: '2026-01-29T08:00:00Z', merge: 'side' },
      /* 10 */ { message: 'empty commit', files: {}, date: '2026-01-30T08:00:00Z' },
      /* 11 */ { message: 'move app out of svc', files: { 'svc/app.py': null, 'lib/app.py': '1\n' }, date: '2026-01-31T08:00:00Z' },
    ]);
    sha = fixture.shas;
    repo = await GitRepository.open(fixture.root);
  });
  after(() => fixture.cleanup());

  const subjects = (commits: Array<{ subject: string }>) => commits.map((commit) => commit.subject);

  it('lists only commits touching svc/**, newest first, counting deletions, nested paths, dotfiles and merged branches', async () => {
    const commits = await repo.commitsBetween(sha[0], sha[11], ['svc/**']);
    assert.deepEqual(subjects(commits), ['move app out of svc', 'side branch', 'dotfile', 'nested change', 'delete old module', ODD_SUBJECT]);
  });

  it('keeps every field of an awkward commit intact', async () => {
    const [commit] = await repo.commitsBetween(sha[1], sha[2], ['svc/**']);
    assert.deepEqual(commit, {
      sha: sha[2],
      shortSha: sha[2].slice(0, 7),
      subject: ODD_SUBJECT,
      author: 'Ada Lovelace',
      authorEmail: 'ada@engine.test',
      committedAt: '2026-01-22T08:00:00.000Z',
      authoredAt: '2026-01-22T08:00:00.000Z',
      parents: [sha[1]],
    });
    const resolved = (await repo.resolve([sha[2]])).get(sha[2]);
    assert.deepEqual(resolved, { status: 'found', commit }, 'resolve and commitsBetween describe a commit identically');
  });

  it('lists every commit without globs, and accepts branch names', async () => {
    const all = await repo.commitsBetween(sha[0], 'main');
    assert.equal(all.length, 11);
    assert.equal(all[0].sha, sha[11]);
  });

  it('lists nothing when `to` is already contained in `from`', async () => {
    assert.deepEqual(await repo.commitsBetween(sha[11], sha[0], ['svc/**']), []);
  });

  it('honours several globs and exclusions', async () => {
    const docsOrOther = await repo.commitsBetween(sha[0], sha[8], ['docs/**', 'other']);
    assert.deepEqual(subjects(docsOrOther), ['main meanwhile', 'other only', 'docs only']);
    const svcButDeep = await repo.commitsBetween(sha[3], sha[6], ['svc/**', '!svc/deep/**']);
    assert.deepEqual(subjects(svcButDeep), ['dotfile', 'delete old module']);
    const topLevelOnly = await repo.commitsBetween(sha[0], sha[11], ['svc/*.py']);
    assert.deepEqual(subjects(topLevelOnly), ['move app out of svc', 'side branch', 'delete old module', ODD_SUBJECT]);
  });

  it('throws unknown-commit naming the missing revision and how to fetch it', async () => {
    const absent = 'ab'.repeat(20);
    await assert.rejects(repo.commitsBetween(absent, sha[11], ['svc/**']), (error: unknown) => {
      assert.ok(error instanceof GitError);
      assert.equal(error.reason, 'unknown-commit');
      assert.match(error.message, new RegExp(absent));
      assert.match(error.message, /git fetch --all/);
      return true;
    });
  });

  it('refuses a revision that git would read as an option', async () => {
    await assert.rejects(repo.commitsBetween('--output=/tmp/x', sha[11]), (error: unknown) => error instanceof GitError && error.reason === 'unknown-commit');
  });

  it('filesChanged lists each commit against its first parent, in one git process', async () => {
    const absent = 'cd'.repeat(20);
    const start = repo.processCount;
    const files = await repo.filesChanged([sha[0], sha[4], sha[9], sha[10], sha[11], absent]);
    assert.equal(repo.processCount - start, 1);
    assert.deepEqual(files.get(sha[0])?.sort(), ['docs/readme.md', 'other/x.txt', 'svc/app.py', 'svc/old.py'], 'a root commit adds everything');
    assert.deepEqual(files.get(sha[4]), ['svc/old.py'], 'deletions count');
    assert.deepEqual(files.get(sha[9]), ['svc/side.py'], 'a merge brings in what its side branch changed');
    assert.deepEqual(files.get(sha[10]), [], 'an empty commit changes nothing');
    assert.deepEqual(files.get(sha[11])?.sort(), ['lib/app.py', 'svc/app.py'], 'a move shows both paths');
    assert.equal(files.has(absent), false);
  });
});
