import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { cacheDir } from './cache';

/**
 * A `git` that writes its arguments to a log and runs the real git: the processes a figure
 * counts, named by what they ran, so a note lists what was counted rather than what was
 * expected. Used either as the `git` on PATH (`env`) or as the product's git binary.
 */
export class GitCallLog {
  private constructor(
    private readonly dir: string,
    readonly binary: string,
    private readonly logFile: string,
  ) {}

  static async create(): Promise<GitCallLog> {
    const dir = join(await cacheDir('git-counter'), `${process.pid}-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    if (!realGit) throw new Error('git is not on PATH');
    const logFile = join(dir, 'calls.log');
    const binary = join(dir, 'git');
    await writeFile(binary, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logFile}'\nexec '${realGit}' "$@"\n`);
    await chmod(binary, 0o755);
    return new GitCallLog(dir, binary, logFile);
  }

  /** Environment that puts this `git` first on PATH. */
  get env(): Record<string, string> {
    return { PATH: `${this.dir}${delimiter}${process.env.PATH ?? ''}` };
  }

  /** One entry per process started: its command and first argument (`rev-list --parents`). */
  async calls(): Promise<string[]> {
    // `-c name=value` options come first (the product turns the fsmonitor hook off).
    return (await readFile(this.logFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) =>
        line
          .replace(/^(-c \S+ )+/, '')
          .split(' ')
          .slice(0, 2)
          .join(' '),
      );
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
