import { errorReason } from './bigqueryErrors';

/*
 * The one retry policy of BigQuery calls. The client's own retries are off (it would
 * retry inside each of these attempts: 3 requests per attempt, 15 for a rate limit, and
 * about a minute); here every failed request of one call (a query: its insert, polls and
 * pages; a dry run) counts against the same attempts, so a call makes at most
 * `attempts` failed requests before it reports how many it made, over how long.
 */

export interface RetryPolicy {
  /** Failed requests of one call before it gives up (the first try included). */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const BIGQUERY_RETRY_POLICY: RetryPolicy = { attempts: 5, initialDelayMs: 1_000, maxDelayMs: 16_000 };

/** Why a request failed in a way that may pass: worth another attempt. */
export type TransientKind = 'quota' | 'rate-limit' | 'server' | 'connection';

const QUOTA_REASONS = new Set(['quotaExceeded']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const SERVER_REASONS = new Set(['backendError', 'internalError']);
const SERVER_CODES = new Set([500, 502, 503, 504]);
// A connection dropped mid-request may pass; one refused or a name that does not resolve will not.
const DROPPED = /ECONNRESET|EPIPE|socket hang up|other side closed|premature close/i;

export function transientKind(error: unknown): TransientKind | null {
  const reason = errorReason(error);
  if (reason !== null) {
    if (QUOTA_REASONS.has(reason)) return 'quota';
    if (RATE_REASONS.has(reason)) return 'rate-limit';
    if (SERVER_REASONS.has(reason)) return 'server';
  }
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e?.code === 429) return 'rate-limit';
  if (typeof e?.code === 'number' && SERVER_CODES.has(e.code)) return 'server';
  if (typeof e?.code === 'string' && DROPPED.test(e.code)) return 'connection';
  if (reason === null && typeof e?.message === 'string' && DROPPED.test(e.message)) return 'connection';
  return null;
}

/** Every attempt failed with a transient error; `last` is the final one. */
export class AttemptsExhausted extends Error {
  constructor(
    readonly kind: TransientKind,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly last: unknown,
  ) {
    super(`${kind} on ${attempts} attempts`);
    this.name = 'AttemptsExhausted';
  }
}

/**
 * The attempts of one call. `run` retries transient failures with exponential backoff
 * and full jitter, counting them across every request of the call.
 */
export class CallAttempts {
  private failures = 0;
  private readonly started = Date.now();

  constructor(
    private readonly policy: RetryPolicy,
    private readonly signal?: AbortSignal,
  ) {}

  /** `request()`'s answer; transient failures retried while attempts last; anything else thrown as is. */
  async run<T>(request: () => Promise<T>, onAbort: () => Error): Promise<T> {
    for (;;) {
      try {
        return await request();
      } catch (error) {
        const kind = transientKind(error);
        if (kind === null) throw error;
        this.failures++;
        if (this.failures >= this.policy.attempts) throw new AttemptsExhausted(kind, this.failures, Date.now() - this.started, error);
        const { initialDelayMs, maxDelayMs } = this.policy;
        // Full jitter: calls refused together should not come back together.
        const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
        if (!(await sleep(delay, this.signal))) throw onAbort();
      }
    }
  }
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
