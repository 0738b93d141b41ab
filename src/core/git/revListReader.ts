import { hexValue, ObjectIdTable, type OidWidth } from './objectIdTable';

/** A commit graph as arrays: ids index `oids`; the parents of `id` are `parentIds[parentStart[id] .. parentStart[id + 1])`. */
export interface GraphArrays {
  oids: ObjectIdTable;
  parentStart: Int32Array;
  parentIds: Int32Array;
}

/**
 * Reads `git rev-list --parents` output ("commit parent parent..." per line) as it streams,
 * straight into an id table and edge list: no line, SHA or parent list ever becomes a
 * JavaScript string. Given a graph already built, it adds the commits of a walk that
 * excluded that graph's tips (`rev-list new --not old`), whose parents may be old commits.
 */
export class RevListReader {
  private width: OidWidth | null;
  private table: ObjectIdTable | null;
  /** Commits that had a line of their own (or were in the base graph): their parent lists are whole. */
  private listed = new Uint8Array(1024);
  private children = new Int32Array(1024);
  private parents = new Int32Array(1024);
  private edges = 0;
  private carry: Buffer | null = null;
  private readonly scratch = new Uint8Array(32);
  private readonly baseCount: number;

  constructor(private readonly base: GraphArrays | null = null) {
    this.width = base ? base.oids.width : null;
    this.table = base ? ObjectIdTable.fromBytes(base.oids.width, base.oids.raw, base.oids.size) : null;
    this.baseCount = base ? base.oids.size : 0;
    if (base) {
      this.listed = new Uint8Array(Math.max(1024, base.oids.size * 2));
      this.listed.fill(1, 0, base.oids.size);
    }
  }

  /** Whether the walk has printed this commit (full SHA) so far: whatever it printed is reachable from what it started at. */
  printed(sha: string): boolean {
    const id = this.table ? this.table.idOf(sha) : -1;
    return id !== -1 && this.listed[id] === 1;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let start = 0;
    for (;;) {
      const end = data.indexOf(0x0a, start);
      if (end === -1) break;
      this.line(data, start, end);
      start = end + 1;
    }
    // Copied: the chunk's memory may be reused once this returns.
    if (start < data.length) this.carry = Buffer.from(data.subarray(start));
  }

  /**
   * The graph. Parents without a line of their own are dropped: below a shallow clone's
   * boundary nothing is known, and a walk that excluded other tips prints none of theirs.
   */
  finish(): GraphArrays {
    if (this.carry) {
      const rest = this.carry;
      this.carry = null;
      this.line(rest, 0, rest.length);
    }
    const table = this.table ?? new ObjectIdTable(20, 16);
    const count = table.size;
    const keep = new Int32Array(count);
    let kept = 0;
    for (let id = 0; id < count; id += 1) keep[id] = this.listed[id] ? kept++ : -1;
    const oids = kept === count ? table : compactTable(table, keep, kept);
    oids.trim();

    const parentCount = new Int32Array(kept + 1);
    const base = this.base;
    if (base) for (let id = 0; id < this.baseCount; id += 1) parentCount[id + 1] = base.parentStart[id + 1] - base.parentStart[id];
    for (let e = 0; e < this.edges; e += 1) {
      const child = keep[this.children[e]];
      if (this.children[e] >= this.baseCount && keep[this.parents[e]] !== -1) parentCount[child + 1] += 1;
    }
    const parentStart = new Int32Array(kept + 1);
    for (let id = 0; id < kept; id += 1) parentStart[id + 1] = parentStart[id] + parentCount[id + 1];
    const parentIds = new Int32Array(parentStart[kept]);
    if (base) parentIds.set(base.parentIds.subarray(0, base.parentStart[this.baseCount]), 0);
    const fill = parentStart.slice(0, kept);
    for (let e = 0; e < this.edges; e += 1) {
      if (this.children[e] < this.baseCount) continue;
      const parent = keep[this.parents[e]];
      if (parent === -1) continue;
      parentIds[fill[keep[this.children[e]]]++] = parent;
    }
    return { oids, parentStart, parentIds };
  }

  private line(data: Buffer, start: number, end: number): void {
    if (end > start && data[end - 1] === 0x0d) end -= 1;
    if (end <= start) return;
    const width = this.width ?? this.detectWidth(data, start, end);
    const hexLength = width * 2;
    const table = this.table!;
    let pos = start;
    let child = -1;
    let skip = false;
    while (pos < end) {
      if (pos + hexLength > end || (pos + hexLength < end && data[pos + hexLength] !== 0x20)) {
        throw new Error(`git rev-list printed "${data.subarray(start, Math.min(end, start + 100)).toString('utf8')}", which is not a commit id and its parents.`);
      }
      const scratch = this.scratch;
      for (let i = 0; i < width; i += 1) {
        const hi = hexValue(data[pos + 2 * i]);
        const lo = hexValue(data[pos + 2 * i + 1]);
        if (hi < 0 || lo < 0)
          throw new Error(`git rev-list printed "${data.subarray(start, Math.min(end, start + 100)).toString('utf8')}", which is not a commit id and its parents.`);
        scratch[i] = (hi << 4) | lo;
      }
      const id = table.addBytes(scratch, 0);
      this.ensureListed(table.size);
      if (child === -1) {
        child = id;
        // A commit printed twice (a walk excluding other tips may repeat one it had) keeps its first parent list.
        skip = this.listed[id] === 1;
        this.listed[id] = 1;
      } else if (!skip) {
        this.addEdge(child, id);
      }
      pos += hexLength + 1;
    }
  }

  private detectWidth(data: Buffer, start: number, end: number): OidWidth {
    const space = data.indexOf(0x20, start);
    const length = (space === -1 || space > end ? end : space) - start;
    if (length !== 40 && length !== 64) {
      throw new Error(`git rev-list printed "${data.subarray(start, Math.min(end, start + 100)).toString('utf8')}", which does not start with a commit id.`);
    }
    this.width = length === 40 ? 20 : 32;
    this.table = new ObjectIdTable(this.width, 4096);
    return this.width;
  }

  private ensureListed(size: number): void {
    if (size <= this.listed.length) return;
    const next = new Uint8Array(this.listed.length * 2);
    next.set(this.listed);
    this.listed = next;
  }

  private addEdge(child: number, parent: number): void {
    if (this.edges === this.children.length) {
      const children = new Int32Array(this.edges * 2);
      children.set(this.children);
      this.children = children;
      const parents = new Int32Array(this.edges * 2);
      parents.set(this.parents);
      this.parents = parents;
    }
    this.children[this.edges] = child;
    this.parents[this.edges] = parent;
    this.edges += 1;
  }
}

function compactTable(table: ObjectIdTable, keep: Int32Array, kept: number): ObjectIdTable {
  const w = table.width;
  const raw = table.raw;
  const bytes = new Uint8Array(kept * w);
  for (let id = 0; id < keep.length; id += 1) if (keep[id] !== -1) bytes.set(raw.subarray(id * w, id * w + w), keep[id] * w);
  return ObjectIdTable.fromBytes(w, bytes, kept);
}
