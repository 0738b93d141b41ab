// Runs the mocha suite of test/e2e/extension inside code-server's real Node extension host.
// code-server rejects --extensionDevelopmentPath, but its workbench accepts the same
// development options as a URL payload (as VS Code's own browser tests do); Chromium opens
// that URL and the workbench reports the suite's exit code through window.codeAutomationExit.
//
//   node scripts/e2e/runExtensionTests.mjs [--no-build]
import { join } from 'node:path';
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from './browser.mjs';
import { startCodeServer } from './codeServer.mjs';
import { ensureCodeServer } from './ensureCodeServer.mjs';
import { log, repoRoot } from './layout.mjs';
import { buildExtension, compileExtensionTests, generateDemo } from './prepare.mjs';

const TIMEOUT_MS = 5 * 60_000;

export async function runExtensionTests({ build = true } = {}) {
  const started = Date.now();
  await ensureCodeServer();
  buildExtension({ skip: !build });

  const server = await startCodeServer({ name: 'extension-tests' });
  let browser;
  let code = 1;
  try {
    const testsIndex = await compileExtensionTests(join(server.scratch, 'extension-tests'));
    const demo = generateDemo(join(server.scratch, 'demo'));
    log(`code-server ${server.origin} (logs: ${server.logFile})`);
    browser = await launchBrowser(server.scratch);
    const page = await browser.newPage();

    let report;
    const exited = new Promise((resolve) => (report = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => report(Number(code)));
    // The extension host's console (mocha's reporter among it) reaches the page's console.
    // In arrival order: each message's arguments are fetched from the page asynchronously.
    let printed = Promise.resolve();
    page.on('console', (message) => {
      printed = printed.then(() => consoleText(message)).then((text) => text !== null && console.log(text));
    });
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));

    const url = server.folderUrl(demo, [
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(testsIndex.replace(/\/index\.js$/, ''))],
    ]);
    await page.goto(url);
    let timer;
    code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)))]);
    clearTimeout(timer);
    await printed;
    if (code === 'timeout') {
      console.log(server.output());
      throw new Error(`The extension-host tests did not finish within ${TIMEOUT_MS / 1000} s.`);
    }
    log(`extension-host tests exited ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return code;
  } finally {
    await browser?.close();
    await server.stop({ removeScratch: code === 0 });
  }
}

/** Harmless on a machine without internet: the marketplace and the browser's own warnings. */
const noise = [/open-vsx\.org/, /^Failed to load resource/, /allow-scripts and allow-same-origin/, /web worker extension host is started/];

/**
 * The extension host's console reaches the page as the workbench's log lines
 * (`%c INFO`, `color: #33f`, then the original arguments): print the original text, the way
 * mocha's reporter meant it, and leave out the lines every run has.
 */
async function consoleText(message) {
  if (noise.some((pattern) => pattern.test(message.text()))) return null;
  let args;
  try {
    args = await Promise.all(message.args().map((arg) => arg.jsonValue()));
  } catch {
    return message.text();
  }
  if (typeof args[0] === 'string' && args[0].startsWith('%c') && typeof args[1] === 'string') args = args.slice(2);
  if (args.length === 0) return '';
  const text = typeof args[0] === 'string' ? format(...args) : args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return text;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runExtensionTests({ build: !process.argv.includes('--no-build') })
    .then((code) => process.exit(code))
    .catch((error) => {
      console.error(`[e2e] ${error.message}`);
      process.exit(1);
    });
}
