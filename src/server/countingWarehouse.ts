import { WarehouseError, type QueryOptions, type QueryResult, type SqlQuery, type Warehouse } from '../core/warehouse/types';
import type { WarehouseFault } from './testHooks';

/** Counts every query the server sends, whatever the engine (the status request reports it). */
export class QueryCounter {
  count = 0;
}

/**
 * The server's view of a warehouse: every query counted, and, in tests only, a fault
 * injected in front of the real engine.
 */
export class CountingWarehouse implements Warehouse {
  /**
   * The engine's dry run, when it has one (BigQuery). Passed through uncounted: it reads
   * nothing and bills nothing. Left undefined otherwise, since callers test for it to tell
   * an engine that estimates from one that does not.
   */
  readonly dryRun?: Warehouse['dryRun'];

  constructor(
    private readonly inner: Warehouse,
    private readonly counter: QueryCounter,
    private readonly fault: WarehouseFault,
  ) {
    if (inner.dryRun) this.dryRun = (query, options) => inner.dryRun!(query, options);
  }

  get kind(): Warehouse['kind'] {
    return this.inner.kind;
  }

  describe(): string {
    return this.inner.describe();
  }

  async query(query: SqlQuery, options: QueryOptions = {}): Promise<QueryResult> {
    this.counter.count++;
    if (this.fault?.kind === 'fail')
      throw new WarehouseError(`Query ${query.name} failed: the warehouse is unreachable (injected by PIPELINE_LENS_TEST_WAREHOUSE).`, 'unreachable');
    if (this.fault?.kind === 'hang' && (!this.fault.only || this.fault.only === query.name)) await sleep(null, options.signal);
    if (this.fault?.kind === 'delay') await sleep(this.fault.ms, options.signal);
    return this.inner.query(query, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function sleep(ms: number | null, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      if (timer) clearTimeout(timer);
      reject(new WarehouseError('The query was cancelled.', 'cancelled'));
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    const timer =
      ms === null
        ? null
        : setTimeout(() => {
            signal?.removeEventListener('abort', abort);
            resolve();
          }, ms);
  });
}
