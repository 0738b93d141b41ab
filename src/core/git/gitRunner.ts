import { spawn } from 'node:child_process';
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

  /**
   * Runs git and returns its stdout decoded as UTF-8; `input` is written to its stdin.
   * Any exit but a clean 0 is a GitError, unless the status is one `okExitCodes` names
   * (`rev-parse --verify --quiet` and `diff --quiet` answer with status 1).
   */
  text(args: string[], input?: string, okExitCodes: readonly number[] = []): Promise<string> {
    return this.run(args, input, okExitCodes, (git) => git.raw(args));
  }

  /** Like `text`, with the exit status: for commands whose status is the answer. */
  async status(args: string[], okExitCodes: readonly number[], input?: string): Promise<{ stdout: string; exitCode: number }> {
    let exitCode = -1;
    const stdout = await this.run(
      args,
      input,
      okExitCodes,
      (git) => git.raw(args),
      (code) => (exitCode = code),
    );
    return { stdout, exitCode };
  }

  /**
   * `git cat-file` with raw bytes out: object sizes in `--batch` output count bytes, so the
   * stream must not be decoded before it is split.
   */
  catFileBytes(options: string[], input: string): Promise<Buffer> {
    return this.run(['cat-file', ...options], input, [], (git) => git.binaryCatFile(options));
  }

  /**
   * Runs git and hands its stdout to `onData` chunk by chunk, for outputs too large to hold
   * as one string (a `rev-list` of a whole history is tens of megabytes) or whose first
   * records are wanted before the last. simple-git gathers all output before it answers,
   * so this is the one call that spawns git itself; it applies the same rules: the same
   * config, and any exit but a clean 0 (or a signal) is a GitError whatever was read.
   */
  stream(args: string[], input: string | undefined, onData: (chunk: Buffer) => void): Promise<void> {
    // Writing to a pipe, git flushes after every record (one write of ~80 bytes per line of a
    // `rev-list --parents`): tens of thousands of wake-ups for Node, which made reading a
    // walk cost twice git's own time. Nothing here answers git back, so its output may be
    // buffered; records still arrive in order, a few kilobytes at a time.
    const conversation = this.interactive(args, onData, { GIT_FLUSH: '0' });
    conversation.write(input ?? '');
    return conversation.end();
  }

  /**
   * Starts git with its stdin left open, for a conversation: `git cat-file --batch` answers
   * each line written as soon as it is read, so one process can serve questions that depend
   * on earlier answers. Output goes to `onData` chunk by chunk; `end` closes stdin and
   * settles as `stream` does (a GitError for any exit but a clean 0). `exited` settles as
   * soon as the process is gone, so a reader waiting for answers can stop waiting.
   */
  interactive(args: string[], onData: (chunk: Buffer) => void, env?: Record<string, string>): { write(input: string): void; end(): Promise<void>; exited: Promise<void> } {
    this.counter.started += 1;
    const binary = this.options.binary ?? 'git';
    let failure: unknown = null;
    const stderr: Buffer[] = [];
    const child = spawn(binary, ['-c', 'core.fsmonitor=false', ...args], {
      cwd: this.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      ...(env ? { env: { ...process.env, ...env } } : {}),
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        onData(chunk);
      } catch (error) {
        failure = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // git may exit before reading all its input (a fatal error); its status says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      failure ??= error;
    });
    const exited = new Promise<void>((resolve, reject) => {
      child.on('close', (code, signal) => {
        const text = Buffer.concat(stderr).toString('utf8').trim();
        if (!failure && code !== 0) {
          failure =
            code === null
              ? new Error(
                  `git ${args[0] ?? ''} was killed by a signal (${signal ?? 'unknown'}) before it finished (out of memory?)${text ? `: ${text}` : ''}; its output cannot be trusted.`,
                )
              : new Error(`git ${args[0] ?? ''} exited with status ${code}${text ? `: ${text}` : ' without saying why'}.`);
        }
        if (failure) reject(toGitError(failure, args, this.options.binary));
        else resolve();
      });
    });
    // Whoever ends the conversation reads its outcome; until then a failure must not go unhandled.
    exited.catch(() => undefined);
    return {
      write: (input: string) => {
        if (input && child.stdin.writable) child.stdin.write(input);
      },
      end: () => {
        child.stdin.end();
        return exited;
      },
      exited,
    };
  }

  private async run<T>(
    args: string[],
    input: string | undefined,
    okExitCodes: readonly number[],
    task: (git: SimpleGit) => Promise<T>,
    onExit?: (code: number) => void,
  ): Promise<T> {
    this.counter.started += 1;
    try {
      // simple-git takes stdin content per instance, not per task; instances are cheap
      // (no process until a task runs), so each call gets its own.
      const git = simpleGit({
        baseDir: this.cwd,
        binary: this.options.binary ?? 'git',
        // A repository's fsmonitor hook is a program of the repository's choosing; reading
        // a cloned repository must not run it.
        config: ['core.fsmonitor=false'],
        // simple-git refuses any core.fsmonitor setting; this one only turns the hook off.
        unsafe: { allowUnsafeFsMonitor: true },
        errors: (error, result) => exitFailure(args, okExitCodes, error, result, onExit),
        ...(input === undefined ? {} : { input: () => input }),
      });
      return await task(git);
    } catch (error) {
      throw toGitError(error, args, this.options.binary);
    }
  }
}

/**
 * simple-git treats a non-zero exit without stderr, and a process killed by a signal (exit
 * code null), as success with whatever output came before. An answer built on the partial
 * output of a `git log` the OOM killer stopped would be a lie, so every status but 0 (and
 * the statuses a call expects) is an error here.
 */
function exitFailure(
  args: string[],
  okExitCodes: readonly number[],
  error: Buffer | Error | undefined,
  result: { exitCode: number | null; stdErr: Buffer[] },
  onExit?: (code: number) => void,
): Buffer | Error | undefined {
  // An Error (not a Buffer) is simple-git's own rejection: an abort or a kill.
  if (error instanceof Error) return error;
  const code = result.exitCode;
  if (typeof code === 'number' && (code === 0 || okExitCodes.includes(code))) {
    onExit?.(code);
    return undefined;
  }
  if (error) return error;
  const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
  if (code === null) {
    return new Error(`git ${args[0] ?? ''} was killed by a signal before it finished (out of memory?)${stderr ? `: ${stderr}` : ''}; its output cannot be trusted.`);
  }
  return new Error(`git ${args[0] ?? ''} exited with status ${code}${stderr ? `: ${stderr}` : ' without saying why'}.`);
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
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const reasons = lines.filter((line) => /^(fatal|error):/.test(line));
  return (reasons.length ? reasons : lines).join(' ').slice(0, 500) || 'no message';
}
