// What every real-VS-Code run needs before a window opens: a fresh build of the extension,
// the extension-host tests bundled to JavaScript, and a demo workspace of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { log, repoRoot } from './layout.mjs';

export const extensionTestsSource = join(repoRoot, 'test', 'e2e', 'extension');

/** `npm run build` unless told the caller already built (scripts/test.mjs passes --no-build). */
export function buildExtension({ skip = false } = {}) {
  if (!skip) run(process.execPath, ['scripts/build.mjs'], 'build');
  for (const file of ['dist/cli.js', 'dist/extension.js', 'dist/startExtension.js']) {
    if (!existsSync(join(repoRoot, file))) throw new Error(`${file} is missing: run \`npm run build\`.`);
  }
}

/**
 * Bundles test/e2e/extension/*.ts into `outdir`, which must be inside the repository (a run's
 * scratch folder is) so that `require('mocha')` resolves to its node_modules; `vscode` is
 * the extension host's own. Returns the absolute path of the index (the `extensionTestsPath`).
 */
export async function compileExtensionTests(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  const entries = readdirSync(extensionTestsSource).filter((f) => f === 'index.ts' || f.endsWith('.e2e.ts'));
  await build({
    entryPoints: entries.map((f) => join(extensionTestsSource, f)),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode', 'mocha'],
  });
  return join(outdir, 'index.js');
}

/** Generates the demo workspace (a git repository and an embedded warehouse) into `dir`. */
export function generateDemo(dir) {
  rmSync(dir, { recursive: true, force: true });
  run(process.execPath, ['dist/cli.js', 'demo', '--dir', dir], 'demo', 'ignore');
  if (!existsSync(join(dir, 'pipeline-lens.json'))) throw new Error(`The demo was not generated into ${dir}.`);
  return dir;
}

function run(command, args, what, stdout = 'inherit') {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', stdout, 'inherit'] });
  if (result.status !== 0) throw new Error(`${what} failed: ${command} ${args.join(' ')} exited ${result.status}`);
  log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
