/**
 * Commits the planned history into a fresh repository with fixed identities and dates, so the
 * same plan gives the same SHAs on every machine: no user or system git config is read, no
 * GIT_* variable of the caller leaks in, and file modes are set explicitly.
 */
import { execFile } from 'node:child_process';
import { appendFile, chmod, mkdir, writeFile } from 'node:fs/promises';
import { devNull } from 'node:os';
import { dirname, join } from 'node:path';
import { EXECUTABLE_PATHS, type PlannedCommit } from './history';

const GIT_OPTIONS = ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false'];

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = devNull;
  env.GIT_TERMINAL_PROMPT = '0';
  env.LC_ALL = 'C';
  return env;
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...GIT_OPTIONS, ...args], { cwd, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? 'git was not found on PATH; the demo workspace is a git repository and needs it.' : `git ${args[0]} failed: ${stderr.trim() || error.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** `@<epoch> +0000`: git's raw date format, read the same way everywhere. */
function gitDate(iso: string): string {
  return `@${Math.floor(Date.parse(iso) / 1000)} +0000`;
}

export async function initRepository(root: string): Promise<void> {
  await git(root, ['init', '-q', '-b', 'main', '--template='], baseEnv());
  await mkdir(join(root, '.git', 'info'), { recursive: true });
}

/** Writes and commits each planned commit in order; returns role → full SHA. */
export async function writeHistory(root: string, commits: readonly PlannedCommit[]): Promise<Record<string, string>> {
  const shas: Record<string, string> = {};
  for (const commit of commits) {
    const files = commit.files({ shas });
    for (const [path, content] of Object.entries(files)) {
      const absolute = join(root, ...path.split('/'));
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, content, 'utf8');
      if (EXECUTABLE_PATHS.includes(path)) await chmod(absolute, 0o755);
    }
    const env = {
      ...baseEnv(),
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_AUTHOR_DATE: gitDate(commit.date),
      GIT_COMMITTER_NAME: commit.author.name,
      GIT_COMMITTER_EMAIL: commit.author.email,
      GIT_COMMITTER_DATE: gitDate(commit.date),
    };
    const paths = Object.keys(files);
    await git(root, ['add', '--', ...paths], env);
    const executable = paths.filter((p) => EXECUTABLE_PATHS.includes(p));
    if (executable.length > 0) await git(root, ['add', '--chmod=+x', '--', ...executable], env);
    await git(root, ['commit', '-q', '--no-verify', '--cleanup=strip', '-m', commit.message], env);
    shas[commit.role] = (await git(root, ['rev-parse', 'HEAD'], env)).trim();
  }
  return shas;
}

/** Keeps a file out of `git status` without committing a rule for it. */
export async function excludeLocally(root: string, pattern: string): Promise<void> {
  await appendFile(join(root, '.git', 'info', 'exclude'), `${pattern}\n`, 'utf8');
}
