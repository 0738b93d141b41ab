/** Middle value of the samples (mean of the two middle ones for an even count). */
export function median(samples: number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds `task` took, with its result. */
export async function timed<T>(task: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await task();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/**
 * Runs `task` `runs` times and keeps every duration. A figure is the median of these, so one
 * run slowed by another process on a shared machine does not move it.
 */
export async function repeat<T>(runs: number, task: (run: number) => Promise<T> | T): Promise<{ samples: number[]; last: T }> {
  const samples: number[] = [];
  let last: T | undefined;
  for (let run = 0; run < runs; run++) {
    const { ms, value } = await timed(() => task(run));
    samples.push(ms);
    last = value;
  }
  return { samples, last: last as T };
}

/** A small deterministic generator (mulberry32): the same seed gives the same benchmark inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct items of `items`, chosen by `random`. */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const at = Math.floor(random() * pool.length);
    picked.push(pool[at]);
    pool[at] = pool[pool.length - 1];
    pool.pop();
  }
  return picked;
}
