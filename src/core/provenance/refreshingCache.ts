import { LRUCache } from 'lru-cache';
import { TrackedLoad } from './trackedLoad';

export interface RefreshingCacheOptions {
  max: number;
  /** How long a loaded value is served before it is reloaded. */
  ttlMs: number;
  /** How long a failure is remembered, so a broken source is not asked on every keystroke. */
  failureTtlMs: number;
}

/**
 * A bounded cache of loads, by key, with a time to live. An expired value is still served
 * while its replacement loads (a lens does not flicker back to "loading" every few
 * minutes), a failure is kept only briefly, and a key is never loaded twice at once.
 */
export class RefreshingCache<T> {
  private readonly entries: LRUCache<string, TrackedLoad<T>>;
  private readonly refreshing = new Map<string, TrackedLoad<T>>();

  constructor(
    private readonly options: RefreshingCacheOptions,
    private readonly onSettled: (key: string, load: TrackedLoad<T>) => void = () => undefined,
  ) {
    this.entries = new LRUCache({ max: options.max, ttl: options.ttlMs, allowStale: true, noDeleteOnStaleGet: true });
  }

  get(key: string, load: () => Promise<T>): TrackedLoad<T> {
    const current = this.entries.get(key);
    const expired = current !== undefined && this.entries.getRemainingTTL(key) <= 0;
    // A load slower than the time to live is still the one to wait for.
    if (current && (!expired || current.state === 'loading')) return current;
    if (current && current.state === 'ready') {
      // Serve the old value while the new one loads; swap when it is in.
      if (!this.refreshing.has(key)) {
        const next = new TrackedLoad(load);
        this.refreshing.set(key, next);
        next.promise.then(
          () => {
            this.refreshing.delete(key);
            this.entries.set(key, next);
            this.onSettled(key, next);
          },
          () => {
            this.refreshing.delete(key);
            // Keep serving the old value a little longer before trying again.
            this.entries.set(key, current, { ttl: this.options.failureTtlMs });
          },
        );
      }
      return current;
    }
    const fresh = new TrackedLoad(load);
    this.entries.set(key, fresh);
    fresh.promise.then(
      () => this.onSettled(key, fresh),
      () => {
        if (this.entries.get(key) === fresh) this.entries.set(key, fresh, { ttl: this.options.failureTtlMs });
        this.onSettled(key, fresh);
      },
    );
    return fresh;
  }

  /** The entry for a key if one exists (fresh or not), without loading. */
  peek(key: string): TrackedLoad<T> | undefined {
    return this.entries.get(key);
  }

  clear(): void {
    this.entries.clear();
    this.refreshing.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
