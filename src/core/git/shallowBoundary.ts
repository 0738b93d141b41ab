import type { AncestryIndex } from './types';

/**
 * A shallow clone stops at boundary commits: git has them but not their parents, so a
 * boundary commit looks like a root that adds every file, and anything below it looks
 * absent. Answers about history that crosses a boundary are wrong, not just incomplete,
 * so callers ask first whether the history they need is whole.
 */

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
