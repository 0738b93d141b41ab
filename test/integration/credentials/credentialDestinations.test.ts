import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DeploymentsRequest } from '../../../src/shared/protocol';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { FakeCloudRun } from '../../fakes/fakeCloudRun';
import { FakeMetadataServer } from '../../fakes/fakeMetadataServer';
import type { RecordedRequest } from '../../fakes/jsonHttpServer';
import { runCliProcess } from '../../fixtures/cliProcess';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';
import { createSelfSignedCertificate, type Certificate } from '../../fixtures/selfSignedCertificate';
import { createParityDataset, type ParityDataset } from '../bigquery/parityDataset';
import { LspHarness, sleep } from '../server/lspHarness';

/*
 * Where the user's Google credentials go, with real ones to lose: a fake GCE metadata
 * server hands the real google-auth-library a recognisable access token (and nothing else
 * on the machine can: HOME, the gcloud config and GOOGLE_APPLICATION_CREDENTIALS point at
 * nothing), and the BigQuery and Cloud Run fakes listen on HTTPS with a certificate made
 * here, recording every Authorization header they receive. Their names
 * (bigquery.example.test, run.example.test) resolve to 127.0.0.1 inside the processes
 * under test only, so to the product they are any host on the internet.
 *
 * A workspace that names such a host gets no request at all, from the command line or from
 * the language server on folder open; the user's own allowance (an environment variable,
 * a machine-scoped setting) lets the token go there; a loopback endpoint gets requests
 * without any Authorization header.
 */

const HOSTS_PRELOAD = resolve(__dirname, '../../fixtures/exampleTestHosts.cjs');
const WORKER_SERVICE = { project: 'pl-run', region: 'us-west2', service: 'prediction-worker' };

describe('credentials go only where the user said', () => {
  let scratch: string;
  let metadata: FakeMetadataServer;
  let certificate: Certificate;
  let dataset: ParityDataset;
  let bigquery: FakeBigQuery;
  let loopbackBigquery: FakeBigQuery;
  let cloudRun: FakeCloudRun;
  let repo: GitFixture;
  let env: Record<string, string>;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pl-credentials-'));
    const home = join(scratch, 'home');
    await mkdir(home);
    metadata = await FakeMetadataServer.start();
    certificate = await createSelfSignedCertificate(scratch, ['bigquery.example.test', 'run.example.test', '127.0.0.1', 'localhost']);
    repo = await createGitFixture([
      { message: 'worker: first model', files: { 'worker/app.py': 'v1\n' }, date: '2025-12-19T10:00:00Z' },
      { message: 'fix(worker): read the line', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-06T03:17:00Z' },
    ]);
    const [a, b] = repo.shas;
    dataset = await createParityDataset({ a, b });
    bigquery = await FakeBigQuery.start({ database: dataset.database, tls: certificate });
    loopbackBigquery = await FakeBigQuery.start({ database: dataset.database });
    cloudRun = await FakeCloudRun.start({ tls: certificate });
    cloudRun.setService({
      ...WORKER_SERVICE,
      revisions: [{ name: 'prediction-worker-00002-bbb', createTime: '2026-01-07T19:10:00Z', env: { BUILD_COMMIT: b } }],
      traffic: [{ latest: true, percent: 100 }],
    });
    await writeWorkspace('remote', `https://bigquery.example.test:${bigquery.port}`, `https://run.example.test:${cloudRun.port}`);
    await writeWorkspace('loopback', loopbackBigquery.url, `https://127.0.0.1:${cloudRun.port}`);
    await writeFile(join(repo.root, 'select.sql'), 'SELECT COUNT(*) AS n FROM `preds.predictions` AS p WHERE p.game_date = @d\n');
    // Nothing on this machine but the fake metadata server can give out credentials.
    env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      CLOUDSDK_CONFIG: join(home, 'gcloud'),
      GOOGLE_APPLICATION_CREDENTIALS: '',
      GCE_METADATA_HOST: metadata.host,
      METADATA_SERVER_DETECTION: 'assume-present',
      NODE_EXTRA_CA_CERTS: certificate.certFile,
      NODE_OPTIONS: `--require ${HOSTS_PRELOAD}`,
    };
  });
  beforeEach(() => {
    bigquery.reset();
    loopbackBigquery.reset();
    cloudRun.reset();
    metadata.requests.length = 0;
  });
  after(async () => {
    await Promise.all([bigquery?.close(), loopbackBigquery?.close(), cloudRun?.close(), metadata?.close()]);
    await dataset?.cleanup();
    await repo?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function writeWorkspace(folder: string, warehouseEndpoint: string, runEndpoint: string) {
    await mkdir(join(repo.root, folder), { recursive: true });
    await writeFile(
      join(repo.root, folder, 'pipeline-lens.json'),
      JSON.stringify({
        repository: '..',
        warehouse: { kind: 'bigquery', project: 'pl-cli', location: 'US', apiEndpoint: warehouseEndpoint },
        tables: dataset.tables,
        features: dataset.features,
        services: [{ name: 'prediction-worker', paths: ['worker/**'], deployments: { kind: 'cloudRun', ...WORKER_SERVICE, apiEndpoint: runEndpoint, useGcloud: false } }],
      }),
    );
  }

  const cli = (folder: string, args: string[], extra: Record<string, string> = {}) => runCliProcess(['--cwd', join(repo.root, folder), ...args], { ...env, ...extra });
  const query = (folder: string, extra?: Record<string, string>) => cli(folder, ['query', join(repo.root, 'select.sql'), '--param', 'd:DATE=2026-01-09'], extra);
  const verify = (folder: string, extra?: Record<string, string>) => cli(folder, ['verify', '--service', 'prediction-worker'], extra);
  const authorizations = (requests: RecordedRequest[]) => requests.map((r) => r.headers.authorization ?? null);

  describe('the command line', () => {
    it('a host only the workspace names: refused before any request, exit 2, saying how to allow it; no token is even fetched', async () => {
      const q = await query('remote');
      assert.equal(q.code, 2, q.stderr);
      assert.match(
        q.stderr,
        new RegExp(
          `^pipeline-lens: warehouse\\.apiEndpoint in .*remote/pipeline-lens\\.json sends BigQuery requests to bigquery\\.example\\.test:${bigquery.port}, which is not Google's endpoint`,
        ),
      );
      assert.match(q.stderr, new RegExp(`set PIPELINE_LENS_ALLOW_CREDENTIALS_TO=bigquery\\.example\\.test:${bigquery.port} in the environment`));

      const v = await verify('remote');
      assert.equal(v.code, 2, v.stdout + v.stderr);
      assert.match(v.stdout + v.stderr, new RegExp(`services\\[\\]\\.deployments\\.apiEndpoint in .*sends Cloud Run Admin API requests to run\\.example\\.test:${cloudRun.port}`));
      assert.match(v.stdout + v.stderr, /PIPELINE_LENS_ALLOW_CREDENTIALS_TO=run\.example\.test/);

      assert.equal(bigquery.requests.length, 0, 'no request reached the BigQuery endpoint');
      assert.equal(cloudRun.requests.length, 0, 'no request reached the Cloud Run endpoint');
      assert.equal(metadata.tokensIssued, 0, 'no access token was fetched');
    });

    it('the hosts allowed in PIPELINE_LENS_ALLOW_CREDENTIALS_TO: every request carries the token', async () => {
      const allow = { PIPELINE_LENS_ALLOW_CREDENTIALS_TO: `bigquery.example.test:${bigquery.port}, run.example.test` };
      const q = await query('remote', allow);
      assert.equal(q.code, 0, q.stderr);
      assert.ok(bigquery.requests.length >= 2, 'the dry run and the query reached BigQuery');
      assert.deepEqual(new Set(authorizations(bigquery.requests)), new Set([`Bearer ${metadata.token}`]));

      const v = await verify('remote', allow);
      assert.ok(v.code === 0 || v.code === 1, v.stdout + v.stderr);
      assert.ok(cloudRun.requests.length >= 2, 'the service and its revisions were read');
      assert.deepEqual(new Set(authorizations(cloudRun.requests)), new Set([`Bearer ${metadata.token}`]));
      assert.ok(metadata.tokensIssued >= 1);
    });

    it('an allowance for another port, or a malformed one, does not allow the host', async () => {
      const otherPort = await query('remote', { PIPELINE_LENS_ALLOW_CREDENTIALS_TO: `bigquery.example.test:${bigquery.port + 1}` });
      assert.equal(otherPort.code, 2);
      assert.match(otherPort.stderr, new RegExp(`add bigquery\\.example\\.test:${bigquery.port} to PIPELINE_LENS_ALLOW_CREDENTIALS_TO`));
      const malformed = await query('remote', { PIPELINE_LENS_ALLOW_CREDENTIALS_TO: `https://bigquery.example.test:${bigquery.port}/` });
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /PIPELINE_LENS_ALLOW_CREDENTIALS_TO holds "https:\/\/.*", which is not a host/);
      assert.equal(bigquery.requests.length, 0);
      assert.equal(metadata.tokensIssued, 0);
    });

    it('a loopback endpoint, over http or https, is used without credentials', async () => {
      const q = await query('loopback');
      assert.equal(q.code, 0, q.stderr);
      assert.ok(loopbackBigquery.requests.length >= 2);
      assert.deepEqual(new Set(authorizations(loopbackBigquery.requests)), new Set([null]));

      const v = await verify('loopback');
      assert.ok(v.code === 0 || v.code === 1, v.stdout + v.stderr);
      assert.ok(cloudRun.requests.length >= 2, 'Cloud Run was read over https on 127.0.0.1');
      assert.deepEqual(new Set(authorizations(cloudRun.requests)), new Set([null]));
      assert.equal(metadata.tokensIssued, 0, 'no access token was fetched');
    });
  });

  describe('the language server', () => {
    let server: LspHarness;
    const configuration: Record<string, unknown> = { pipelineLens: {} };

    before(async () => {
      server = await LspHarness.start({ folders: [join(repo.root, 'remote')], configuration, env, inheritEnv: false });
    });
    after(async () => {
      await server?.stop();
    });

    it('on folder open, with only the workspace naming the hosts: loads everything it can and sends nothing there', async () => {
      const status = await server.loaded();
      assert.equal(status.workspaces[0].commitGraph, 'ready', 'the workspace was loaded and served');
      const deployments = await server.connection.sendRequest(DeploymentsRequest.type, { scope: pathToFileURL(join(repo.root, 'remote')).href });
      assert.match(deployments.services[0].error ?? '', new RegExp(`run\\.example\\.test:${cloudRun.port}`));
      assert.match(deployments.services[0].error ?? '', /add "run\.example\.test:\d+" to the user setting pipelineLens\.credentials\.allowedHosts/);
      assert.equal(bigquery.requests.length, 0, 'no request reached the BigQuery endpoint');
      assert.equal(cloudRun.requests.length, 0, 'no request reached the Cloud Run endpoint');
      assert.equal(metadata.tokensIssued, 0, 'no access token was fetched');
    });

    it('once the user setting allows the hosts, the workspace reloads and its requests carry the token', async () => {
      configuration.pipelineLens = { credentials: { allowedHosts: [`bigquery.example.test:${bigquery.port}`, 'run.example.test'] } };
      await server.configurationChanged();
      const deadline = Date.now() + 30_000;
      while ((bigquery.requests.length === 0 || cloudRun.requests.length === 0) && Date.now() < deadline) await sleep(50);
      await server.loaded();
      assert.ok(bigquery.requests.length > 0, 'the runs were read from BigQuery');
      assert.ok(cloudRun.requests.length > 0, 'the deployments were read from Cloud Run');
      assert.deepEqual(new Set(authorizations([...bigquery.requests, ...cloudRun.requests])), new Set([`Bearer ${metadata.token}`]));
    });
  });
});
