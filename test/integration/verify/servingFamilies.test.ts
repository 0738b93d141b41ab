import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createVerifyScenario, revisionOf, type VerifyScenario } from '../../fixtures/verifyScenario';

/*
 * `pipeline-lens verify` on deployment records that once read as ok when they prove
 * nothing: traffic that does not say what serves (issue 9, family 1), and times and
 * commits a lenient parser reads one way on one machine and another way on the next
 * (family 5). Each runs the real CLI on a real repository; each gives the exit code a
 * backfill script reads and a message that says what to record.
 *
 * In the scenario, the fix commit (and anything after it on main) has every change to the
 * worker; the features commit lacks the fix.
 */

const REPO = resolve(__dirname, '../../..');
const rev = revisionOf('worker');

interface Outcome {
  code: number;
  verdict: string | null;
  reason: string;
  hint: string | null;
  /** stderr, for errors the CLI reports before any verdict. */
  stderr: string;
  checked: Array<{ revision: string; trafficPercent: number | null; verdict: string }>;
}

describe('verify: what serves is known, from records that cannot be misread', () => {
  let s: VerifyScenario;
  let parent: string;
  let folders = 0;

  before(async () => {
    s = await createVerifyScenario();
    parent = await mkdtemp(join(tmpdir(), 'pl-serving-'));
  });
  after(async () => {
    await s?.fixture.cleanup();
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  /** A workspace folder on the shared repository, reading deployments as `source` says. */
  async function workspace(
    source: Record<string, unknown>,
    files: Record<string, string> = {},
    warehouse?: Record<string, unknown>,
    tables?: Record<string, unknown>,
  ): Promise<string> {
    const dir = join(parent, `ws${++folders}`);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await writeFile(
      join(dir, 'pipeline-lens.json'),
      JSON.stringify({
        repository: s.fixture.root,
        // Never opened unless a source reads the warehouse.
        warehouse: warehouse ?? { kind: 'embedded', files: { 'ds.preds': 'preds.csv', 'ds.graded': 'graded.csv' } },
        tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' }, ...(tables ?? {}) },
        services: [{ name: 'worker', paths: ['worker/**'], deployments: source, deployCommand: 'make deploy-worker' }],
      }),
    );
    return dir;
  }

  const fromFile = (records: unknown[], extra: Record<string, unknown> = {}) =>
    workspace({ kind: 'file', path: 'deployments.json', ...extra }, { 'deployments.json': JSON.stringify(records) });

  async function verify(dir: string): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', dir, 'verify', '--service', 'worker', '--json'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    if (!stdout.trim()) return { code, verdict: null, reason: '', hint: null, stderr, checked: [] };
    const body = JSON.parse(stdout);
    assert.equal(body.exitCode, code);
    return { code, verdict: body.verdict, reason: body.reason, hint: body.hint, stderr, checked: body.checked ?? [] };
  }

  /** The CLI in its own process, with the environment given (a time zone). */
  function verifyInProcess(dir: string, env: Record<string, string>): Promise<Outcome> {
    return new Promise((resolveOutcome, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), '--cwd', dir, 'verify', '--service', 'worker', '--json'], {
        cwd: REPO,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        try {
          const body = JSON.parse(stdout);
          resolveOutcome({ code: code ?? -1, verdict: body.verdict, reason: body.reason, hint: body.hint, stderr, checked: body.checked ?? [] });
        } catch {
          reject(new Error(`no JSON from the CLI (exit ${code}): ${stdout}${stderr}`));
        }
      });
    });
  }

  describe('family 1: traffic', () => {
    it('the newest revision at 0% while an older one records no share: unknown, naming the missing share', async () => {
      const r = await verify(
        await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', null), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0)]),
      );
      assert.equal(r.code, 2, r.reason);
      assert.equal(r.verdict, 'unknown');
      assert.match(
        r.reason,
        /The traffic shares recorded in the deployment file .*deployments\.json for worker sum to 0% \(no revision has a share\): 100% of its traffic is unaccounted for; Revision worker-00063-abc records no share/,
      );
      assert.match(r.hint!, /trafficPercent is the share each revision serves now: record it on every revision so that the shares add up to 100/);
      assert.deepEqual(r.checked, []);
    });

    it('the newest at 50% with the rest unaccounted for: unknown, saying what the shares sum to', async () => {
      const r = await verify(
        await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', null), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 50)]),
      );
      assert.equal(r.code, 2, r.reason);
      assert.match(r.reason, /sum to 50% \(worker-00068-f1x 50%\): 50% of its traffic is unaccounted for; Revision worker-00063-abc records no share/);
    });

    it('every revision at 0%: unknown', async () => {
      const r = await verify(await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 0), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0)]));
      assert.equal(r.code, 2, r.reason);
      assert.match(r.reason, /sum to 0% \(no revision has a share\)/);
    });

    it('shares that add up to more than all traffic (a log that wrote 100 on every deploy): unknown', async () => {
      const r = await verify(
        await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]),
      );
      assert.equal(r.code, 2, r.reason);
      assert.match(r.reason, /sum to 200% .*more than all of its traffic/);
    });

    it('a deploy log that records no traffic at all: unknown, with the hint to record trafficPercent or opt into servingRule "newest"', async () => {
      const r = await verify(await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z'), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z')]));
      assert.equal(r.code, 2, r.reason);
      assert.match(r.reason, /records no traffic share for any revision of worker, so which one serves now is not known/);
      assert.match(r.hint!, /Record trafficPercent.*"servingRule": "newest" in services\[\]\.deployments of pipeline-lens\.json/);
    });

    it('the same log with servingRule "newest": a verdict, whose reason says what it rests on', async () => {
      const records = [rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z'), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z')];
      const ok = await verify(await fromFile(records, { servingRule: 'newest' }));
      assert.equal(ok.code, 0, ok.reason);
      assert.match(
        ok.reason,
        /revision worker-00068-f1x.* This rests on servingRule "newest" in pipeline-lens\.json: the deployment file .* records no traffic, and every deploy of worker is assumed to send all traffic to the new revision\./,
      );
      const stale = await verify(await fromFile(records.slice(0, 1), { servingRule: 'newest' }));
      assert.equal(stale.code, 1, stale.reason);
      assert.match(stale.reason, /lacks 1 commit.* This rests on servingRule "newest"/);
    });

    it('a 50/50 split with one revision lacking the fix: stale, every revision with traffic checked', async () => {
      const r = await verify(await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 50), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 50)]));
      assert.equal(r.code, 1, r.reason);
      assert.match(r.reason, /worker-00063-abc.*lacks 1 commit.*\(50% of traffic goes to that revision\.\)/);
      assert.deepEqual(
        r.checked.map((c) => [c.revision, c.trafficPercent, c.verdict]),
        [
          ['worker-00068-f1x', 50, 'ok'],
          ['worker-00063-abc', 50, 'stale'],
        ],
      );
    });

    it('the execution log, which shows what ran and not where traffic goes: unknown, unless servingRule "newest"', async () => {
      const runs = [
        { execution_id: 'run-1', build_commit_sha: s.sha.features, deployment_revision: 'worker-00063-abc', execution_start_timestamp: '2026-01-08T13:00:00Z' },
        { execution_id: 'run-2', build_commit_sha: s.sha.fix, deployment_revision: 'worker-00068-f1x', execution_start_timestamp: '2026-01-30T20:00:00Z' },
      ];
      const files = {
        'runs.ndjson': runs.map((r) => JSON.stringify(r)).join('\n'),
        'preds.csv': 'game_date,system_id\n2026-01-30,m\n',
        'graded.csv': 'game_date,system_id\n2026-01-30,m\n',
      };
      const warehouse = { kind: 'embedded', files: { 'ds.preds': 'preds.csv', 'ds.graded': 'graded.csv', 'ops.runs': 'runs.ndjson' } };
      const tables = { executionLog: { table: 'ops.runs', partitionColumn: 'execution_start_timestamp' } };
      const unknown = await verify(await workspace({ kind: 'executionLog', lookbackDays: 3650 }, files, warehouse, tables));
      assert.equal(unknown.code, 2, unknown.reason);
      assert.match(unknown.reason, /The execution log records no traffic share for any revision of worker/);
      assert.match(unknown.hint!, /The execution log shows what ran, not where traffic goes/);
      const ok = await verify(await workspace({ kind: 'executionLog', lookbackDays: 3650, servingRule: 'newest' }, files, warehouse, tables));
      assert.equal(ok.code, 0, ok.reason);
      assert.match(ok.reason, /This rests on servingRule "newest" in pipeline-lens\.json: the execution log records no traffic/);
    });
  });

  describe('family 5: order and time', () => {
    it('two revisions at the same instant without traffic: the same unknown in either file order', async () => {
      const a = rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z');
      const b = rev('worker-00069-old', s.sha.features, '2026-01-30T19:10:00Z');
      for (const records of [
        [a, b],
        [b, a],
      ]) {
        const r = await verify(await fromFile(records));
        assert.equal(r.code, 2, r.reason);
        assert.match(r.reason, /records no traffic share/);
        const newest = await verify(await fromFile(records, { servingRule: 'newest' }));
        assert.equal(newest.code, 2, newest.reason);
        assert.match(
          newest.reason,
          /Revisions worker-0006\d-\w+, worker-0006\d-\w+ of worker were created at the same instant \(2026-01-30T19:10:00\.000Z\): servingRule "newest" cannot tell which of them serves\./,
        );
        assert.match(newest.reason, /worker-00068-f1x/);
        assert.match(newest.reason, /worker-00069-old/);
      }
    });

    it('two revisions at the same instant with traffic: the one with the traffic, in either file order', async () => {
      const a = rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0);
      const b = rev('worker-00069-old', s.sha.features, '2026-01-30T19:10:00Z', 100);
      for (const records of [
        [a, b],
        [b, a],
      ]) {
        const r = await verify(await fromFile(records));
        assert.equal(r.code, 1, r.reason);
        assert.match(r.reason, /worker-00069-old/);
      }
    });

    it('a createdAt without an offset: exit 2 naming the record, the field and the accepted form, whatever the machine’s time zone', async () => {
      // Read in the machine's zone, 08:00 was before the other revision in UTC and after it in Los Angeles.
      const dir = await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-30T12:00:00Z'), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T08:00:00')]);
      const outcomes = [await verifyInProcess(dir, { TZ: 'UTC' }), await verifyInProcess(dir, { TZ: 'America/Los_Angeles' })];
      for (const r of outcomes) {
        assert.equal(r.code, 2, r.reason);
        assert.equal(r.verdict, 'unknown');
        assert.match(
          r.reason,
          /deployments\.json record 2 \(revision worker-00068-f1x\) has createdAt "2026-01-30T08:00:00", which has no UTC offset: it would be read in each machine's own time zone\. Use an ISO 8601 date and time with its UTC offset, e\.g\. 2026-01-30T19:10:00Z/,
        );
      }
      assert.equal(outcomes[0].reason, outcomes[1].reason);
    });

    it('a revision dated 2099: unknown, naming it, not the newest of all', async () => {
      const r = await verify(await fromFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 0), rev('worker-09999-zzz', s.sha.fix, '2099-01-01T00:00:00Z', 100)]));
      assert.equal(r.code, 2, r.reason);
      assert.match(r.reason, /Revision worker-09999-zzz \(createdAt 2099-01-01T00:00:00\.000Z\) of worker is dated after now \(.*; 5 minutes are allowed for clock skew\)/);
      assert.match(r.hint!, /Correct createdAt of that record in the deployment file .*deployments\.json, or this machine's clock/);
    });

    it('createdAt "5": not a date, an error naming the record and the accepted form', async () => {
      const r = await verify(await fromFile([rev('worker-00068-f1x', s.sha.fix, '5', 100)]));
      assert.equal(r.code, 2, r.reason);
      assert.match(
        r.reason,
        /Cannot read the deployments of worker: .*deployments\.json record 1 \(revision worker-00068-f1x\) has createdAt "5", which is not a date-time; use an ISO 8601 date and time with its UTC offset/,
      );
    });

    it('a commit of 4 hex digits: an error naming the record, the field and the accepted form', async () => {
      const r = await verify(await fromFile([rev('worker-00068-f1x', s.sha.fix.slice(0, 4), '2026-01-30T19:10:00Z', 100)]));
      assert.equal(r.code, 2, r.reason);
      assert.match(
        r.reason,
        new RegExp(
          `record 1 \\(revision worker-00068-f1x\\) has commit "${s.sha.fix.slice(0, 4)}", a prefix of 4 hex digits: too short to name one commit; record a git SHA: the full 40 hex digits .* or a prefix of at least 7`,
        ),
      );
    });

    it('a warehouse table whose createdAt column is text without an offset: an error naming the table row', async () => {
      const fake = await FakeBigQuery.start({
        setupSql: `CREATE SCHEMA ops;
CREATE TABLE ops.deployments (service VARCHAR, revision VARCHAR, commit_sha VARCHAR, created_at VARCHAR, traffic_percent DOUBLE);
INSERT INTO ops.deployments VALUES ('worker', 'worker-00063-abc', '${s.sha.features}', '2026-01-08 12:00:00+00', 0), ('worker', 'worker-00068-f1x', '${s.sha.fix}', '2026-01-30 19:10:00', 100);`,
      });
      try {
        const dir = await workspace({ kind: 'warehouse', table: 'ops.deployments' }, {}, { kind: 'bigquery', project: 'pl-test', location: 'US', apiEndpoint: fake.url });
        const r = await verify(dir);
        assert.equal(r.code, 2, r.reason + r.stderr);
        assert.match(r.reason, /ops\.deployments row 2 \(revision worker-00068-f1x\) has createdAt "2026-01-30 19:10:00", which has no UTC offset/);
      } finally {
        await fake.close();
      }
    });
  });
});
