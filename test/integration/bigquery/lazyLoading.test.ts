import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/*
 * The BigQuery client and google-auth-library are loaded only when a config asks for
 * BigQuery or Cloud Run: the CLI on the embedded engine (and the editor's activation)
 * must not pay for them. Checked in a fresh process, whose module cache is clean.
 */

const ROOT = join(__dirname, '../../..');

function loadedAfter(script: string): Record<string, boolean> {
  const probe = `
    ${script}
    const loaded = (name) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + name + '/'));
    process.stdout.write(JSON.stringify({ bigquery: loaded('@google-cloud/bigquery'), auth: loaded('google-auth-library') }));
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, boolean>;
}

describe('lazy loading of the cloud clients', () => {
  it('loading the CLI and the workspace loads neither the BigQuery client nor google-auth-library', () => {
    assert.deepEqual(loadedAfter(`require('./src/cli/main'); require('./src/core/workspace');`), { bigquery: false, auth: false });
  });

  it('opening a BigQuery warehouse loads them (the check above can fail)', () => {
    const script = `
      const { openWarehouse } = require('./src/core/warehouse/openWarehouse');
      const { resolveConfig } = require('./src/core/config/loadConfig');
      const config = resolveConfig({ warehouse: { kind: 'bigquery', project: 'pl-test', location: 'US', apiEndpoint: 'http://127.0.0.1:9' },
        tables: { predictions: { table: 'ds.p' }, graded: { table: 'ds.g' } } }, '/ws/pipeline-lens.json');
      openWarehouse(config);
    `;
    assert.deepEqual(loadedAfter(script), { bigquery: true, auth: true });
  });
});
