import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { loadConfig } from '../../src/core/config/loadConfig';
import { EXIT_CODES, verifyDeployment, type Verdict } from '../../src/core/verify/verifyDeployment';
import { WarehouseError, type Warehouse } from '../../src/core/warehouse/types';
import { Workspace } from '../../src/core/workspace';
import { FakeBigQuery } from '../fakes/fakeBigQuery';
import { runGit } from '../fixtures/gitFixture';
import { createVerifyScenario, revisionOf, type VerifyScenario } from '../fixtures/verifyScenario';

/*
 * Verification faults beyond test/integration/verify/verifyDeployment.test.ts: deployment
 * histories kept in the warehouse that cannot be read (missing file, failing query,
 * BigQuery refusing or not answering), histories whose revisions lack commits, and one test
 * that runs every fault of both files and finds no "ok" among them. Each fault lives in its
 * own folder whose pipeline-lens.json points at a shared repository, so none can leak
 * into another.
 */

const NOW = new Date('2026-02-03T12:00:00Z');
const SERVICE = 'worker';

type Scenario = VerifyScenario;
const scenario = createVerifyScenario;

const rev = revisionOf(SERVICE);

/** What a fault ended in, read the way a backfill script reads it: a verdict and an exit code. */
interface Outcome {
  verdict: Verdict | null;
  exitCode: number;
  /** The reason, or the CLI's error line. */
  text: string;
}

interface Fault {
  name: string;
  expect: Verdict;
  reason: RegExp;
  /** Only part of the zero-false-ok matrix: its own test lives in verifyDeployment.test.ts. */
  coveredElsewhere?: boolean;
  run(): Promise<Outcome>;
}

describe('verification faults', () => {
  let s: Scenario;
  let parent: string;
  let fake: FakeBigQuery;
  let folders = 0;

  before(async () => {
    s = await scenario();
    parent = await mkdtemp(join(tmpdir(), 'pl-verify-faults-'));
    fake = await FakeBigQuery.start({ setupSql: 'CREATE SCHEMA ops; CREATE TABLE ops.deployments (service VARCHAR, revision VARCHAR, commit_sha VARCHAR, created_at TIMESTAMP);' });
  });
  after(async () => {
    await fake?.close();
    await s?.fixture.cleanup();
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  /** A workspace folder: pipeline-lens.json (repository: the shared fixture unless given), data files, extra files. */
  async function folder(config: Record<string, unknown>, files: Record<string, string> = {}, repository = s.fixture.root): Promise<string> {
    const dir = join(parent, `ws${++folders}`);
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'preds.csv'), 'game_date,system_id\n2026-01-30,m\n');
    await writeFile(join(dir, 'data', 'graded.csv'), 'game_date,system_id\n2026-01-30,m\n');
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await writeFile(join(dir, 'pipeline-lens.json'), JSON.stringify({ repository, ...config }));
    return dir;
  }

  const embedded = (extra: Record<string, string> = {}) => ({ kind: 'embedded', files: { 'ds.preds': 'data/preds.csv', 'ds.graded': 'data/graded.csv', ...extra } });
  const tables = { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } };
  const services = (deployments: unknown) => [{ name: SERVICE, paths: ['worker/**'], deployments, deployCommand: 'make deploy-worker' }];
  // The table records no traffic; its readers say that every deploy sends all traffic to the new revision.
  const fromWarehouseTable = (table = 'ops.deployments', servingRule: 'newest' | 'traffic' = 'newest') => ({
    kind: 'warehouse',
    table,
    columns: { trafficPercent: null },
    servingRule,
  });

  /** A folder reading deployments from a JSON file. */
  const withDeploymentFile = (deployments: unknown, repository?: string) =>
    folder(
      { warehouse: embedded(), tables, services: services({ kind: 'file', path: 'deployments.json' }) },
      { 'deployments.json': typeof deployments === 'string' ? deployments : JSON.stringify(deployments) },
      repository,
    );

  /** A folder reading deployments from an NDJSON export in the embedded warehouse. */
  const withDeploymentTable = (rows: unknown[] | null, options: { fileKey?: string | null; table?: string; text?: string; servingRule?: 'newest' | 'traffic' } = {}) => {
    const files: Record<string, string> = {};
    if (options.text !== undefined) files['deployments.ndjson'] = options.text;
    else if (rows) files['deployments.ndjson'] = rows.map((r) => JSON.stringify(r)).join('\n');
    const fileKey = options.fileKey === undefined ? 'ops.deployments' : options.fileKey;
    const extra: Record<string, string> =
      fileKey === null ? {} : { [fileKey]: rows === null && options.text === undefined ? 'data/nowhere/deployments.ndjson' : 'deployments.ndjson' };
    return folder({ warehouse: embedded(extra), tables, services: services(fromWarehouseTable(options.table, options.servingRule)) }, files);
  };

  const row = (revision: string, commit: string | null, createdAt: string) => ({ service: SERVICE, revision, commit_sha: commit, created_at: createdAt });

  /** `pipeline-lens verify --json` in-process, as a backfill script would run it. */
  async function cli(dir: string, target?: string): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const args = ['--cwd', dir, 'verify', '--service', SERVICE, '--json', ...(target ? ['--target', target] : [])];
    const exitCode = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    if (stdout.trim() === '') return { verdict: null, exitCode, text: stderr.trim() };
    const body = JSON.parse(stdout) as { verdict: Verdict; reason: string; exitCode: number };
    assert.equal(body.exitCode, exitCode, 'the JSON and the exit code agree');
    return { verdict: body.verdict, exitCode, text: body.reason };
  }

  /** verifyDeployment on a workspace whose warehouse is given (for failures no local file can produce). */
  async function api(workspace: Workspace, target?: string): Promise<Outcome> {
    try {
      const r = await verifyDeployment(workspace, SERVICE, target);
      return { verdict: r.verdict, exitCode: EXIT_CODES[r.verdict], text: r.reason };
    } finally {
      await workspace.close();
    }
  }

  /** A workspace whose warehouse fails every query the way `failure` says. */
  async function failingWarehouse(failure: () => Promise<never>): Promise<Workspace> {
    const dir = await folder({ warehouse: embedded({ 'ops.deployments': 'data/preds.csv' }), tables, services: services(fromWarehouseTable()) });
    const warehouse: Warehouse = {
      kind: 'bigquery',
      describe: () => 'a failing warehouse',
      query: () => failure(),
      close: async () => undefined,
    };
    return new (class extends Workspace {
      override warehouse(): Promise<Warehouse> {
        return Promise.resolve(warehouse);
      }
    })(loadConfig(join(dir, 'pipeline-lens.json')), () => NOW);
  }

  async function bigqueryFolder(apiEndpoint: string): Promise<string> {
    return folder({ warehouse: { kind: 'bigquery', project: 'pl-test', location: 'US', apiEndpoint }, tables, services: services(fromWarehouseTable()) });
  }

  // ------------------------------------------------------------------------------------
  // New faults, each with the verdict and the message a person reads.

  const faults = (): Fault[] => [
    {
      name: 'deployments table whose file is missing',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*ops\.deployments.*does not exist/,
      run: async () => cli(await withDeploymentTable(null)),
    },
    {
      name: 'deployments table not among the warehouse files',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*ops\.nowhere/i,
      run: async () => cli(await withDeploymentTable([row('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z')], { table: 'ops.nowhere' })),
    },
    {
      name: 'deployments query that fails (the commit column is missing)',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*commit_sha/,
      run: async () => cli(await withDeploymentTable([{ service: SERVICE, revision: 'worker-00068-f1x', sha: s.sha.fix, created_at: '2026-01-30T19:10:00Z' }])),
    },
    {
      name: 'deployments table file that is not readable data',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*(could not read|deployments\.ndjson)/i,
      run: async () => cli(await withDeploymentTable([], { text: '{"service": "worker", "revision": \u0000\u0001 not json at all' })),
    },
    {
      name: 'deployments table whose serving row has no commit',
      expect: 'unknown',
      reason: /worker-00072-5d8 of worker does not record the commit/,
      run: async () => cli(await withDeploymentTable([row('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z'), row('worker-00072-5d8', null, '2026-02-02T20:07:00Z')])),
    },
    {
      name: 'deployments table listing no revision of the service',
      expect: 'unknown',
      reason: /lists no revision/,
      run: async () => cli(await withDeploymentTable([{ ...row('reporter-00001', s.sha.fix, '2026-01-30T19:10:00Z'), service: 'reporter' }])),
    },
    {
      name: 'BigQuery answering 403 accessDenied',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*BigQuery denied access in project pl-test/,
      run: async () => {
        fake.reset();
        fake.failNext(
          'jobs.insert',
          403,
          { reason: 'accessDenied', message: 'Access Denied: Table pl-test:ops.deployments: User does not have permission to query table pl-test:ops.deployments.' },
          { times: 10 },
        );
        fake.failNext(
          'jobs.query',
          403,
          { reason: 'accessDenied', message: 'Access Denied: Table pl-test:ops.deployments: User does not have permission to query table pl-test:ops.deployments.' },
          { times: 10 },
        );
        return cli(await bigqueryFolder(fake.url));
      },
    },
    {
      name: 'warehouse query timing out',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*timed out/,
      run: async () =>
        api(
          await failingWarehouse(async () => {
            await new Promise((r) => setTimeout(r, 50));
            throw new WarehouseError('Query deployments timed out after 60 s waiting for BigQuery; try again, or check the job in the BigQuery console.', 'timeout');
          }),
        ),
    },
    {
      name: 'warehouse refusing with a rate limit (403 rateLimitExceeded, retries exhausted)',
      expect: 'unknown',
      reason: /Cannot read the deployments of worker: .*rate limit/,
      run: async () =>
        api(
          await failingWarehouse(async () => {
            throw new WarehouseError('Query deployments hit a rate limit of BigQuery in project pl-test (rateLimitExceeded); tried 5 times. Wait a minute and run again.', 'quota');
          }),
        ),
    },
    {
      name: 'serving revision without commit among revisions with commits',
      expect: 'unknown',
      reason: /worker-00072-5d8 of worker does not record the commit/,
      run: async () =>
        cli(
          await withDeploymentFile([
            rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 0),
            rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0),
            rev('worker-00072-5d8', null, '2026-02-02T20:07:00Z', 100),
          ]),
        ),
    },
    {
      name: 'revision serving all traffic without commit, newer one at 0% with a commit',
      expect: 'unknown',
      reason: /worker-00072-5d8 of worker does not record the commit/,
      run: async () =>
        cli(await withDeploymentFile([rev('worker-00072-5d8', null, '2026-01-31T20:07:00Z', 100), rev('worker-00073-f1x', s.sha.glossary, '2026-02-02T20:07:00Z', 0)])),
    },
    {
      name: 'serving revision whose commit is a branch name, not a SHA',
      expect: 'unknown',
      reason: /commit "main", which is not a git SHA/,
      run: async () => cli(await withDeploymentFile([rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0), rev('worker-00072-5d8', 'main', '2026-02-02T20:07:00Z', 100)])),
    },
    {
      // Four hex digits resolve to some commit in any repository of size: never read as the deployed one.
      name: 'serving revision whose commit is a 4-digit prefix',
      expect: 'unknown',
      reason:
        /deployments\.json record 2 \(revision worker-00072-5d8\) has commit "0000", a prefix of 4 hex digits: too short to name one commit; record a git SHA: the full 40 hex digits .* or a prefix of at least 7/,
      run: async () => cli(await withDeploymentFile([rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0), rev('worker-00072-5d8', '0000', '2026-02-02T20:07:00Z', 100)])),
    },
    {
      name: 'serving revision whose 7-digit commit prefix names no commit here',
      expect: 'unknown',
      reason: /The deployed commit 0000000 .*is not in local history/,
      run: async () =>
        cli(await withDeploymentFile([rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 0), rev('worker-00072-5d8', '0000000', '2026-02-02T20:07:00Z', 100)])),
    },
    {
      name: 'deployments table recording no traffic, read with the default servingRule "traffic"',
      expect: 'unknown',
      reason: /The deployments table ops\.deployments records no traffic share for any revision of worker/,
      run: async () => cli(await withDeploymentTable([row('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z')], { servingRule: 'traffic' })),
    },
  ];

  // Faults of verifyDeployment.test.ts, rebuilt here only so the matrix covers them too.
  const knownFaults = (): Fault[] => [
    {
      name: 'fix not deployed',
      expect: 'stale',
      reason: /lacks 1 commit/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100)])),
    },
    {
      name: 'deployed from a diverged branch',
      expect: 'stale',
      reason: /diverged/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile([rev('worker-00071-exp', s.sha.experiment, '2026-02-01T10:00:00Z', 100)])),
    },
    {
      name: 'deployed build ahead of the target with worker changes',
      expect: 'stale',
      reason: /ahead of/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile([rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]), s.sha.features),
    },
    {
      name: 'deployment file missing',
      expect: 'unknown',
      reason: /no such file/,
      coveredElsewhere: true,
      run: async () => cli(await folder({ warehouse: embedded(), tables, services: services({ kind: 'file', path: 'deployments.json' }) })),
    },
    {
      name: 'deployment file malformed',
      expect: 'unknown',
      reason: /not a date-time/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile('[{"service": "worker", "revision": "r1", "createdAt": "yesterday"}]')),
    },
    {
      name: 'serving revision without commit',
      expect: 'unknown',
      reason: /does not record the commit/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile([rev('worker-00072-5d8', null, '2026-02-02T20:07:00Z', 100)])),
    },
    {
      name: 'deployed commit not in local history',
      expect: 'unknown',
      reason: /not in local history/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile([rev('worker-00099-zzz', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef', '2026-02-02T20:07:00Z', 100)])),
    },
    {
      name: 'shallow clone lacking the deployed commit',
      expect: 'unknown',
      reason: /not in local history/,
      coveredElsewhere: true,
      run: async () => {
        const clone = join(parent, `shallow${++folders}`);
        await runGit(parent, ['clone', '-q', '--depth', '1', '--branch', 'main', `file://${s.fixture.root}`, clone]);
        return cli(await withDeploymentFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 100)], clone));
      },
    },
    {
      name: 'git missing from PATH',
      expect: 'unknown',
      reason: /git/i,
      coveredElsewhere: true,
      run: async () => {
        const dir = await withDeploymentFile([rev('worker-00070-aaa', s.sha.handoff, '2026-01-31T10:00:00Z', 100)]);
        const path = process.env.PATH;
        process.env.PATH = '/nonexistent';
        try {
          return await cli(dir);
        } finally {
          process.env.PATH = path;
        }
      },
    },
    {
      name: 'unknown service',
      expect: 'unknown',
      reason: /No service/,
      coveredElsewhere: true,
      run: async () => api(new Workspace({ ...loadConfig(join(await withDeploymentFile([]), 'pipeline-lens.json')), services: [] }, () => NOW)),
    },
    {
      name: 'target that does not exist',
      expect: 'unknown',
      reason: /not a revision/,
      coveredElsewhere: true,
      run: async () => cli(await withDeploymentFile([rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]), 'no-such-branch'),
    },
    {
      name: 'invalid config',
      expect: 'unknown',
      reason: /\/services\/0\/deployments\/path is required/,
      coveredElsewhere: true,
      run: async () => cli(await folder({ warehouse: embedded(), tables, services: services({ kind: 'file' }) })),
    },
  ];

  describe('each fault, with its verdict and message', () => {
    for (const fault of faults()) {
      it(`${fault.name}: ${fault.expect}`, async () => {
        // The list is rebuilt per test so every closure sees the scenario made in `before`.
        const outcome = await faults()
          .find((f) => f.name === fault.name)!
          .run();
        assert.equal(outcome.verdict, fault.expect, outcome.text);
        assert.equal(outcome.exitCode, EXIT_CODES[fault.expect]);
        assert.match(outcome.text, fault.reason);
      });
    }
  });

  describe('controls: the same sources, readable, give real verdicts', () => {
    it('a readable deployments table gives ok when the serving build has the fix', async () => {
      const outcome = await cli(
        await withDeploymentTable([row('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z'), row('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z')]),
      );
      assert.equal(outcome.verdict, 'ok', outcome.text);
      assert.match(outcome.text, /This rests on servingRule "newest" in pipeline-lens\.json: the deployments table ops\.deployments records no traffic/);
    });

    it('a readable deployments table gives stale when it lacks the fix', async () => {
      const outcome = await cli(await withDeploymentTable([row('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z')]));
      assert.equal(outcome.verdict, 'stale', outcome.text);
    });

    it('an older revision without commit does not stand in the way of the serving one', async () => {
      const outcome = await cli(
        await withDeploymentFile([rev('worker-00060-old', null, '2026-01-02T12:00:00Z', 0), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 100)]),
      );
      assert.equal(outcome.verdict, 'ok', outcome.text);
    });
  });

  it('zero false "ok": no fault, new or known, ends in ok or exit code 0', async () => {
    const all = [...faults(), ...knownFaults()];
    const outcomes: Array<{ fault: Fault; outcome: Outcome }> = [];
    for (const fault of all) outcomes.push({ fault, outcome: await fault.run() });
    const falseOk = outcomes.filter(({ outcome }) => outcome.verdict === 'ok' || outcome.exitCode === 0);
    assert.deepEqual(
      falseOk.map(({ fault, outcome }) => `${fault.name}: ${outcome.text}`),
      [],
      'a fault ended in ok',
    );
    for (const { fault, outcome } of outcomes) {
      if (fault.name === 'invalid config') {
        assert.equal(outcome.verdict, null);
        assert.equal(outcome.exitCode, 2);
      } else {
        assert.equal(outcome.verdict, fault.expect, `${fault.name}: ${outcome.text}`);
      }
      assert.match(outcome.text, fault.reason, fault.name);
    }
    assert.ok(all.length >= 25, `the matrix holds ${all.length} faults`);
  });

  it('a traffic split with any share on a stale revision is not ok', async () => {
    const outcome = await cli(
      await withDeploymentFile([rev('worker-00063-abc', s.sha.features, '2026-01-08T12:00:00Z', 50), rev('worker-00068-f1x', s.sha.fix, '2026-01-30T19:10:00Z', 50)]),
    );
    assert.notEqual(outcome.verdict, 'ok', `half the traffic runs ${s.sha.features.slice(0, 8)}, which lacks the fix: ${outcome.text}`);
  });
});
