import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentSourceConfig, ServiceConfig } from '../../../src/core/config/types';
import { servingAt, servingSet } from '../../../src/core/deployments/servingSet';
import type { Deployment } from '../../../src/core/deployments/types';

/*
 * The serving-set rule, case by case: a set is known only when the records prove it, and
 * every unknown says which record or share is missing and what to record.
 */

const NOW = new Date('2026-02-03T12:00:00Z');
const FILE: DeploymentSourceConfig = { kind: 'file', path: '/ws/deployments.json', servingRule: 'traffic' };
const NEWEST: DeploymentSourceConfig = { ...FILE, servingRule: 'newest' };
const CLOUD_RUN: DeploymentSourceConfig = {
  kind: 'cloudRun',
  project: 'p',
  region: 'us-west2',
  service: 'prediction-worker',
  commitEnv: 'BUILD_COMMIT',
  commitLabel: null,
  apiEndpoint: null,
  useGcloud: 'auto',
};
const LOG: DeploymentSourceConfig = { kind: 'executionLog', lookbackDays: 180, servingRule: 'traffic' };

const service = (deployments: DeploymentSourceConfig): ServiceConfig => ({ name: 'worker', paths: ['worker/**'], deployments, deployCommand: null, table: null });

const d = (revision: string, createdAt: string, trafficPercent: number | null, ready?: boolean): Deployment => ({
  service: 'worker',
  revision,
  commit: 'a'.repeat(40),
  createdAt: new Date(createdAt).toISOString(),
  trafficPercent,
  ...(ready === undefined ? {} : { ready }),
});

interface Case {
  name: string;
  source: DeploymentSourceConfig;
  list: Deployment[];
  /** Revisions of the known set, in order; or the pattern the unknown reason must match, and the hint's. */
  expect: string[] | { reason: RegExp; hint: RegExp };
}

const cases: Case[] = [
  { name: 'one revision with all traffic', source: FILE, list: [d('r1', '2026-01-01T00:00:00Z', 100)], expect: ['r1'] },
  {
    name: 'the revision with the traffic, not the newest',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', 100), d('r2', '2026-01-02T00:00:00Z', 0)],
    expect: ['r1'],
  },
  {
    name: 'a split: every revision with a share, most first',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', 30), d('r2', '2026-01-02T00:00:00Z', 70), d('r3', '2026-01-03T00:00:00Z', 0)],
    expect: ['r2', 'r1'],
  },
  {
    name: 'shares summing to 100 leave revisions without a recorded share serving nothing',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', 100)],
    expect: ['r2'],
  },
  {
    name: 'floats that add up to 100',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', 33.3), d('r2', '2026-01-02T00:00:00Z', 33.3), d('r3', '2026-01-03T00:00:00Z', 33.4)],
    expect: ['r3', 'r2', 'r1'],
  },
  { name: 'no revision at all', source: FILE, list: [], expect: { reason: /lists no revision/, hint: /services\[\]\.deployments/ } },
  {
    name: 'the newest at 0% and an older one without a share',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', 0)],
    expect: {
      reason: /sum to 0% \(no revision has a share\): 100% of its traffic is unaccounted for; Revision r1 records no share/,
      hint: /record it on every revision so that the shares add up to 100/,
    },
  },
  {
    name: 'the newest at 50% and the rest unaccounted for',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', 50)],
    expect: {
      reason: /recorded in the deployment file \/ws\/deployments\.json for worker sum to 50% \(r2 50%\): 50% of its traffic is unaccounted for; Revision r1 records no share/,
      hint: /trafficPercent/,
    },
  },
  {
    name: 'every revision at 0%',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', 0), d('r2', '2026-01-02T00:00:00Z', 0)],
    expect: { reason: /sum to 0% \(no revision has a share\)/, hint: /trafficPercent/ },
  },
  {
    name: 'shares of a deploy log that wrote 100 on every deploy',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', 100), d('r2', '2026-01-02T00:00:00Z', 100)],
    expect: { reason: /sum to 200% \(r2 100%, r1 100%\), more than all of its traffic/, hint: /share each revision serves now/ },
  },
  {
    name: 'no share recorded anywhere (a deploy script log)',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', null)],
    expect: { reason: /The deployment file \/ws\/deployments\.json records no traffic share for any revision of worker/, hint: /"servingRule": "newest"/ },
  },
  {
    name: 'the execution log, which cannot record traffic',
    source: LOG,
    list: [d('build-1', '2026-01-01T00:00:00Z', null)],
    expect: { reason: /The execution log records no traffic share/, hint: /shows what ran, not where traffic goes.*"servingRule": "newest"/ },
  },
  { name: 'servingRule newest: the newest serves', source: NEWEST, list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', null)], expect: ['r2'] },
  {
    name: 'servingRule newest skips a revision that is not ready',
    source: NEWEST,
    list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', null, false)],
    expect: ['r1'],
  },
  {
    name: 'servingRule newest: recorded shares still decide',
    source: NEWEST,
    list: [d('r1', '2026-01-01T00:00:00Z', 100), d('r2', '2026-01-02T00:00:00Z', 0)],
    expect: ['r1'],
  },
  {
    name: 'servingRule newest does not fill in a share that is missing',
    source: NEWEST,
    list: [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', 50)],
    expect: { reason: /sum to 50%/, hint: /trafficPercent/ },
  },
  {
    name: 'servingRule newest with two revisions at the same instant',
    source: NEWEST,
    list: [d('r1', '2026-01-02T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', null)],
    expect: {
      reason: /Revisions r1, r2 of worker were created at the same instant \(2026-01-02T00:00:00\.000Z\): servingRule "newest" cannot tell which of them serves/,
      hint: /trafficPercent/,
    },
  },
  {
    name: 'two revisions at the same instant are no problem when traffic says which serves',
    source: FILE,
    list: [d('r1', '2026-01-02T00:00:00Z', 0), d('r2', '2026-01-02T00:00:00Z', 100)],
    expect: ['r2'],
  },
  {
    name: 'a revision dated in the future',
    source: FILE,
    list: [d('r1', '2026-01-01T00:00:00Z', 100), d('r2', '2099-01-01T00:00:00Z', 0)],
    expect: {
      reason: /Revision r2 \(createdAt 2099-01-01T00:00:00\.000Z\) of worker is dated after now \(2026-02-03T12:00:00\.000Z; 5 minutes are allowed for clock skew\)/,
      hint: /Correct createdAt of that record in the deployment file/,
    },
  },
  {
    name: 'a revision a little ahead of this clock (skew)',
    source: FILE,
    list: [d('r1', '2026-02-03T12:04:00Z', 100)],
    expect: ['r1'],
  },
  {
    name: 'a traffic share on a revision that is not ready',
    source: CLOUD_RUN,
    list: [d('r1', '2026-01-01T00:00:00Z', 50, true), d('r2', '2026-01-02T00:00:00Z', 50, false)],
    expect: { reason: /Revision r2 \(50%\) of worker has a share of traffic but is not ready/, hint: /gcloud run services describe prediction-worker --region us-west2/ },
  },
  {
    name: 'Cloud Run reporting no traffic at all (the newest never became ready)',
    source: CLOUD_RUN,
    list: [d('r1', '2026-01-01T00:00:00Z', 0, true), d('r2', '2026-01-02T00:00:00Z', 0, false)],
    expect: { reason: /The traffic shares Cloud Run reports for worker sum to 0%/, hint: /never became ready receives none/ },
  },
  {
    name: 'a revision that is not ready and has no share does not matter',
    source: CLOUD_RUN,
    list: [d('r1', '2026-01-01T00:00:00Z', 100, true), d('r2', '2026-01-02T00:00:00Z', 0, false)],
    expect: ['r1'],
  },
];

describe('servingSet', () => {
  for (const c of cases) {
    it(c.name, () => {
      const set = servingSet(c.list, service(c.source), NOW);
      if (Array.isArray(c.expect)) {
        assert.ok(set.known, set.known ? '' : set.reason);
        assert.deepEqual(
          set.revisions.map((r) => r.revision),
          c.expect,
        );
        assert.equal(set.assumption !== null, c.source === NEWEST && c.list.every((r) => r.trafficPercent === null), 'only the newest rule rests on an assumption');
      } else {
        assert.ok(!set.known, `known: ${set.known ? set.revisions.map((r) => r.revision).join(', ') : ''}`);
        assert.match(set.reason, c.expect.reason);
        assert.match(set.hint, c.expect.hint);
      }
    });
  }

  it('a verdict resting on servingRule "newest" says so', () => {
    const set = servingSet([d('r1', '2026-01-01T00:00:00Z', null)], service(NEWEST), NOW);
    assert.ok(set.known);
    assert.match(
      set.assumption!,
      /rests on servingRule "newest" in pipeline-lens\.json: the deployment file \/ws\/deployments\.json records no traffic, and every deploy of worker is assumed to send all traffic to the new revision/,
    );
  });
});

describe('servingAt', () => {
  const list = [d('r1', '2026-01-01T00:00:00Z', null), d('r2', '2026-01-02T00:00:00Z', null), d('r3', '2026-01-02T00:00:00Z', null), d('r4', '2026-01-03T00:00:00Z', null)];

  it('is the revision created last at or before the instant', () => {
    assert.deepEqual(servingAt(list, '2026-01-01T12:00:00.000Z'), { revision: list[0] });
    assert.deepEqual(servingAt(list, '2026-01-03T00:00:00.000Z'), { revision: list[3] });
    assert.equal(servingAt(list, '2025-12-31T00:00:00.000Z'), null);
  });

  it('returns revisions created at the same instant together, in either list order', () => {
    assert.deepEqual(servingAt(list, '2026-01-02T12:00:00.000Z'), { tied: [list[1], list[2]] });
    assert.deepEqual(servingAt([...list].reverse(), '2026-01-02T12:00:00.000Z'), { tied: [list[2], list[1]] });
  });
});
