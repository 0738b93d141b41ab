import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/config/configError';
import { resolveConfig } from '../../../src/core/config/loadConfig';
import { warehouseProfileNames, withWarehouseProfile } from '../../../src/core/config/warehouseProfiles';

const FILE = '/ws/pipeline-lens.json';
const tables = { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } };
const embedded = (file: string) => ({ kind: 'embedded', files: { 'ds.preds': file, 'ds.graded': 'graded.parquet' } });
const bigquery = { kind: 'bigquery', project: 'my-staging', location: 'US', apiEndpoint: 'http://127.0.0.1:9050' };

function errorOf(raw: unknown): ConfigError {
  try {
    resolveConfig(raw, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be rejected');
}

describe('warehouse profiles', () => {
  it('keeps a single warehouse valid as the profile "default"', () => {
    const c = resolveConfig({ warehouse: embedded('p.parquet'), tables }, FILE);
    assert.equal(c.warehouseProfiles.active, 'default');
    assert.deepEqual(Object.keys(c.warehouseProfiles.byName), ['default']);
    assert.equal(c.warehouse, c.warehouseProfiles.byName.default);
  });

  it('reads a warehouses map with its default, and switches to a named profile', () => {
    const c = resolveConfig({ warehouses: { production: embedded('prod.parquet'), staging: bigquery }, defaultWarehouse: 'production', tables }, FILE);
    assert.equal(c.warehouseProfiles.active, 'production');
    assert.equal(c.warehouse.kind, 'embedded');
    assert.deepEqual(warehouseProfileNames(c), ['production', 'staging']);
    const staging = withWarehouseProfile(c, 'staging');
    assert.equal(staging.warehouse.kind, 'bigquery');
    assert.equal(staging.warehouseProfiles.active, 'staging');
    assert.equal(staging.warehouse.kind === 'bigquery' ? staging.warehouse.configKey : null, 'warehouses.staging', 'credential messages name the profile');
    assert.equal(staging.tables, c.tables, 'tables are shared by every profile');
  });

  it('refuses an unknown profile, naming the profiles there are', () => {
    const c = resolveConfig({ warehouses: { production: embedded('prod.parquet'), staging: bigquery }, defaultWarehouse: 'production', tables }, FILE);
    assert.throws(
      () => withWarehouseProfile(c, 'qa'),
      (e: Error) => e instanceof ConfigError && /No warehouse profile "qa".*production, staging/.test(e.message),
    );
  });

  it('needs defaultWarehouse with several profiles, and one that exists', () => {
    assert.equal(errorOf({ warehouses: { production: embedded('a'), staging: embedded('b') }, tables }).jsonPath, '/defaultWarehouse');
    const e = errorOf({ warehouses: { production: embedded('a') }, defaultWarehouse: 'prod', tables });
    assert.match(e.message, /\/defaultWarehouse is "prod", which is not a profile in \/warehouses \(production\)/);
  });

  it('refuses warehouse and warehouses together, and neither', () => {
    assert.equal(errorOf({ warehouse: embedded('a'), warehouses: { staging: embedded('b') }, defaultWarehouse: 'staging', tables }).jsonPath, '/warehouses');
    assert.match(errorOf({ tables }).message, /\/warehouse is required/);
  });

  it('names the profile whose settings are wrong', () => {
    const e = errorOf({ warehouses: { production: embedded('a'), staging: { kind: 'embedded' } }, defaultWarehouse: 'production', tables });
    assert.match(e.message, /\/warehouses\/staging needs "database"/);
    assert.equal(e.jsonPath, '/warehouses/staging');
  });
});

describe('model registry', () => {
  const models = {
    catboost_v9: {
      artifact: 'gs://m/v9_feb_retrain.cbm',
      experiment: 'V9_FEB_RETRAIN',
      trainingWindow: { from: '2025-11-02', to: '2026-01-31' },
      metrics: { mae: 4.12, hitRate: 0.746 },
      versions: [{ artifact: 'gs://m/v9_20260124.cbm', metrics: { mae: 5.08 } }],
    },
  };

  it('reads each model id with its artifact, experiment, training window, metrics and versions', () => {
    const c = resolveConfig({ warehouse: embedded('p'), tables, models }, FILE);
    assert.equal(c.models.length, 1);
    const [v9] = c.models;
    assert.equal(v9.model, 'catboost_v9');
    assert.equal(v9.artifact, 'gs://m/v9_feb_retrain.cbm');
    assert.equal(v9.experiment, 'V9_FEB_RETRAIN');
    assert.deepEqual(v9.trainingWindow, { from: '2025-11-02', to: '2026-01-31' });
    assert.equal(v9.metrics.mae, 4.12);
    assert.equal(v9.versions[0].metrics.mae, 5.08);
    assert.equal(v9.versions[0].experiment, null);
    assert.deepEqual(resolveConfig({ warehouse: embedded('p'), tables }, FILE).models, [], 'the section is optional');
  });

  it('names the key of a wrong entry', () => {
    assert.equal(errorOf({ warehouse: embedded('p'), tables, models: { m: { experiment: 'x' } } }).jsonPath, '/models/m/artifact');
    const share = errorOf({ warehouse: embedded('p'), tables, models: { m: { artifact: 'a', metrics: { hitRate: 74.6 } } } });
    assert.equal(share.jsonPath, '/models/m/metrics/hitRate');
    assert.match(share.message, /share from 0 to 1/);
    const window = errorOf({ warehouse: embedded('p'), tables, models: { m: { artifact: 'a', trainingWindow: { from: '2026-02-01', to: '2026-01-01' } } } });
    assert.equal(window.jsonPath, '/models/m/trainingWindow');
    const twice = errorOf({ warehouse: embedded('p'), tables, models: { a: { artifact: 'x.cbm' }, b: { artifact: 'x.cbm' } } });
    assert.equal(twice.jsonPath, '/models/b/artifact');
    assert.match(twice.message, /already listed at \/models\/a\/artifact/);
    assert.equal(errorOf({ warehouse: embedded('p'), tables, models: { m: { artifact: 'a', owner: 'me' } } }).jsonPath, '/models/m/owner');
  });

  it('takes the artifact column of the predictions table and of the execution log, off by default', () => {
    const c = resolveConfig({ warehouse: embedded('p'), tables }, FILE);
    assert.equal(c.tables.predictions.columns.artifact, null);
    const d = resolveConfig({ warehouse: embedded('p'), tables: { ...tables, executionLog: { table: 'ds.log', columns: { artifact: 'model_file' } } } }, FILE);
    assert.equal(d.tables.executionLog!.columns.artifact, 'model_file');
  });
});
