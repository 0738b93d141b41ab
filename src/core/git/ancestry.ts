import type { GitRunner } from './gitRunner';
import { ObjectIdTable } from './objectIdTable';
import { RevListReader, type GraphArrays } from './revListReader';
import { isSafeRevision } from './revisions';
import type { AncestryIndex } from './types';

/**
 * Ancestor sets are cached per revision, one bit per commit: 25 KB each on a history of
 * 200,000 commits, so this budget holds about 650 revisions there.
 */
const CACHE_BUDGET_BYTES = 16 * 1024 * 1024;

/** Revisions whose ancestor sets one pass computes: their masks take 4 bytes per commit per 32 of them. */
const REVISIONS_PER_PASS = 256;

/** Commits a slice of `prepareInSlices` visits: a few milliseconds' work. */
const SLICE_COMMITS = 32_768;

/** Prefix lookups of record values (the same few SHAs asked thousands of times) remembered before the memo is cleared. */
const PREFIX_MEMO_LIMIT = 50_000;

/**
 * The commit graph from `git rev-list --parents`, held as typed arrays: commits are integer
 * ids, their SHAs bytes in one buffer. Each query is answered in memory: a generation-number
 * check rejects most "newer commit in older revision" pairs outright, and otherwise the
 * revision's ancestor set is a bitset computed once (many revisions at a time with
 * `prepare`) and reused for every later question about that revision.
 */
export class CommitGraph implements AncestryIndex {
  readonly oids: ObjectIdTable;
  readonly parentStart: Int32Array;
  readonly parentIds: Int32Array;
  /** 1 + the longest parent chain below the commit; an ancestor always has a smaller one. */
  readonly generation: Int32Array;
  private readonly ancestorSets = new Map<number, Uint32Array>();
  private readonly descendantSets = new Map<number, Uint32Array>();
  private children: { start: Int32Array; ids: Int32Array } | null = null;
  private topological: Int32Array | null = null;
  private readonly cacheCapacity: number;
  private readonly prefixMemo = new Map<string, number>();
  /** Scratch for walks, shared since they never overlap: a stack and per-commit marks stamped with a walk number. */
  private scratch: { stack: Int32Array; marks: Int32Array; walk: number } | null = null;

  constructor(arrays: GraphArrays, generation?: Int32Array) {
    this.oids = arrays.oids;
    this.parentStart = arrays.parentStart;
    this.parentIds = arrays.parentIds;
    this.generation = generation ?? computeGenerations(arrays.oids.size, arrays.parentStart, arrays.parentIds);
    const bytesPerSet = Math.ceil(this.size / 32) * 4;
    this.cacheCapacity = Math.max(8, Math.floor(CACHE_BUDGET_BYTES / Math.max(bytesPerSet, 1)));
  }

  /**
   * Builds the graph from `git rev-list --parents` output ("sha parent parent..." per line).
   * Parents not listed themselves (the edge of a shallow clone) are dropped: nothing
   * beyond them is known.
   */
  static fromRevList(output: string | Buffer): CommitGraph {
    const reader = new RevListReader();
    reader.push(typeof output === 'string' ? Buffer.from(output, 'latin1') : output);
    return new CommitGraph(reader.finish());
  }

  static empty(): CommitGraph {
    return new CommitGraph({ oids: new ObjectIdTable(20, 16), parentStart: new Int32Array(1), parentIds: new Int32Array(0) });
  }

  /** Number of commits in the index. */
  get size(): number {
    return this.oids.size;
  }

  /** Id of a full SHA (any case), or -1. */
  idOf(sha: string): number {
    return this.oids.idOf(sha);
  }

  shaOf(id: number): string {
    return this.oids.hexOf(id);
  }

  knows(sha: string): boolean {
    return this.oids.idOf(sha) !== -1;
  }

  /** The one commit starting with `prefix` (4+ hex digits, any case), 'ambiguous' when several do, null when none does. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'ambiguous' names the answer a caller must handle
  resolve(prefix: string): string | 'ambiguous' | null {
    const id = this.prefixId(prefix);
    return id === -2 ? 'ambiguous' : id === -1 ? null : this.oids.hexOf(id);
  }

  /** The full SHA a record's value names (abbreviated or full), or null when it names none or several. */
  full(value: string | null | undefined): string | null {
    if (!value) return null;
    const id = this.prefixId(value);
    return id < 0 ? null : this.oids.hexOf(id);
  }

  /** The first parent (for a merge, the branch merged into); null for a root, a shallow boundary or an unknown commit. */
  firstParent(sha: string): string | null {
    const id = this.oids.idOf(sha);
    if (id === -1 || this.parentStart[id] === this.parentStart[id + 1]) return null;
    return this.oids.hexOf(this.parentIds[this.parentStart[id]]);
  }

  /** How many parents the walk recorded (2 or more for a merge). */
  parentCount(sha: string): number {
    const id = this.oids.idOf(sha);
    return id === -1 ? 0 : this.parentStart[id + 1] - this.parentStart[id];
  }

  contains(revision: string, commit: string): boolean {
    const r = this.oids.idOf(revision);
    const c = this.oids.idOf(commit);
    if (r === -1 || c === -1) return false;
    return this.containsId(r, c);
  }

  containsId(r: number, c: number): boolean {
    if (r === c) return true;
    if (this.generation[c] >= this.generation[r]) return false;
    const set = this.ancestorsOf(r);
    return (set[c >>> 5] & (1 << (c & 31))) !== 0;
  }

  /**
   * Computes the ancestor sets of many revisions in one pass over the graph rather than one
   * walk each: a document's lenses ask about every deployed revision and every build in the
   * warehouse. Revisions already computed are not computed again, so a caller may ask again
   * with more. Unknown SHAs are ignored. Returns how many sets it computed.
   */
  prepare(revisions: Iterable<string>): number {
    const wanted = this.unprepared(revisions);
    for (const step of this.prepareSteps(wanted)) void step;
    return wanted.length;
  }

  /**
   * `prepare` in slices of about `SLICE_COMMITS` commits, awaiting `pause` between them, so
   * a server handles what else arrives (the warehouse's replies, requests) while the sets
   * are computed. Questions asked meanwhile are answered right, by a walk of their own.
   */
  async prepareInSlices(revisions: Iterable<string>, pause: () => Promise<void>): Promise<number> {
    const wanted = this.unprepared(revisions);
    for (const step of this.prepareSteps(wanted)) {
      void step;
      await pause();
    }
    return wanted.length;
  }

  /** Ids of the revisions without an ancestor set, once each; none when they would not fit in the cache. */
  private unprepared(revisions: Iterable<string>): number[] {
    const wanted: number[] = [];
    const asked = new Set<number>();
    for (const revision of revisions) {
      const id = this.oids.idOf(revision);
      if (id !== -1 && !this.ancestorSets.has(id) && !asked.has(id)) {
        asked.add(id);
        wanted.push(id);
      }
    }
    const room = Math.max(0, this.cacheCapacity - this.ancestorSets.size);
    return wanted.length > room ? [] : wanted;
  }

  /**
   * One pass for each `REVISIONS_PER_PASS` revisions, yielding after each slice of work.
   * Revision j is bit (j & 31) of word (j >>> 5) of each commit's mask: a pass costs about
   * the same for 32 revisions as for 128 (in a new process it is mostly the loop's first,
   * unoptimised iterations).
   */
  private *prepareSteps(all: number[]): Generator<void, void, void> {
    for (let offset = 0; offset < all.length; offset += REVISIONS_PER_PASS) {
      const wanted = all.slice(offset, offset + REVISIONS_PER_PASS);
      const n = this.size;
      const order = this.topologicalOrder();
      const lanes = Math.ceil(wanted.length / 32);
      const masks = new Int32Array(n * lanes);
      let highest = 0;
      wanted.forEach((id, j) => {
        masks[id * lanes + (j >>> 5)] |= 1 << (j & 31);
        if (this.generation[id] > highest) highest = this.generation[id];
      });
      // Commits above every revision come first in the order and reach none of them.
      let k = 0;
      while (k < n && this.generation[order[k]] > highest) k += 1;
      while (k < n) {
        const end = Math.min(n, k + SLICE_COMMITS);
        propagate(order, k, end, masks, lanes, this.parentStart, this.parentIds);
        k = end;
        yield;
      }
      for (let lane = 0; lane < lanes; lane += 1) {
        const chunk = wanted.slice(lane * 32, lane * 32 + 32);
        const sets = transposeLane(masks, lanes, lane, n, chunk.length);
        chunk.forEach((id, j) => this.ancestorSets.set(id, sets[j]));
        if (lane + 1 < lanes) yield;
      }
    }
  }

  /**
   * Commits reachable from `to` and not from `from`, like `git rev-list --count from..to`.
   * 0 when `to` is unknown; when only `from` is unknown, everything the index holds below
   * `to`, since nothing known is excluded.
   */
  countBetween(from: string, to: string): number {
    const t = this.oids.idOf(to);
    if (t === -1) return 0;
    const f = this.oids.idOf(from);
    if (f !== -1 && this.containsId(f, t)) return 0;
    const excluded = f === -1 ? null : this.ancestorsOf(f);
    // Only the commits counted are visited: a serving build a few commits behind costs a few steps.
    const { stack, marks, walk } = this.nextWalk();
    let top = 0;
    let count = 0;
    stack[top++] = t;
    marks[t] = walk;
    while (top > 0) {
      const node = stack[--top];
      count += 1;
      for (let i = this.parentStart[node]; i < this.parentStart[node + 1]; i += 1) {
        const parent = this.parentIds[i];
        if (marks[parent] === walk || (excluded && (excluded[parent >>> 5] & (1 << (parent & 31))) !== 0)) continue;
        marks[parent] = walk;
        stack[top++] = parent;
      }
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
    const t = this.oids.idOf(to);
    const f = this.oids.idOf(from);
    if (t === -1 || f === -1) return 0;
    const reachable = this.ancestorsOf(t);
    const below = this.descendantsOf(f);
    let count = 0;
    for (let i = 0; i < reachable.length; i += 1) count += popcount(reachable[i] & below[i]);
    return count;
  }

  /** Ids of every commit reachable from the given ids, as a bitset. */
  reachableFrom(ids: Iterable<number>): Uint32Array {
    const set = new Uint32Array(Math.ceil(this.size / 32));
    const { stack } = this.nextWalk();
    let top = 0;
    for (const id of ids) {
      if ((set[id >>> 5] & (1 << (id & 31))) !== 0) continue;
      set[id >>> 5] |= 1 << (id & 31);
      stack[top++] = id;
    }
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
    return set;
  }

  /** The graph of the commits in `keep` (a bitset closed under parents), or this one when that is every commit. */
  restrictedTo(keep: Uint32Array): CommitGraph {
    const n = this.size;
    const map = new Int32Array(n);
    let kept = 0;
    for (let id = 0; id < n; id += 1) map[id] = (keep[id >>> 5] & (1 << (id & 31))) !== 0 ? kept++ : -1;
    if (kept === n) return this;
    const w = this.oids.width;
    const raw = this.oids.raw;
    const bytes = new Uint8Array(kept * w);
    const parentStart = new Int32Array(kept + 1);
    let edges = 0;
    for (let id = 0; id < n; id += 1) {
      if (map[id] === -1) continue;
      bytes.set(raw.subarray(id * w, id * w + w), map[id] * w);
      edges += this.parentStart[id + 1] - this.parentStart[id];
      parentStart[map[id] + 1] = edges;
    }
    const parentIds = new Int32Array(edges);
    // Closed under parents, the kept commits keep their depths: no need to compute them again.
    const generation = new Int32Array(kept);
    let at = 0;
    for (let id = 0; id < n; id += 1) {
      if (map[id] === -1) continue;
      generation[map[id]] = this.generation[id];
      for (let i = this.parentStart[id]; i < this.parentStart[id + 1]; i += 1) parentIds[at++] = map[this.parentIds[i]];
    }
    return new CommitGraph({ oids: ObjectIdTable.fromBytes(w, bytes, kept), parentStart, parentIds }, generation);
  }

  /** Whether every commit is in the bitset. */
  covers(set: Uint32Array): boolean {
    const n = this.size;
    for (let w = 0; w < n >>> 5; w += 1) if (set[w] !== -1 >>> 0) return false;
    for (let id = n & ~31; id < n; id += 1) if ((set[id >>> 5] & (1 << (id & 31))) === 0) return false;
    return true;
  }

  /** The arrays behind the graph, to extend it with another walk. */
  arrays(): GraphArrays {
    return { oids: this.oids, parentStart: this.parentStart, parentIds: this.parentIds };
  }

  private nextWalk(): { stack: Int32Array; marks: Int32Array; walk: number } {
    if (!this.scratch || this.scratch.walk === 0x7fffffff) this.scratch = { stack: new Int32Array(this.size), marks: new Int32Array(this.size), walk: 0 };
    this.scratch.walk += 1;
    return this.scratch;
  }

  private prefixId(value: string): number {
    const known = this.prefixMemo.get(value);
    if (known !== undefined) return known;
    const id = value.length < 4 ? -1 : this.oids.findPrefix(value);
    if (this.prefixMemo.size >= PREFIX_MEMO_LIMIT) this.prefixMemo.clear();
    this.prefixMemo.set(value, id);
    return id;
  }

  /** Commit ids ordered children first (by generation, highest first). */
  private topologicalOrder(): Int32Array {
    if (this.topological) return this.topological;
    const n = this.size;
    let highest = 0;
    for (let id = 0; id < n; id += 1) if (this.generation[id] > highest) highest = this.generation[id];
    const starts = new Int32Array(highest + 2);
    for (let id = 0; id < n; id += 1) starts[highest - this.generation[id] + 1] += 1;
    for (let g = 0; g <= highest; g += 1) starts[g + 1] += starts[g];
    const order = new Int32Array(n);
    for (let id = 0; id < n; id += 1) order[starts[highest - this.generation[id]]++] = id;
    this.topological = order;
    return order;
  }

  /** Proper descendants of a commit, as a bitset; the child lists are built on first use. */
  private descendantsOf(id: number): Uint32Array {
    const cached = this.descendantSets.get(id);
    if (cached) return cached;
    const children = this.childLists();
    const set = new Uint32Array(Math.ceil(this.size / 32));
    const { stack } = this.nextWalk();
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
    remember(this.descendantSets, id, set, this.cacheCapacity);
    return set;
  }

  private childLists(): { start: Int32Array; ids: Int32Array } {
    if (this.children) return this.children;
    const count = this.size;
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
    const set = this.reachableFrom([id]);
    remember(this.ancestorSets, id, set, this.cacheCapacity);
    return set;
  }
}

function remember(cache: Map<number, Uint32Array>, id: number, set: Uint32Array, capacity: number): void {
  if (cache.size >= capacity) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(id, set);
}

/** Children before parents (positions `from` to `to` of `order`): what reaches a commit reaches its parents. */
function propagate(order: Int32Array, from: number, to: number, masks: Int32Array, lanes: number, parentStart: Int32Array, parentIds: Int32Array): void {
  for (let k = from; k < to; k += 1) {
    const node = order[k];
    const base = node * lanes;
    let any = 0;
    for (let l = 0; l < lanes; l += 1) any |= masks[base + l];
    if (any === 0) continue;
    const end = parentStart[node + 1];
    for (let i = parentStart[node]; i < end; i += 1) {
      const parent = parentIds[i] * lanes;
      for (let l = 0; l < lanes; l += 1) masks[parent + l] |= masks[base + l];
    }
  }
}

/** The ancestor sets of the `count` revisions of one word of the masks: bit j of commit c's mask is bit c of revision j's set. */
function transposeLane(masks: Int32Array, lanes: number, lane: number, n: number, count: number): Uint32Array[] {
  const words = Math.ceil(n / 32);
  const sets = Array.from({ length: count }, () => new Uint32Array(words));
  const block = new Int32Array(32);
  // Transposed 32 commits at a time.
  for (let w = 0; w < words; w += 1) {
    let any = 0;
    for (let b = 0; b < 32; b += 1) {
      const node = w * 32 + b;
      const m = node < n ? masks[node * lanes + lane] : 0;
      block[31 - b] = m;
      any |= m;
    }
    if (any === 0) continue;
    transpose32(block);
    for (let j = 0; j < count; j += 1) sets[j][w] = block[31 - j];
  }
  return sets;
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Transposes a 32×32 bit matrix in place (Hacker's Delight, 7-3): afterwards bit (31 - c) of
 * row r is what bit (31 - r) of row c was.
 */
function transpose32(a: Int32Array): void {
  let m = 0x0000ffff;
  for (let j = 16; j !== 0; j >>>= 1, m ^= m << j) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const t = (a[k] ^ (a[k + j] >>> j)) & m;
      a[k] ^= t;
      a[k + j] ^= t << j;
    }
  }
}

export function computeGenerations(count: number, parentStart: Int32Array, parentIds: Int32Array, known?: Int32Array): Int32Array {
  const generation = new Int32Array(count);
  // Levels already known for the first commits (a commit-graph file's): only the rest are computed.
  if (known) generation.set(known.subarray(0, Math.min(known.length, count)));
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
 * Runs `git rev-list --parents` over `revisions` (one per line on stdin, `--not` lines
 * allowed) and reads its output as it streams. `--ignore-missing` skips revisions local
 * history lacks (and abbreviations several commits share) instead of failing the walk.
 */
export async function walkGraph(runner: GitRunner, revisions: string[], base: GraphArrays | null = null, watch?: (reader: RevListReader) => void): Promise<GraphArrays> {
  const reader = new RevListReader(base);
  watch?.(reader);
  await runner.stream(['rev-list', '--parents', '--ignore-missing', '--stdin'], revisions.map((r) => `${r}\n`).join(''), (chunk) => reader.push(chunk));
  return reader.finish();
}

/**
 * Index over everything reachable from `tips` (SHAs, abbreviations or names; ones missing
 * locally are skipped, and `knows` says so) with one git process whatever the number of tips.
 */
export async function buildAncestryIndex(runner: GitRunner, tips: string[]): Promise<CommitGraph> {
  const wanted = [...new Set(tips.filter(isSafeRevision))];
  if (wanted.length === 0) return CommitGraph.empty();
  // `^{commit}` peels tags, and picks the commit among objects an abbreviation shares.
  return new CommitGraph(
    await walkGraph(
      runner,
      wanted.map((tip) => `${tip}^{commit}`),
    ),
  );
}

/**
 * A walk begun from the tips known first (the deployed revisions and the commits asked
 * about), so git walks while the rest is read; `index` joins to it a walk of the later tips
 * it did not reach, `rev-list <new> --not <tips walked so far>`, as a stored graph is
 * updated. The index answers as one walked from every tip at once: what the later walk
 * prints is exactly what the earlier ones did not reach, and a commit printed twice keeps its
 * first parent list.
 */
export class GrowingAncestry {
  private readonly first: Promise<CommitGraph> | null;
  /** Tips walked so far, as handed to git. */
  private readonly walkedTips: string[];
  /** The graph of every walk so far; later questions share its ancestor sets. */
  private graph: CommitGraph | null = null;
  /** Questions are answered one after another, each from the graph the one before left. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `fromFile`: the same graph read another way (git's commit-graph file), or null to walk. */
  constructor(
    private readonly runner: GitRunner,
    tips: string[],
    fromFile?: (tips: string[]) => Promise<CommitGraph | null>,
  ) {
    this.walkedTips = [...new Set(tips.filter(isSafeRevision))];
    const walk = async () =>
      new CommitGraph(
        await walkGraph(
          runner,
          this.walkedTips.map((tip) => `${tip}^{commit}`),
        ),
      );
    this.first = this.walkedTips.length ? (fromFile ? fromFile(this.walkedTips).then((graph) => graph ?? walk()) : walk()) : null;
    // Awaited by `index`; a caller that fails before asking must not leave it unhandled.
    this.first?.catch(() => undefined);
  }

  /** Index over everything reachable from the tips walked so far and `tips` (full SHAs, as `buildAncestryIndex` takes them). */
  index(tips: string[]): Promise<CommitGraph> {
    const answer = this.queue.then(() => this.grow(tips));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private async grow(tips: string[]): Promise<CommitGraph> {
    this.graph ??= this.first ? await this.first : CommitGraph.empty();
    const walked = this.graph;
    const later = [...new Set(tips.filter(isSafeRevision))].filter((tip) => !walked.knows(tip));
    if (later.length === 0) return walked;
    // An empty graph gives no id width to join to (SHA-1 or SHA-256): walk afresh.
    const grown =
      walked.size === 0
        ? await buildAncestryIndex(this.runner, later)
        : new CommitGraph(await walkGraph(this.runner, [...later.map((tip) => `${tip}^{commit}`), ...this.walkedTips.map((tip) => `^${tip}^{commit}`)], walked.arrays()));
    this.walkedTips.push(...later);
    this.graph = grown;
    return grown;
  }
}
