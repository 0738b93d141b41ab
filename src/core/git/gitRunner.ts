import { simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from './types';

export interface GitRunnerOptions {
  /**
   * The git executable; `git` on PATH when absent. Meant for a machine-level setting such as
   * VS Code's `git.path`, never for a value read from the workspace being investigated.
   */
  binary?: string;
}

/**
 * Every git process Pipeline Lens starts goes through here, so the count is exact: the
 * engine promises a number of processes that does not grow with the number of SHAs on
 * screen, and tests and benchmarks hold it to that.
 */
export class GitRunner {
  constructor(
    readonly cwd: string,
    private readonly options: GitRunnerOptions = {},
    private readonly counter = { started: 0 },
  ) {}

  get processCount(): number {
    return this.counter.started;
  }

  /** The same git, run from another folder, counted together with this one. */
  withCwd(cwd: string): GitRunner {
    return new GitRunner(cwd, this.options, this.counter);
  }

  /** Runs git and returns its stdout decoded as UTF-8; `input` is written to its stdin. */
  text(args: string[], input?: string): Promise<string> {
    return this.run(args, input, (git) => git.raw(args));
  }

  /**
   * `git cat-file` with raw bytes out: object sizes in `--batch` output count bytes, so the
   * stream must not be decoded before it is split.
   */
  catFileBytes(options: string[], input: string): Promise<Buffer> {
    return this.run(['cat-file', ...options], input, (git) => git.binaryCatFile(options));
  }

  private async run<T>(args: string[], input: string | undefined, task: (git: SimpleGit) => Promise<T>): Promise<T> {
    this.counter.started += 1;
    try {
      // simple-git takes stdin content per instance, not per task; instances are cheap
      // (no process until a task runs), so each call gets its own.
      const git = simpleGit({
        baseDir: this.cwd,
        binary: this.options.binary ?? 'git',
        ...(input === undefined ? {} : { input: () => input }),
      });
      return await task(git);
    } catch (error) {
      throw toGitError(error, args, this.options.binary);
    }
  }
}

const SPAWN_FAILURE = /\bspawn\b.*\b(ENOENT|EACCES|ENOTDIR)\b/;

export function toGitError(error: unknown, args: string[], binary?: string): GitError {
  if (error instanceof GitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (SPAWN_FAILURE.test(message)) {
    return new GitError(
      binary
        ? `git could not be run from ${binary}; check that path (the git.path setting) or install git from https://git-scm.com/downloads.`
        : 'git was not found on PATH; install git (https://git-scm.com/downloads) or add the folder that contains it to PATH, then reload the window.',
      'git-missing',
    );
  }
  return new GitError(`git ${args[0] ?? ''} failed: ${gitComplaint(message)}`, 'error');
}

/** git's own explanation, without the stdout simple-git glues in front of stderr. */
export function gitComplaint(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter(Boolean);
  const reasons = lines.filter((line) => /^(fatal|error):/.test(line));
  return (reasons.length ? reasons : lines).join(' ').slice(0, 500) || 'no message';
}
