import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, uiSession, type Workbench } from './workbench';

const HANDOFF_NOTE = 'docs/handoffs/2026-02-02-prediction-regression.md';

/**
 * Restricted Mode needs a code-server of its own: the shared one runs with
 * --disable-workspace-trust, which makes every folder trusted. This one runs without it,
 * with the same extension, and opens the demo untrusted (no startup prompt).
 */
describe('Restricted Mode: an untrusted workspace runs nothing', () => {
  let server: { origin: string; child: ChildProcess };
  let wb: Workbench;

  before(async () => {
    server = await startUntrustedCodeServer();
    wb = await openWorkbench({ origin: server.origin });
  });

  after(async () => {
    await wb?.close();
    if (server?.child.pid) {
      try {
        process.kill(-server.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  it('says why in the views, and starts no language server', async () => {
    await wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await wb.openViewContainer('Pipeline Lens');
    const welcome = wb.page.locator('.welcome-view-content', { hasText: 'Pipeline Lens is off in Restricted Mode' }).first();
    await wb.step('the Models view says why nothing runs', () => welcome.waitFor({ timeout: 30_000 }));
    assert.ok(await wb.page.getByRole('button', { name: 'Manage Workspace Trust' }).first().isVisible(), 'a way to trust the workspace');

    await wb.openFile(HANDOFF_NOTE);
    // Long enough for a lens to have appeared in a trusted workspace (the other suite sees it in ~6 s).
    await wb.page.waitForTimeout(5_000);
    assert.deepEqual(
      (await wb.codeLenses()).filter((t) => t.includes('prediction-worker')),
      [],
      'no lenses: nothing ran git or the warehouse',
    );
    assert.deepEqual(
      processesOf(server.child.pid!).filter((c) => /dist\/server\.js|\bgit\b/.test(c)),
      [],
      'no language server and no git process',
    );
    await wb.screenshot('restricted-mode');
  });
});

/** Command lines of the processes in code-server's process group. */
function processesOf(pgid: number): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // The process ended while being read.
    }
  }
  return lines;
}

async function startUntrustedCodeServer(): Promise<{ origin: string; child: ChildProcess }> {
  // The harness's own helpers (plain .mjs, so loaded by URL rather than type-checked).
  const script = (name: string) => pathToFileURL(join(__dirname, '..', '..', '..', 'scripts', 'e2e', name)).href;
  const { codeServerEntry } = (await import(script('layout.mjs'))) as { codeServerEntry: string };
  const { defaultSettings, freePort, installExtensions, isolatedEnv } = (await import(script('codeServer.mjs'))) as {
    defaultSettings: Record<string, unknown>;
    freePort: () => Promise<number>;
    installExtensions: (options: { extensionsDir: string; userDataDir: string; env: NodeJS.ProcessEnv; link: string[] }) => void;
    isolatedEnv: (scratch: string) => NodeJS.ProcessEnv;
  };
  const scratch = join(uiSession().scratch, 'restricted-mode');
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      { ...defaultSettings, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' },
      null,
      2,
    ),
  );
  const env = isolatedEnv(scratch);
  // The extension the runner installed (from the VSIX, or the linked repository).
  const installedDir = process.env.PIPELINE_LENS_E2E_EXTENSIONS_DIR!;
  const installed = readdirSync(installedDir).find((f) => f.startsWith('pipeline-lens.pipeline-lens-'));
  assert.ok(installed, `the runner installed the extension into ${installedDir}`);
  installExtensions({ extensionsDir, userDataDir, env, link: [realpathSync(join(installedDir, installed))] });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--config',
      join(scratch, 'config.yaml'),
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
    ],
    { cwd: scratch, env, detached: true, stdio: 'ignore' },
  );
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return { origin, child };
    } catch {
      // Not listening yet; asked again until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`the untrusted code-server did not start on ${origin}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
