// `npm start`: builds, generates the demo workspace into .demo/ and investigates it, then
// serves a real VS Code (code-server, installed on first use) on 127.0.0.1 with the
// extension installed and the demo open, until Ctrl-C. One line per step on the terminal;
// what the steps print goes to files named there (the install's to .vscode-test/install.log,
// the full investigation to .vscode-test/demo-investigation.txt); it ends with the
// investigation's findings and the URL.
//
//   node scripts/start.mjs [--port N]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startCodeServer } from './e2e/codeServer.mjs';
import { ensureCodeServer } from './e2e/ensureCodeServer.mjs';
import { codeServerVersion, repoRoot, vscodeTestDir } from './e2e/layout.mjs';

const demo = join(repoRoot, '.demo');
const reportFile = join(vscodeTestDir, 'demo-investigation.txt');
/** Findings shown at the end; the rest are in the report file. */
const SHOWN_FINDINGS = 5;
const WIDTH = 100;

const shown = (path) => relative(process.cwd(), path) || '.';

/** Runs one step, printing `label… done (N s)` on one line; on failure, what the step printed. */
async function step(label, action) {
  const started = Date.now();
  process.stdout.write(`${label}… `);
  let interrupted = false;
  const interrupt = () => {
    // A step that prints progress of its own starts on a fresh line.
    if (!interrupted) process.stdout.write('\n');
    interrupted = true;
  };
  try {
    const result = await action(interrupt);
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    process.stdout.write(interrupted ? `  ${label}: done (${took})\n` : `done (${took})\n`);
    return result;
  } catch (error) {
    if (!interrupted) process.stdout.write('failed\n');
    console.error(error.message);
    process.exit(1);
  }
}

/** A node script's output, or an error carrying everything it printed. */
function node(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}):\n${`${result.stdout}${result.stderr}`.trim()}`);
  return result.stdout;
}

/** `1. [critical] Backfill of …` lines of the report, cut to the terminal's usual width. */
function findingLines(report) {
  const findings = report.split('\n').filter((line) => /^\d+\. \[/.test(line));
  const cut = (line) => (line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line);
  return { count: findings.length, lines: findings.slice(0, SHOWN_FINDINGS).map((line) => `  ${cut(line)}`) };
}

async function main() {
  console.log('Pipeline Lens: the demo in a real VS Code\n');
  await step('Building the extension (dist/)', () => node(['scripts/build.mjs'], 'npm run build'));
  await step(`Generating the demo workspace (${shown(demo)})`, () => node(['dist/cli.js', 'demo', '--dir', demo], 'pipeline-lens demo'));
  const report = await step('Investigating the demo', () => {
    const text = node(['dist/cli.js', '--cwd', demo, 'investigate'], 'pipeline-lens investigate');
    writeFileSync(reportFile, text);
    return text;
  });
  await step(`Checking code-server ${codeServerVersion}`, (interrupt) =>
    ensureCodeServer({
      log: (message) => {
        if (/already installed/.test(message)) return;
        interrupt();
        console.log(`    ${message}`);
      },
    }),
  );
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : process.env.PIPELINE_LENS_PORT ? Number(process.env.PIPELINE_LENS_PORT) : undefined;
  // The repository itself is the installed extension: after `npm run build`, "Developer:
  // Reload Window" in the browser picks up the change. The extension opens the handoff note
  // and its view (first start only); no startup editor of VS Code's own (a README preview, the
  // Welcome page) opens in a folder to race it for the focus, and 'none' would tell the
  // extension to open nothing either.
  const server = await step('Starting code-server on 127.0.0.1', () =>
    startCodeServer({ name: 'start', extensions: { link: [repoRoot] }, port, settings: { 'workbench.startupEditor': 'welcomePageInEmptyWorkbench' } }),
  );

  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server…');
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  const { count, lines } = findingLines(report);
  console.log(
    [
      '',
      `The demo's investigation: ${count} findings${count > SHOWN_FINDINGS ? `, the first ${SHOWN_FINDINGS}` : ''} (all, with evidence: ${shown(reportFile)})`,
      ...lines,
      '',
      'Pipeline Lens in VS Code (code-server), with the demo workspace open:',
      '',
      `  ${server.folderUrl(demo)}`,
      '',
      `code-server's log: ${shown(server.logFile)}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  // Keep running until told to stop, or until code-server exits by itself (a crash).
  const { code, signal } = await server.exited;
  if (!stopping) {
    console.error(`code-server exited (${signal ?? `code ${code}`}); see ${server.logFile}`);
    await shutdown(1);
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
