import type { PipelineLensConfig } from '../config/types';
import type { CredentialHosts } from '../credentials/endpointPolicy';
import { loadWithDuckdb } from './embedded/duckdbBinding';
import { tableConfigKeys } from './tableConfigKeys';
import type { Warehouse } from './types';

/**
 * The warehouse a config names. Each engine's module is loaded only when chosen: a run on
 * the embedded engine never loads the BigQuery client, and a BigQuery run never loads the
 * DuckDB binding. (`require` rather than `import()`: the code is CommonJS, and the bundler
 * keeps a required module lazy.)
 */
export async function openWarehouse(config: PipelineLensConfig, options: { credentialHosts?: CredentialHosts } = {}): Promise<Warehouse> {
  const warehouse = config.warehouse;
  if (warehouse.kind === 'bigquery') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when this engine is configured (see above)
    const { BigQueryWarehouse } = require('./bigquery/bigqueryWarehouse') as typeof import('./bigquery/bigqueryWarehouse');
    return BigQueryWarehouse.open(warehouse, { tableKeys: tableConfigKeys(config), configFile: config.file, credentialHosts: options.credentialHosts });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when this engine is configured (see above)
  const { EmbeddedWarehouse } = loadWithDuckdb(() => require('./embedded/embeddedWarehouse') as typeof import('./embedded/embeddedWarehouse'));
  return EmbeddedWarehouse.open(warehouse, { baseDir: config.root });
}
