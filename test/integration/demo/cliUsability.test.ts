import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { main } from '../../../src/cli/main';

/*
 * What a new user of the command line runs into on the demo: paths, parameter types, the
 * one service, a mistyped model, terminal width and thin grading.
 */

describe('the CLI as a new user meets it', () => {
  let parent: string;
  let demo: DemoManifest;

  const run = async (args: string[], cwd = parent) => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
    return { code, stdout, stderr };
  };
  const hitRateByBuild = ['--param', 'start_date=2026-01-01', '--param', 'end_date=2026-01-31', '--param', 'system_id=catboost_v8'];

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-cli-usability-'));
    demo = await generateDemo(join(parent, 'demo'));
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('reads a query file relative to where the user stands, or else to --cwd, and names both places when neither has it', async () => {
    const fromHere = await run(['--cwd', 'demo', 'query', 'demo/sql/hit_rate_by_build.sql', ...hitRateByBuild, '--json']);
    assert.equal(fromHere.code, 0, fromHere.stderr);
    const fromCwd = await run(['--cwd', 'demo', 'query', 'sql/hit_rate_by_build.sql', ...hitRateByBuild, '--json']);
    assert.equal(fromCwd.code, 0, fromCwd.stderr);
    assert.deepEqual(JSON.parse(fromHere.stdout).rows, JSON.parse(fromCwd.stdout).rows);
    assert.ok(JSON.parse(fromHere.stdout).rows.length > 0);

    const missing = await run(['--cwd', 'demo', 'query', 'sql/nope.sql']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read sql\/nope\.sql: no such file \(looked for .*pl-cli-usability-[^/]+\/sql\/nope\.sql and .*\/demo\/sql\/nope\.sql\)/);
  });

  it('types --param start_date=2026-01-01 as a DATE, so BETWEEN against a DATE column runs', async () => {
    const r = await run(['--cwd', 'demo', 'query', 'sql/hit_rate_by_build.sql', ...hitRateByBuild, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const builds = JSON.parse(r.stdout).rows.map((row: { build_commit_sha: string }) => row.build_commit_sha);
    assert.ok(builds.includes(demo.commits.preFixBuild), builds.join(', '));
  });

  it('refuses a parameter whose date names no day, saying how to pass it as text', async () => {
    const r = await run(['--cwd', 'demo', 'query', 'sql/hit_rate_by_build.sql', '--param', 'start_date=2026-02-30']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--param start_date: "2026-02-30" is not a DATE .*write start_date:STRING=2026-02-30/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('verifies the only configured service without --service, as with it', async () => {
    // The demo configures two stages; a config keeping only the prediction worker has one.
    const config = JSON.parse(await readFile(join(demo.root, 'pipeline-lens.json'), 'utf8'));
    config.services = config.services.filter((s: { name: string }) => s.name === 'prediction-worker');
    const file = join(demo.root, 'one-service.json');
    await writeFile(file, JSON.stringify(config));
    try {
      const without = await run(['--cwd', 'demo', '--config', 'one-service.json', 'verify', '--json']);
      const named = await run(['--cwd', 'demo', '--config', 'one-service.json', 'verify', '--service', 'prediction-worker', '--json']);
      assert.equal(without.code, 1, without.stderr);
      assert.equal(named.code, 1, named.stderr);
      // Ages move with the clock between the two runs; the verdict and what it rests on do not.
      const verdict = (text: string) => {
        const { verdict, service, deployed, reason, missing, checked } = JSON.parse(text);
        return { verdict, service, deployed, reason, missing: missing.map((m: { sha: string }) => m.sha), checked };
      };
      assert.deepEqual(verdict(without.stdout), verdict(named.stdout));
      assert.equal(verdict(without.stdout).service, 'prediction-worker');
    } finally {
      await rm(file);
    }
  });

  it('asks which service when pipeline-lens.json configures several, naming them', async () => {
    const r = await run(['--cwd', 'demo', 'verify']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /configures 2 services \(prediction-worker, feature-store-processor\); name the one to verify with --service/);
  });

  it('lists the models the window holds when --model names none of them', async () => {
    const r = await run(['--cwd', 'demo', 'metrics', '--model', 'catboost']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No predictions of model "catboost" in .*Models with predictions there: .*catboost_v8 \([\d,]+\).*catboost_v9 /);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('prints metrics within 100 columns, every figure still there, and one table with --wide', async () => {
    for (const by of ['commit', 'date', 'period']) {
      const r = await run(['--cwd', 'demo', 'metrics', '--model', 'catboost_v8', '--by', by, '--split-at', '2026-01-09']);
      assert.equal(r.code, 0, r.stderr);
      const long = r.stdout.split('\n').filter((l) => [...l].length > 100);
      assert.deepEqual(long, [], `--by ${by}`);
      for (const column of ['preds', 'graded', 'coverage', 'hit rate [95% CI] n', 'MAE', 'bias', 'std', 'direction', 'high-edge'])
        assert.ok(r.stdout.includes(column), `${by}: ${column}`);
      // Commits go by short SHA in the tables, their subjects whole below them.
      if (by === 'commit') assert.match(r.stdout, new RegExp(`\\n${demo.commits.fix.slice(0, 8)}  fix\\(worker\\): populate vegas/opponent/ppm features 25-32\\n`));
    }
    const wide = await run(['--cwd', 'demo', 'metrics', '--model', 'catboost_v8', '--by', 'commit', '--wide']);
    assert.equal(wide.code, 0, wide.stderr);
    const headers = wide.stdout.split('\n').filter((l) => l.startsWith('commit '));
    assert.equal(headers.length, 1, 'one table');
    assert.match(headers[0], /hit rate \[95% CI\] n +MAE +bias +std +direction +high-edge/);
    assert.match(wide.stdout, /fix\(worker\): populate vegas\/opponent\/ppm features 25-32/, 'labels whole');
  });

  it('warns under the figures of a period with little grading, and says so in --json', async () => {
    const r = await run(['--cwd', 'demo', 'metrics', '--model', 'catboost_v8', '--by', 'period', '--split-at', '2026-01-09']);
    assert.equal(r.code, 0, r.stderr);
    // Wrapped within 100 columns: continuation lines are indented by two spaces.
    const text = r.stdout.replace(/\n {2}/g, ' ');
    assert.match(text, /warning: after \(2026-01-09\.\.[\d-]+\): [\d,]+ of [\d,]+ predictions graded \([\d.]+%\), below the 80% grading threshold/);
    assert.doesNotMatch(text, /warning: before/);
    const json = JSON.parse((await run(['--cwd', 'demo', 'metrics', '--model', 'catboost_v8', '--by', 'period', '--split-at', '2026-01-09', '--json'])).stdout);
    assert.equal(json.warnings.length, 1);
    assert.match(json.warnings[0], /^after /);
    const graded = await run(['--cwd', 'demo', 'metrics', '--model', 'catboost_v8', '--by', 'period', '--split-at', '2026-01-09', '--to', '2026-01-07', '--json']);
    assert.deepEqual(JSON.parse(graded.stdout).warnings, [], 'a well-graded window gets no warning');
  });
});
