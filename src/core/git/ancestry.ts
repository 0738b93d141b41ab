import type { GitRunner } from './gitRunner';
import { isFullSha, isSafeRevision } from './revisions';
import type { AncestryIndex } from './types';

/**
 * Ancestor sets are cached per revision. A set costs one bit per commit, so the cap is a
 * byte budget: about ten thousand revisions on a 50,000-commit history, still hundreds on
 * a history of a million.
 */
const CACHE_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * The commit graph from one `git rev-list --parents` walk. Each query is answered in
 * memory: a generation-number check rejects most "newer commit in older revision" pairs
 * outright, and otherwise the revision's full ancestor set is computed once as a bitset and
 * reused for every later question about that revision.
 */
export class CommitGraph implements AncestryIndex {
  private readonly ids: Map<string, number>;
  private readonly shas: string[];
  private readonly parentStart: Int32Array;
  private readonly parentIds: Int32Array;
  /** 1 + the longest parent chain below the commit; an ancestor always has a smaller one. */
  private readonly generation: Int32Array;
  private readonly ancestorSets = new Map<number, Uint32Array>();
  private readonly descendantSets = new Map<number, Uint32Array>();
  private children: { start: Int32Array; ids: Int32Array } | null = null;
  private readonly cacheCapacity: number;

  private constructor(shas: string[], ids: Map<string, number>, parentStart: Int32Array, parentIds: Int32Array) {
    this.shas = shas;
    this.ids = ids;
    this.parentStart = parentStart;
    this.parentIds = parentIds;
    this.generation = computeGenerations(shas.length, parentStart, parentIds);
    const bytesPerSet = Math.ceil(shas.length / 32) * 4;
    this.cacheCapacity = Math.max(8, Math.floor(CACHE_BUDGET_BYTES / Math.max(bytesPerSet, 1)));
  }

  /**
   * Builds the graph from `git rev-list --parents` output ("sha parent parent..." per line).
   * Parents not listed themselves (the edge of a shallow clone) are dropped: nothing
   * beyond them is known.
   */
  static fromRevList(output: string): CommitGraph {
    const lines = output.split('\n');
    const shas: string[] = [];
    const ids = new Map<string, number>();
    for (const line of lines) {
      const space = line.indexOf(' ');
      const sha = (space === -1 ? line : line.slice(0, space)).trim().toLowerCase();
      if (sha && !ids.has(sha)) {
        ids.set(sha, shas.length);
        shas.push(sha);
      }
    }
    const lists: number[][] = new Array<number[]>(shas.length);
    for (const line of lines) {
      const fields = line.trim().toLowerCase().split(' ');
      const id = ids.get(fields[0]);
      if (id === undefined || lists[id] !== undefined) continue;
      const list: number[] = [];
      for (let i = 1; i < fields.length; i += 1) {
        const parent = ids.get(fields[i]);
        if (parent !== undefined) list.push(parent);
      }
      lists[id] = list;
    }
    const parentStart = new Int32Array(shas.length + 1);
    let total = 0;
    for (let id = 0; id < shas.length; id += 1) {
      parentStart[id] = total;
      total += lists[id]?.length ?? 0;
    }
    parentStart[shas.length] = total;
    const parentIds = new Int32Array(total);
    for (let id = 0; id < shas.length; id += 1) parentIds.set(lists[id] ?? [], parentStart[id]);
    return new CommitGraph(shas, ids, parentStart, parentIds);
  }

  /** Number of commits in the index. */
  get size(): number {
    return this.shas.length;
  }

  knows(sha: string): boolean {
    return this.ids.has(sha.toLowerCase());
  }

  contains(revision: string, commit: string): boolean {
    const r = this.ids.get(revision.toLowerCase());
    const c = this.ids.get(commit.toLowerCase());
    if (r === undefined || c === undefined) return false;
    if (r === c) return true;
    if (this.generation[c] >= this.generation[r]) return false;
    const set = this.ancestorsOf(r);
    return (set[c >>> 5] & (1 << (c & 31))) !== 0;
  }

  /**
   * Commits reachable from `to` and not from `from`, like `git rev-list --count from..to`.
   * 0 when `to` is unknown; when only `from` is unknown, everything the index holds below
   * `to`, since nothing known is excluded.
   */
  countBetween(from: string, to: string): number {
    const t = this.ids.get(to.toLowerCase());
    if (t === undefined) return 0;
    const f = this.ids.get(from.toLowerCase());
    const reachable = this.ancestorsOf(t);
    const excluded = f === undefined ? undefined : this.ancestorsOf(f);
    let count = 0;
    for (let i = 0; i < reachable.length; i += 1) {
      count += popcount(excluded ? reachable[i] & ~excluded[i] : reachable[i]);
    }
    return count;
  }

  /**
   * Commits reachable from `to` that descend from `from` (`git rev-list --count
   * --ancestry-path from..to`). When it equals `countBetween(from, to)`, every commit in the
   * range is a descendant of `from`, so none can be an ancestor of it, whatever history
   * lies beyond what the index holds.
   */
  countAncestryPath(from: string, to: string): number {
    const t = this.ids.get(to.toLowerCase());
    const f = this.ids.get(from.toLowerCase());
    if (t === undefined || f === undefined) return 0;
    const reachable = this.ancestorsOf(t);
    const below = this.descendantsOf(f);
    let count = 0;
    for (let i = 0; i < reachable.length; i += 1) count += popcount(reachable[i] & below[i]);
    return count;
  }

  /** Proper descendants of a commit, as a bitset; the child lists are built on first use. */
  private descendantsOf(id: number): Uint32Array {
    const cached = this.descendantSets.get(id);
    if (cached) return cached;
    const children = this.childLists();
    const set = new Uint32Array(Math.ceil(this.shas.length / 32));
    const stack = new Int32Array(this.shas.length);
    let top = 0;
    stack[top++] = id;
    while (top > 0) {
      const node = stack[--top];
      for (let i = children.start[node]; i < children.start[node + 1]; i += 1) {
        const child = children.ids[i];
        const bit = 1 << (child & 31);
        if ((set[child >>> 5] & bit) === 0) {
          set[child >>> 5] |= bit;
          stack[top++] = child;
        }
      }
    }
    if (this.descendantSets.size >= this.cacheCapacity) {
      const oldest = this.descendantSets.keys().next().value;
      if (oldest !== undefined) this.descendantSets.delete(oldest);
    }
    this.descendantSets.set(id, set);
    return set;
  }

  private childLists(): { start: Int32Array; ids: Int32Array } {
    if (this.children) return this.children;
    const count = this.shas.length;
    const start = new Int32Array(count + 1);
    for (let i = 0; i < this.parentIds.length; i += 1) start[this.parentIds[i] + 1] += 1;
    for (let id = 0; id < count; id += 1) start[id + 1] += start[id];
    const fill = start.slice(0, count);
    const ids = new Int32Array(this.parentIds.length);
    for (let id = 0; id < count; id += 1) {
      for (let i = this.parentStart[id]; i < this.parentStart[id + 1]; i += 1) ids[fill[this.parentIds[i]]++] = id;
    }
    this.children = { start, ids };
    return this.children;
  }

  private ancestorsOf(id: number): Uint32Array {
    const cached = this.ancestorSets.get(id);
    if (cached) return cached;
    const set = new Uint32Array(Math.ceil(this.shas.length / 32));
    const stack = new Int32Array(this.shas.length);
    let top = 0;
    stack[top++] = id;
    set[id >>> 5] |= 1 << (id & 31);
    while (top > 0) {
      const node = stack[--top];
      for (let i = this.parentStart[node]; i < this.parentStart[node + 1]; i += 1) {
        const parent = this.parentIds[i];
        const bit = 1 << (parent & 31);
        if ((set[parent >>> 5] & bit) === 0) {
          set[parent >>> 5] |= bit;
          stack[top++] = parent;
        }
      }
    }
    if (this.ancestorSets.size >= this.cacheCapacity) {
      const oldest = this.ancestorSets.keys().next().value;
      if (oldest !== undefined) this.ancestorSets.delete(oldest);
    }
    this.ancestorSets.set(id, set);
    return set;
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function computeGenerations(count: number, parentStart: Int32Array, parentIds: Int32Array): Int32Array {
  const generation = new Int32Array(count);
  // Iterative post-order: histories are far deeper than the JS call stack. A commit is
  // expanded once but may be pushed once per child, hence room for every edge.
  const stack = new Int32Array(count + parentIds.length + 1);
  for (let root = count - 1; root >= 0; root -= 1) {
    if (generation[root] !== 0) continue;
    let top = 0;
    stack[top++] = root;
    while (top > 0) {
      const node = stack[top - 1];
      if (generation[node] !== 0) {
        top -= 1;
        continue;
      }
      let highest = 0;
      let pending = false;
      for (let i = parentStart[node]; i < parentStart[node + 1]; i += 1) {
        const parent = parentIds[i];
        if (generation[parent] === 0) {
          stack[top++] = parent;
          pending = true;
        } else if (generation[parent] > highest) {
          highest = generation[parent];
        }
      }
      if (!pending) {
        generation[node] = highest + 1;
        top -= 1;
      }
    }
  }
  return generation;
}

/**
 * Index over everything reachable from `tips` with two git processes whatever the number of
 * tips: one `cat-file --batch-check` drops tips missing from local history (rev-list would
 * abort on the first one), one `rev-list --parents` walks the rest.
 */
export async function buildAncestryIndex(runner: GitRunner, tips: string[]): Promise<CommitGraph> {
  const wanted = [...new Set(tips.filter(isSafeRevision))];
  if (wanted.length === 0) return CommitGraph.fromRevList('');
  const checked = await runner.text(['cat-file', '--batch-check=%(objectname)'], wanted.map((tip) => `${tip}^{commit}\n`).join(''));
  const present = [...new Set(checked.split('\n').map((line) => line.trim()).filter(isFullSha))];
  if (present.length === 0) return CommitGraph.fromRevList('');
  const output = await runner.text(['rev-list', '--parents', '--stdin'], present.map((sha) => `${sha}\n`).join(''));
  return CommitGraph.fromRevList(output);
}
