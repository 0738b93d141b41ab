import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { missingCommitMessage } from '../../../src/core/git/missingCommit';
import { GitError } from '../../../src/core/git/types';
import { createGitFixture, createShallowClone, type GitFixture } from '../../fixtures/gitFixture';

function isGitError(reason: GitError['reason'], ...patterns: RegExp[]) {
  return (error: unknown) => {
    assert.ok(error instanceof GitError, `expected a GitError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

const HISTORY = [
  { message: 'one', files: { 'svc/app.py': '1\n' }, date: '2026-01-26T00:00:00Z' },
  { message: 'two', files: { 'svc/app.py': '2\n' }, date: '2026-01-27T00:00:00Z', tag: 'v2' },
  { message: 'three', files: { 'svc/app.py': '3\n' }, date: '2026-01-28T00:00:00Z' },
  { message: 'four', files: { 'svc/app.py': '4\n' }, date: '2026-01-29T00:00:00Z' },
  { message: 'five', files: { 'svc/app.py': '5\n' }, date: '2026-01-30T00:00:00Z' },
];

describe('GitRepository.open', () => {
  let fixture: GitFixture;
  let scratch: string;

  before(async () => {
    fixture = await createGitFixture(HISTORY);
    scratch = await mkdtemp(join(tmpdir(), 'pipeline-lens-not-git-'));
  });
  after(async () => {
    await fixture.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('finds the top level from a folder inside the working tree', async () => {
    await mkdir(join(fixture.root, 'svc', 'deeper'), { recursive: true });
    const repo = await GitRepository.open(join(fixture.root, 'svc', 'deeper'));
    assert.equal(await realpath(repo.root), await realpath(fixture.root));
    assert.equal(repo.processCount, 1);
  });

  it('says which folder is not a repository and what to do', async () => {
    await assert.rejects(GitRepository.open(scratch), isGitError('not-a-repository', new RegExp(scratch), /git init/));
  });

  it('rejects a folder that does not exist', async () => {
    const missing = join(scratch, 'nope');
    await assert.rejects(GitRepository.open(missing), isGitError('not-a-repository', new RegExp(missing)));
  });

  it('rejects the .git folder itself', async () => {
    await assert.rejects(GitRepository.open(join(fixture.root, '.git')), isGitError('not-a-repository'));
  });

  it('reports git missing from PATH as git-missing, when opening and afterwards', async () => {
    const repo = await GitRepository.open(fixture.root);
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      await assert.rejects(GitRepository.open(fixture.root), isGitError('git-missing', /git was not found on PATH/, /install git/));
      await assert.rejects(repo.resolve(['abcd123']), isGitError('git-missing'));
    } finally {
      process.env.PATH = path;
    }
    assert.equal((await repo.resolve(['abcd123'])).size, 1, 'works again once git is back');
  });

  it('names a configured git binary that cannot be run', async () => {
    await assert.rejects(GitRepository.open(fixture.root, { binary: '/nonexistent/bin/git' }), isGitError('git-missing', /\/nonexistent\/bin\/git/));
  });
});

describe('GitRepository revisions', () => {
  let fixture: GitFixture;
  let repo: GitRepository;

  before(async () => {
    fixture = await createGitFixture(HISTORY);
    repo = await GitRepository.open(fixture.root);
  });
  after(() => fixture.cleanup());

  it('revParse turns HEAD, branches, tags and prefixes into full SHAs', async () => {
    const sha = fixture.shas;
    assert.equal(await repo.revParse('HEAD'), sha[4]);
    assert.equal(await repo.revParse('main'), sha[4]);
    assert.equal(await repo.revParse('v2'), sha[1]);
    assert.equal(await repo.revParse('HEAD~2'), sha[2]);
    assert.equal(await repo.revParse(sha[3].slice(0, 8)), sha[3]);
    assert.equal(await repo.head(), sha[4]);
  });

  it('revParse returns null for what is not a commit, without treating input as options', async () => {
    assert.equal(await repo.revParse('no-such-branch'), null);
    assert.equal(await repo.revParse('f'.repeat(40)), null);
    assert.equal(await repo.revParse('--all'), null);
    assert.equal(await repo.revParse('HEAD:svc/app.py'), null, 'a file is not a commit');
    assert.equal(await repo.revParse(''), null);
  });

  it('head() explains an empty repository', async () => {
    const empty = await createGitFixture([]);
    try {
      const emptyRepo = await GitRepository.open(empty.root);
      await assert.rejects(emptyRepo.head(), isGitError('unknown-commit', /no commits yet/));
    } finally {
      await empty.cleanup();
    }
  });
});

describe('shallow clones', () => {
  let fixture: GitFixture;
  let clone: { root: string; cleanup(): Promise<void> };
  let shallow: GitRepository;

  before(async () => {
    fixture = await createGitFixture(HISTORY);
    clone = await createShallowClone(fixture.root, 2);
    shallow = await GitRepository.open(clone.root);
  });
  after(async () => {
    await clone.cleanup();
    await fixture.cleanup();
  });

  it('are detected, and full clones are not', async () => {
    assert.equal(await shallow.isShallow(), true);
    assert.equal(await (await GitRepository.open(fixture.root)).isShallow(), false);
  });

  it('know only the commits within the depth', async () => {
    const sha = fixture.shas;
    const resolved = await shallow.resolve([sha[4], sha[3], sha[1]]);
    assert.equal(resolved.get(sha[4])?.status, 'found');
    assert.equal(resolved.get(sha[3])?.status, 'found');
    assert.deepEqual(resolved.get(sha[1]), { status: 'unknown' });
    const index = await shallow.ancestryIndex(['HEAD']);
    assert.equal(index.knows(sha[3]), true);
    assert.equal(index.knows(sha[1]), false);
    assert.equal(index.contains(sha[4], sha[1]), false);
  });

  it('explain a commit beyond the depth with the command to deepen', async () => {
    const old = fixture.shas[1];
    await assert.rejects(shallow.commitsBetween(old, 'HEAD', ['svc/**']), isGitError('unknown-commit', new RegExp(old), /shallow/, /git fetch --unshallow/));
  });
});

describe('missingCommitMessage', () => {
  const sha = '3f2c9a1d';

  it('tells a shallow clone how to deepen', () => {
    const message = missingCommitMessage(sha, true);
    assert.match(message, /3f2c9a1d/);
    assert.match(message, /shallow/);
    assert.match(message, /`git fetch --unshallow`/);
    assert.match(message, /`git fetch --deepen=<N>`/);
  });

  it('tells a full clone to fetch or check the SHA', () => {
    const message = missingCommitMessage(sha, false);
    assert.match(message, /3f2c9a1d/);
    assert.match(message, /`git fetch --all`/);
    assert.doesNotMatch(message, /unshallow/);
  });
});
