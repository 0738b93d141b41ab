// `npm start`: builds, generates the demo workspace into .demo/ and prints its investigation
// (what `npm run demo` prints), then serves a real VS Code (code-server, installed on first
// use) on 127.0.0.1 with the extension installed and the demo open, until Ctrl-C.
//
//   node scripts/start.mjs [--port N]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startCodeServer } from './e2e/codeServer.mjs';
import { ensureCodeServer } from './e2e/ensureCodeServer.mjs';
import { repoRoot } from './e2e/layout.mjs';

const demo = join(repoRoot, '.demo');

function step(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main() {
  step(process.execPath, ['scripts/build.mjs']);
  step(process.execPath, ['dist/cli.js', 'demo', '--dir', demo, '--investigate']);

  await ensureCodeServer();
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : process.env.PIPELINE_LENS_PORT ? Number(process.env.PIPELINE_LENS_PORT) : undefined;
  // The repository itself is the installed extension: after `npm run build`, "Developer:
  // Reload Window" in the browser picks up the change.
  const server = await startCodeServer({ name: 'start', extensions: { link: [repoRoot] }, port });

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

  console.log(
    [
      '',
      'Pipeline Lens in VS Code (code-server), with the demo workspace open:',
      '',
      `  ${server.folderUrl(demo)}`,
      '',
      `Logs: ${server.logFile}`,
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
