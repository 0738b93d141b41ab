import { stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { buildAncestryIndex } from './ancestry';
import { readCommitLinks } from './commitLinks';
import type { CommitLinks } from './remoteLinks';
import { GitRunner, type GitRunnerOptions } from './gitRunner';
import { readShallowState, type ShallowState } from './historyCut';
import { commitsBetween, filesChanged, lastChange, type LastChange } from './pathChanges';
import { isShallow, revParse } from './repositoryState';
import { readCommits, resolveCommits } from './resolveCommits';
import { historyBetween, type HistoryBetween } from './shallowBoundary';
import { treeEntries, type TreeEntry } from './treeEntries';
import { GitError, type AncestryIndex, type CommitInfo, type Resolution } from './types';
import { dirtyFiles } from './workingTree';

/** One local repository. Every method costs a fixed number of git processes, however many SHAs it is given. */
export class GitRepository {
  private constructor(
    readonly root: string,
    private readonly runner: GitRunner,
  ) {}

  /** Opens the repository whose working tree contains `dir` (any folder inside it). */
  static async open(dir: string, options: GitRunnerOptions = {}): Promise<GitRepository> {
    const folder = resolvePath(dir);
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new GitError(`${folder} is not a folder; open the folder that holds your pipeline's code.`, 'not-a-repository');
    }
    const runner = new GitRunner(folder, options);
    let toplevel: string;
    try {
      toplevel = (await runner.text(['rev-parse', '--show-toplevel'])).trim();
    } catch (error) {
      throw openFailure(folder, error);
    }
    if (!toplevel) {
      throw new GitError(`${folder} is inside a .git folder, not a working tree; open the folder that contains it.`, 'not-a-repository');
    }
    const root = resolvePath(toplevel);
    return new GitRepository(root, runner.withCwd(root));
  }

  /** Number of git processes this instance has started, `open` included. */
  get processCount(): number {
    return this.runner.processCount;
  }

  /**
   * Resolves SHA prefixes (4-40 hex digits, any case) to commits. Keys are the inputs as
   * given; anything that is not hex of that length is `unknown` without asking git.
   */
  resolve(prefixes: string[]): Promise<Map<string, Resolution>> {
    return resolveCommits(this.runner, prefixes);
  }

  /** Full SHA of the commit a revision names (HEAD, branch, tag, prefix), or null. */
  revParse(rev: string): Promise<string | null> {
    return revParse(this.runner, rev);
  }

  async head(): Promise<string> {
    const sha = await revParse(this.runner, 'HEAD');
    if (sha === null) throw new GitError(`The repository at ${this.root} has no commits yet; commit something first.`, 'unknown-commit');
    return sha;
  }

  isShallow(): Promise<boolean> {
    return isShallow(this.runner);
  }

  /** Whether the clone is shallow and its boundary commits, for the price of `isShallow`. */
  shallowState(): Promise<ShallowState> {
    return readShallowState(this.runner);
  }

  /**
   * Everything reachable from `tips` (SHAs or revision names; ones missing locally are
   * skipped, and `knows` says so), indexed for any number of `contains` questions.
   */
  ancestryIndex(tips: string[]): Promise<AncestryIndex> {
    return buildAncestryIndex(this.runner, tips);
  }

  /**
   * Commits in `from..to`, newest first, touching any of the globs when given. Throws
   * GitError('unknown-commit') naming the missing revision, with how to fetch it.
   */
  commitsBetween(from: string, to: string, pathGlobs?: string[], exactPaths: readonly string[] = []): Promise<CommitInfo[]> {
    return commitsBetween(this.runner, from, to, pathGlobs, exactPaths);
  }

  /** The newest commit of `rev` that touched the glob, with what it renamed or deleted (renames followed across the whole commit). */
  lastChange(rev: string, glob: string): Promise<LastChange | null> {
    return lastChange(this.runner, rev, glob);
  }

  /** Every file and gitlink of a commit's tree (a full SHA). */
  treeEntries(commit: string): Promise<TreeEntry[]> {
    return treeEntries(this.runner, commit);
  }

  /** The commits where this shallow clone's history stops; empty for a complete clone. */
  async shallowBoundary(): Promise<string[]> {
    return (await this.shallowState()).boundary;
  }

  /**
   * Whether the history between two commits is whole in this clone: no shallow boundary in
   * `a..b` or `b..a`. Pass the index already built over both when there is one.
   */
  async historyBetween(a: string, b: string, index?: AncestryIndex): Promise<HistoryBetween> {
    const boundary = await this.shallowBoundary();
    if (boundary.length === 0) return { complete: true };
    return historyBetween(index ?? (await this.ancestryIndex([a, b])), boundary, a, b);
  }

  /** Repo-relative files each commit changed against its first parent; keyed by the SHAs given. */
  filesChanged(shas: string[]): Promise<Map<string, string[]>> {
    return filesChanged(this.runner, shas);
  }

  /** Uncommitted changes under the globs (staged, unstaged, untracked and not ignored). */
  dirtyFiles(pathGlobs: string[]): Promise<string[]> {
    return dirtyFiles(this.runner, pathGlobs);
  }

  /** Each commit's page on the remote (remote.origin.url) and the pull request that merged it; absent without a known remote. */
  commitLinks(shas: string[]): Promise<Map<string, CommitLinks>> {
    return readCommitLinks(this.runner, shas);
  }

  /** Commit details keyed by the SHAs given; SHAs git does not have are absent. */
  commits(shas: string[]): Promise<Map<string, CommitInfo>> {
    return readCommits(this.runner, shas);
  }
}

function openFailure(folder: string, error: unknown): GitError {
  if (!(error instanceof GitError) || error.reason === 'git-missing') {
    return error instanceof GitError ? error : new GitError(String(error));
  }
  if (/not a git repository/i.test(error.message)) {
    return new GitError(
      `${folder} is not inside a git repository; open the folder that holds your pipeline's code (the one with .git), or run \`git init\` there.`,
      'not-a-repository',
    );
  }
  if (/must be run in a work tree/i.test(error.message)) {
    return new GitError(`${folder} is a bare repository or a .git folder; open a checkout of it instead.`, 'not-a-repository');
  }
  if (/dubious ownership/i.test(error.message)) {
    return new GitError(
      `git refuses to read ${folder} because another user owns it; if you trust it, run \`git config --global --add safe.directory ${folder}\`.`,
      'not-a-repository',
    );
  }
  return error;
}
