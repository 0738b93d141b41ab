export interface CommitInfo {
  sha: string;
  shortSha: string;
  subject: string;
  author: string;
  authorEmail: string;
  /** ISO-8601 UTC, e.g. `2026-01-30T03:17:00.000Z`. */
  committedAt: string;
  authoredAt: string;
  parents: string[];
}

export type Resolution = { status: 'found'; commit: CommitInfo } | { status: 'ambiguous'; candidates: string[] } | { status: 'unknown' };

/** Answers "does revision R contain commit C" for many pairs from one walk of history. */
export interface AncestryIndex {
  /** True when `commit` is `revision` or one of its ancestors. Both full SHAs. */
  contains(revision: string, commit: string): boolean;
  /** Whether the index saw this SHA at all (false → not in local history). */
  knows(sha: string): boolean;
  /** Number of commits reachable from `to` but not from `from` (`git rev-list --count from..to`), answered in memory. */
  countBetween(from: string, to: string): number;
  /** Commits of `from..to` that descend from `from` (`git rev-list --count --ancestry-path from..to`). */
  countAncestryPath(from: string, to: string): number;
}

/** A failure a user can act on: `message` says what was wrong and what to do. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-a-repository' | 'git-missing' | 'unknown-commit' | 'shallow' | 'error' = 'error',
  ) {
    super(message);
    this.name = 'GitError';
  }
}
