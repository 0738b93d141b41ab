import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/*
 * The command line as npm publishes it (`npm pack`: what `npx pipeline-lens` downloads),
 * unpacked outside the repository with nothing beside it but DuckDB's native binding (what
 * npm installs for its one dependency), and `dist/cli.js` copied alone with the binding on
 * NODE_PATH, as a backfill job's image would hold it. Both must run, offline. The tarball
 * holds the dist/cli.js that `npm test` built before the tests.
 */

const REPO = resolve(__dirname, '../../..');

interface PackedFile {
  path: string;
}

describe('the pipeline-lens npm package', () => {
  let scratch: string;
  let files: string[];
  let packageDir: string;
  let bindings: string;

  const cli = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; entry?: string } = {}) =>
    spawnSync(process.execPath, [options.entry ?? join(packageDir, 'bin', 'pipeline-lens.js'), ...args], {
      cwd: options.cwd ?? scratch,
      // Only what a user's shell would have: no NODE_PATH or NODE_OPTIONS from the test runner.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      encoding: 'utf8',
    });

  before(() => {
    assert.ok(existsSync(join(REPO, 'dist', 'cli.js')), 'dist/cli.js is built (npm test builds before the tests; alone: npm run build)');
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'pl-cli-package-')));
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: REPO, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: PackedFile[] }>;
    files = packed.files.map((f) => f.path);
    const unpacked = join(scratch, 'unpacked');
    mkdirSync(unpacked);
    const tar = spawnSync('tar', ['xzf', join(scratch, packed.filename), '-C', unpacked], { encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
    packageDir = join(unpacked, 'package');

    // DuckDB's binding, as npm would install it for @duckdb/node-api; nothing else.
    bindings = join(scratch, 'bindings', 'node_modules');
    mkdirSync(join(bindings, '@duckdb'), { recursive: true });
    const installed = join(REPO, 'node_modules', '@duckdb');
    const platform = JSON.parse(readFileSync(join(installed, 'node-bindings', 'package.json'), 'utf8')).optionalDependencies as Record<string, string>;
    for (const name of [
      'node-bindings',
      ...Object.keys(platform)
        .map((p) => p.replace('@duckdb/', ''))
        .filter((p) => existsSync(join(installed, p))),
    ]) {
      symlinkSync(join(installed, name), join(bindings, '@duckdb', name), 'dir');
    }
    mkdirSync(join(packageDir, 'node_modules'));
    symlinkSync(join(bindings, '@duckdb'), join(packageDir, 'node_modules', '@duckdb'), 'dir');
  });

  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the command, its docs and schema, and nothing else of the repository', () => {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'bin/pipeline-lens.js', 'dist/cli.js', 'schemas/pipeline-lens.schema.json', 'docs/cli.md']) {
      assert.ok(files.includes(needed), `${needed} in ${files.join(', ')}`);
    }
    const unwanted = files.filter((f) => /^(src|test|scripts|demo|bench|marketplace|node_modules)\/|\.map$|\.ts$|^dist\/(extension|server)\.js$|^\./.test(f));
    assert.deepEqual(unwanted, []);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    assert.notEqual(manifest.private, true, 'publishable');
    assert.equal(manifest.bin['pipeline-lens'], './bin/pipeline-lens.js');
    assert.deepEqual(Object.keys(manifest.dependencies), ['@duckdb/node-api'], 'everything else is inside dist/cli.js');
  });

  it('answers --help from the unpacked package, outside the repository', () => {
    const help = cli(['--help']);
    assert.equal(help.status, 0, help.stderr);
    for (const command of ['demo', 'investigate', 'commit', 'metrics', 'verify', 'query']) assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`));
  });

  it('generates the demo, queries it on DuckDB and verifies it, with only the binding beside the bundle', () => {
    const demo = join(scratch, 'demo');
    const generated = cli(['demo', '--dir', demo]);
    assert.equal(generated.status, 0, generated.stderr);
    const query = cli(['--cwd', demo, 'query', 'sql/grading_coverage.sql', '--param', 'start_date=2026-01-27', '--param', 'end_date=2026-02-02', '--json']);
    assert.equal(query.status, 0, query.stderr);
    assert.ok(JSON.parse(query.stdout).rows.some((r: { system_id: string }) => r.system_id === 'catboost_v8'));
    const verify = cli(['--cwd', demo, 'verify', '--service', 'prediction-worker', '--json']);
    assert.equal(verify.status, 1, verify.stderr);
    assert.equal(JSON.parse(verify.stdout).verdict, 'stale');
  });

  it('runs as dist/cli.js copied alone, the binding found through NODE_PATH; without it, says where to install which version', () => {
    const alone = join(scratch, 'alone');
    mkdirSync(alone);
    copyFileSync(join(packageDir, 'dist', 'cli.js'), join(alone, 'cli.js'));
    const demo = join(scratch, 'demo');
    if (!existsSync(demo)) assert.equal(cli(['demo', '--dir', demo]).status, 0);
    const args = ['--cwd', demo, 'query', 'sql/grading_coverage.sql', '--param', 'start_date=2026-01-27', '--param', 'end_date=2026-02-02', '--json'];
    const withBinding = cli(args, { entry: join(alone, 'cli.js'), env: { NODE_PATH: bindings } });
    assert.equal(withBinding.status, 0, withBinding.stderr);

    const version = JSON.parse(readFileSync(join(REPO, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).dependencies['@duckdb/node-bindings'];
    const without = cli(args, { entry: join(alone, 'cli.js') });
    assert.equal(without.status, 2, without.stdout);
    assert.equal(
      without.stderr.trim(),
      `pipeline-lens: DuckDB's native binding cannot be loaded (Cannot find module '@duckdb/node-bindings'). It must sit where Node finds it from ${alone}: run \`npm install @duckdb/node-bindings@${version}\` in that folder (or one above it), or point NODE_PATH at a node_modules folder holding it.`,
    );
    // Commands that need no warehouse run without the binding.
    const verify = cli(['--cwd', demo, 'verify', '--service', 'prediction-worker'], { entry: join(alone, 'cli.js') });
    assert.equal(verify.status, 1, verify.stderr);
    assert.ok(readFileSync(join(REPO, 'README.md'), 'utf8').includes(`npm install @duckdb/node-bindings@${version}`), "README's install line names the pinned version");
  });
});
