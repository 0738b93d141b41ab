// `npm run package`: a VSIX for this machine's platform (DuckDB's binding is native), built
// in a staging folder so the working dist/ is left alone:
//   production bundles + DuckDB's binding beside them (scripts/build.mjs --package),
//   the manifest and the assets it names, and nothing from node_modules.
//
//   node scripts/package.mjs [--out <file.vsix>]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vscodeTarget } from './nativeBindings.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * Top-level entries of the repository that are not part of the extension. Everything else
 * (package.json, README, media/, schemas/, syntaxes/, snippets/, docs/, …) goes in, so a new
 * asset folder named in package.json ships without touching this list.
 */
const notShipped = new Set(['node_modules', 'test-output', 'coverage', 'src', 'test', 'bench', 'demo', 'scripts', 'bin', 'dist', 'out', 'package-lock.json', 'tsconfig.json']);

/** What vsce leaves out of the staged folder. */
const vscodeignore = ['dist/cli.js', '**/*.map', '**/*.ts', '**/*.vsix'];

export function packageExtension({ out, log = (m) => console.log(`[package] ${m}`) } = {}) {
  const started = Date.now();
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const target = vscodeTarget();
  out = resolve(out ?? join(repoRoot, `${manifest.name}-${target}-${manifest.version}.vsix`));
  // Per process: two packaging runs at once (two test runs on one machine) stay apart.
  const stage = join(repoRoot, '.vscode-test', `vsix-stage-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    return stageAndPackage(stage, out, target, log, started);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function stageAndPackage(stage, out, target, log, started) {
  for (const entry of readdirSync(repoRoot)) {
    if (entry.startsWith('.') || notShipped.has(entry) || entry.endsWith('.vsix') || entry.endsWith('.log')) continue;
    cpSync(join(repoRoot, entry), join(stage, entry), { recursive: true });
  }
  writeFileSync(join(stage, '.vscodeignore'), vscodeignore.join('\n') + '\n');

  run(process.execPath, ['scripts/build.mjs', '--production', '--package', `--outdir=${join(stage, 'dist')}`], repoRoot, 'production build');
  for (const file of ['extension.js', 'startExtension.js', 'server.js', 'duckdb.node']) {
    if (!existsSync(join(stage, 'dist', file))) throw new Error(`The packaging build produced no dist/${file}.`);
  }

  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  run(
    process.execPath,
    [
      vsce, 'package',
      '--no-dependencies', // everything is bundled; the native binding was copied beside it
      '--target', target,
      '--skip-license',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--out', out,
    ],
    stage,
    'vsce package',
  );
  log(`${out} (${(statSync(out).size / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return out;
}

function run(command, args, cwd, what) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}).`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--out');
  try {
    packageExtension({ out: i > 0 ? process.argv[i + 1] : undefined });
  } catch (error) {
    console.error(`[package] ${error.message}`);
    process.exit(1);
  }
}
