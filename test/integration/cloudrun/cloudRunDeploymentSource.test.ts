import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CloudRunDeploymentConfig } from '../../../src/core/config/types';
import { CloudRunDeploymentSource } from '../../../src/core/deployments/cloudRunDeploymentSource';
import { DeploymentError } from '../../../src/core/deployments/types';
import type { ServiceSpec } from '../../fakes/cloudRunResponses';
import { FakeCloudRun } from '../../fakes/fakeCloudRun';
import { createFakeGcloud, type FakeGcloud } from '../../fakes/fakeGcloud';
import { withoutCredentials } from '../../fixtures/withoutCredentials';

/*
 * The Cloud Run deployment source with its real REST client against the fake Admin API,
 * and its gcloud fallback against a fake gcloud first on PATH.
 */

const SHA = {
  one: '1111111111111111111111111111111111111111',
  two: '2222222222222222222222222222222222222222',
  three: '3333333333333333333333333333333333333333',
};

const WORKER: ServiceSpec = {
  project: 'pl-run',
  region: 'us-west2',
  service: 'prediction-worker',
  revisions: [
    { name: 'prediction-worker-00001-abc', createTime: '2026-01-08T12:00:00.123456Z', env: { BUILD_COMMIT: SHA.one, LOG_LEVEL: 'info' } },
    { name: 'prediction-worker-00002-def', createTime: '2026-01-20T09:00:00Z', env: { BUILD_COMMIT: SHA.two.slice(0, 12).toUpperCase() } },
    // Deployed by hand: no commit recorded anywhere.
    { name: 'prediction-worker-00003-ghi', createTime: '2026-01-25T10:00:00Z', env: { LOG_LEVEL: 'debug' } },
    // The commit comes from Secret Manager: no plain value to read.
    { name: 'prediction-worker-00004-jkl', createTime: '2026-01-28T10:00:00Z', secretEnv: ['BUILD_COMMIT'] },
    { name: 'prediction-worker-00005-mno', createTime: '2026-01-30T19:10:00Z', env: { BUILD_COMMIT: SHA.three }, secretEnv: ['API_KEY'] },
  ],
  traffic: [
    { revision: 'prediction-worker-00002-def', percent: 10 },
    { latest: true, percent: 90 },
  ],
};

const source = (overrides: Partial<CloudRunDeploymentConfig> = {}, env?: NodeJS.ProcessEnv) =>
  new CloudRunDeploymentSource(
    { kind: 'cloudRun', project: 'pl-run', region: 'us-west2', service: null, commitEnv: 'BUILD_COMMIT', commitLabel: null, apiEndpoint: null, useGcloud: 'never', ...overrides },
    { env },
  );

function failsWith(...fragments: Array<string | RegExp>) {
  return (error: unknown) => {
    assert.ok(error instanceof DeploymentError, `not a DeploymentError: ${String(error)}`);
    for (const f of fragments) {
      if (typeof f === 'string') assert.ok(error.message.includes(f), `"${error.message}" lacks "${f}"`);
      else assert.match(error.message, f);
    }
    return true;
  };
}

const EXPECTED = [
  { service: 'prediction-worker', revision: 'prediction-worker-00001-abc', commit: SHA.one, createdAt: '2026-01-08T12:00:00.123Z', trafficPercent: 0, ready: true },
  { service: 'prediction-worker', revision: 'prediction-worker-00002-def', commit: SHA.two.slice(0, 12), createdAt: '2026-01-20T09:00:00.000Z', trafficPercent: 10, ready: true },
  { service: 'prediction-worker', revision: 'prediction-worker-00003-ghi', commit: null, createdAt: '2026-01-25T10:00:00.000Z', trafficPercent: 0, ready: true },
  { service: 'prediction-worker', revision: 'prediction-worker-00004-jkl', commit: null, createdAt: '2026-01-28T10:00:00.000Z', trafficPercent: 0, ready: true },
  { service: 'prediction-worker', revision: 'prediction-worker-00005-mno', commit: SHA.three, createdAt: '2026-01-30T19:10:00.000Z', trafficPercent: 90, ready: true },
];

describe('CloudRunDeploymentSource: Admin API v2', () => {
  let fake: FakeCloudRun;
  before(async () => {
    fake = await FakeCloudRun.start();
    fake.setService(WORKER);
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await fake?.close();
  });

  it('lists every revision oldest first, with its commit and its share of traffic; none without a commit is dropped', async () => {
    const deployments = await source({ apiEndpoint: fake.url }).list('prediction-worker');
    assert.deepEqual(deployments, EXPECTED);
    const paths = fake.requests.map((r) => r.path);
    assert.deepEqual(paths, ['/v2/projects/pl-run/locations/us-west2/services/prediction-worker', '/v2/projects/pl-run/locations/us-west2/services/prediction-worker/revisions']);
    assert.ok(
      fake.requests.every((r) => r.headers.authorization === undefined),
      'no credentials to an http:// endpoint',
    );
  });

  it('pages through revisions.list', async () => {
    fake.maxPageSize = 2;
    const deployments = await source({ apiEndpoint: fake.url }).list('prediction-worker');
    assert.equal(deployments.length, 5);
    const pages = fake.requests.filter((r) => r.path.endsWith('/revisions'));
    assert.deepEqual(
      pages.map((r) => r.query.pageToken ?? null),
      [null, '2', '4'],
    );
  });

  it('reads the commit from another variable, or from a label when the variable is absent', async () => {
    fake.setService({
      ...WORKER,
      service: 'labelled',
      revisions: [
        { name: 'labelled-00001-aaa', createTime: '2026-01-08T12:00:00Z', env: { GIT_SHA: SHA.one } },
        { name: 'labelled-00002-bbb', createTime: '2026-01-09T12:00:00Z', labels: { 'commit-sha': SHA.two } },
      ],
      traffic: [{ latest: true, percent: 100 }],
    });
    const deployments = await source({ apiEndpoint: fake.url, service: 'labelled', commitEnv: 'GIT_SHA', commitLabel: 'commit-sha' }).list('worker');
    assert.deepEqual(
      deployments.map((d) => [d.service, d.revision, d.commit, d.trafficPercent]),
      [
        ['worker', 'labelled-00001-aaa', SHA.one, 0],
        ['worker', 'labelled-00002-bbb', SHA.two, 100],
      ],
    );
  });

  it('a revision that never became ready is listed as not ready, whichever way it is read', async () => {
    const spec: ServiceSpec = {
      ...WORKER,
      service: 'flaky',
      revisions: [
        { name: 'flaky-00001-aaa', createTime: '2026-01-08T12:00:00Z', env: { BUILD_COMMIT: SHA.one } },
        { name: 'flaky-00002-bbb', createTime: '2026-01-09T12:00:00Z', env: { BUILD_COMMIT: SHA.two }, ready: false },
      ],
      traffic: [{ latest: true, percent: 100 }],
    };
    fake.setService(spec);
    const fromApi = await source({ apiEndpoint: fake.url, service: 'flaky' }).list('worker');
    const gcloud = await createFakeGcloud([spec]);
    try {
      const fromGcloud = await source({ useGcloud: 'always', service: 'flaky' }, gcloud.env).list('worker');
      for (const deployments of [fromApi, fromGcloud]) {
        // LATEST goes to the newest ready revision, not the newest one.
        assert.deepEqual(
          deployments.map((d) => [d.revision, d.ready, d.trafficPercent]),
          [
            ['flaky-00001-aaa', true, 100],
            ['flaky-00002-bbb', false, 0],
          ],
        );
      }
    } finally {
      await gcloud.cleanup();
    }
  });

  it('a commit variable that is not a SHA, or a prefix shorter than 7, is an error naming the revision, the variable and the accepted form', async () => {
    for (const [value, says] of [
      // The deploy script wrote the command instead of its output.
      ['$(git rev-parse HEAD)', 'which is not a git SHA'],
      ['5d8a', 'a prefix of 4 hex digits: too short to name one commit'],
    ]) {
      fake.setService({
        ...WORKER,
        service: 'odd',
        revisions: [{ name: 'odd-00001-aaa', createTime: '2026-01-08T12:00:00Z', env: { BUILD_COMMIT: value } }],
        traffic: [{ latest: true, percent: 100 }],
      });
      await assert.rejects(
        source({ apiEndpoint: fake.url, service: 'odd' }).list('worker'),
        failsWith(
          `Cloud Run revision odd-00001-aaa has environment variable BUILD_COMMIT ${JSON.stringify(value)}`,
          says,
          'prefix of at least 7',
          'gcloud run revisions delete odd-00001-aaa --region us-west2',
        ),
      );
    }
  });

  it('403: says which permission and role the account needs', async () => {
    fake.failNext(403, "Permission 'run.services.get' denied on resource 'namespaces/pl-run/services/prediction-worker' (or resource may not exist).");
    await assert.rejects(
      source({ apiEndpoint: fake.url }).list('prediction-worker'),
      failsWith('Cloud Run denied access to service prediction-worker in project pl-run, region us-west2', "Permission 'run.services.get' denied", 'roles/run.viewer'),
    );
  });

  it('404: names the service, project and region, and where they are set', async () => {
    await assert.rejects(
      source({ apiEndpoint: fake.url }).list('reporter'),
      failsWith('Cloud Run has no service reporter in project pl-run, region us-west2', 'services[].deployments in pipeline-lens.json'),
    );
  });

  it('an endpoint nobody answers, and a name Cloud Run cannot have', async () => {
    await assert.rejects(
      source({ apiEndpoint: 'http://127.0.0.1:9' }).list('prediction-worker'),
      failsWith('Cannot reach the Cloud Run Admin API at http://127.0.0.1:9', 'apiEndpoint'),
    );
    await assert.rejects(
      source({ apiEndpoint: fake.url }).list('Prediction_Worker'),
      failsWith('"Prediction_Worker" is not a Cloud Run service name', 'services[].deployments.service'),
    );
    assert.equal(fake.requests.length, 0);
  });

  it('without Application Default Credentials and useGcloud false: says how to log in', async () => {
    await withoutCredentials(async () => {
      await assert.rejects(source({ apiEndpoint: null }).list('prediction-worker'), failsWith('No Google Cloud credentials', '`gcloud auth application-default login`'));
    });
  });
});

describe('CloudRunDeploymentSource: the gcloud fallback', () => {
  let gcloud: FakeGcloud;
  before(async () => {
    gcloud = await createFakeGcloud([WORKER]);
  });
  after(async () => {
    await gcloud?.cleanup();
  });

  it('useGcloud true: the same deployments from `gcloud run ... --format=json`', async () => {
    const deployments = await source({ useGcloud: 'always' }, gcloud.env).list('prediction-worker');
    assert.deepEqual(
      deployments,
      EXPECTED.map((d) => ({ ...d, createdAt: d.createdAt.replace('.123Z', '.000Z') })),
    );
    const calls = (await gcloud.calls()).sort();
    assert.deepEqual(calls, [
      ['run', 'revisions', 'list', '--service', 'prediction-worker', '--project', 'pl-run', '--region', 'us-west2', '--format=json', '--quiet'],
      ['run', 'services', 'describe', 'prediction-worker', '--project', 'pl-run', '--region', 'us-west2', '--format=json', '--quiet'],
    ]);
  });

  it('auto: falls back to gcloud when Application Default Credentials are not set up', async () => {
    await withoutCredentials(async () => {
      const deployments = await source({ useGcloud: 'auto', apiEndpoint: null }, gcloud.env).list('prediction-worker');
      assert.equal(deployments.length, 5);
      assert.equal(deployments.find((d) => d.trafficPercent === 90)?.commit, SHA.three);
    });
  });

  it('auto without credentials or gcloud: says both', async () => {
    await withoutCredentials(async () => {
      await assert.rejects(
        source({ useGcloud: 'auto', apiEndpoint: null }, { ...process.env, PATH: '/nonexistent' }).list('prediction-worker'),
        failsWith('No Google Cloud credentials', 'gcloud, the fallback, is not installed either'),
      );
    });
  });

  it('gcloud missing, not logged in, or without the service: each says what to do', async () => {
    await assert.rejects(
      source({ useGcloud: 'always' }, { ...process.env, PATH: '/nonexistent' }).list('prediction-worker'),
      failsWith('gcloud is not installed or not on PATH', 'Install the Google Cloud CLI'),
    );
    const loggedOut = await createFakeGcloud([WORKER], { loggedOut: true });
    try {
      await assert.rejects(source({ useGcloud: 'always' }, loggedOut.env).list('prediction-worker'), failsWith('failed', 'Run `gcloud auth login`'));
    } finally {
      await loggedOut.cleanup();
    }
    await assert.rejects(source({ useGcloud: 'always' }, gcloud.env).list('reporter'), failsWith('`gcloud run services describe` failed', 'Cannot find service [reporter]'));
  });
});
