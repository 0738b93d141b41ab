import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import type { VerifyResult } from '../../../src/core/verify/verifyDeployment';
import { createGitFixture, fixtureGitEnv, runGit, type FixtureCommit, type GitFixture } from '../../fixtures/gitFixture';
import { revisionOf } from '../../fixtures/verifyScenario';

/*
 * The ways `verify` used to say ok when it should not, each on a real repository through the
 * real CLI: globs that select nothing, a submodule bump, a merge that dropped the deployed
 * change, a shallow clone cut between the two commits, and a git that dies quietly. Each
 * test states the verdict, the exit code and what the message tells the user to do.
 */

// Each scenario deploys one revision, which serves all of the traffic.
const rev = (revision: string, commit: string | null, createdAt: string) => revisionOf('worker')(revision, commit, createdAt, 100);

interface Outcome {
  code: number;
  body: VerifyResult & { exitCode: number };
  text: string;
}

/** Writes pipeline-lens.json and deployments.json into `root`. */
async function configure(root: string, paths: string[], deployments: unknown[]): Promise<void> {
  await writeFile(
    join(root, 'pipeline-lens.json'),
    JSON.stringify({
      warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet', 'ds.graded': 'graded.parquet' } },
      tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
      services: [{ name: 'worker', paths, deployments: { kind: 'file', path: 'deployments.json' }, deployCommand: 'make deploy-worker' }],
    }),
  );
  await writeFile(join(root, 'deployments.json'), JSON.stringify(deployments));
}

/** `pipeline-lens verify --service worker`, as JSON and as text, in this process. */
async function verify(root: string, target?: string): Promise<Outcome> {
  const args = ['--cwd', root, 'verify', '--service', 'worker', ...(target ? ['--target', target] : [])];
  let json = '';
  const code = await main([...args, '--json'], { stdout: (t) => (json += t), stderr: (t) => (json += t) });
  let text = '';
  const textCode = await main(args, { stdout: (t) => (text += t), stderr: (t) => (text += t) });
  assert.equal(textCode, code, 'text and JSON runs exit alike');
  const body = JSON.parse(json) as Outcome['body'];
  assert.equal(body.exitCode, code, 'the JSON names the exit code');
  return { code, body, text };
}

async function fixture(commits: FixtureCommit[]): Promise<GitFixture> {
  return createGitFixture(commits);
}

describe('verify: the families that gave a false ok', () => {
  const made: GitFixture[] = [];
  const build = async (commits: FixtureCommit[]) => {
    const f = await fixture(commits);
    made.push(f);
    return f;
  };
  after(async () => {
    for (const f of made) await f.cleanup();
  });

  describe('family 3: service paths that select nothing', () => {
    it('a folder renamed with the old path still configured is unknown, naming the key and where the files went', async () => {
      const f = await build([
        { message: 'init', files: { 'worker/app.py': 'v1\n', 'docs/readme.md': 'hello\n' }, date: '2026-01-05T10:00:00Z' },
        { message: 'move worker to predict', files: { 'worker/app.py': null, 'predict/app.py': 'v1\n' }, date: '2026-01-06T10:00:00Z' },
        { message: 'docs', files: { 'docs/runbook.md': 'steps\n' }, date: '2026-01-07T10:00:00Z' },
        { message: 'fix(predict): vegas features', files: { 'predict/app.py': 'v2\n' }, date: '2026-01-30T03:17:00Z' },
      ]);
      await configure(f.root, ['worker/**'], [rev('worker-00063-abc', f.shas[2], '2026-01-08T12:00:00Z')]);
      const r = await verify(f.root);
      assert.equal(r.body.verdict, 'unknown');
      assert.equal(r.code, 2);
      assert.match(r.body.reason, /services\[0\]\.paths\[0\] "worker\/\*\*" matches no file at HEAD \([0-9a-f]{7}\) nor at the deployed [0-9a-f]{7}/);
      assert.match(r.body.reason, new RegExp(`its files moved to predict/ in ${f.shas[1].slice(0, 7)} "move worker to predict": did you mean "predict/\\*\\*"\\?`));
      assert.match(r.body.hint!, /Fix services\[0\]\.paths\[0\] in .*pipeline-lens\.json: paths are globs from the repository root, matched case-sensitively/);
      assert.equal(r.body.witnesses.ancestry.answer, 'not checked');
      assert.match(r.text, /\? UNKNOWN: .*matches no file/);
    });

    it('a case typo (Worker/** for worker/) is unknown and says which spelling exists', async () => {
      const f = await build([
        { message: 'init', files: { 'worker/app.py': 'v1\n' }, date: '2026-01-05T10:00:00Z' },
        { message: 'fix(worker)', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-30T03:17:00Z' },
      ]);
      await configure(f.root, ['Worker/**'], [rev('worker-00063-abc', f.shas[0], '2026-01-08T12:00:00Z')]);
      const r = await verify(f.root);
      assert.equal(r.body.verdict, 'unknown');
      assert.equal(r.code, 2);
      assert.match(
        r.body.reason,
        /services\[0\]\.paths\[0\] "Worker\/\*\*" matches no file .*; worker\/app\.py exists: did you mean "worker\/\*\*"\? \(paths are case-sensitive\)/,
      );
    });

    it('a glob character meant literally is unknown with the escaped glob to write; the escaped glob itself works', async () => {
      const f = await build([
        { message: 'init', files: { 'svc[1]/app.py': 'v1\n', 'docs/readme.md': 'hello\n' }, date: '2026-01-05T10:00:00Z' },
        { message: 'fix(svc[1])', files: { 'svc[1]/app.py': 'v2\n' }, date: '2026-01-30T03:17:00Z' },
      ]);
      await configure(f.root, ['worker/*.py', 'svc[1]/**'], [rev('worker-00063-abc', f.shas[0], '2026-01-08T12:00:00Z')]);
      const unescaped = await verify(f.root);
      assert.equal(unescaped.body.verdict, 'unknown');
      assert.equal(unescaped.code, 2);
      assert.match(unescaped.body.reason, /services\[0\]\.paths\[0\] "worker\/\*\.py" matches no file .*; no commit of HEAD ever touched it/);
      assert.match(unescaped.body.reason, /services\[0\]\.paths\[1\] "svc\[1\]\/\*\*" matches no file .*; svc\[1\]\/app\.py exists: to match \[, \] or \? literally escape them/);
      assert.ok(unescaped.body.reason.includes('"svc\\\\[1\\\\]/**" in JSON'), unescaped.body.reason);
      assert.match(unescaped.body.hint!, /Fix services\[0\]\.paths\[0\], services\[0\]\.paths\[1\]/);

      await configure(f.root, ['svc\\[1\\]/**'], [rev('worker-00063-abc', f.shas[0], '2026-01-08T12:00:00Z')]);
      const escaped = await verify(f.root);
      assert.equal(escaped.body.verdict, 'stale', 'escaped, the glob selects svc[1]/ and the fix is found missing');
      assert.equal(escaped.code, 1);
      assert.deepEqual(
        escaped.body.missing.map((m) => m.sha),
        [f.shas[1]],
      );
    });
  });

  describe('family 4: submodules', () => {
    it('a gitlink bump the deployment lacks is stale, even with diff.ignoreSubmodules=all in the repository', async () => {
      const f = await build([
        {
          message: 'init',
          files: {
            'worker/app.py': 'v1\n',
            'libs/featlib': { gitlink: '1'.repeat(40) },
            '.gitmodules': '[submodule "featlib"]\n\tpath = libs/featlib\n\turl = ../featlib\n\tignore = all\n',
          },
          date: '2026-01-05T10:00:00Z',
        },
        { message: 'docs', files: { 'docs/readme.md': 'hello\n' }, date: '2026-01-06T10:00:00Z' },
        { message: 'bump featlib: populate vegas features', files: { 'libs/featlib': { gitlink: '2'.repeat(40) } }, date: '2026-01-30T03:17:00Z' },
      ]);
      await runGit(f.root, ['config', 'diff.ignoreSubmodules', 'all']);
      await configure(f.root, ['worker/**', 'libs/featlib/**'], [rev('worker-00063-abc', f.shas[1], '2026-01-08T12:00:00Z')]);
      const r = await verify(f.root);
      assert.equal(r.body.verdict, 'stale');
      assert.equal(r.code, 1);
      assert.deepEqual(
        r.body.missing.map((m) => m.subject),
        ['bump featlib: populate vegas features'],
      );
      assert.equal(r.body.witnesses.ancestry.answer, 'objects');
      assert.equal(r.body.witnesses.content.answer, 'objects');
      assert.match(r.body.witnesses.content.says, /libs\/featlib differs between the deployed/);
      assert.match(r.body.hint!, /make deploy-worker/);
    });

    it("is ok once the deployment has the bump, and counts the gitlink as one of the service's entries", async () => {
      const f = await build([
        { message: 'init', files: { 'worker/app.py': 'v1\n', 'libs/featlib': { gitlink: '1'.repeat(40) } }, date: '2026-01-05T10:00:00Z' },
        { message: 'bump featlib', files: { 'libs/featlib': { gitlink: '2'.repeat(40) } }, date: '2026-01-30T03:17:00Z' },
        { message: 'docs', files: { 'docs/readme.md': 'hello\n' }, date: '2026-01-31T10:00:00Z' },
      ]);
      await configure(f.root, ['worker/**', 'libs/featlib/**'], [rev('worker-00068-f1x', f.shas[1], '2026-01-30T19:10:00Z')]);
      const r = await verify(f.root);
      assert.equal(r.body.verdict, 'ok');
      assert.equal(r.code, 0);
      assert.equal(r.body.unrelatedAhead, 1);
      assert.match(r.body.witnesses.content.says, /the 1 file and 1 gitlink under worker\/\*\*, libs\/featlib\/\*\* are identical/);
    });
  });

  describe('family 6: a merge that dropped the deployed change', () => {
    it('is stale when the target merged the deployed hotfix with -s ours: the content witness objects', async () => {
      const f = await build([
        { message: 'init', files: { 'worker/app.py': 'v1\n', 'docs/readme.md': 'hello\n' }, date: '2026-01-05T10:00:00Z' },
        { message: 'hotfix(worker): vegas features', files: { 'worker/app.py': 'v2 fixed\n' }, date: '2026-01-30T03:17:00Z', branch: 'hotfix' },
        { message: 'docs: runbook', files: { 'docs/runbook.md': 'steps\n' }, date: '2026-01-30T05:00:00Z', branch: 'main' },
        { message: 'merge hotfix (-s ours)', files: {}, date: '2026-01-30T06:00:00Z', merge: 'hotfix', mergeStrategy: 'ours' },
      ]);
      await configure(f.root, ['worker/**'], [rev('worker-00068-f1x', f.shas[1], '2026-01-30T19:10:00Z')]);
      const r = await verify(f.root);
      assert.equal(r.body.verdict, 'stale');
      assert.equal(r.code, 1);
      assert.deepEqual(r.body.missing, [], 'no commit is missing: history alone agrees');
      assert.equal(r.body.witnesses.ancestry.answer, 'agrees');
      assert.equal(r.body.witnesses.content.answer, 'objects');
      assert.match(
        r.body.reason,
        new RegExp(
          `History says every commit touching worker/\\*\\* is deployed, but worker/app\\.py differs between the deployed ${f.shas[1].slice(0, 8)} and HEAD: a merge may have dropped a change`,
        ),
      );
      assert.match(r.body.hint!, new RegExp(`git diff ${f.shas[1].slice(0, 8)} HEAD -- worker/app\\.py`));
      assert.match(r.text, /ancestry: agrees — every commit of HEAD touching worker\/\*\* is in the deployed/);
      assert.match(r.text, /content: {2}objects — worker\/app\.py differs between the deployed/);
    });
  });

  describe('family 7: shallow clones', () => {
    let source: GitFixture;
    let parent: string;
    before(async () => {
      source = await build([
        { message: 'init', files: { 'worker/app.py': 'v1\n', 'docs/readme.md': 'hello\n' }, date: '2026-01-05T10:00:00Z' },
        { message: 'fix(worker): vegas features', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-30T03:17:00Z', tag: 'release' },
        { message: 'docs: runbook', files: { 'docs/runbook.md': 'steps\n' }, date: '2026-01-31T09:00:00Z' },
        { message: 'docs: handoff', files: { 'docs/handoff.md': 'note\n' }, date: '2026-01-31T10:00:00Z' },
        { message: 'docs: glossary', files: { 'docs/glossary.md': 'terms\n' }, date: '2026-02-01T09:00:00Z' },
      ]);
      parent = await mkdtemp(join(tmpdir(), 'pl-verify-shallow-'));
    });
    after(() => rm(parent, { recursive: true, force: true }));

    it('is unknown with the unshallow hint when the history between deployed and target is cut, not stale or "diverged"', async () => {
      const clone = join(parent, 'depth2');
      await runGit(parent, ['clone', '-q', '--depth=2', `file://${source.root}`, clone]);
      // The deployed commit arrives on its own (as a deploy job's fetch of a tag would),
      // so it is known locally but nothing connects it to HEAD.
      await runGit(clone, ['fetch', '-q', '--depth=1', 'origin', 'tag', 'release']);
      const deployed = source.shas[1];
      assert.equal((await runGit(clone, ['cat-file', '-t', deployed])).trim(), 'commit');
      await configure(clone, ['worker/**'], [rev('worker-00068-f1x', deployed, '2026-01-30T19:10:00Z')]);
      const r = await verify(clone);
      assert.equal(r.body.verdict, 'unknown');
      assert.equal(r.code, 2);
      assert.equal(r.body.diverged, false);
      assert.deepEqual(r.body.missing, [], 'no docs commit is listed as touching the worker');
      assert.match(r.body.reason, new RegExp(`This clone is shallow and its history stops between the deployed ${deployed.slice(0, 8)} and HEAD \\(at [0-9a-f]{8}`));
      assert.match(r.body.hint!, /git fetch --unshallow/);
      assert.match(r.body.hint!, /git fetch --shallow-since=2026-01-30/);

      await runGit(clone, ['fetch', '-q', '--unshallow']);
      const after = await verify(clone);
      assert.equal(after.body.verdict, 'ok', 'the same clone, unshallowed, is ok');
      assert.equal(after.body.unrelatedAhead, 3);
    });

    it('answers normally in a shallow clone whose history between the two is whole', async () => {
      const clone = join(parent, 'depth4');
      await runGit(parent, ['clone', '-q', '--depth=4', `file://${source.root}`, clone]);
      await configure(clone, ['worker/**'], [rev('worker-00068-f1x', source.shas[1], '2026-01-30T19:10:00Z')]);
      const r = await verify(clone);
      assert.equal(r.body.verdict, 'ok');
      assert.equal(r.body.unrelatedAhead, 3);
    });
  });

  describe('family 2: a git that dies quietly, end to end', () => {
    let f: GitFixture;
    let bin: string;
    before(async () => {
      f = await build([
        { message: 'init', files: { 'worker/app.py': 'v1\n' }, date: '2026-01-05T10:00:00Z' },
        { message: 'fix(worker)', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-30T03:17:00Z' },
      ]);
      await configure(f.root, ['worker/**'], [rev('worker-00063-abc', f.shas[0], '2026-01-08T12:00:00Z')]);
      bin = await mkdtemp(join(tmpdir(), 'pl-git-wrapper-'));
    });
    after(() => rm(bin, { recursive: true, force: true }));

    /** Runs the CLI in a child process whose PATH starts with a `git` that misbehaves on `log` as `onLog` says. */
    async function cliWithGit(onLog: string): Promise<{ code: number; stdout: string; stderr: string }> {
      const dir = join(bin, onLog.replace(/\W+/g, '-'));
      await mkdir(dir, { recursive: true });
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- node's ExecFileException is an Error; its type, built with Omit, does not say so
      const realGit = await new Promise<string>((res, rej) => execFile('sh', ['-c', 'command -v git'], (e, out) => (e ? rej(e) : res(out.trim()))));
      const wrapper = join(dir, 'git');
      await writeFile(wrapper, `#!/bin/sh\nfor arg in "$@"; do\n  if [ "$arg" = log ]; then ${onLog}; fi\ndone\nexec "${realGit}" "$@"\n`);
      await chmod(wrapper, 0o755);
      const cli = resolve('src/cli/main.ts');
      // tsx hands a CommonJS-compiled module to import() as its default export.
      const script = `import(${JSON.stringify(cli)}).then(async (m) => { process.exitCode = await (m.main ?? m.default.main)(process.argv.slice(1)); })`;
      return new Promise((res) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', '-e', script, '--', '--cwd', f.root, 'verify', '--service', 'worker', '--json'],
          { env: { ...fixtureGitEnv(), PATH: `${dir}${delimiter}${process.env.PATH}`, NODE_ENV: 'test' }, timeout: 120_000 },
          (error, stdout, stderr) => res({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr }),
        );
      });
    }

    it('is unknown (exit 2) when git log is killed by a signal', async () => {
      const r = await cliWithGit('kill -9 $$');
      assert.equal(r.code, 2, r.stderr);
      const body = JSON.parse(r.stdout) as VerifyResult;
      assert.equal(body.verdict, 'unknown');
      assert.match(body.reason, /git log was killed by a signal before it finished/);
      assert.match(body.hint!, /Run verify again/);
      assert.equal(body.witnesses.ancestry.answer, 'not checked');
    });

    it('is unknown (exit 2) when git log exits 1 saying nothing', async () => {
      const r = await cliWithGit('exit 1');
      assert.equal(r.code, 2, r.stderr);
      const body = JSON.parse(r.stdout) as VerifyResult;
      assert.equal(body.verdict, 'unknown');
      assert.match(body.reason, /git log exited with status 1 without saying why/);
    });

    it('is stale (exit 1) through the same wrapper when git behaves', async () => {
      const r = await cliWithGit('true');
      assert.equal(r.code, 1, r.stderr);
      assert.equal((JSON.parse(r.stdout) as VerifyResult).verdict, 'stale');
    });
  });
});
