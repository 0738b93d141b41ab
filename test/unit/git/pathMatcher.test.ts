import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pathMatcher, toPathspecs } from '../../../src/core/git/pathMatcher';
import { createGitFixture, runGit, type GitFixture } from '../../fixtures/gitFixture';

const FILES = [
  'predictions/worker/main.py',
  'predictions/worker/.env',
  'predictions/worker/lib/features.py',
  'predictions/worker/lib/deep/x/features.py',
  'predictions/worker/README.md',
  'predictions/workers.txt',
  'predictions/api/main.py',
  'svc/app.py',
  'svc/a/b.py',
  'svcx/app.py',
  'main.py',
  'docs/svc/app.py',
  'weird name [1].py',
];

describe('pathMatcher', () => {
  it('matches git-style globs: * stays within a folder, ** crosses folders, dotfiles included', () => {
    const worker = pathMatcher(['predictions/worker/**']);
    assert.equal(worker('predictions/worker/main.py'), true);
    assert.equal(worker('predictions/worker/.env'), true);
    assert.equal(worker('predictions/worker/lib/deep/x/features.py'), true);
    assert.equal(worker('predictions/workers.txt'), false);
    assert.equal(worker('predictions/api/main.py'), false);
    const shallow = pathMatcher(['svc/*.py']);
    assert.equal(shallow('svc/app.py'), true);
    assert.equal(shallow('svc/a/b.py'), false);
    assert.equal(pathMatcher(['**/features.py'])('predictions/worker/lib/deep/x/features.py'), true);
    assert.equal(pathMatcher(['*.py'])('svc/app.py'), false, 'a top-level pattern stays at the top, as in git');
  });

  it('treats a pattern without wildcards as the folder and everything under it', () => {
    const svc = pathMatcher(['svc']);
    assert.equal(svc('svc/a/b.py'), true);
    assert.equal(svc('svcx/app.py'), false);
    assert.equal(pathMatcher(['svc/'])('svc/app.py'), true);
    assert.equal(pathMatcher(['./svc/app.py'])('svc/app.py'), true);
  });

  it('excludes with a leading !, and matches everything when only exclusions or nothing is given', () => {
    const noDocs = pathMatcher(['predictions/worker/**', '!**/*.md']);
    assert.equal(noDocs('predictions/worker/main.py'), true);
    assert.equal(noDocs('predictions/worker/README.md'), false);
    assert.equal(pathMatcher(['!svc/**'])('main.py'), true);
    assert.equal(pathMatcher(['!svc/**'])('svc/app.py'), false);
    assert.equal(pathMatcher([])('anything/at/all'), true);
  });

  it('builds top-anchored glob pathspecs', () => {
    assert.deepEqual(toPathspecs(['svc/**', '!svc/docs']), [':(top,glob)svc/**', ':(top,glob,exclude)svc/docs']);
    assert.deepEqual(toPathspecs(['!svc/docs']), [':/', ':(top,glob,exclude)svc/docs']);
    assert.deepEqual(toPathspecs([]), []);
  });
});

describe('pathMatcher agrees with git', () => {
  let fixture: GitFixture;

  before(async () => {
    fixture = await createGitFixture([
      { message: 'files', files: Object.fromEntries(FILES.map((path) => [path, `${path}\n`])), date: '2026-01-30T03:17:00Z' },
    ]);
  });
  after(() => fixture.cleanup());

  const cases: string[][] = [
    ['predictions/worker/**'],
    ['predictions/worker'],
    ['predictions/worker/*'],
    ['predictions/*/main.py'],
    ['**/main.py'],
    ['*.py'],
    ['svc'],
    ['svc/**', 'main.py'],
    ['predictions/**', '!predictions/worker/lib/**'],
    ['!**/*.md'],
    ['**/lib/**/features.py'],
    ['weird name [[]1].py'],
  ];
  for (const globs of cases) {
    it(`selects the same files as git for ${JSON.stringify(globs)}`, async () => {
      const byGit = (await runGit(fixture.root, ['ls-files', '-z', '--', ...toPathspecs(globs)])).split('\0').filter(Boolean).sort();
      const byMatcher = FILES.filter(pathMatcher(globs)).sort();
      assert.deepEqual(byMatcher, byGit);
      assert.ok(byGit.length > 0, 'each case should select something');
    });
  }
});
