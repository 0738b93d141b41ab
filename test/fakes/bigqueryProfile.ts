import type { BigQueryWarehouseConfig } from '../../src/core/config/types';
import type { BigQueryWarehouseOptions } from '../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { BIGQUERY_RETRY_POLICY } from '../../src/core/warehouse/bigquery/retryPolicy';

/** A BigQuery profile pointing at a fake, as pipeline-lens.json would resolve to. */
export function bigqueryProfile(apiEndpoint: string | null, overrides: Partial<BigQueryWarehouseConfig> = {}): BigQueryWarehouseConfig {
  return {
    kind: 'bigquery',
    project: 'pl-test',
    location: 'US',
    apiEndpoint,
    maximumBytesBilled: 10 * 1024 ** 3,
    keyFilename: null,
    requestTimeoutSeconds: 30,
    queryTimeoutSeconds: 600,
    ...overrides,
  };
}

/** The product's retry policy (its attempts) with fast backoff and polling, so retry and cancellation tests take milliseconds. */
export const FAST: BigQueryWarehouseOptions = { retry: { ...BIGQUERY_RETRY_POLICY, initialDelayMs: 5, maxDelayMs: 20 }, poll: { initialMs: 5, maxMs: 20 } };
