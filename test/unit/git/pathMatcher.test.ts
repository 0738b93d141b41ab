import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { globReachesInto, pathMatcher, toPathspecs } from '../../../src/core/git/pathMatcher';
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
    fixture = await createGitFixture([{ message: 'files', files: Object.fromEntries(FILES.map((path) => [path, `${path}\n`])), date: '2026-01-30T03:17:00Z' }]);
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

/*
 * Names git allows and globs rarely expect: brackets, glob characters and backslashes in
 * names, spaces, case variants, dotfiles, non-ASCII. Every glob is asked of git twice, through
 * the index (`ls-files`, dir.c) and through a tree walk (`log --name-only` of the root commit,
 * tree-walk.c, what history queries use). The in-memory matcher selects exactly what
 * ls-files selects; the tree walk selects the same, except that it can select more in a
 * folder whose name holds a glob character (see `compare`).
 */
const ODD_FILES = [
  'svc[1]/app.py',
  'svc1/app.py',
  'svc\\x/app.py',
  'worker/app.py',
  'worker/.env',
  'Worker/app.py',
  'WORKER.md',
  'sp ace/f i.py',
  '.hidden/h.py',
  '.env',
  'a/b/c/d.py',
  'a/x.py',
  'ab/x.py',
  'st*r/s.py',
  'q?.py',
  'qa.py',
  'back\\slash.py',
  'br]ket.py',
  '!bang.py',
  'caf\u00e9/menu.py',
  '\u00fc.py',
  'u.py',
  '-dash/x.py',
  '#hash.py',
];

const ODD_GLOBS = [
  'svc\\[1\\]/**',
  'svc\\[1\\]',
  'svc\\[1\\]/app.py',
  'svc[1]/**',
  'svc[1]',
  'svc\\1/app.py',
  'svc\\\\x/**',
  'st\\*r/**',
  'st*r',
  'q\\?.py',
  'q?.py',
  '?.py',
  'back\\\\slash.py',
  'br]ket.py',
  '[]]*',
  '[]b]r]ket.py',
  '\\!bang.py',
  '!*',
  'sp ace',
  'sp ace/*',
  '**/*.py',
  '**',
  '*',
  '.*',
  '.*/**',
  'a/**/d.py',
  'a/**',
  'a**',
  'a**/x.py',
  'a*/x.py',
  'a/*',
  '*/x.py',
  'Worker/**',
  'worker/**',
  'WORKER*',
  '[[:upper:]]orker/**',
  '[[:lower:]]orker/**',
  '[!w]orker/**',
  '[^w]orker/**',
  '[a-z]vc1/**',
  '[[:alpha:][:digit:]]*/**',
  '[[:punct:]]*',
  'svc[',
  'worker\\',
  'caf\u00e9/**',
  'caf?/**',
  'caf??/**',
  '?.py',
  '??.py',
  '-dash/**',
  '#*',
  '**/.env',
  'worker/.*',
  'a/b/**/',
  './worker/**',
  '/worker/**',
];

const selectedBy = async (root: string, args: string[]) => (await runGit(root, args)).split('\0').filter(Boolean).sort();

describe('pathMatcher agrees with git on odd names', () => {
  let fixture: GitFixture;
  before(async () => {
    fixture = await createGitFixture([{ message: 'odd names', files: Object.fromEntries(ODD_FILES.map((path) => [path, `${path}\n`])), date: '2026-01-30T03:17:00Z' }]);
    const listed = await selectedBy(fixture.root, ['ls-files', '-z']);
    assert.deepEqual(listed, [...ODD_FILES].sort(), 'the fixture holds every odd name as written');
  });
  after(() => fixture.cleanup());

  async function compare(globs: string[]): Promise<void> {
    const specs = toPathspecs(globs);
    const byIndex = await selectedBy(fixture.root, ['ls-files', '-z', '--', ...specs]);
    const byTree = await selectedBy(fixture.root, ['log', '-z', '--format=', '--name-only', '--no-renames', 'HEAD', '--', ...specs]);
    const byMatcher = ODD_FILES.filter(pathMatcher(globs)).sort();
    assert.deepEqual(byMatcher, byIndex, `ls-files and the matcher differ on ${JSON.stringify(globs)}`);
    // git's tree walk also compares a folder's name literally with the start of the glob, so
    // `svc[1]/**` reaches `svc[1]/app.py` in history but not in ls-files. Only names holding
    // a glob character can tell the two apart, and the walk only ever selects more.
    const extra = byTree.filter((path) => !byIndex.includes(path));
    assert.deepEqual(
      byIndex.filter((path) => !byTree.includes(path)),
      [],
      `the tree walk misses files ls-files selects for ${JSON.stringify(globs)}`,
    );
    for (const path of extra) {
      assert.match(path.slice(0, path.lastIndexOf('/')), /[*?[\\]/, `the tree walk alone selects ${path} for ${JSON.stringify(globs)}`);
    }
  }

  it('selects what git selects for each written glob, alone and with an exclusion', async () => {
    for (const glob of ODD_GLOBS) {
      await compare([glob]);
      await compare([glob, '!**/*.md']);
    }
  });

  it('takes backslash as git does: an escape, so svc\\[1\\]/** is the folder svc[1]', () => {
    assert.deepEqual(ODD_FILES.filter(pathMatcher(['svc\\[1\\]/**'])), ['svc[1]/app.py']);
    assert.deepEqual(ODD_FILES.filter(pathMatcher(['Worker/**'])), ['Worker/app.py'], 'case-sensitive');
  });

  it('selects what git selects for generated globs', async () => {
    const piece = fc.constantFrom(
      '*',
      '**',
      '?',
      '/',
      '\\',
      '[',
      ']',
      '!',
      '^',
      '-',
      'a',
      'b',
      'x',
      'w',
      'W',
      'orker',
      'svc',
      '1',
      '.',
      ' ',
      '.py',
      '[:upper:]',
      'caf',
      '\u00e9',
      '\u00fc',
    );
    const globs = fc.array(piece, { minLength: 1, maxLength: 7 }).map((parts) => parts.join(''));
    let generated = 0;
    await fc.assert(
      fc.asyncProperty(globs, async (glob) => {
        generated += 1;
        await compare([glob]);
      }),
      { numRuns: 80, seed: 9 },
    );
    assert.equal(generated >= 80, true, `${generated} globs generated`);
  });
});

describe('globReachesInto', () => {
  it('counts a gitlink that a glob reaches into, and not one beside it', () => {
    assert.equal(globReachesInto('vendor/lib/**', 'vendor/lib'), true);
    assert.equal(globReachesInto('vendor/lib/src/*.py', 'vendor/lib'), true);
    assert.equal(globReachesInto('vendor/*/src/**', 'vendor/lib'), true);
    assert.equal(globReachesInto('**/*.py', 'vendor/lib'), true);
    assert.equal(globReachesInto('worker/**', 'worker/lib'), true);
    assert.equal(globReachesInto('vendor/lib/**', 'vendor/libx'), false);
    assert.equal(globReachesInto('vendor/lib/**', 'vendor'), true);
    assert.equal(globReachesInto('worker/**', 'vendor/lib'), false);
    assert.equal(globReachesInto('worker/*.py', 'worker/lib'), false, 'a file glob in the folder does not reach into a gitlink there');
  });
});
