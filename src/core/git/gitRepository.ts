import { stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { buildAncestryIndex, GrowingAncestry, type CommitGraph } from './ancestry';
import { graphFromCommitGraphFile } from '../provenance/commitGraphFileSnapshot';
import { readCommitLinks } from './commitLinks';
import type { CommitLinks } from './remoteLinks';
import { GitRunner, type GitRunnerOptions } from './gitRunner';
import { NOT_SHALLOW, readShallowFile, readShallowState, type ShallowState } from './historyCut';
import { CatFileSession } from './catFileSession';
import { isFullSha } from './revisions';
import { filesChangedThrough } from './treeDiff';
import { commitsBetween, filesChanged, lastChange, type LastChange } from './pathChanges';
import { isShallow, revParse } from './repositoryState';
import { readCommits, resolveCommits } from './resolveCommits';
import { historyBetween, type HistoryBetween } from './shallowBoundary';
import { treeEntries, type TreeEntry } from './treeEntries';
import { GitError, type AncestryIndex, type CommitInfo, type Resolution } from './types';
import { dirtyFiles } from './workingTree';

/** What the `rev-parse` that opens a repository also says, so no later call has to ask. */
interface OpenedState {
  /**
   * Whether the clone was shallow, and where its shallow file is, as read at `readAt`: handed
   * to the first `shallowState()` soon after opening only (a long-lived instance must not answer
   * from before a deepening fetch); later calls ask afresh.
   */
  shallow: { flag: boolean; path: string; readAt: number } | null;
  /** The repository's config file (absolute): where the remote for links is read. */
  configPath: string | null;
}

/** How long after `open` its view of the shallow file is trusted: enough for a one-shot command's first question. */
const OPENED_STATE_MS = 5_000;

/** One local repository. Every method costs a fixed number of git processes, however many SHAs it is given. */
export class GitRepository {
  /** The open `cat-file --batch` of a `batched` call, started on first use. */
  private session: CatFileSession | null = null;
  /** The ancestry walk a `batched` call started, for later questions in the same conversation. */
  private growing: GrowingAncestry | null = null;

  private constructor(
    readonly root: string,
    private readonly runner: GitRunner,
    private readonly opened: OpenedState,
    private readonly batchedCall = false,
  ) {}

  /** Opens the repository whose working tree contains `dir` (any folder inside it). */
  static async open(dir: string, options: GitRunnerOptions = {}): Promise<GitRepository> {
    const folder = resolvePath(dir);
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new GitError(`${folder} is not a folder; open the folder that holds your pipeline's code.`, 'not-a-repository');
    }
    const runner = new GitRunner(folder, options);
    let lines: string[];
    try {
      // One process for the root, whether the clone is shallow and where its shallow file and config are.
      lines = (await runner.text(['rev-parse', '--show-toplevel', '--is-shallow-repository', '--git-path', 'shallow', '--git-path', 'config'])).split('\n').map((l) => l.trim());
    } catch (error) {
      throw openFailure(folder, error);
    }
    const [toplevel, flag, shallowPath, configPath] = lines;
    if (!toplevel) {
      throw new GitError(`${folder} is inside a .git folder, not a working tree; open the folder that contains it.`, 'not-a-repository');
    }
    const root = resolvePath(toplevel);
    const opened: OpenedState = {
      shallow: flag === 'true' || flag === 'false' ? { flag: flag === 'true', path: resolvePath(folder, shallowPath ?? ''), readAt: Date.now() } : null,
      configPath: configPath ? resolvePath(folder, configPath) : null,
    };
    return new GitRepository(root, runner.withCwd(root), opened);
  }

  /**
   * Runs `task` with a repository whose commit reads (resolve, commits, filesChanged) share one
   * `git cat-file --batch`, kept open until the task ends: a one-shot answer that asks git
   * several things, some depending on others, still starts that one process for them.
   */
  async batched<T>(task: (git: GitRepository) => Promise<T>): Promise<T> {
    const git = new GitRepository(this.root, this.runner, this.opened, true);
    let result: T;
    try {
      result = await task(git);
    } catch (error) {
      await git.session?.close().catch(() => undefined);
      throw error;
    }
    // A conversation that ended badly casts doubt on its answers.
    await git.session?.close();
    return result;
  }

  private catFile(): CatFileSession | null {
    if (!this.batchedCall) return null;
    this.session ??= new CatFileSession(this.runner);
    return this.session;
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
    return resolveCommits(this.runner, prefixes, this.catFile());
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

  /** Whether the clone is shallow and its boundary commits, for the price of `isShallow` (nothing, the first time after `open`). */
  async shallowState(): Promise<ShallowState> {
    const known = this.opened.shallow;
    this.opened.shallow = null;
    if (known && Date.now() - known.readAt < OPENED_STATE_MS) {
      return known.flag ? { shallow: true, boundary: await readShallowFile(this.root, known.path) } : NOT_SHALLOW;
    }
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
   * Starts the ancestry walk from the tips known now; its `index` adds the ones learnt later
   * with a second walk only when the first did not reach them.
   */
  growingAncestry(tips: string[]): GrowingAncestry {
    const walk = new GrowingAncestry(this.runner, tips, (walked) => this.graphFromFile(walked));
    if (this.batchedCall) this.growing = walk;
    return walk;
  }

  /**
   * The graph of `tips` from git's commit-graph file when the repository has one git would
   * use and every tip is a full SHA: no walk, or one of the tips the file lacks. Null to walk.
   */
  private async graphFromFile(tips: string[]): Promise<CommitGraph | null> {
    const gitDir = this.opened.configPath ? dirname(this.opened.configPath) : null;
    if (!gitDir || !tips.every(isFullSha)) return null;
    const read = await graphFromCommitGraphFile(this.runner, gitDir, tips).catch(() => null);
    return read && read.graph ? read.graph : null;
  }

  /**
   * An index holding at least everything reachable from `tips`, for "does X contain Y" and
   * `knows` about those commits: in a conversation that already walked (a commit's
   * provenance), that walk joined with what it did not reach, else a walk of their own. It
   * may hold other commits too, so a count from a revision outside `tips` can differ from
   * `ancestryIndex(tips)`'s: ask that one for counts.
   */
  ancestryIncluding(tips: string[]): Promise<AncestryIndex> {
    return this.growing ? this.growing.index(tips) : this.ancestryIndex(tips);
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
  async filesChanged(shas: string[]): Promise<Map<string, string[]>> {
    const session = this.catFile();
    if (!session) return filesChanged(this.runner, shas);
    const commits = await readCommits(this.runner, shas.filter(isFullSha), session);
    const files = await filesChangedThrough(session, [...commits.values()]);
    // Keyed by the SHAs as given, as diff-tree's answer is.
    const result = new Map<string, string[]>();
    for (const [given, commit] of commits) {
      const changed = files.get(commit.sha);
      if (changed) result.set(given, changed);
    }
    return result;
  }

  /** Uncommitted changes under the globs (staged, unstaged, untracked and not ignored). */
  dirtyFiles(pathGlobs: string[]): Promise<string[]> {
    return dirtyFiles(this.runner, pathGlobs);
  }

  /** Each commit's page on the remote (remote.origin.url) and the pull request that merged it; absent without a known remote. */
  commitLinks(shas: string[]): Promise<Map<string, CommitLinks>> {
    return readCommitLinks(this.runner, shas, this.opened.configPath);
  }

  /** Commit details keyed by the SHAs given; SHAs git does not have are absent. */
  commits(shas: string[]): Promise<Map<string, CommitInfo>> {
    return readCommits(this.runner, shas, this.catFile());
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
