import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/config/configError';
import { resolveConfig } from '../../../src/core/config/loadConfig';

/*
 * The BigQuery warehouse profile and the Cloud Run and execution-log deployment sources in
 * pipeline-lens.json: defaults, resolution, and messages that name the branch the user
 * meant (picked by `kind`), not every branch of the schema.
 */

const FILE = '/ws/pipeline-lens.json';
const tables = { predictions: { table: 'ds.p' }, graded: { table: 'ds.g' } };
const config = (warehouse: unknown, services: unknown[] = [], extraTables: Record<string, unknown> = {}) => ({ warehouse, tables: { ...tables, ...extraTables }, services });
const BIGQUERY = { kind: 'bigquery', project: 'pl-test', location: 'US' };
const service = (deployments: unknown, name = 'worker') => ({ name, paths: ['worker/**'], deployments });

function rejects(raw: unknown, message: RegExp) {
  assert.throws(
    () => resolveConfig(raw, FILE),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('BigQuery warehouse profile', () => {
  it('resolves with a 10 GiB cap, no endpoint, ADC, 30 s per request and 600 s per query by default; a key file relative to the config', () => {
    const c = resolveConfig(config(BIGQUERY), FILE);
    assert.deepEqual(c.warehouse, {
      kind: 'bigquery',
      project: 'pl-test',
      location: 'US',
      apiEndpoint: null,
      maximumBytesBilled: 10737418240,
      keyFilename: null,
      requestTimeoutSeconds: 30,
      queryTimeoutSeconds: 600,
      configKey: 'warehouse',
    });
    const k = resolveConfig(
      config({ ...BIGQUERY, keyFilename: 'keys/sa.json', apiEndpoint: 'http://127.0.0.1:9050/', maximumBytesBilled: 1000, requestTimeoutSeconds: 5, queryTimeoutSeconds: 3600 }),
      FILE,
    );
    assert.deepEqual(k.warehouse, {
      kind: 'bigquery',
      project: 'pl-test',
      location: 'US',
      apiEndpoint: 'http://127.0.0.1:9050',
      maximumBytesBilled: 1000,
      keyFilename: '/ws/keys/sa.json',
      requestTimeoutSeconds: 5,
      queryTimeoutSeconds: 3600,
      configKey: 'warehouse',
    });
    assert.equal((resolveConfig(config({ ...BIGQUERY, apiEndpoint: 'https://[::1]:8443' }), FILE).warehouse as { apiEndpoint: string }).apiEndpoint, 'https://[::1]:8443');
  });

  it('time limits are positive numbers of seconds; an endpoint is scheme, host and port only', () => {
    rejects(config({ ...BIGQUERY, requestTimeoutSeconds: 0 }), /\/warehouse\/requestTimeoutSeconds must be >= 0\.1/);
    rejects(config({ ...BIGQUERY, queryTimeoutSeconds: '60' }), /\/warehouse\/queryTimeoutSeconds must be number/);
    rejects(config({ ...BIGQUERY, apiEndpoint: 'https://user@bq.example.com' }), /\/warehouse\/apiEndpoint must match/);
    rejects(config({ ...BIGQUERY, apiEndpoint: 'https://bq.example.com/bigquery/v2' }), /\/warehouse\/apiEndpoint must match/);
  });

  it('an invalid profile is described by the bigquery branch alone', () => {
    rejects(config({ kind: 'bigquery', location: 'US' }), /^\/ws\/pipeline-lens\.json: \/warehouse\/project is required\.$/);
    rejects(config({ ...BIGQUERY, project: 'Bad_Project' }), /\/warehouse\/project must match/);
    rejects(config({ ...BIGQUERY, maximumBytesBilled: 0 }), /\/warehouse\/maximumBytesBilled must be >= 1/);
    rejects(config({ ...BIGQUERY, maximumBytesBilled: '10GB' }), /\/warehouse\/maximumBytesBilled must be integer/);
    rejects(config({ ...BIGQUERY, apiEndpoint: 'localhost:9050' }), /\/warehouse\/apiEndpoint must match/);
    rejects(config({ ...BIGQUERY, files: { 'ds.p': 'p.parquet' } }), /\/warehouse\/files is not a known setting/);
  });

  it('an unknown kind lists the kinds there are', () => {
    rejects(config({ kind: 'snowflake', project: 'pl-test' }), /\/warehouse\/kind must be one of "embedded", "bigquery"/);
  });
});

describe('Cloud Run and execution-log deployment sources', () => {
  it('Cloud Run defaults: BUILD_COMMIT, auto gcloud fallback, the warehouse project', () => {
    const c = resolveConfig(config(BIGQUERY, [service({ kind: 'cloudRun', region: 'us-west2' })]), FILE);
    assert.deepEqual(c.services[0].deployments, {
      kind: 'cloudRun',
      project: 'pl-test',
      region: 'us-west2',
      service: null,
      commitEnv: 'BUILD_COMMIT',
      commitLabel: null,
      apiEndpoint: null,
      useGcloud: 'auto',
    });
    const explicit = resolveConfig(
      config(BIGQUERY, [
        service({
          kind: 'cloudRun',
          project: 'run-project',
          region: 'europe-west1',
          service: 'prediction-worker-eu',
          commitEnv: 'GIT_SHA',
          commitLabel: 'commit-sha',
          apiEndpoint: 'http://127.0.0.1:1',
          useGcloud: false,
        }),
      ]),
      FILE,
    );
    assert.deepEqual(explicit.services[0].deployments, {
      kind: 'cloudRun',
      project: 'run-project',
      region: 'europe-west1',
      service: 'prediction-worker-eu',
      commitEnv: 'GIT_SHA',
      commitLabel: 'commit-sha',
      apiEndpoint: 'http://127.0.0.1:1',
      useGcloud: 'never',
    });
  });

  it('Cloud Run needs a region, and a project when the warehouse is not BigQuery', () => {
    rejects(config(BIGQUERY, [service({ kind: 'cloudRun' })]), /\/services\/0\/deployments\/region is required/);
    rejects(config({ kind: 'embedded', files: { 'ds.p': 'p.parquet' } }, [service({ kind: 'cloudRun', region: 'us-west2' })]), /\/services\/0\/deployments\/project is required/);
    rejects(config(BIGQUERY, [service({ kind: 'cloudRun', region: 'us-west2', commitEnv: 'BUILD COMMIT' })]), /\/services\/0\/deployments\/commitEnv must match/);
    rejects(config(BIGQUERY, [service({ kind: 'cloudRun', region: 'us-west2', useGcloud: 'yes' })]), /\/services\/0\/deployments\/useGcloud must be one of true, false, "auto"/);
  });

  it('the execution-log source needs the log, recording runs of that service', () => {
    const log = { executionLog: { table: 'ops.runs', partitionColumn: 'execution_start_timestamp' } };
    const c = resolveConfig(config(BIGQUERY, [service({ kind: 'executionLog' })], log), FILE);
    assert.deepEqual(c.services[0].deployments, { kind: 'executionLog', lookbackDays: 180, servingRule: 'traffic' });
    rejects(config(BIGQUERY, [service({ kind: 'executionLog' })]), /\/services\/0\/deployments reads deployments from the execution log, but \/tables\/executionLog is not set/);
    rejects(
      config(BIGQUERY, [service({ kind: 'file', path: 'd.json' }, 'reporter'), service({ kind: 'executionLog', lookbackDays: 30 })], {
        executionLog: { ...log.executionLog, service: 'reporter' },
      }),
      /\/services\/1\/deployments reads deployments of worker from the execution log, which records runs of reporter/,
    );
  });

  it('servingRule: "traffic" unless a source that may not record traffic opts into "newest"; Cloud Run, which always records it, takes neither', () => {
    const log = { executionLog: { table: 'ops.runs', partitionColumn: 'execution_start_timestamp' } };
    const rule = (source: Record<string, unknown>) => {
      const deployments = resolveConfig(config(BIGQUERY, [service(source)], log), FILE).services[0].deployments;
      return deployments && 'servingRule' in deployments ? deployments.servingRule : null;
    };
    assert.equal(rule({ kind: 'file', path: 'd.json' }), 'traffic');
    assert.equal(rule({ kind: 'file', path: 'd.json', servingRule: 'newest' }), 'newest');
    assert.equal(rule({ kind: 'warehouse', table: 'ops.deployments', servingRule: 'newest' }), 'newest');
    assert.equal(rule({ kind: 'executionLog', servingRule: 'newest' }), 'newest');
    rejects(config(BIGQUERY, [service({ kind: 'file', path: 'd.json', servingRule: 'latest' })]), /\/services\/0\/deployments\/servingRule must be one of "traffic", "newest"/);
    rejects(config(BIGQUERY, [service({ kind: 'cloudRun', region: 'us-west2', servingRule: 'newest' })]), /\/services\/0\/deployments\/servingRule is not a known setting/);
  });
});
