import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GitRunner } from './gitRunner';
import { isFullSha } from './revisions';
import { GitError, type AncestryIndex } from './types';

/**
 * A shallow clone stops at boundary commits: git has them but not their parents, so a
 * boundary commit looks like a root that adds every file, and anything below it looks
 * absent. Answers about history that crosses a boundary are wrong, not just incomplete,
 * so callers ask first whether the history they need is whole.
 */

/** The boundary commits of this clone (git's `shallow` file); empty for a complete clone. */
export async function shallowBoundary(runner: GitRunner): Promise<string[]> {
  const location = (await runner.text(['rev-parse', '--git-path', 'shallow'])).trim();
  if (!location) throw new GitError('git rev-parse --git-path shallow printed nothing; cannot tell whether this clone is shallow.');
  let text: string;
  try {
    text = await readFile(resolve(runner.cwd, location), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GitError(`Cannot read ${location} to tell whether this clone is shallow: ${(error as Error).message}`);
  }
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const unreadable = lines.find((line) => !isFullSha(line));
  if (unreadable !== undefined) throw new GitError(`${location} holds "${unreadable.slice(0, 80)}", which is not a commit id; cannot tell where this shallow clone's history stops.`);
  return lines.map((line) => line.toLowerCase());
}

export type HistoryBetween =
  | { complete: true }
  /** `cutAt`: boundary commits reachable from one of the two and not the other: history between them is missing below these. */
  | { complete: false; cutAt: string[] };

/**
 * Whether the history between `a` and `b` (both in the index) is whole: no boundary commit
 * lies in `a..b` or `b..a`. A boundary reachable from both lies below where the two meet,
 * so it does not matter to questions about what one has and the other lacks.
 */
export function historyBetween(index: AncestryIndex, boundary: readonly string[], a: string, b: string): HistoryBetween {
  const cutAt = boundary.filter((commit) => index.knows(commit) && index.contains(a, commit) !== index.contains(b, commit));
  return cutAt.length === 0 ? { complete: true } : { complete: false, cutAt };
}
