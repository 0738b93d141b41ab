// DuckDB's native binding for a packaged extension. A VSIX carries no node_modules, so the
// target platform's binding (duckdb.node and the libduckdb it loads from its own folder) is
// copied beside the bundle and the bundle requires it from there.
//
// This machine's binding comes from node_modules. Another platform's comes from its npm
// package at the version package-lock.json pins (`npm pack`), checked against the lock's
// integrity and cached in .cache/duckdb-bindings/, so packaging for it is offline once
// fetched:
//
//   node scripts/nativeBindings.mjs --fetch     fetch every platform's binding (CI does, before npm test)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where fetched binding tarballs are kept (git-ignored). */
export const bindingCache = join(repoRoot, '.cache', 'duckdb-bindings');

/**
 * Every VS Code target platform DuckDB publishes a binding for, and that binding's npm
 * package suffix. linux-armhf (32-bit ARM) has none, so no VSIX is built for it.
 */
export const bindingTargets = {
  'darwin-arm64': 'darwin-arm64',
  'darwin-x64': 'darwin-x64',
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
  'alpine-x64': 'linux-x64-musl',
  'alpine-arm64': 'linux-arm64-musl',
};

/** esbuild plugin: `@duckdb/node-bindings` becomes `require('./duckdb.node')`, next to the bundle. */
export function duckdbBindingBesideBundle() {
  return {
    name: 'duckdb-binding-beside-bundle',
    setup(build) {
      build.onResolve({ filter: /^@duckdb\/node-bindings$/ }, () => ({ path: 'duckdb-binding', namespace: 'duckdb-binding' }));
      build.onLoad({ filter: /.*/, namespace: 'duckdb-binding' }, () => ({ contents: "module.exports = require('./duckdb.node');", loader: 'js' }));
      build.onResolve({ filter: /^\.\/duckdb\.node$/ }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/** The npm package holding this machine's DuckDB binding, e.g. `@duckdb/node-bindings-linux-x64`. */
export function duckdbBindingPackage() {
  const musl = process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
  return `@duckdb/node-bindings-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
}

/** The VS Code target platform this machine's binding is built for (`vsce package --target`). */
export function vscodeTarget() {
  const name = duckdbBindingPackage().replace('@duckdb/node-bindings-', '');
  return name.endsWith('-musl') ? `alpine-${process.arch}` : name;
}

/** The binding package of a VS Code target, with the version and integrity package-lock.json records for it. */
export function lockedBinding(target) {
  const suffix = bindingTargets[target];
  if (!suffix) {
    throw new Error(`DuckDB publishes no binding for ${target}; the targets with one are ${Object.keys(bindingTargets).join(', ')}.`);
  }
  const name = `@duckdb/node-bindings-${suffix}`;
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry?.integrity) {
    throw new Error(`package-lock.json records no version and integrity for ${name}; run \`npm install\` to refresh the lock.`);
  }
  return { name, version: entry.version, integrity: entry.integrity };
}

/** Where the tarball of `target`'s binding is cached. */
export function bindingTarball(target) {
  const { name, version } = lockedBinding(target);
  return join(bindingCache, `${name.slice(1).replace('/', '-')}-${version}.tgz`);
}

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * The cached tarball of `target`'s binding, fetched with `npm pack` first unless `offline`;
 * null when offline and not cached. A tarball whose sha512 is not the lock's is refused.
 */
export function ensureBindingTarball(target, { offline = false, log = () => {} } = {}) {
  const { name, version, integrity } = lockedBinding(target);
  const file = bindingTarball(target);
  if (!existsSync(file)) {
    if (offline) return null;
    mkdirSync(bindingCache, { recursive: true });
    const download = mkdtempSync(join(bindingCache, 'fetch-'));
    try {
      log(`npm pack ${name}@${version}`);
      const result = spawnSync('npm', ['pack', '--silent', `${name}@${version}`, '--pack-destination', download], { cwd: download, encoding: 'utf8' });
      const packed = result.status === 0 ? readdirSync(download).find((f) => f.endsWith('.tgz')) : undefined;
      if (!packed) {
        throw new Error(
          `npm pack ${name}@${version} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr.trim()}. It needs the npm registry; on a machine without it, copy ${file} from one that has it.`,
        );
      }
      renameSync(join(download, packed), file);
    } finally {
      rmSync(download, { recursive: true, force: true });
    }
  }
  const actual = integrityOf(file);
  if (actual !== integrity) {
    throw new Error(`${file} is not ${name}@${version} as package-lock.json records it (sha512 differs); delete it and fetch again.`);
  }
  return file;
}

/** The folder holding this machine's binding files, in node_modules. */
export function installedBindingDir() {
  const bindings = dirname(require.resolve('@duckdb/node-bindings/package.json'));
  return dirname(require.resolve(`${duckdbBindingPackage()}/package.json`, { paths: [bindings] }));
}

/** Unpacks a binding tarball into `dir` and returns the folder holding its files. */
export function unpackBinding(tarball, dir) {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync('tar', ['xzf', tarball, '-C', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar could not unpack ${tarball}: ${result.stderr.trim() || result.error?.message}`);
  return join(dir, 'package');
}

/** Copies a binding's files (not its package.json or README) from `from` into `outdir`. */
export function copyBindingFiles(from, outdir) {
  mkdirSync(outdir, { recursive: true });
  const copied = [];
  for (const file of readdirSync(from)) {
    if (file === 'package.json' || file === 'README.md') continue;
    const target = file === 'LICENSE' ? 'LICENSE.duckdb' : file;
    copyFileSync(join(from, file), join(outdir, target));
    copied.push(target);
  }
  return copied;
}

/** Copies this machine's binding files into `outdir`. */
export function copyDuckdbBinding(outdir) {
  return { package: duckdbBindingPackage(), files: copyBindingFiles(installedBindingDir(), outdir) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.argv.includes('--fetch')) {
    console.error("Usage: node scripts/nativeBindings.mjs --fetch   (caches every platform's DuckDB binding in .cache/duckdb-bindings/)");
    process.exit(2);
  }
  try {
    for (const target of Object.keys(bindingTargets)) {
      const file = ensureBindingTarball(target, { log: (m) => console.log(`[bindings] ${m}`) });
      console.log(`[bindings] ${target}: ${file.slice(repoRoot.length + 1)}`);
    }
  } catch (error) {
    console.error(`[bindings] ${error.message}`);
    process.exit(1);
  }
}
