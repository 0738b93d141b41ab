import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

/*
 * The VSIXes `npm run package` makes, opened as the zips they are. This machine's platform
 * is always packaged and checked; another platform's binding comes from its npm package,
 * which needs the registry once: `.ci/run` fetches every platform's into
 * .cache/duckdb-bindings/ (node scripts/nativeBindings.mjs --fetch) before `npm test`, and
 * each platform whose binding is not there is reported as skipped, never as checked.
 * `npm run package -- --all` applies the same check to every VSIX it builds.
 */

const REPO = resolve(__dirname, '../../..');
/** Every target `npm run package -- --all` builds (checked against the script's own list below). */
const TARGETS = ['darwin-arm64', 'darwin-x64', 'linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'alpine-x64', 'alpine-arm64'];
const script = (name: string) => pathToFileURL(join(REPO, 'scripts', name)).href;

interface Scripts {
  bindingTargets: Record<string, string>;
  bindingTarball: (target: string) => string;
  installedBindingDir: () => string;
  unpackBinding: (tarball: string, dir: string) => string;
  vscodeTarget: () => string;
  expectedFileType: (target: string) => { format: string; arch: string; libc: string | null; library: string };
  fileTypeMismatch: (bytes: Buffer, target: string) => string | null;
  nativeFileType: (bytes: Buffer) => { format: string; archs: string[]; libc: string | null } | { problem: string };
  checkVsix: (file: string, target?: string) => string[];
  zipEntries: (file: string) => Map<string, () => Buffer>;
}

async function loadScripts(): Promise<Scripts> {
  // Plain .mjs helpers of the packaging scripts, loaded by URL rather than type-checked.
  return {
    ...((await import(script('nativeBindings.mjs'))) as object),
    ...((await import(script('nativeFileType.mjs'))) as object),
    ...((await import(script('checkVsix.mjs'))) as object),
    ...((await import(script('zipArchive.mjs'))) as object),
  } as Scripts;
}

describe('VSIX packages for each platform', () => {
  let s: Scripts;
  let scratch: string;
  let local: string;
  /** Targets whose binding is at hand: this machine's, and each fetched one. */
  let available: string[];

  before(async () => {
    s = await loadScripts();
    scratch = mkdtempSync(join(tmpdir(), 'pl-vsix-'));
    local = s.vscodeTarget();
    available = Object.keys(s.bindingTargets).filter((t) => t === local || existsSync(s.bindingTarball(t)));
  });

  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("reads this machine's DuckDB binding, from its headers, as built for this machine and no other platform", () => {
    assert.deepEqual(Object.keys(s.bindingTargets).sort(), [...TARGETS].sort(), 'the tests below cover every target');
    const dir = s.installedBindingDir();
    const expected = s.expectedFileType(local);
    for (const name of ['duckdb.node', expected.library]) {
      const bytes = readFileSync(join(dir, name));
      assert.equal(s.fileTypeMismatch(bytes, local), null, `${name} runs on ${local}`);
      for (const other of Object.keys(s.bindingTargets).filter((t) => t !== local)) {
        assert.notEqual(s.fileTypeMismatch(bytes, other), null, `${name} is not taken for ${other}`);
      }
    }
    assert.deepEqual(s.nativeFileType(Buffer.from('#!/bin/sh\n'.padEnd(80))), { problem: 'not a native binary (starts 23212f62)' });
  });

  for (const target of TARGETS) {
    it(`reads the ${target} binding of its npm package as ${target}'s and no other platform's`, (t) => {
      if (!existsSync(s.bindingTarball(target))) {
        t.skip(`not fetched: node scripts/nativeBindings.mjs --fetch (which .ci/run does) caches it`);
        return;
      }
      const dir = s.unpackBinding(s.bindingTarball(target), join(scratch, `binding-${target}`));
      for (const name of ['duckdb.node', s.expectedFileType(target).library]) {
        const bytes = readFileSync(join(dir, name));
        assert.equal(s.fileTypeMismatch(bytes, target), null, `${name} of ${target}`);
        const others = Object.keys(s.bindingTargets).filter((o) => o !== target && s.fileTypeMismatch(bytes, o) === null);
        // A universal Mach-O library serves both Mac targets; duckdb.node is one architecture.
        assert.deepEqual(others, name === 'libduckdb.dylib' ? [target === 'darwin-arm64' ? 'darwin-x64' : 'darwin-arm64'] : [], `${name} of ${target} is taken only for ${target}`);
      }
    });
  }

  it("packages this machine's platform, and win32-x64 from its npm package when fetched, each with its own binding and only what .vscodeignore lets through", () => {
    const targets = [local, ...(local !== 'win32-x64' && available.includes('win32-x64') ? ['win32-x64'] : [])];
    const out = join(scratch, 'vsix');
    const run = spawnSync(process.execPath, ['scripts/package.mjs', ...targets.flatMap((t) => ['--target', t]), '--offline', '--out-dir', out], { cwd: REPO, encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    assert.deepEqual(readdirSync(out).sort(), targets.map((t) => `${manifest.name}-${t}-${manifest.version}.vsix`).sort());

    for (const target of targets) {
      const file = join(out, `${manifest.name}-${target}-${manifest.version}.vsix`);
      assert.deepEqual(s.checkVsix(file, target), [], `${target}: its binding runs there`);
      const entries = s.zipEntries(file);
      const names = [...entries.keys()];
      for (const needed of [
        'extension/package.json',
        'extension/dist/extension.js',
        'extension/dist/startExtension.js',
        'extension/dist/server.js',
        'extension/dist/googleCloud.js',
        'extension/dist/duckdb.node',
        'extension/LICENSE.txt',
        'extension/readme.md',
      ]) {
        assert.ok(names.includes(needed), `${target}: ${needed} in ${names.join(', ')}`);
      }
      assert.equal(
        entries.get('extension/readme.md')!().toString('utf8'),
        readFileSync(join(REPO, 'marketplace', 'README.md'), 'utf8'),
        'the Marketplace README, not the developers',
      );
      assert.match(entries.get('extension/LICENSE.txt')!().toString('utf8'), /^MIT License/);
      const unwanted = names.filter((n) =>
        /^extension\/(src|test|scripts|bench|demo|bin|node_modules|marketplace)\/|\.map$|\.ts$|^extension\/dist\/cli\.js$|^extension\/README\.md$|^extension\/\.|\/\.[^/]+$/.test(
          n,
        ),
      );
      assert.deepEqual(unwanted, [], `${target}: nothing .vscodeignore leaves out`);
    }
  });
});
