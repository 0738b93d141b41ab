// Starts code-server (a real VS Code served to a browser) on 127.0.0.1 with a free port and
// every folder it writes to (home, XDG, tmp, user data, extensions) under one scratch folder,
// so a run neither reads nor changes the developer's own VS Code or home directory.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { codeServerEntry, log, repoRoot, runsDir } from './layout.mjs';

/** Settings that keep the workbench quiet and predictable for a person and for tests alike. */
export const defaultSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'editor.hover.delay': 200,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * A scratch folder for one run: `.vscode-test/runs/<name>-<pid>/`. The pid keeps runs that
 * overlap (two engineers' test runs on one machine) apart. A runner removes its folder after
 * a success and keeps it after a failure, for its logs; folders of processes no longer
 * running are removed here, on the next run.
 */
export function scratchFolder(name) {
  mkdirSync(runsDir, { recursive: true });
  for (const entry of readdirSync(runsDir)) {
    const pid = Number(/-(\d+)$/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !isRunning(pid)) rmSync(join(runsDir, entry), { recursive: true, force: true });
  }
  const dir = join(runsDir, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/*
 * Unix sockets (Chromium's SingletonSocket, VS Code's IPC handles) live in TMPDIR and
 * XDG_RUNTIME_DIR, and a socket path longer than 107 bytes fails: under a checkout in a deep
 * folder, scratch/tmp is too long. Those two get short folders of their own, removed on exit.
 */
const shortRoot = existsSync('/tmp') ? '/tmp' : tmpdir();
const shortDirs = [];
process.on('exit', () => {
  for (const dir of shortDirs) rmSync(dir, { recursive: true, force: true });
});
function shortDir() {
  const dir = mkdtempSync(join(shortRoot, 'pl-e2e-'));
  shortDirs.push(dir);
  return dir;
}

/** The environment of a process whose home and XDG folders are under `scratch`, and tmp in a short folder. */
export function isolatedEnv(scratch, extra = {}) {
  const dirs = {
    HOME: join(scratch, 'home'),
    XDG_CONFIG_HOME: join(scratch, 'home', '.config'),
    XDG_DATA_HOME: join(scratch, 'home', '.local', 'share'),
    XDG_CACHE_HOME: join(scratch, 'home', '.cache'),
    XDG_STATE_HOME: join(scratch, 'home', '.local', 'state'),
    XDG_RUNTIME_DIR: shortDir(),
    TMPDIR: shortDir(),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const env = { ...process.env, ...dirs, ...extra };
  // Variables that would point code-server at the caller's VS Code or another instance.
  for (const name of Object.keys(env)) {
    if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE' || name === 'PORT' || name === 'PASSWORD') delete env[name];
  }
  return env;
}

/** A port the OS says is free now (listen on 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Installs extensions into `extensionsDir`: `link` folders are symlinked (as a developer's
 * folder under development), `vsix` files installed by code-server's --install-extension.
 */
export function installExtensions({ extensionsDir, userDataDir, env, link = [], vsix = [] }) {
  mkdirSync(extensionsDir, { recursive: true });
  for (const folder of link) {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    rmSync(target, { recursive: true, force: true });
    symlinkSync(folder, target, 'dir');
  }
  for (const file of vsix) {
    const result = spawnSync(process.execPath, [codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force', '--install-extension', file], {
      env,
      encoding: 'utf8',
    });
    if (result.status !== 0 || !/successfully installed/.test(result.stdout ?? '')) {
      throw new Error(`code-server --install-extension ${file} failed:\n${result.stdout}${result.stderr}`);
    }
    log(result.stdout.trim().split('\n').pop());
  }
}

/**
 * Starts code-server and waits until it answers /healthz. Returns its origin, helpers to
 * build workbench URLs, and `stop()`, which ends its whole process group.
 *
 * options.name      scratch folder name under .vscode-test/runs/ (or options.scratch, made by scratchFolder)
 * options.extensions { link?: string[], vsix?: string[] } installed before the start
 * options.settings  user settings merged over defaultSettings
 */
export async function startCodeServer({ name, scratch, extensions = {}, settings = {}, env: extraEnv = {}, port } = {}) {
  if (!existsSync(codeServerEntry)) {
    throw new Error('code-server is not installed: run `node scripts/e2e/ensureCodeServer.mjs`.');
  }
  scratch ??= scratchFolder(name);
  const env = isolatedEnv(scratch, extraEnv);
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...settings }, null, 2));
  installExtensions({ extensionsDir, userDataDir, env, ...extensions });

  port ??= await freePort();
  const logFile = join(scratch, 'code-server.log');
  const output = createWriteStream(logFile);
  const args = [
    codeServerEntry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--config',
    join(scratch, 'config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  // Its own process group (detached), so stop() ends code-server and every process it
  // started (extension hosts, the language server, file watchers) in one signal.
  const child = spawn(process.execPath, args, { cwd: scratch, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const onData = (chunk) => {
    output.write(chunk);
    text += chunk.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));

  const origin = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killGroup(child);
    output.end();
  };
  const onExit = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.once('exit', onExit);

  try {
    await waitForHealth(
      origin,
      () => exited,
      () => text,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    origin,
    port,
    scratch,
    userDataDir,
    extensionsDir,
    logFile,
    pid: child.pid,
    /** Resolves with { code, signal } when code-server exits (after stop(), or by itself). */
    exited: exitedPromise,
    /** Everything code-server printed so far. */
    output: () => text,
    /** The workbench URL opening `folder`, with an optional URL payload (see runExtensionTests). */
    folderUrl: (folder, payload) =>
      `${origin}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}${payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`,
    /** A folder or file of this machine as the workbench's remote URI. */
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    /** Ends code-server's process group; `removeScratch` also deletes the run's folder. */
    stop: async ({ removeScratch = false } = {}) => {
      process.removeListener('exit', onExit);
      await stop();
      if (removeScratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(origin, exited, output, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`code-server exited (${JSON.stringify(exited())}) before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s:\n${output()}`);
}

async function killGroup(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child.pid, 'SIGKILL');
    return;
  }
  const gone = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
  // Children that outlived code-server's own shutdown (a language server, a watcher).
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {}
}
