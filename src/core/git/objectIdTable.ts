/**
 * Object ids held as bytes in one buffer, numbered in the order they were added. A history of
 * 200,000 commits is 4 MB here; as JavaScript strings in a Map it was twenty times that, and
 * sorting those strings for prefix lookups took a second.
 */

/** Value of each ASCII hex digit (either case); -1 for anything else. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i += 1) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i += 1) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}
const HEX_DIGITS = '0123456789abcdef';

export function hexValue(charCode: number): number {
  return charCode < 256 ? HEX_VALUE[charCode] : -1;
}

/** Bytes of an object id: 20 for SHA-1 repositories, 32 for SHA-256 ones. */
export type OidWidth = 20 | 32;

export class ObjectIdTable {
  private bytes: Uint8Array;
  private count = 0;
  /** Open addressing over ids + 1 (0 is an empty slot). */
  private slots: Int32Array;
  private mask: number;
  /** Ids in byte order, for prefix search; rebuilt on demand after additions. */
  private sorted: Int32Array | null = null;
  /** Ids below this are known to be in byte order already (read from a sorted file), so only later ones need sorting. */
  private sortedPrefix = 0;

  constructor(
    readonly width: OidWidth,
    capacity = 1024,
  ) {
    this.bytes = new Uint8Array(Math.max(capacity, 16) * width);
    const size = tableSize(capacity);
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /**
   * A table holding exactly these ids (as `raw` bytes, `count` of them), in that order.
   * `adopt`: the table takes `raw` itself rather than a copy (the caller gives it up).
   */
  static fromBytes(width: OidWidth, raw: Uint8Array, count: number, options: { adopt?: boolean } = {}): ObjectIdTable {
    const table = new ObjectIdTable(width, 0);
    // A Buffer's slice() is a view: a Uint8Array built from it is the copy.
    table.bytes = options.adopt ? raw.subarray(0, count * width) : new Uint8Array(raw.subarray(0, count * width));
    table.count = count;
    const size = tableSize(count);
    table.slots = new Int32Array(size);
    table.mask = size - 1;
    for (let id = 0; id < count; id += 1) table.insertSlot(id);
    return table;
  }

  /**
   * Like `fromBytes`, for ids already in ascending byte order (a commit-graph file's lookup
   * chunk, checked by its reader): prefix search then needs no sort, since that order is the
   * ids'. The table keeps `raw`, which the caller must not change afterwards.
   */
  static fromSortedBytes(width: OidWidth, raw: Uint8Array, count: number): ObjectIdTable {
    const table = new ObjectIdTable(width, 16);
    // Taken as is rather than copied: a file's 200,000 ids are 4 MB, and a copy would leave that much garbage.
    table.bytes = raw.length === count * width ? raw : raw.slice(0, count * width);
    table.count = count;
    const size = tableSize(count);
    table.slots = new Int32Array(size);
    table.mask = size - 1;
    for (let id = 0; id < count; id += 1) table.insertSlot(id);
    table.keepsSortedPrefix(count);
    return table;
  }

  /**
   * Tells the table its first `count` ids are in ascending byte order (the caller has them from
   * a sorted source), so prefix search sorts only the ids after them and merges.
   */
  keepsSortedPrefix(count: number): void {
    this.sortedPrefix = Math.min(count, this.count);
    this.sorted = null;
    if (this.sortedPrefix === this.count) {
      const order = new Int32Array(this.count);
      for (let id = 0; id < this.count; id += 1) order[id] = id;
      this.sorted = order;
    }
  }

  get size(): number {
    return this.count;
  }

  /** The ids' bytes, `size * width` of them (a view: copy before keeping). */
  get raw(): Uint8Array {
    return this.bytes.subarray(0, this.count * this.width);
  }

  /**
   * Gives back the room kept for more ids. A graph read whole is then held for the whole
   * session: with capacity doubling, up to half of its largest buffer would be empty.
   */
  trim(): void {
    const used = this.count * this.width;
    if (this.bytes.length > used) this.bytes = this.bytes.slice(0, used);
  }

  /** Id of the object whose bytes start at `offset` in `source`, adding it when new. */
  addBytes(source: Uint8Array, offset: number): number {
    const existing = this.findBytes(source, offset);
    if (existing !== -1) return existing;
    if ((this.count + 1) * this.width > this.bytes.length) this.grow();
    this.bytes.set(source.subarray(offset, offset + this.width), this.count * this.width);
    const id = this.count;
    this.count += 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.insertSlot(id);
    this.sorted = null;
    return id;
  }

  /** Id of the object whose bytes start at `offset` in `source`, or -1. */
  findBytes(source: Uint8Array, offset: number): number {
    const w = this.width;
    let slot = hashAt(source, offset) & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      const base = (entry - 1) * w;
      let same = true;
      for (let i = 0; i < w; i += 1) {
        if (this.bytes[base + i] !== source[offset + i]) {
          same = false;
          break;
        }
      }
      if (same) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Id of a full id in hex (any case), or -1. */
  idOf(hex: string): number {
    const bytes = decodeHex(hex, this.width);
    return bytes ? this.findBytes(bytes, 0) : -1;
  }

  hexOf(id: number): string {
    let out = '';
    const base = id * this.width;
    for (let i = 0; i < this.width; i += 1) {
      const b = this.bytes[base + i];
      out += HEX_DIGITS[b >>> 4] + HEX_DIGITS[b & 15];
    }
    return out;
  }

  /**
   * The one id starting with the hex prefix: -1 when none does, -2 when several do. A full
   * id is never ambiguous.
   */
  findPrefix(prefix: string): number {
    const nibbles = prefix.length;
    if (nibbles === 0 || nibbles > this.width * 2) return -1;
    for (let i = 0; i < nibbles; i += 1) if (hexValue(prefix.charCodeAt(i)) < 0) return -1;
    const order = this.order();
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.comparePrefix(order[mid], prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= order.length || this.comparePrefix(order[lo], prefix) !== 0) return -1;
    if (lo + 1 < order.length && this.comparePrefix(order[lo + 1], prefix) === 0) return -2;
    return order[lo];
  }

  /** Ids in byte order (computed once, then kept until an id is added): what a stored table keeps to skip the sort. */
  byteOrder(): Int32Array {
    return this.order();
  }

  /**
   * Takes `order` (as `byteOrder` gave it for the same ids, kept on disk) as the order prefix
   * lookups search, so a table read back needs no sort. A wrong order would make lookups
   * answer wrongly rather than fail, so it is checked, a few comparisons per id, and refused
   * (false) unless it lists every id once in strictly ascending byte order.
   */
  useOrder(order: Int32Array): boolean {
    const n = this.count;
    if (order.length !== n) return false;
    const seen = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) {
      const id = order[i];
      if (id < 0 || id >= n || seen[id] === 1) return false;
      seen[id] = 1;
      if (i > 0 && this.compareIds(order[i - 1], id, this.width) >= 0) return false;
    }
    this.sorted = order;
    return true;
  }

  /** Ids in byte order: a radix sort on the first four bytes, then full comparison where those tie. */
  private order(): Int32Array {
    if (this.sorted) return this.sorted;
    // A few ids after a sorted run (a file's graph and the walk of what it lacked): sort those alone and merge.
    if (this.sortedPrefix > 0 && (this.count - this.sortedPrefix) * 8 <= this.count) {
      this.sorted = this.mergedOrder();
      return this.sorted;
    }
    const n = this.count;
    const w = this.width;
    const bytes = this.bytes;
    let from = new Int32Array(n);
    let to = new Int32Array(n);
    for (let i = 0; i < n; i += 1) from[i] = i;
    const counts = new Int32Array(65537);
    // Two passes of 16 bits, least significant first: bytes 2-3, then bytes 0-1.
    for (const byte of [2, 0]) {
      counts.fill(0);
      for (let i = 0; i < n; i += 1) {
        const base = from[i] * w + byte;
        counts[((bytes[base] << 8) | bytes[base + 1]) + 1] += 1;
      }
      for (let k = 0; k < 65536; k += 1) counts[k + 1] += counts[k];
      for (let i = 0; i < n; i += 1) {
        const base = from[i] * w + byte;
        to[counts[(bytes[base] << 8) | bytes[base + 1]]++] = from[i];
      }
      [from, to] = [to, from];
    }
    // Runs that share the first four bytes are rare in real ids: insertion sort them.
    for (let start = 0; start < n;) {
      let end = start + 1;
      while (end < n && this.compareIds(from[start], from[end], 4) === 0) end += 1;
      for (let i = start + 1; i < end; i += 1) {
        const id = from[i];
        let j = i - 1;
        while (j >= start && this.compareIds(from[j], id, w) > 0) {
          from[j + 1] = from[j];
          j -= 1;
        }
        from[j + 1] = id;
      }
      start = end;
    }
    this.sorted = from;
    return from;
  }

  private mergedOrder(): Int32Array {
    const n = this.count;
    const k = this.sortedPrefix;
    const w = this.width;
    const tail = Array.from({ length: n - k }, (_, i) => k + i).sort((a, b) => this.compareIds(a, b, w));
    const order = new Int32Array(n);
    let i = 0;
    let j = 0;
    for (let at = 0; at < n; at += 1) {
      if (j >= tail.length || (i < k && this.compareIds(i, tail[j], w) < 0)) order[at] = i++;
      else order[at] = tail[j++];
    }
    return order;
  }

  private compareIds(a: number, b: number, length: number): number {
    const w = this.width;
    for (let i = 0; i < length; i += 1) {
      const d = this.bytes[a * w + i] - this.bytes[b * w + i];
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Compares an id with a hex prefix over the prefix's length only (0: the id starts with it). */
  private comparePrefix(id: number, prefix: string): number {
    const base = id * this.width;
    for (let i = 0; i < prefix.length; i += 1) {
      const b = this.bytes[base + (i >>> 1)];
      const nibble = (i & 1) === 0 ? b >>> 4 : b & 15;
      const d = nibble - hexValue(prefix.charCodeAt(i));
      if (d !== 0) return d;
    }
    return 0;
  }

  private insertSlot(id: number): void {
    let slot = hashAt(this.bytes, id * this.width) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = id + 1;
  }

  private grow(): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, 16 * this.width));
    next.set(this.bytes);
    this.bytes = next;
  }

  private rehash(): void {
    const size = tableSize(this.count * 2);
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.count; id += 1) this.insertSlot(id);
  }
}

function tableSize(count: number): number {
  let size = 1024;
  while (size < count * 2) size *= 2;
  return size;
}

/** Object ids are hashes already; mixing eight bytes spreads the made-up ids tests use too. */
function hashAt(bytes: Uint8Array, offset: number): number {
  const a = (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
  const b = (bytes[offset + 4] << 24) | (bytes[offset + 5] << 16) | (bytes[offset + 6] << 8) | bytes[offset + 7];
  return (Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) ^ (a >>> 13)) >>> 0;
}

/** The bytes of a full hex id of this width, or null when it is not one. */
export function decodeHex(hex: string, width: OidWidth): Uint8Array | null {
  if (hex.length !== width * 2) return null;
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i += 1) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}
