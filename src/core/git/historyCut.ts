import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { SHORT_SHA_LENGTH } from './commitInfo';
import type { GitRunner } from './gitRunner';
import { isFullSha } from './revisions';
import { GitError, type AncestryIndex } from './types';

/** Whether the clone is shallow and where its history stops. */
export interface ShallowState {
  shallow: boolean;
  /**
   * The commits listed in the shallow file (`git rev-parse --git-path shallow`): git
   * treats them as having no parents, though they have some upstream. Full SHAs, sorted.
   */
  boundary: string[];
}

export const NOT_SHALLOW: ShallowState = { shallow: false, boundary: [] };

/** What fixes every answer this module withholds. */
export const UNSHALLOW = 'run `git fetch --unshallow`';

/** A question the known edges cannot answer, and the boundary commit below which the answer lies (null: not known which). */
export interface CutAt {
  cutAt: string | null;
}

export const isCut = (value: unknown): value is CutAt => typeof value === 'object' && value !== null && 'cutAt' in value;

/**
 * The sentence every surface uses for an answer that depends on history the clone does
 * not have: where it is cut, what cannot be told, and how to get the rest.
 */
export function cutMessage(at: string | null, what: string): string {
  return `history is cut${at ? ` at ${at.slice(0, SHORT_SHA_LENGTH)}` : ''} (shallow clone): cannot tell ${what} — ${UNSHALLOW}`;
}

/**
 * The shallow file's commits. A line that is not a commit id fails: guessing where history
 * stops would let an answer cross the cut.
 */
export function parseShallowFile(text: string, gitPath = 'the shallow file'): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const unreadable = lines.find((line) => !isFullSha(line));
  if (unreadable !== undefined) {
    throw new GitError(`${gitPath} holds "${unreadable.slice(0, 80)}", which is not a commit id; cannot tell where this shallow clone's history stops.`, 'shallow');
  }
  return [...new Set(lines.map((l) => l.toLowerCase()))].sort();
}

/**
 * Reads the shallow file at the path `rev-parse --git-path shallow` printed (relative to
 * the folder git ran in). A file read, not a git process: callers fold `--git-path
 * shallow` into a rev-parse they run anyway.
 */
export async function readShallowFile(cwd: string, gitPath: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolvePath(cwd, gitPath), 'utf8');
  } catch (error) {
    throw new GitError(
      `git says this clone is shallow, but its list of boundary commits (${gitPath}) could not be read: ${(error as Error).message}; run \`git fetch --unshallow\` or check the repository's permissions.`,
      'shallow',
    );
  }
  return parseShallowFile(text, gitPath);
}

/** One git process: whether the clone is shallow, then the boundary read from disk. */
export async function readShallowState(runner: GitRunner): Promise<ShallowState> {
  const [flag, path] = (await runner.text(['rev-parse', '--is-shallow-repository', '--git-path', 'shallow'])).split('\n').map((l) => l.trim());
  if (flag !== 'true') return NOT_SHALLOW;
  return { shallow: true, boundary: await readShallowFile(runner.cwd, path) };
}

/**
 * Ancestry questions asked of a shallow clone, answered only where the known edges prove
 * the answer. Every edge git shows is real, so "R contains C" found by a walk is proof.
 * "R lacks C" is proof only when R's walk reached no boundary commit (its history is all
 * there), or when R is itself a proper ancestor of C (history has no cycles). A count of
 * `from..to` is exact only when no boundary commit lies in the range (what lies beyond one
 * would be counted) and, if `from`'s own history is cut, every commit counted descends from
 * `from` (otherwise a counted commit may be one of `from`'s ancestors beyond the cut).
 * Outside a shallow clone every answer is the graph's own.
 */
export class HistoryCut {
  /** Boundary commits the graph holds: the others say nothing about the commits asked about. */
  readonly boundary: string[];
  private readonly boundarySet: Set<string>;

  constructor(
    private readonly graph: AncestryIndex,
    readonly state: ShallowState,
  ) {
    this.boundary = state.boundary.filter((sha) => graph.knows(sha));
    this.boundarySet = new Set(this.boundary);
  }

  get shallow(): boolean {
    return this.state.shallow;
  }

  /** A boundary commit's parents are missing, so its changes (against them) are unknown. */
  isBoundary(sha: string): boolean {
    return this.boundarySet.has(sha.toLowerCase());
  }

  /** The first boundary commit `sha`'s history reaches, or null when its history is whole. */
  boundaryBelow(sha: string): string | null {
    if (!this.state.shallow) return null;
    for (const b of this.boundary) if (this.graph.contains(sha, b)) return b;
    return null;
  }

  /** Where to say history is cut when no particular boundary is involved (a commit missing altogether). */
  get anyBoundary(): string | null {
    return this.boundary[0] ?? this.state.boundary[0] ?? null;
  }

  /** Does `revision` contain `commit` (both full SHAs the graph knows)? */
  contains(revision: string, commit: string): boolean | CutAt {
    if (this.graph.contains(revision, commit)) return true;
    if (!this.state.shallow) return false;
    const below = this.boundaryBelow(revision);
    if (below === null) return false;
    if (revision.toLowerCase() !== commit.toLowerCase() && this.graph.contains(commit, revision)) return false;
    return { cutAt: below };
  }

  /** Commits reachable from `to` and not from `from` (`git rev-list --count from..to`), when that count is exact. */
  countBetween(from: string, to: string): number | CutAt {
    const count = this.graph.countBetween(from, to);
    if (!this.state.shallow) return count;
    if (!this.graph.knows(from) || !this.graph.knows(to)) return { cutAt: this.anyBoundary };
    for (const b of this.boundary) {
      if (this.graph.contains(to, b) && !this.graph.contains(from, b)) return { cutAt: b };
    }
    const below = this.boundaryBelow(from);
    if (below !== null && this.graph.countAncestryPath(from, to) !== count) return { cutAt: below };
    return count;
  }
}

/** Everything one answer could not tell because history is cut, as one sentence. */
export interface CutNote {
  /** The boundary commit named (the first one involved). */
  at: string | null;
  /** What cannot be told, each as the object of "cannot tell". */
  unknown: string[];
  message: string;
}

/** Gathers what an answer cannot tell into one note; null when it could tell everything. */
export class CutNotes {
  private at: string | null = null;
  private readonly unknown: string[] = [];

  add(cut: CutAt, what: string): void {
    if (this.at === null) this.at = cut.cutAt;
    if (!this.unknown.includes(what)) this.unknown.push(what);
  }

  note(): CutNote | null {
    if (this.unknown.length === 0) return null;
    return { at: this.at, unknown: [...this.unknown], message: cutMessage(this.at, this.unknown.join('; ')) };
  }
}
