import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { DeploymentSourceConfig, ServiceConfig } from '../../src/core/config/types';
import { FUTURE_TOLERANCE_MS, servingSet } from '../../src/core/deployments/servingSet';
import type { Deployment } from '../../src/core/deployments/types';
import { verifyDeployment } from '../../src/core/verify/verifyDeployment';
import { Workspace } from '../../src/core/workspace';
import { createVerifyScenario, type VerifyScenario } from '../fixtures/verifyScenario';
import { runs } from './propertyRuns';

/*
 * The serving set under generated deployment histories: random and missing traffic shares,
 * revisions that are not ready, several created at one instant, some dated in the future,
 * either serving rule. Invariants: a set called known is one the records prove (shares
 * summing to 100, every member ready and not in the future, every revision with a share a
 * member), and the list's order never changes the answer; and verify says ok only when an
 * oracle that reads the same records independently finds every revision with traffic built
 * from a commit that has the fix.
 */

const NOW = new Date('2026-02-03T12:00:00Z');
const INSTANTS = [
  '2026-01-08T12:00:00.000Z',
  '2026-01-30T19:10:00.000Z',
  '2026-02-02T20:07:00.000Z',
  '2026-02-03T12:03:00.000Z',
  '2026-02-03T12:30:00.000Z',
  '2099-01-01T00:00:00.000Z',
];
const FILE: DeploymentSourceConfig = { kind: 'file', path: '/ws/deployments.json', servingRule: 'traffic' };
const NEWEST: DeploymentSourceConfig = { ...FILE, servingRule: 'newest' };
const CLOUD_RUN: DeploymentSourceConfig = {
  kind: 'cloudRun',
  project: 'p',
  region: 'us-west2',
  service: null,
  commitEnv: 'BUILD_COMMIT',
  commitLabel: null,
  apiEndpoint: null,
  useGcloud: 'auto',
};

const service = (deployments: DeploymentSourceConfig): ServiceConfig => ({ name: 'worker', paths: ['worker/**'], deployments, deployCommand: null, table: null });
const future = (d: Deployment) => Date.parse(d.createdAt) > NOW.getTime() + FUTURE_TOLERANCE_MS;

/** Traffic as sources hold it: a split of 100 over some revisions, shares that do not add up, or none. */
const shares = (n: number) =>
  fc.oneof(
    // A split that sums to 100, the other revisions at 0 or unrecorded.
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.array(fc.integer({ min: 1, max: 100 }), { minLength: n, maxLength: n }),
          fc.array(fc.boolean(), { minLength: n, maxLength: n }),
          fc.array(fc.constantFrom<0 | null>(0, null), { minLength: n, maxLength: n }),
        )
        .map(([weights, chosen, rest]) => {
          const picked = weights.map((w, i) => (chosen[i] ? w : 0));
          const total = picked.reduce((a, b) => a + b, 0);
          if (total === 0) return rest;
          // Integer shares that add up to exactly 100: the remainder goes to the first one picked.
          const out: Array<number | null> = picked.map((w, i) => (w ? Math.floor((w * 100) / total) : rest[i]));
          const first = picked.findIndex((w) => w > 0);
          out[first] = (out[first] as number) + (100 - out.reduce<number>((a, b) => a + (b ?? 0), 0));
          return out;
        }),
    },
    { weight: 1, arbitrary: fc.array(fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: 0, max: 100 })), { minLength: n, maxLength: n }) },
    { weight: 1, arbitrary: fc.constant(Array.from({ length: n }, () => null)) },
  );

/** Deployment histories of one to five revisions, commits drawn from `commits`. */
function histories(commits: Array<string | null>) {
  return fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc
      .tuple(
        fc.array(fc.constantFrom(...INSTANTS.slice(0, 3)), { minLength: n, maxLength: n }),
        fc.array(fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), { minLength: n, maxLength: n }),
        fc.array(fc.constantFrom(...INSTANTS.slice(3)), { minLength: n, maxLength: n }),
        fc.array(fc.constantFrom(...commits), { minLength: n, maxLength: n }),
        shares(n),
        fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), {
          minLength: n,
          maxLength: n,
        }),
      )
      .map(([instants, late, lateInstants, picked, traffic, ready]) =>
        instants.map((at, i): Deployment => ({
          service: 'worker',
          revision: `worker-${String(i).padStart(5, '0')}`,
          commit: picked[i],
          createdAt: late[i] ? lateInstants[i] : at,
          trafficPercent: traffic[i],
          ...(ready[i] === undefined ? {} : { ready: ready[i] }),
        })),
      ),
  );
}

const sources = fc.constantFrom(FILE, NEWEST, CLOUD_RUN);

function membersOf(list: Deployment[], source: DeploymentSourceConfig): string[] | null {
  const set = servingSet(list, service(source), NOW);
  return set.known ? set.revisions.map((d) => d.revision).sort() : null;
}

describe('the serving set under generated histories', () => {
  it('a known set is proven by the records, and does not depend on their order', (t) => {
    const seen = { known: 0, unknown: 0, split: 0, newest: 0 };
    fc.assert(
      fc.property(histories(['a'.repeat(40), null]), sources, fc.integer({ min: 0, max: 1_000_000 }), (list, source, seed) => {
        const set = servingSet(list, service(source), NOW);
        if (!set.known) {
          seen.unknown++;
          assert.ok(set.reason.length > 0 && set.hint.length > 0, 'an unknown says why and what to do');
          return;
        }
        seen.known++;
        const members = set.revisions;
        assert.ok(members.length > 0, 'a known set has a member');
        assert.ok(!list.some(future), 'nothing in the history is dated in the future');
        for (const d of members) assert.notEqual(d.ready, false, `${d.revision} is not ready`);
        const recorded = list.filter((d) => d.trafficPercent !== null);
        if (recorded.length) {
          assert.equal(set.assumption, null);
          assert.equal(
            members.reduce((total, d) => total + d.trafficPercent!, 0),
            100,
          );
          assert.deepEqual(
            members.map((d) => d.revision).sort(),
            list
              .filter((d) => (d.trafficPercent ?? 0) > 0)
              .map((d) => d.revision)
              .sort(),
            'every revision with a share is a member',
          );
          if (members.length > 1) seen.split++;
        } else {
          assert.equal(source, NEWEST, 'without recorded traffic only servingRule "newest" knows');
          assert.ok(set.assumption, 'the assumption is said');
          assert.equal(members.length, 1);
          const newest = members[0];
          assert.ok(
            list.every((d) => d === newest || d.ready === false || d.createdAt < newest.createdAt),
            'the one newest ready revision, no tie',
          );
          seen.newest++;
        }
        // Order never decides: the same records shuffled give the same set.
        const k = seed % list.length;
        const reordered = [...list.slice(k), ...list.slice(0, k)].reverse();
        assert.deepEqual(membersOf(reordered, source), membersOf(list, source));
      }),
      runs('servingSetHistories'),
    );
    t.diagnostic(`histories: ${seen.known + seen.unknown} (${JSON.stringify(seen)})`);
    // The generator reaches every kind of answer, or the property proves little.
    for (const [kind, count] of Object.entries(seen)) assert.ok(count > 0, `no generated history gave ${kind}`);
  });
});

describe('verify under generated histories', () => {
  let s: VerifyScenario;
  let workspace: Workspace;
  before(async () => {
    s = await createVerifyScenario();
    await writeFile(
      join(s.fixture.root, 'pipeline-lens.json'),
      JSON.stringify({
        warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet' } },
        tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
        services: [{ name: 'worker', paths: ['worker/**'], deployments: { kind: 'file', path: 'deployments.json' } }],
      }),
    );
    workspace = Workspace.open({ cwd: s.fixture.root, now: () => NOW });
  });
  after(async () => {
    await workspace?.close();
    if (s) {
      await rm(join(s.fixture.root, 'pipeline-lens.json'), { force: true });
      await s.fixture.cleanup();
    }
  });

  it('says ok only when every revision with traffic was checked and has every change to the worker', async (t) => {
    // Commits that have every change to worker/ at HEAD, and commits that do not.
    const good = new Set([s.sha.fix, s.sha.handoff, s.sha.glossary]);
    // Good commits twice over, so that ok verdicts are common enough to test.
    const commits = [s.sha.fix, s.sha.glossary, s.sha.handoff.slice(0, 7), s.sha.fix, s.sha.glossary, s.sha.handoff, s.sha.features, s.sha.init, s.sha.experiment, null];
    const isGood = (commit: string | null) => commit !== null && [...good].some((g) => g.startsWith(commit));
    const seen = { ok: 0, stale: 0, unknown: 0 };
    await fc.assert(
      fc.asyncProperty(
        histories(commits),
        sources.filter((x) => x !== CLOUD_RUN),
        async (list, source) => {
          workspace.deployments = async () => list;
          (workspace.config.services[0] as { deployments: DeploymentSourceConfig }).deployments = source;
          const r = await verifyDeployment(workspace, 'worker');
          seen[r.verdict]++;
          if (r.verdict !== 'ok') return;
          // The oracle: what the records say serves, read without servingSet.
          assert.ok(!list.some(future), 'ok over a history dated in the future');
          const withTraffic = list.filter((d) => (d.trafficPercent ?? 0) > 0);
          if (list.every((d) => d.trafficPercent === null)) assert.equal(source, NEWEST, 'ok without recorded traffic or servingRule "newest"');
          const serving =
            withTraffic.length || list.some((d) => d.trafficPercent !== null)
              ? withTraffic
              : list.filter((d) => d.ready !== false && list.every((o) => o === d || o.ready === false || o.createdAt < d.createdAt));
          assert.ok(serving.length > 0, 'ok with nothing serving');
          if (withTraffic.length)
            assert.equal(
              withTraffic.reduce((t, d) => t + d.trafficPercent!, 0),
              100,
              'ok with shares that do not sum to 100',
            );
          for (const d of serving) {
            assert.notEqual(d.ready, false, `ok with traffic on ${d.revision}, which is not ready`);
            assert.ok(isGood(d.commit), `ok, yet ${d.revision} (${d.trafficPercent}%) runs ${d.commit}, which lacks the fix`);
          }
          assert.deepEqual(r.checked.map((c) => c.revision).sort(), serving.map((d) => d.revision).sort(), 'every revision receiving traffic was checked');
          assert.ok(r.checked.every((c) => c.verdict === 'ok'));
        },
      ),
      runs('servingVerifyRuns'),
    );
    t.diagnostic(`histories verified: ${seen.ok + seen.stale + seen.unknown} (${JSON.stringify(seen)})`);
    // A property that never meets an ok proves nothing about oks.
    assert.ok(seen.ok > 0 && seen.unknown > 0, `verdicts seen: ${JSON.stringify(seen)}`);
  });
});
