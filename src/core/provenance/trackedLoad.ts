let nextId = 1;

/**
 * A load whose outcome can be read synchronously once it has settled, so that a caller who
 * waited for a while can render what is there and say what is not ("results loading").
 */
export class TrackedLoad<T> {
  /** Distinct per load: cached work derived from this value is keyed by it. */
  readonly id = nextId++;
  state: 'loading' | 'ready' | 'failed' = 'loading';
  value: T | undefined;
  error: string | undefined;
  readonly promise: Promise<T>;

  constructor(load: () => Promise<T>) {
    this.promise = (async () => load())();
    this.promise.then(
      (value) => {
        this.state = 'ready';
        this.value = value;
      },
      (error: unknown) => {
        this.state = 'failed';
        this.error = error instanceof Error ? error.message : String(error);
      },
    );
  }

  /** Settles (without throwing) when the load has, or when `ms` pass, or when `signal` aborts. */
  async settle(ms: number | null, signal?: AbortSignal): Promise<void> {
    if (this.state !== 'loading') return;
    await waitFor([this.promise.then(noop, noop)], ms, signal);
  }
}

function noop(): void {}

/**
 * Resolves when every promise has settled, `ms` have passed (null: no limit) or `signal`
 * aborts, whichever comes first. Never rejects: callers read the outcome from what they waited on.
 */
export function waitFor(promises: Promise<unknown>[], ms: number | null, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    if (ms !== null) timer = setTimeout(done, Math.max(0, ms));
    // allSettled never rejects.
    void Promise.allSettled(promises).then(done);
  });
}

/** Throws an AbortError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

export function abortError(): Error {
  const error = new Error('The request was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** Awaits `promise` unless `signal` fires first; the work itself goes on (others may share it). */
export async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        onAbort = () => reject(abortError());
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
