import type { BigQueryWarehouseConfig } from '../../../src/core/config/types';
import type { BigQueryWarehouseOptions } from '../../../src/core/warehouse/bigqueryWarehouse';

/** A BigQuery profile pointing at a fake, as pipeline-lens.json would resolve to. */
export function bigqueryProfile(apiEndpoint: string, overrides: Partial<BigQueryWarehouseConfig> = {}): BigQueryWarehouseConfig {
  return { kind: 'bigquery', project: 'pl-test', location: 'US', apiEndpoint, maximumBytesBilled: 10 * 1024 ** 3, keyFilename: null, ...overrides };
}

/** Fast backoff and polling, so retry and cancellation tests take milliseconds. */
export const FAST: BigQueryWarehouseOptions = { retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 }, poll: { initialMs: 5, maxMs: 20 }, transportRetries: 0 };
