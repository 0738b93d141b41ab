// Installs what the real-VS-Code tests need, from Debian's packages and the npm registry
// only: Chromium, ripgrep and the Kerberos headers from Debian; code-server from npm into
// .vscode-test/code-server/. A second run is a no-op (a stamp file records the install).
// The terminal gets one line per step; what apt-get, npm and node-gyp print goes to
// .vscode-test/install.log (its last lines are shown when a step fails).
//
//   node scripts/e2e/ensureCodeServer.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  chromiumPath,
  codeServerEntry,
  codeServerInstallDir,
  codeServerPackageDir,
  codeServerStamp,
  codeServerVersion,
  installLog,
  log as e2eLog,
  repoRoot,
  vscodeTestDir,
} from './layout.mjs';

/** Where progress lines go: `ensureCodeServer({ log })` sets it for its run. */
let log = e2eLog;

/** Each Debian package and a file that shows it is installed. */
const debianPackages = [
  { name: 'chromium', present: () => existsSync(chromiumPath), why: 'the browser the UI tests drive' },
  { name: 'ripgrep', present: () => onPath('rg') !== null, why: "code-server's search binary (its own download needs GitHub)" },
  {
    name: 'libkrb5-dev',
    present: () => existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/krb5.h'),
    why: "headers for code-server's native kerberos module",
  },
];

/** `log`: prints one progress line (default `[e2e] …`). */
export async function ensureCodeServer({ log: progress = e2eLog } = {}) {
  log = progress;
  const started = Date.now();
  // ripgrep and the Kerberos headers matter only while code-server is being installed.
  ensureDebianPackages(isInstalled() ? debianPackages.filter((pkg) => pkg.name === 'chromium') : debianPackages);
  ensurePlaywrightCore();
  if (isInstalled()) {
    log(`code-server ${codeServerVersion} already installed in ${codeServerInstallDir}`);
    return { entry: codeServerEntry };
  }
  await withInstallLock(() => {
    // Another run may have installed it while this one waited for the lock.
    if (isInstalled()) return;
    log(`installing code-server ${codeServerVersion} into ${relativeToRepo(codeServerInstallDir)} (first run, a minute or two; output in ${relativeToRepo(installLog)})`);
    installCodeServer();
    log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return { entry: codeServerEntry };
}

/** One install at a time on a machine (two test runs starting together on a fresh clone). */
async function withInstallLock(install) {
  const lock = join(vscodeTestDir, 'install.lock');
  mkdirSync(vscodeTestDir, { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = lockHolder(lock);
      const abandoned = holder === 0 && Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 30_000;
      if ((holder && !isRunning(holder)) || abandoned) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (waited % 30 === 0) log(`waiting for another install (pid ${holder || '?'}) to finish`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockHolder(lock) {
  try {
    return Number(readFileSync(join(lock, 'pid'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function isInstalled() {
  return existsSync(codeServerStamp) && existsSync(codeServerEntry);
}

function ensureDebianPackages(needed) {
  const missing = needed.filter((pkg) => !pkg.present());
  if (missing.length === 0) return;
  const names = missing.map((pkg) => pkg.name);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || onPath('apt-get') === null) {
    const reasons = missing.map((pkg) => `  ${pkg.name}: ${pkg.why}`).join('\n');
    throw new Error(
      `The real-VS-Code tests need these Debian packages:\n${reasons}\n` +
        `Install them (sudo apt-get install ${names.join(' ')}) and run again` +
        (existsSync(chromiumPath) ? '.' : `, or point PIPELINE_LENS_CHROMIUM at a Chromium binary.`),
    );
  }
  log(`apt-get install ${names.join(' ')} (output in ${relativeToRepo(installLog)})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], { env });
  const still = missing.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
  if (still.length > 0) throw new Error(`apt-get ran but these are still missing: ${still.join(', ')}`);
}

function ensurePlaywrightCore() {
  try {
    createRequire(join(repoRoot, 'package.json')).resolve('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: run `npm ci` (it is a devDependency).');
  }
}

function installCodeServer() {
  rmSync(codeServerInstallDir, { recursive: true, force: true });
  mkdirSync(codeServerInstallDir, { recursive: true });
  writeFileSync(join(codeServerInstallDir, 'package.json'), '{ "private": true }\n');

  // Phase 1: the package alone. Its postinstall (VS Code's own dependencies, native
  // modules, ripgrep) needs the environment prepared below.
  log(`npm install code-server@${codeServerVersion} (without its install scripts)`);
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', `code-server@${codeServerVersion}`]);

  // @vscode/ripgrep's postinstall downloads from GitHub, unless it finds the tarball in
  // $TMPDIR/vscode-ripgrep-cache-<version>/: seed that with Debian's rg.
  const tmp = mkdtempSync(join(vscodeTestDir, 'install-tmp-'));
  try {
    seedRipgrepCache(tmp);
    log("npm rebuild: code-server's postinstall, VS Code's dependencies and native modules");
    // code-server's postinstall.sh refuses to run as root unless npm_config_unsafe_perm is
    // "true", a setting npm 7 removed: set for npm itself, npm warns "Unknown env config
    // unsafe-perm". Only the scripts get it, through a shell that sets it.
    const scriptShell = join(tmp, 'script-shell.sh');
    writeFileSync(scriptShell, '#!/bin/sh\nnpm_config_unsafe_perm=true exec /bin/sh "$@"\n', { mode: 0o755 });
    npm(['rebuild', '--foreground-scripts', `--script-shell=${scriptShell}`], {
      TMPDIR: tmp,
      // node-pty's postinstall runs `npx node-gyp`.
      npm_config_yes: 'true',
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  if (!existsSync(join(codeServerPackageDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))) {
    throw new Error(`code-server installed without its ripgrep binary; see ${installLog}.`);
  }
  writeFileSync(codeServerStamp, JSON.stringify({ version: codeServerVersion, node: process.version, installedAt: new Date().toISOString() }, null, 2) + '\n');
}

function seedRipgrepCache(tmp) {
  const shrinkwrap = JSON.parse(readFileSync(join(codeServerPackageDir, 'lib', 'vscode', 'npm-shrinkwrap.json'), 'utf8'));
  const version = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!version) throw new Error("Cannot find @vscode/ripgrep in code-server's lib/vscode/npm-shrinkwrap.json.");
  const tag = ripgrepTag(version, tmp);
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!target) throw new Error(`No ripgrep target known for ${process.arch}.`);
  const cache = join(tmp, `vscode-ripgrep-cache-${version}`);
  mkdirSync(cache, { recursive: true });
  const rg = onPath('rg');
  const rgDir = rg.slice(0, rg.lastIndexOf('/'));
  const tarball = join(cache, `ripgrep-${tag}-${target}.tar.gz`);
  run('tar', ['czf', tarball, '-C', rgDir, 'rg']);
  appendFileSync(installLog, `seeded ${tarball.slice(tmp.length + 1)} with ${rg}\n`);
}

/** The ripgrep release tag that @vscode/ripgrep@version downloads (its postinstall's VERSION). */
function ripgrepTag(version, tmp) {
  const packDir = join(tmp, 'ripgrep-pack');
  mkdirSync(packDir);
  run('npm', ['pack', '--silent', `@vscode/ripgrep@${version}`], { cwd: packDir });
  const name = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack @vscode/ripgrep@${version} left no tarball; see ${installLog}.`);
  const source = execFileSync('tar', ['xzOf', join(packDir, name), 'package/lib/postinstall.js'], { encoding: 'utf8' });
  const tag = /const VERSION = '([^']+)'/.exec(source)?.[1];
  if (!tag) throw new Error(`Cannot read the ripgrep tag from @vscode/ripgrep@${version}'s postinstall.js.`);
  return tag;
}

function npm(args, extraEnv = {}) {
  run('npm', args, { cwd: codeServerInstallDir, env: { ...process.env, ...extraEnv } });
}

/** Runs a step with its output appended to the install log; a failure shows the log's last lines. */
function run(command, args, options = {}) {
  // The first step on a fresh clone may come before anything made the folder.
  mkdirSync(vscodeTestDir, { recursive: true });
  appendFileSync(installLog, `\n$ ${command} ${args.join(' ')}\n`);
  const output = logOutput();
  let result;
  try {
    result = spawnSync(command, args, { stdio: ['ignore', output, output], ...options });
  } finally {
    closeSync(output);
  }
  if (result.status !== 0) {
    const tail = readFileSync(installLog, 'utf8').trimEnd().split('\n').slice(-25).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}). The last lines of ${installLog}:\n${tail}`);
  }
}

/** A descriptor appending to the install log (the caller closes it). */
function logOutput() {
  mkdirSync(vscodeTestDir, { recursive: true });
  return openSync(installLog, 'a');
}

function relativeToRepo(path) {
  return path.startsWith(repoRoot + '/') ? path.slice(repoRoot.length + 1) : path;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureCodeServer().catch((error) => {
    console.error(`[e2e] ${error.message}`);
    process.exit(1);
  });
}
