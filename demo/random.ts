/**
 * Seeded randomness for the demo scenario. Every stream is named (`Random.stream('lines')`),
 * so adding draws to one part of the scenario does not shift the numbers of another, and
 * the same name gives the same sequence on every machine.
 */

/** FNV-1a over UTF-16 code units: a stable 32-bit seed from a stream name. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static stream(name: string): Random {
    return new Random(hashString(`pipeline-lens-demo/${name}`));
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller; one value per call keeps streams easy to reason about). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(1 - this.next());
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** Lower-case hex string of `length` characters. */
  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += Math.floor(this.next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return out.slice(0, length);
  }

  /**
   * `count` items drawn without replacement, each with probability proportional to its
   * weight (Efraimidis-Spirakis keys). Items with weight 0 come last.
   */
  weightedSample<T>(items: readonly T[], weight: (item: T) => number, count: number): T[] {
    const keyed = items.map((item) => {
      const w = Math.max(weight(item), 1e-12);
      return { item, key: Math.log(1 - this.next()) / w };
    });
    keyed.sort((a, b) => b.key - a.key);
    return keyed.slice(0, Math.max(0, count)).map((k) => k.item);
  }
}

/**
 * Splits an integer total into integer parts proportional to `weights` (largest remainder),
 * never giving a part more than its cap.
 */
export function apportion(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  const n = weights.length;
  const parts = new Array<number>(n).fill(0);
  const cap = (i: number) => (caps ? caps[i] : Number.POSITIVE_INFINITY);
  let remaining = total;
  let open = weights.map((_, i) => i).filter((i) => cap(i) > 0);
  while (remaining > 0 && open.length > 0) {
    const sum = open.reduce((s, i) => s + weights[i], 0) || open.length;
    const shares = open.map((i) => ({ i, exact: (remaining * (sum === open.length && weights[i] === 0 ? 1 : weights[i])) / sum }));
    let given = 0;
    for (const s of shares) {
      const add = Math.min(Math.floor(s.exact), cap(s.i) - parts[s.i]);
      parts[s.i] += add;
      given += add;
    }
    const rest = remaining - given;
    const byRemainder = shares.filter((s) => parts[s.i] < cap(s.i)).sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.i - b.i);
    let extra = Math.min(rest, byRemainder.length);
    for (const s of byRemainder) {
      if (extra === 0) break;
      parts[s.i] += 1;
      extra -= 1;
    }
    remaining = total - parts.reduce((s, p) => s + p, 0);
    open = open.filter((i) => parts[i] < cap(i));
    if (given === 0 && byRemainder.length === 0) break;
  }
  if (remaining !== 0) throw new Error(`Cannot apportion ${total} within the caps given`);
  return parts;
}
