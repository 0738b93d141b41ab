// Runs the UI tests (test/e2e/ui/*.ui.ts, node:test files driving Chromium with
// playwright-core) against one code-server that has the extension installed from a freshly
// packaged VSIX (the same file `npm run package` makes) and the demo workspace generated.
// Screenshots land in test-output/screenshots/.
//
//   node scripts/e2e/runUiTests.mjs [--no-build] [--link] [test/e2e/ui/x.ui.ts ...]
//     --link      link the repository into the extensions dir instead of packaging (faster
//                 while developing; the VSIX route is what users get)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageExtension } from '../package.mjs';
import { scratchFolder, startCodeServer } from './codeServer.mjs';
import { chromiumArgs } from './browser.mjs';
import { ensureCodeServer } from './ensureCodeServer.mjs';
import { chromiumPath, log, repoRoot, screenshotsDir } from './layout.mjs';
import { buildExtension, generateDemo } from './prepare.mjs';

const uiTestsDir = join(repoRoot, 'test', 'e2e', 'ui');

export async function runUiTests({ build = true, link = false, files = [] } = {}) {
  const started = Date.now();
  await ensureCodeServer();
  buildExtension({ skip: !build });
  const scratch = scratchFolder('ui-tests');
  const extensions = link ? { link: [repoRoot] } : { vsix: [packageExtension({ out: join(scratch, 'pipeline-lens.vsix'), log: (m) => log(`packaged ${m}`) })] };

  const server = await startCodeServer({ name: 'ui-tests', scratch, extensions });
  let code = 1;
  try {
    const demo = generateDemo(join(server.scratch, 'demo'));
    log(`code-server ${server.origin} with the extension ${link ? 'linked' : 'installed from the VSIX'} (logs: ${server.logFile})`);
    const tests = files.length
      ? files
      : readdirSync(uiTestsDir)
          .filter((f) => f.endsWith('.ui.ts'))
          .sort()
          .map((f) => relative(repoRoot, join(uiTestsDir, f)));
    code = await runNodeTests(tests, {
      PIPELINE_LENS_E2E_ORIGIN: server.origin,
      PIPELINE_LENS_E2E_DEMO: demo,
      PIPELINE_LENS_E2E_SCRATCH: server.scratch,
      PIPELINE_LENS_E2E_SCREENSHOTS: screenshotsDir,
      PIPELINE_LENS_E2E_EXTENSIONS_DIR: server.extensionsDir,
      PIPELINE_LENS_E2E_INSTALL: link ? 'link' : 'vsix',
      PIPELINE_LENS_CHROMIUM: chromiumPath,
      PIPELINE_LENS_CHROMIUM_ARGS: JSON.stringify(chromiumArgs),
    });
    log(`UI tests exited ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in ${relative(repoRoot, screenshotsDir)}/`);
    return code;
  } finally {
    await server.stop({ removeScratch: code === 0 });
  }
}

/** A test that hangs (a page that never loads) fails after this, rather than holding CI. */
const TEST_TIMEOUT_MS = 3 * 60_000;
const RUN_TIMEOUT_MS = 15 * 60_000;

/** One file at a time: each opens its own browser on the shared code-server, and 2 cores are few. */
function runNodeTests(files, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    const timer = setTimeout(() => {
      console.error(`[e2e] the UI tests ran past ${RUN_TIMEOUT_MS / 60_000} minutes; stopping them`);
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  runUiTests({
    build: !args.includes('--no-build'),
    link: args.includes('--link'),
    files: args.filter((a) => !a.startsWith('--')),
  })
    .then((code) => process.exit(code))
    .catch((error) => {
      console.error(`[e2e] ${error.message}`);
      process.exit(1);
    });
}
