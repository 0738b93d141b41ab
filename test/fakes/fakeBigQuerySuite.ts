import { after, before, beforeEach } from 'node:test';
import { BigQueryWarehouse, type BigQueryWarehouseOptions } from '../../src/core/warehouse/bigquery/bigqueryWarehouse';
import { bigqueryProfile, FAST } from './bigqueryProfile';
import { FakeBigQuery, type FakeBigQueryOptions } from './fakeBigQuery';

export interface FakeBigQuerySuite {
  /** The fake; what it recorded and was told to do is forgotten before each test. */
  readonly fake: FakeBigQuery;
  /** The product's BigQueryWarehouse on the fake: the test profile, fast retries and polling. */
  readonly warehouse: BigQueryWarehouse;
}

/**
 * A fake BigQuery for the tests of the describe block this is called in: started (with a
 * warehouse opened on it) before them, reset before each, so that every test asserts on its
 * own requests and plants its own failures, and closed after them.
 */
export function fakeBigQuerySuite(options: FakeBigQueryOptions, warehouseOptions: BigQueryWarehouseOptions = FAST): FakeBigQuerySuite {
  let fake: FakeBigQuery | undefined;
  let warehouse: BigQueryWarehouse | undefined;
  before(async () => {
    fake = await FakeBigQuery.start(options);
    warehouse = await BigQueryWarehouse.open(bigqueryProfile(fake.url), warehouseOptions);
  });
  beforeEach(() => fake?.reset());
  after(async () => {
    await warehouse?.close();
    await fake?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The fake BigQuery starts in a before hook: use it inside a test or a hook registered after fakeBigQuerySuite().');
    return value;
  };
  return {
    get fake() {
      return started(fake);
    },
    get warehouse() {
      return started(warehouse);
    },
  };
}
