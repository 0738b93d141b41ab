import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/config/configError';
import { findConfigFile, loadConfig, resolveConfig } from '../../../src/core/config/loadConfig';
import { DEFAULT_SETTINGS, primaryModelsOf } from '../../../src/server/settings';

const minimal = () => ({
  warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet', 'ds.graded': 'graded.parquet' } },
  tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
});

function errorOf(raw: unknown): ConfigError {
  try {
    resolveConfig(raw, '/ws/pipeline-lens.json');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be rejected');
}

describe('loadConfig', () => {
  it('fills in column defaults and thresholds and resolves paths from the config folder', () => {
    const c = resolveConfig(minimal(), '/ws/pipeline-lens.json');
    assert.equal(c.tables.predictions.columns.model, 'system_id');
    assert.equal(c.tables.graded.columns.correct, 'prediction_correct');
    assert.equal(c.thresholds.hitRate, 0.55);
    assert.equal(c.thresholds.gradingCoverage, 0.8);
    assert.equal(c.thresholds.featureCoverage, 0.8);
    assert.equal(c.thresholds.zeroRate, 0.9);
    assert.equal(c.warehouse.kind === 'embedded' ? c.warehouse.files!['ds.preds'] : null, '/ws/preds.parquet');
    assert.equal(c.repository, '/ws');
    assert.equal(c.tables.featureStore, null);
  });

  it('loads a configuration of another domain with its own table and column names', () => {
    const c = loadConfig(join(__dirname, '../../fixtures/energy/pipeline-lens.json'));
    assert.equal(c.tables.predictions.columns.model, 'forecaster');
    assert.equal(c.tables.predictions.columns.active, null);
    assert.equal(c.tables.graded.columns.correct, 'side_ok');
    assert.equal(c.tables.executionLog!.service, 'load-forecaster');
    assert.equal(c.tables.executionLog!.columns.revision, null);
    assert.equal(c.features.registry[3].name, 'solar_irradiance');
    assert.equal(c.thresholds.highEdge, 50);
    assert.equal(c.thresholds.hitRate, 0.55, 'unset thresholds keep their defaults');
  });

  it('primaryModels: the models lenses and hovers lead with, in order; the editor setting wins when set', () => {
    assert.deepEqual(resolveConfig(minimal(), '/ws/pipeline-lens.json').primaryModels, []);
    const c = resolveConfig({ ...minimal(), primaryModels: ['catboost_v8', 'ensemble_v1', 'catboost_v8'] }, '/ws/pipeline-lens.json');
    assert.deepEqual(c.primaryModels, ['catboost_v8', 'ensemble_v1']);
    assert.deepEqual(primaryModelsOf(DEFAULT_SETTINGS, c), ['catboost_v8', 'ensemble_v1']);
    assert.deepEqual(primaryModelsOf({ ...DEFAULT_SETTINGS, primaryModels: ['zone_matchup_v1'] }, c), ['zone_matchup_v1']);
    const e = errorOf({ ...minimal(), primaryModels: 'catboost_v8' });
    assert.equal(e.jsonPath, '/primaryModels');
  });

  it('names the JSON path and the expected value of a wrong type', () => {
    const raw = minimal() as Record<string, unknown>;
    raw.thresholds = { hitRate: 'high' };
    const e = errorOf(raw);
    assert.match(e.message, /\/thresholds\/hitRate must be number/);
    assert.equal(e.jsonPath, '/thresholds/hitRate');
  });

  it('names a missing required key', () => {
    const raw = minimal() as { tables: Record<string, unknown> };
    delete raw.tables.graded;
    assert.match(errorOf(raw).message, /\/tables\/graded is required/);
  });

  it('rejects a misspelt key instead of ignoring it', () => {
    const raw = minimal() as Record<string, unknown>;
    raw.servces = [];
    assert.match(errorOf(raw).message, /\/servces is not a known setting/);
  });

  it('rejects identifiers that could carry SQL', () => {
    const raw = minimal() as { tables: { predictions: Record<string, unknown> } };
    raw.tables.predictions.table = 'ds.preds`; DROP TABLE x; --';
    assert.match(errorOf(raw).message, /\/tables\/predictions\/table must match .*dataset\.table/);
    const raw2 = minimal() as { tables: { predictions: Record<string, unknown> } };
    raw2.tables.predictions.columns = { model: "system_id' OR '1'='1" };
    assert.match(errorOf(raw2).message, /\/tables\/predictions\/columns\/model must match/);
  });

  it('names the allowed kinds of a deployment source', () => {
    const raw = { ...minimal(), services: [{ name: 'svc', paths: ['svc/**'], deployments: { kind: 'cloudrun' } }] };
    assert.match(errorOf(raw).message, /\/services\/0\/deployments\/kind must be one of "file", "warehouse"/);
  });

  it('rejects a feature index outside the array and duplicate indices', () => {
    const raw = { ...minimal(), features: { count: 3, registry: [{ index: 3, name: 'x' }] } };
    assert.match(errorOf(raw).message, /\/features\/registry\/0\/index is 3, outside the features array/);
    const dup = {
      ...minimal(),
      features: {
        count: 3,
        registry: [
          { index: 1, name: 'a' },
          { index: 1, name: 'b' },
        ],
      },
    };
    assert.match(errorOf(dup).message, /index 1 a second name/);
  });

  it('rejects an execution log tied to an unknown service', () => {
    const raw = {
      ...minimal(),
      services: [{ name: 'svc', paths: ['svc/**'] }],
      tables: { ...minimal().tables, executionLog: { table: 'ds.log', service: 'other' } },
    };
    assert.match(errorOf(raw).message, /\/tables\/executionLog\/service is "other", which is not a service/);
  });

  it('says how to fix invalid JSON and a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-config-'));
    writeFileSync(join(dir, 'pipeline-lens.json'), '{ "warehouse": ');
    assert.throws(() => loadConfig(join(dir, 'pipeline-lens.json')), /is not valid JSON/);
    assert.throws(() => loadConfig(join(dir, 'nope.json')), /Cannot read .*nope\.json/);
  });

  it('finds the config by walking up from a subfolder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-config-'));
    writeFileSync(join(dir, 'pipeline-lens.json'), JSON.stringify(minimal()));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    assert.equal(findConfigFile(join(dir, 'a', 'b')), join(dir, 'pipeline-lens.json'));
  });
});

describe('tables.predictions.featureJoin and stages without a deployment record', () => {
  const withStore = () => ({
    ...minimal(),
    tables: { ...minimal().tables, featureStore: { table: 'ds.features' } },
  });

  it('reads the join of predictions to feature rows, with daysBefore defaulting to the same day', () => {
    const raw = withStore();
    Object.assign(raw.tables.predictions, { featureJoin: { keys: { player: 'player_id', team: 'team_id' } } });
    const c = resolveConfig(raw, '/ws/pipeline-lens.json');
    assert.deepEqual(c.tables.predictions.featureJoin, {
      keys: [
        { prediction: 'player', feature: 'player_id' },
        { prediction: 'team', feature: 'team_id' },
      ],
      daysBefore: 0,
    });
  });

  it('refuses a join to a feature store that is not configured, naming the key', () => {
    const raw = minimal();
    Object.assign(raw.tables.predictions, { featureJoin: { keys: { player: 'player_id' } } });
    const error = errorOf(raw);
    assert.equal(error.jsonPath, '/tables/predictions/featureJoin');
    assert.match(error.message, /\/tables\/featureStore is not set/);
  });

  it('reads the run mode through the feature join with modeFrom "featureJoin", and from columns.mode otherwise', () => {
    const raw = withStore();
    Object.assign(raw.tables.predictions, { featureJoin: { keys: { player: 'player_id' } }, modeFrom: 'featureJoin' });
    assert.equal(resolveConfig(raw, '/ws/pipeline-lens.json').tables.predictions.modeFrom, 'featureJoin');
    assert.equal(resolveConfig(withStore(), '/ws/pipeline-lens.json').tables.predictions.modeFrom, 'columns');
  });

  it('refuses modeFrom "featureJoin" without the join, naming the key to add', () => {
    const raw = withStore();
    Object.assign(raw.tables.predictions, { modeFrom: 'featureJoin' });
    const error = errorOf(raw);
    assert.equal(error.jsonPath, '/tables/predictions/modeFrom');
    assert.match(error.message, /\/tables\/predictions\/featureJoin is not set; add it/);
  });

  it('refuses modeFrom "featureJoin" when the feature store has no mode column, or the predictions name one too', () => {
    const noMode = withStore();
    Object.assign(noMode.tables.featureStore, { columns: { mode: null } });
    Object.assign(noMode.tables.predictions, { featureJoin: { keys: { player: 'player_id' } }, modeFrom: 'featureJoin' });
    assert.match(errorOf(noMode).message, /\/tables\/featureStore\/columns\/mode is null; name the feature-store column/);
    const both = withStore();
    Object.assign(both.tables.predictions, { featureJoin: { keys: { player: 'player_id' } }, modeFrom: 'featureJoin', columns: { mode: 'run_kind' } });
    assert.match(errorOf(both).message, /columns\/mode names "run_kind" too; keep one/);
  });

  it('refuses a modeFrom it does not know', () => {
    const raw = withStore();
    Object.assign(raw.tables.predictions, { modeFrom: 'executionLog' });
    assert.match(errorOf(raw).message, /modeFrom/);
  });

  it('refuses a join without keys', () => {
    const raw = withStore();
    Object.assign(raw.tables.predictions, { featureJoin: { keys: {} } });
    assert.match(errorOf(raw).message, /featureJoin\/keys/);
  });

  it('gives a stage with a table and no deployments deployments inferred from its build column', () => {
    const c = resolveConfig({ ...withStore(), services: [{ name: 'features', paths: ['features/**'], table: 'featureStore' }] }, '/ws/pipeline-lens.json');
    assert.deepEqual(c.services[0].deployments, {
      kind: 'buildColumn',
      table: 'featureStore',
      describe: 'ds.features.build_commit_sha, the first day each build appears',
    });
  });
});
