import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { main, type CliIO } from '../../../src/cli/main';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { runCliProcess } from '../../fixtures/cliProcess';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';
import { createParityDataset, type ParityDataset } from './parityDataset';

/*
 * The command line end to end on a workspace whose pipeline-lens.json says
 * `warehouse.kind = "bigquery"` with `apiEndpoint` at the fake: investigate, commit,
 * verify (deployments from a BigQuery table) and query with and without --dry-run, with
 * writes refused unless --allow-write and a person typed yes. Every job carries the cap.
 */

const CAP = 10 * 1024 ** 3;

describe('pipeline-lens on BigQuery (the fake)', () => {
  let repo: GitFixture;
  let dataset: ParityDataset;
  let fake: FakeBigQuery;
  let sha: { a: string; b: string; docs: string };

  before(async () => {
    repo = await createGitFixture([
      { message: 'worker: first model', files: { 'worker/app.py': 'v1\n' }, date: '2025-12-19T10:00:00Z' },
      { message: 'fix(worker): read the line', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-06T03:17:00Z' },
      { message: 'docs: runbook', files: { 'docs/runbook.md': 'steps\n' }, date: '2026-01-08T09:00:00Z' },
    ]);
    const [a, b, docs] = repo.shas;
    sha = { a, b, docs };
    dataset = await createParityDataset({ a, b });
    fake = await FakeBigQuery.start({ database: dataset.database });
    await writeWorkspace(join(repo.root, 'pipeline-lens.json'), { kind: 'bigquery', project: 'pl-cli', location: 'US', apiEndpoint: fake.url });
    await writeFile(join(repo.root, 'select.sql'), 'SELECT p.system_id, COUNT(*) AS n\nFROM `preds.predictions` AS p\nWHERE p.game_date = @d\nGROUP BY 1\nORDER BY 1\n');
    await writeFile(join(repo.root, 'delete.sql'), "DELETE FROM `preds.predictions` WHERE game_date = '2026-01-09'\n");
  });
  beforeEach(() => fake.reset());
  after(async () => {
    await fake?.close();
    await dataset?.cleanup();
    await repo?.cleanup();
  });

  async function writeWorkspace(file: string, warehouse: Record<string, unknown>, deployments: unknown = { kind: 'warehouse', table: 'ops.deployments' }) {
    await writeFile(
      file,
      JSON.stringify({
        warehouse,
        tables: dataset.tables,
        features: dataset.features,
        services: [{ name: 'prediction-worker', paths: ['worker/**'], deployments, deployCommand: 'make deploy' }],
      }),
    );
  }

  async function run(args: string[], confirm?: CliIO['confirm']) {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', repo.root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), confirm });
    return { code, stdout, stderr };
  }

  const executedJobs = () => fake.jobRequests.filter((j) => !j.dryRun);

  it('investigate: findings from BigQuery, every job capped', async () => {
    const r = await run(['investigate', '--from', '2026-01-01', '--to', '2026-01-12', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.equal(body.command, 'investigate');
    assert.ok(Array.isArray(body.findings));
    assert.ok(fake.jobRequests.length >= 4, `${fake.jobRequests.length} jobs`);
    for (const job of fake.jobRequests) assert.equal(job.query.maximumBytesBilled, String(CAP), job.labels.query);
    const text = await run(['investigate', '--from', '2026-01-01', '--to', '2026-01-12']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /BigQuery pl-cli \(US\)/);
  });

  it('commit: provenance with the deployment read from a BigQuery table', async () => {
    const r = await run(['commit', sha.b.slice(0, 8), '--from', '2026-01-01', '--to', '2026-01-12', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [commit] = JSON.parse(r.stdout).commits;
    assert.equal(commit.commit.sha, sha.b);
    const worker = commit.services.find((s: { service: string }) => s.service === 'prediction-worker');
    assert.equal(worker.status, 'deployed');
    assert.equal(worker.firstDeployment.revision, 'worker-00002-bbb');
    assert.ok(executedJobs().every((j) => j.query.maximumBytesBilled === String(CAP)));
  });

  it('verify: ok when the revision serving traffic has every commit touching the worker', async () => {
    const r = await run(['verify', '--service', 'prediction-worker', '--json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const body = JSON.parse(r.stdout);
    assert.equal(body.verdict, 'ok');
    assert.equal(body.deployed.revision, 'worker-00002-bbb');
    assert.equal(body.unrelatedAhead, 1);
    assert.equal(fake.jobRequests[0].labels.query, 'deployments');
  });

  it('verify: deployments derived from the execution log in BigQuery, read over a bounded window', async () => {
    await writeWorkspace(
      join(repo.root, 'from-log.json'),
      { kind: 'bigquery', project: 'pl-cli', location: 'US', apiEndpoint: fake.url },
      { kind: 'executionLog', lookbackDays: 3650, servingRule: 'newest' },
    );
    const r = await run(['--config', 'from-log.json', 'verify', '--service', 'prediction-worker', '--json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const body = JSON.parse(r.stdout);
    assert.equal(body.verdict, 'ok');
    // The log records no traffic: the verdict holds only because the config says the newest build serves.
    assert.match(body.reason, /This rests on servingRule "newest" in pipeline-lens\.json: the execution log records no traffic/);
    assert.equal(body.deployed.revision, 'worker-00002-bbb');
    assert.equal(body.deployed.sha, sha.b);
    const [job] = fake.jobRequests;
    assert.equal(job.labels.query, 'buildsfirstseen');
    assert.deepEqual(
      job.query.queryParameters!.map((p) => p.name),
      ['from_ts', 'to_ts'],
    );
    assert.equal(job.query.maximumBytesBilled, String(CAP));
  });

  it('query --dry-run: prints the bytes the server estimated and runs nothing', async () => {
    const r = await run(['query', 'select.sql', '--param', 'd:DATE=2026-01-09', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Dry run on BigQuery pl-cli \(US\).*nothing was run/);
    assert.match(r.stdout, /Statement: +SELECT/);
    assert.match(r.stdout, /Would process: +1 MiB \(1048576 bytes\)/);
    assert.match(r.stdout, /Tables read: +pl-cli\.preds\.predictions/);
    assert.match(r.stdout, /Cap: +10 GiB \(10737418240 bytes\)/);
    assert.deepEqual(
      fake.jobRequests.map((j) => j.dryRun),
      [true],
    );
    assert.equal(fake.requests.filter((q) => q.path.includes('/queries')).length, 0, 'no results were fetched');
    const json = await run(['query', 'select.sql', '--param', 'd:DATE=2026-01-09', '--dry-run', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), {
      version: 1,
      command: 'query',
      dryRun: true,
      statementType: 'SELECT',
      targets: [],
      bytesProcessed: 1048576,
      referencedTables: ['pl-cli.preds.predictions'],
      maximumBytesBilled: CAP,
    });
  });

  it('query: runs and prints rows, the job capped and its parameter typed', async () => {
    const r = await run(['query', 'select.sql', '--param', 'd:DATE=2026-01-09']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /system_id +n/);
    assert.match(r.stdout, /catboost_v8 +5/);
    assert.match(r.stdout, /\(2 rows, 1 MiB processed\)/);
    const [job] = executedJobs();
    assert.equal(job.query.maximumBytesBilled, String(CAP));
    assert.deepEqual(job.query.queryParameters, [{ name: 'd', parameterType: { type: 'DATE' }, parameterValue: { value: '2026-01-09' } }]);
    const json = await run(['query', 'select.sql', '--param', 'd:DATE=2026-01-09', '--json']);
    assert.deepEqual(JSON.parse(json.stdout).rows, [
      { system_id: 'catboost_v8', n: 5 },
      { system_id: 'xgb_v3', n: 5 },
    ]);
  });

  it('query --max-bytes: a lower cap for one query, refused from the dry run when the estimate is above it', async () => {
    const refused = await run(['query', 'select.sql', '--param', 'd:DATE=2026-01-09', '--max-bytes', '500KiB']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Query user would bill 1 MiB \(1048576 bytes\), more than the cap of 500 KiB \(512000 bytes\) set by --max-bytes/);
    assert.match(refused.stderr, /raise --max-bytes\./);
    assert.doesNotMatch(refused.stderr, /warehouse\.maximumBytesBilled/, 'the config did not set this cap');
    assert.deepEqual(executedJobs(), [], 'nothing ran');
    const ok = await run(['query', 'select.sql', '--param', 'd:DATE=2026-01-09', '--max-bytes', '5MB']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(executedJobs()[0].query.maximumBytesBilled, '5000000');
    const bad = await run(['query', 'select.sql', '--max-bytes', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-bytes lots is not a size/);
  });

  it('a cap from pipeline-lens.json: the refusal names the setting, and --max-bytes for one query', async () => {
    await mkdir(join(repo.root, 'capped'), { recursive: true });
    await writeWorkspace(join(repo.root, 'capped', 'pipeline-lens.json'), { kind: 'bigquery', project: 'pl-cli', location: 'US', apiEndpoint: fake.url, maximumBytesBilled: 1000 });
    const refused = await run(['--config', 'capped/pipeline-lens.json', 'query', 'select.sql', '--param', 'd:DATE=2026-01-09']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /more than the cap of 1000 bytes set by warehouse\.maximumBytesBilled in pipeline-lens\.json/);
    assert.match(refused.stderr, /for one query on the command line: pipeline-lens query --max-bytes/);
    assert.deepEqual(executedJobs(), [], 'nothing ran');
  });

  it('an endpoint that never answers: the command ends with exit 2 at the per-request limit, from the flag or from pipeline-lens.json', async () => {
    fake.stall('jobs.insert');
    const flag = await runCliProcess(['--cwd', repo.root, '--request-timeout', '2', 'query', 'select.sql', '--param', 'd:DATE=2026-01-09'], process.env);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, new RegExp(`^pipeline-lens: Query user: no answer from BigQuery at ${fake.url} within 2 s\\.`));
    assert.match(flag.stderr, /--request-timeout/);

    await mkdir(join(repo.root, 'slow'), { recursive: true });
    await writeWorkspace(join(repo.root, 'slow', 'pipeline-lens.json'), { kind: 'bigquery', project: 'pl-cli', location: 'US', apiEndpoint: fake.url, requestTimeoutSeconds: 2.5 });
    const config = await runCliProcess(['--cwd', repo.root, '--config', 'slow/pipeline-lens.json', 'query', 'select.sql', '--param', 'd:DATE=2026-01-09'], process.env);
    assert.equal(config.code, 2, config.stderr);
    assert.match(config.stderr, /no answer from BigQuery at .* within 2\.5 s\. .*warehouse\.requestTimeoutSeconds in pipeline-lens\.json/);
    assert.ok(fake.requests.length >= 2, 'both runs reached the fake');
  });

  it('--request-timeout must be a positive number of seconds', async () => {
    const r = await run(['--request-timeout', 'soon', 'query', 'select.sql']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--request-timeout soon is not a number of seconds/);
  });

  it('a DML file is refused with exit 2, naming the statement and the table, and nothing runs', async () => {
    const r = await run(['query', 'delete.sql']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^pipeline-lens: Refused: delete\.sql is a DELETE on preds\.predictions; .*nothing was executed\. To run it, pass --allow-write/);
    assert.deepEqual(executedJobs(), []);
    assert.equal(fake.jobRequests[0].dryRun, true, 'the server was asked what the statement is');
  });

  it('--allow-write without a terminal to confirm on is refused, and says why', async () => {
    const r = await run(['query', 'delete.sql', '--allow-write'], async () => null);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Refused: delete\.sql is a DELETE on preds\.predictions.*--allow-write needs a person to type yes at a terminal, and there is none here/);
    assert.deepEqual(executedJobs(), []);
  });

  it('--allow-write with anything but "yes" typed is refused', async () => {
    const questions: string[] = [];
    const r = await run(['query', 'delete.sql', '--allow-write'], async (question) => {
      questions.push(question);
      return false;
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /The write was not confirmed/);
    assert.match(questions[0], /delete\.sql is DELETE on preds\.predictions in BigQuery pl-cli \(US\).*Type yes to run it/);
    assert.deepEqual(executedJobs(), []);
  });

  it('--allow-write and a typed yes run the write, capped like any job', async () => {
    const r = await run(['query', 'delete.sql', '--allow-write'], async () => true);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /affected_rows/);
    const [job] = executedJobs();
    assert.match(job.query.query, /^DELETE FROM/);
    assert.equal(job.query.maximumBytesBilled, String(CAP));
  });

  it('on the embedded engine a write stays refused, confirmed or not, and a dry run estimates nothing', async () => {
    const embeddedConfig = join(repo.root, 'embedded.json');
    await writeWorkspace(embeddedConfig, { kind: 'embedded', database: dataset.database });
    const refused = await run(['--config', 'embedded.json', 'query', 'delete.sql', '--allow-write'], async () => true);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Refused: delete\.sql is a DELETE on preds\.predictions; the embedded warehouse is read-only/);
    const dry = await run(['--config', 'embedded.json', 'query', 'select.sql', '--param', 'd:DATE=2026-01-09', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Would process: +not estimated/);
    assert.equal(fake.requests.length, 0);
  });
});
