import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/*
 * A deadline the BigQuery client cannot ignore. The client's `timeout` option reaches
 * teeny-request, which hands it to node-fetch 3, which dropped that option (only an
 * AbortSignal stops it, and teeny-request passes none): a server that accepts the
 * connection and never answers holds the call, and the process, forever.
 *
 * So the product enforces it from outside: the work runs in an async context, every HTTP
 * request Node starts inside that context is noted (the `http.client.request.start`
 * diagnostics channel fires in the requester's context), and when the time is up those
 * requests are destroyed, which makes the client's own promise reject and frees the
 * socket. Token requests made on the way (google-auth-library) are covered alike.
 *
 * The time counts from the first request the work starts, not from the call: before it,
 * the client is loading its HTTP layer and building the request, which on a busy machine
 * takes seconds of the process's own time, and "no answer from BigQuery within N s" must
 * not be said of a request that was never sent. A backstop from the call itself (several
 * times the limit, at least a minute) still ends work that never sends a request at all.
 */

/** The time allowed ran out; every request still in flight was destroyed. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

interface Scope {
  requests: Set<ClientRequest>;
  expired: boolean;
  /** Called as each request starts; the first one starts the clock. */
  started: () => void;
}

const scopes = new AsyncLocalStorage<Scope>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  subscribe('http.client.request.start', (message) => {
    const scope = scopes.getStore();
    if (!scope) return;
    const { request } = message as { request: ClientRequest };
    if (scope.expired) {
      request.destroy(new Error('the deadline for this BigQuery call has passed'));
      return;
    }
    scope.requests.add(request);
    request.once('close', () => scope.requests.delete(request));
    scope.started();
  });
}

/**
 * `work()`'s result, or a DeadlineExceeded rejection `ms` after its first HTTP request
 * started, with its requests destroyed. An aborted `signal` ends it the same way, rejecting
 * with `onAbort()`.
 */
export function withinDeadline<T>(ms: number, work: () => Promise<T>, options: { signal?: AbortSignal; onAbort?: () => Error } = {}): Promise<T> {
  listen();
  const { signal } = options;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const backstopMs = Math.max(ms * 4, ms + 60_000);
    const backstop = setTimeout(() => expire(new Error(`no request to BigQuery was sent within ${backstopMs} ms of the call`)), backstopMs);
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(backstop);
      signal?.removeEventListener('abort', aborted);
      outcome();
    };
    const expire = (reason: Error) => {
      scope.expired = true;
      for (const request of scope.requests) request.destroy(reason);
      scope.requests.clear();
      finish(() => reject(reason));
    };
    const aborted = () => expire(options.onAbort?.() ?? new Error('aborted'));
    const scope: Scope = {
      requests: new Set(),
      expired: false,
      started: () => {
        if (!settled) timer ??= setTimeout(() => expire(new DeadlineExceeded(ms)), ms);
      },
    };
    if (signal?.aborted) {
      aborted();
      return;
    }
    signal?.addEventListener('abort', aborted, { once: true });
    scopes.run(scope, work).then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
