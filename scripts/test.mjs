// Runs every *.test.ts under test/ with Node's own test runner (TypeScript through tsx),
// then the tests in a real VS Code (code-server, installed on first use): the extension-host
// suite (test/e2e/extension) and the UI suite (test/e2e/ui). Fails if any of them fails.
//
//   node scripts/test.mjs                         everything
//   node scripts/test.mjs test/unit/git           a subset: no real VS Code unless test/e2e is named
//   node scripts/test.mjs test/e2e                both real-VS-Code suites only
//   node scripts/test.mjs test/e2e/ui/x.ui.ts     one UI test file
//
// PIPELINE_LENS_SKIP_E2E=1 leaves the real-VS-Code suites out of a full run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const e2eRoot = resolve('test/e2e');

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      if (entry === 'fixtures' || entry === 'node_modules') continue;
      collect(join(path, entry), out);
    }
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const inside = (path, dir) => path === dir || path.startsWith(dir + sep);

/**
 * Which real-VS-Code suites to run: both for a full run (no arguments); for named roots,
 * only those named under test/e2e, so `node scripts/test.mjs test/unit` (or `test`)
 * starts no VS Code.
 */
function e2eSuites(roots) {
  if (roots.length === 0) return ['1', 'true'].includes(process.env.PIPELINE_LENS_SKIP_E2E ?? '') ? { extension: false, ui: [] } : { extension: true, ui: ['all'] };
  const suites = { extension: false, ui: [] };
  for (const root of roots.map((r) => resolve(r))) {
    if (root === e2eRoot) {
      suites.extension = true;
      suites.ui.push('all');
    } else if (inside(root, join(e2eRoot, 'extension'))) {
      suites.extension = true;
    } else if (inside(root, join(e2eRoot, 'ui'))) {
      suites.ui.push(root.endsWith('.ui.ts') ? relative(process.cwd(), root) : 'all');
    }
  }
  if (suites.ui.includes('all')) suites.ui = ['all'];
  return suites;
}

function run(what, command, args, env = {}) {
  console.log(`\n# ${what}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return { what, ok: result.status === 0 };
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test']).filter((root) => !inside(resolve(root), e2eRoot)).flatMap((root) => collect(root, []));
const suites = e2eSuites(roots);
const wantsE2e = suites.extension || suites.ui.length > 0;
if (files.length === 0 && !wantsE2e) {
  console.error('No test files found.');
  process.exit(1);
}

const results = [];
if (files.length) {
  results.push(run('node:test', process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { NODE_ENV: 'test' }));
}
if (wantsE2e) {
  // One build for both suites (npm test has built already; a direct run may not have).
  const build = run('build', process.execPath, ['scripts/build.mjs']);
  results.push(build);
  if (build.ok && suites.extension) {
    results.push(run('extension-host tests in code-server', process.execPath, ['scripts/e2e/runExtensionTests.mjs', '--no-build']));
  }
  if (build.ok && suites.ui.length) {
    const only = suites.ui[0] === 'all' ? [] : suites.ui;
    results.push(run('UI tests in code-server', process.execPath, ['scripts/e2e/runUiTests.mjs', '--no-build', ...only]));
  }
}

const failed = results.filter((r) => !r.ok);
if (results.length > 1) {
  console.log('');
  for (const r of results) console.log(`${r.ok ? '✔' : '✖'} ${r.what}`);
  console.log(failed.length ? `${failed.length} of ${results.length} steps failed.` : `All ${results.length} steps passed.`);
}
process.exit(failed.length ? 1 : 0);
