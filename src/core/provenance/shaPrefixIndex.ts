import type { ShaLookup } from './commitProvenance';

/**
 * Full SHAs in sorted order, answering "which commit does this prefix name" by binary
 * search: a thousand SHAs on screen, or the abbreviated SHAs the warehouse and deployment
 * records hold, resolve in memory with no git process.
 */
export class ShaPrefixIndex implements ShaLookup {
  private readonly sorted: string[];

  constructor(shas: Iterable<string>) {
    this.sorted = [...new Set([...shas].map((s) => s.toLowerCase()))].sort();
  }

  get size(): number {
    return this.sorted.length;
  }

  /** The one commit starting with `prefix`, 'ambiguous' when several do, null when none does. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'ambiguous' names the answer a caller must handle
  resolve(prefix: string): string | 'ambiguous' | null {
    const p = prefix.toLowerCase();
    if (p.length < 4 || !/^[0-9a-f]+$/.test(p)) return null;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    const first = this.sorted[lo];
    if (first === undefined || !first.startsWith(p)) return null;
    const second = this.sorted[lo + 1];
    if (second !== undefined && second.startsWith(p) && first !== p) return 'ambiguous';
    return first;
  }

  full(value: string | null | undefined): string | null {
    if (!value) return null;
    const found = this.resolve(value);
    return found === 'ambiguous' ? null : found;
  }
}
