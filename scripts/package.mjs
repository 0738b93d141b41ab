// `npm run package`: VSIXes of the extension. DuckDB's binding is native, so each VSIX is
// for one VS Code target platform (`vsce package --target`):
//
//   node scripts/package.mjs                        this machine's platform (binding from node_modules)
//   node scripts/package.mjs --target win32-x64     one platform, repeatable
//   node scripts/package.mjs --all                  every platform DuckDB publishes a binding for
//     --out <file.vsix>   with one platform: where it goes
//     --out-dir <dir>     where they go (default: the repository), named pipeline-lens-<target>-<version>.vsix
//     --offline           build only the platforms whose binding is at hand (node_modules or
//                         .cache/duckdb-bindings/); say which were left out
//
// Another platform's binding is that platform's npm package at the locked version (`npm
// pack`, checked against package-lock.json, cached: scripts/nativeBindings.mjs).
//
// What goes in is what .vscodeignore lets through: the files `vsce ls` lists for the
// repository are staged (dist/ aside), production bundles are built into the stage's dist/
// once, and each platform's stage gets its binding beside them before `vsce package`. Each
// VSIX is then opened and its binding's headers checked against its target
// (scripts/checkVsix.mjs); a mismatch fails the packaging.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkVsix } from './checkVsix.mjs';
import { bindingTargets, copyBindingFiles, ensureBindingTarball, installedBindingDir, unpackBinding, vscodeTarget } from './nativeBindings.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');

/** The Marketplace page; README.md is the developers' (and the npm package's). */
export const marketplaceReadme = 'marketplace/README.md';

/** Every target `--all` builds. */
export const allTargets = Object.keys(bindingTargets);

/** One VSIX for this machine's platform; returns its path. */
export function packageExtension({ out, log = defaultLog } = {}) {
  const [result] = packageExtensions({ targets: [vscodeTarget()], out, log });
  return result.file;
}

/**
 * VSIXes for `targets`: `[{ target, file }]`, or `{ target, skipped }` for a platform left out
 * because `offline` and its binding is not cached.
 */
export function packageExtensions({ targets = [vscodeTarget()], out, outDir, offline = false, log = defaultLog } = {}) {
  if (out && targets.length !== 1) throw new Error('--out names one file; with several targets use --out-dir.');
  for (const target of targets) if (!bindingTargets[target]) throw new Error(`No VSIX for ${target}: DuckDB publishes no binding for it. Targets: ${allTargets.join(', ')}.`);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  // Per process: two packaging runs at once (two test runs on one machine) stay apart.
  const stage = join(repoRoot, '.vscode-test', `vsix-stage-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  try {
    const common = join(stage, 'common');
    stageFiles(common);
    run(process.execPath, ['scripts/build.mjs', '--production', '--package', '--no-binding', `--outdir=${join(common, 'dist')}`], repoRoot, 'production build');
    for (const file of ['extension.js', 'startExtension.js', 'server.js', 'googleCloud.js']) {
      if (!existsSync(join(common, 'dist', file))) throw new Error(`The packaging build produced no dist/${file}.`);
    }
    const results = [];
    for (const target of targets) {
      const started = Date.now();
      const binding = bindingFor(target, join(stage, `binding-${target}`), offline, log);
      if (binding === null) {
        results.push({
          target,
          skipped: `its DuckDB binding is not in ${relativeToRepo(join(repoRoot, '.cache', 'duckdb-bindings'))}; run \`node scripts/nativeBindings.mjs --fetch\` (needs the npm registry)`,
        });
        log(`${target}: not built (binding not fetched)`);
        continue;
      }
      const folder = join(stage, target);
      cpSync(common, folder, { recursive: true });
      const copied = copyBindingFiles(binding, join(folder, 'dist'));
      if (!copied.includes('duckdb.node')) throw new Error(`The ${target} binding has no duckdb.node (found ${copied.join(', ')}).`);
      const file = resolve(out ?? join(outDir ?? repoRoot, `${manifest.name}-${target}-${manifest.version}.vsix`));
      mkdirSync(dirname(file), { recursive: true });
      rmSync(file, { force: true });
      run(
        process.execPath,
        [
          vsce,
          'package',
          '--no-dependencies', // everything is bundled; the native binding was copied beside it
          '--target',
          target,
          '--readme-path',
          marketplaceReadme,
          '--allow-missing-repository',
          '--no-rewrite-relative-links',
          '--out',
          file,
        ],
        folder,
        `vsce package --target ${target}`,
      );
      rmSync(folder, { recursive: true, force: true });
      const problems = checkVsix(file, target);
      if (problems.length) throw new Error(`${file} would not run on ${target}: ${problems.join('; ')}.`);
      log(`${relativeToRepo(file)} (${(statSync(file).size / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      results.push({ target, file });
    }
    return results;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Copies what `vsce ls` lists for the repository (under .vscodeignore), except dist/, which is built. */
function stageFiles(folder) {
  const listed = run(process.execPath, [vsce, 'ls', '--no-dependencies', '--readme-path', marketplaceReadme], repoRoot, 'vsce ls')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('dist/'));
  if (!listed.includes('package.json') || !listed.includes(marketplaceReadme)) {
    throw new Error(`vsce ls did not list package.json and ${marketplaceReadme}: ${listed.join(', ')}`);
  }
  for (const file of listed) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(folder, file));
  }
  copyFileSync(join(repoRoot, '.vscodeignore'), join(folder, '.vscodeignore'));
}

/** The folder holding `target`'s binding files; null when offline and not cached. */
function bindingFor(target, scratch, offline, log) {
  if (target === vscodeTarget()) return installedBindingDir();
  const tarball = ensureBindingTarball(target, { offline, log });
  return tarball === null ? null : unpackBinding(tarball, scratch);
}

function run(command, args, cwd, what) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}):\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}`);
  }
  return result.stdout;
}

function relativeToRepo(path) {
  return path.startsWith(repoRoot + '/') ? path.slice(repoRoot.length + 1) : path;
}

function defaultLog(message) {
  console.log(`[package] ${message}`);
}

function argument(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const named = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--target' ? [a] : []));
  const targets = process.argv.includes('--all') ? allTargets : named.length ? named : [vscodeTarget()];
  try {
    const results = packageExtensions({ targets, out: argument('--out'), outDir: argument('--out-dir'), offline: process.argv.includes('--offline') });
    const skipped = results.filter((r) => r.skipped);
    for (const r of skipped) console.log(`[package] ${r.target} left out: ${r.skipped}.`);
  } catch (error) {
    console.error(`[package] ${error.message}`);
    process.exit(1);
  }
}
