import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createReadyPipeline, type ReadyPipeline } from '../../fixtures/readyPipeline';

/*
 * `check --date D` on a small pipeline where a date can be made ready: a git repository
 * whose HEAD is the deployed build, the parity warehouse (5 entities a day; p3 has no
 * features on 2026-01-11), on the embedded engine and on BigQuery through the fake.
 */

describe('check --date: readiness before a run', () => {
  let pipeline: ReadyPipeline;
  let fake: FakeBigQuery;

  before(async () => {
    pipeline = await createReadyPipeline();
    fake = await FakeBigQuery.start({ database: pipeline.dataset.database });
    await pipeline.write('embedded.json');
    await pipeline.write('bigquery.json', { warehouse: { kind: 'bigquery', project: 'pl-check', location: 'US', apiEndpoint: fake.url } });
    await pipeline.write('no-critical.json', { registry: [{ index: 2, name: 'constant_one' }] });
    await pipeline.write('strict-grading.json', { extra: { readiness: { gradingDays: 2 }, thresholds: { gradingCoverage: 0.99 } } });
  });
  after(async () => {
    await fake?.close();
    await pipeline?.cleanup();
  });

  const check = async (config: string, ...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', pipeline.repo.root, '--config', config, 'check', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr, json: args.includes('--json') && stdout ? JSON.parse(stdout) : null };
  };

  for (const config of ['embedded.json', 'bigquery.json']) {
    it(`says ready, exit 0, only when every check passed, each with its figures (${config})`, async () => {
      // 2026-01-11 (d = 10): feature 3 is 2.0 on odd days, so > 0 on every row.
      const r = await check(config, '--date', '2026-01-10', '--json');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.json.verdict, 'ready');
      const kinds = r.json.checks.map((c: { kind: string; verdict: string }) => `${c.kind}:${c.verdict}`).sort();
      assert.deepEqual(kinds, ['critical-feature-coverage:ready', 'deployment:ready', 'feature-store-rows:ready', 'grading:ready']);
      const rows = r.json.checks.find((c: { kind: string }) => c.kind === 'feature-store-rows');
      assert.deepEqual([rows.data.present, rows.data.expected], [5, 5]);
      const coverage = r.json.checks.find((c: { kind: string }) => c.kind === 'critical-feature-coverage');
      assert.equal(coverage.data.mode, 'daily');
      assert.deepEqual(
        coverage.data.features.map((f: { coverage: { successes: number; n: number } }) => [f.coverage.successes, f.coverage.n]),
        [
          [5, 5],
          [5, 5],
        ],
      );
    });
  }

  it('says not ready, exit 1, naming the check and its figures, when the feature store is short', async () => {
    const r = await check('embedded.json', '--date', '2026-01-11');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^✗ NOT READY for 2026-01-11/);
    assert.match(r.stdout, /✗ feature store rows for 2026-01-11: 4 of 5 expected entities have a row in preds\.features \(80\.0%; minimum 95%/);
    // Feature 3 is 0 on even days: 2026-01-11 is d = 10.
    assert.match(r.stdout, /✗ critical-feature coverage on 2026-01-11 in daily mode: every_other_day \(3\) is > 0 on 0\.0% \[0\.0, 49\.0\] n=4 of the rows, below its minimum 50%/);
  });

  it('fails on grading of the days before, as configured', async () => {
    const r = await check('strict-grading.json', '--date', '2026-01-10', '--json');
    assert.equal(r.code, 1);
    const grading = r.json.checks.find((c: { kind: string }) => c.kind === 'grading');
    assert.equal(grading.verdict, 'not-ready');
    assert.deepEqual(grading.data.window, { from: '2026-01-08', to: '2026-01-09' });
    assert.ok(grading.data.models.every((m: { predictions: number; graded: number }) => m.predictions > 0 && m.graded < m.predictions));
  });

  it('is unknown, exit 2, when a check cannot be made, never ready', async () => {
    const r = await check('no-critical.json', '--date', '2026-01-10');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^\? UNKNOWN for 2026-01-10: 1 of 4 checks could not be made/);
    assert.match(r.stdout, /\? critical-feature coverage on 2026-01-10: not checked: no feature in features\.registry of .* has a minCoverage/);
    const noRows = await check('embedded.json', '--date', '2026-03-01');
    assert.equal(noRows.code, 2, noRows.stdout);
    assert.match(noRows.stdout, /ctx\.expected lists no entity for 2026-03-01/);
  });

  it('refuses a date that is not one, exit 2', async () => {
    const r = await check('embedded.json', '--date', '2026-02-30');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--date 2026-02-30 is not a date/);
  });
});
