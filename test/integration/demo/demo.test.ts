// The demo workspace against the incident record (DOMAIN.md): figures measured with plain
// DuckDB SQL over the generated Parquet, git facts with git itself. Independent of the
// engine's query catalog on purpose: this checks the data, not the product.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_MARKER, DemoFolderError, generateDemo, type DemoManifest } from '../../../demo/generateDemo';

const TABLES = {
  pred: 'player_prop_predictions',
  acc: 'prediction_accuracy',
  fs: 'ml_feature_store_v2',
  log: 'prediction_execution_log',
  exp: 'upcoming_player_game_context',
} as const;

function git(cwd: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = devNull;
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout))),
  );
}

async function open(root: string): Promise<{ c: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await instance.connect();
  for (const [view, file] of Object.entries(TABLES)) {
    await c.run(`CREATE VIEW ${view} AS SELECT * FROM read_parquet('${join(root, 'data', `${file}.parquet`).replace(/'/g, "''")}')`);
  }
  // createdAt is read as text and parsed as UTC explicitly: a TIMESTAMPTZ cast would follow
  // the session's time zone.
  await c.run(`CREATE TABLE deps AS
               SELECT revision, "commit" AS sha, strptime(createdAt, '%Y-%m-%dT%H:%M:%SZ') AS created_at, trafficPercent
               FROM read_json('${join(root, 'deployments', 'prediction-worker.json').replace(/'/g, "''")}',
                              columns = {service: 'VARCHAR', revision: 'VARCHAR', "commit": 'VARCHAR', createdAt: 'VARCHAR', trafficPercent: 'INTEGER'})`);
  return {
    c,
    close: () => {
      c.closeSync();
      instance.closeSync();
    },
  };
}

async function rows(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await c.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

async function one(c: DuckDBConnection, sql: string): Promise<Record<string, number | string | boolean | null>> {
  const r = await rows(c, sql);
  assert.equal(r.length, 1, `expected one row from: ${sql}`);
  const out: Record<string, number | string | boolean | null> = {};
  for (const [k, v] of Object.entries(r[0])) out[k] = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : (v as string | boolean | null);
  return out;
}

/** Within `tol` (absolute) of the record. */
function near(actual: unknown, expected: number, tol: number, label: string): void {
  assert.equal(typeof actual, 'number', `${label}: not a number (${String(actual)})`);
  assert.ok(Math.abs((actual as number) - expected) <= tol, `${label}: ${String(actual)}, record ${expected} (±${tol})`);
}

/** Counts within 3% of the record. */
function nearCount(actual: unknown, expected: number, label: string): void {
  near(actual, expected, Math.max(1, Math.ceil(0.03 * expected)), label);
}

const pct = (num: string, den: string) => `100.0 * (${num}) / NULLIF(${den}, 0)`;

describe('demo workspace', () => {
  let base: string;
  let manifest: DemoManifest;
  let second: DemoManifest;
  let db: { c: DuckDBConnection; close: () => void };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'pipeline-lens-demo-test-'));
    manifest = await generateDemo(join(base, 'first'));
    second = await generateDemo(join(base, 'second'));
    db = await open(manifest.root);
  });

  after(async () => {
    db?.close();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('generates the roles the investigation needs', () => {
    for (const role of ['preFixBuild', 'fix', 'v9Variant', 'v9Retrain', 'docsOnly', 'undeployedWorker', 'earlyBuild']) {
      assert.match(manifest.commits[role] ?? '', /^[0-9a-f]{40}$/, `commit role ${role}`);
    }
    assert.equal(manifest.revisions.v9Retrain, 'prediction-worker-00072-5d8');
    assert.equal(manifest.revisions.fix, 'prediction-worker-00069-wqf');
  });

  describe('git history', () => {
    it('has the fix at 2026-01-30T03:17:00Z touching predictions/worker/', async () => {
      const sha = manifest.commits.fix;
      const [date, subject] = (await git(manifest.root, ['show', '-s', '--format=%cI%n%s', sha])).trim().split('\n');
      assert.equal(new Date(date).toISOString(), '2026-01-30T03:17:00.000Z');
      assert.match(subject, /populate vegas\/opponent\/ppm features 25-32/);
      const files = (await git(manifest.root, ['show', '--name-only', '--format=', sha])).trim().split('\n');
      assert.ok(
        files.some((f) => f.startsWith('predictions/worker/')),
        files.join(', '),
      );
    });

    it('ends with docsOnly (docs/ only) and HEAD = the undeployed worker commit on main', async () => {
      assert.equal((await git(manifest.root, ['rev-parse', 'HEAD'])).trim(), manifest.commits.undeployedWorker);
      assert.equal((await git(manifest.root, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim(), 'main');
      assert.equal((await git(manifest.root, ['rev-parse', 'HEAD~1'])).trim(), manifest.commits.docsOnly);
      const docs = (await git(manifest.root, ['show', '--name-only', '--format=', manifest.commits.docsOnly])).trim().split('\n');
      assert.ok(docs.length > 0 && docs.every((f) => f.startsWith('docs/')), docs.join(', '));
      const head = (await git(manifest.root, ['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n');
      assert.ok(
        head.some((f) => f.startsWith('predictions/worker/')),
        head.join(', '),
      );
      const docsTime = (await git(manifest.root, ['show', '-s', '--format=%ct', manifest.commits.docsOnly])).trim();
      assert.ok(Number(docsTime) * 1000 > Date.parse('2026-02-02T20:07:00Z'), 'docsOnly comes after the last deploy');
    });

    it('ignores data/, commits the config outside the worker paths, and names the SHAs in the handoff note', async () => {
      assert.match(await readFile(join(manifest.root, '.gitignore'), 'utf8'), /^data\/$/m);
      const tracked = (await git(manifest.root, ['ls-files'])).split('\n');
      assert.ok(tracked.includes('pipeline-lens.json'));
      assert.ok(tracked.includes('deployments/prediction-worker.json'));
      assert.ok(!tracked.some((f) => f.startsWith('data/')));
      const status = (await git(manifest.root, ['status', '--porcelain'])).trimEnd().split('\n');
      assert.deepEqual(status, [' M docs/handoffs/2026-02-02-prediction-regression.md']);
      // The story's model leads the lenses, through a workspace setting kept out of the history.
      const settings = JSON.parse(await readFile(join(manifest.root, '.vscode', 'settings.json'), 'utf8'));
      assert.deepEqual(settings['pipelineLens.primaryModels'], ['catboost_v8']);
      // Its SQL files open as BigQuery SQL, not as whatever other extension claims `.sql`.
      assert.deepEqual(settings['files.associations'], { '**/sql/**/*.sql': 'bqsql' });
      assert.ok(!tracked.includes('.vscode/settings.json'));
      const note = await readFile(join(manifest.root, 'docs/handoffs/2026-02-02-prediction-regression.md'), 'utf8');
      for (const role of ['fix', 'preFixBuild', 'v9Retrain', 'undeployedWorker']) {
        assert.ok(note.includes(`\`${manifest.commits[role].slice(0, 8)}\``), `note names ${role} in a code span`);
      }
      const config = JSON.parse(await readFile(join(manifest.root, 'pipeline-lens.json'), 'utf8'));
      assert.equal(config.features.count, 33);
      assert.equal(config.features.registry.length, 33);
      const byIndex = new Map<number, { name: string; minCoverage: number | null }>(config.features.registry.map((f: { index: number }) => [f.index, f]));
      assert.equal(byIndex.get(7)?.name, 'pace_score');
      assert.equal(byIndex.get(8)?.name, 'usage_spike_score');
      assert.equal(byIndex.get(24)?.name, 'team_win_pct');
      assert.equal(byIndex.get(25)?.name, 'vegas_points_line');
      assert.equal(byIndex.get(25)?.minCoverage, 0.8);
      assert.equal(byIndex.get(28)?.name, 'has_vegas_line');
      for (const file of Object.values<string>(config.warehouse.files)) await stat(join(manifest.root, file));
    });
  });

  describe('deployments', () => {
    it('deploys the fix at 19:10 and 00072-5d8 at 20:07 on Feb 2, serving all traffic', async () => {
      const deps = JSON.parse(await readFile(join(manifest.root, 'deployments/prediction-worker.json'), 'utf8')) as {
        service: string;
        revision: string;
        commit: string;
        createdAt: string;
        trafficPercent: number;
      }[];
      const sorted = [...deps].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
      assert.deepEqual(deps, sorted, 'oldest first');
      const fix = deps.find((d) => d.commit === manifest.commits.fix);
      assert.equal(fix?.createdAt, '2026-01-30T19:10:00Z');
      assert.equal(Date.parse(fix.createdAt) - Date.parse('2026-01-30T03:17:00Z'), (15 * 60 + 53) * 60_000);
      const last = deps[deps.length - 1];
      assert.deepEqual(last, {
        service: 'prediction-worker',
        revision: 'prediction-worker-00072-5d8',
        commit: manifest.commits.v9Retrain,
        createdAt: '2026-02-02T20:07:00Z',
        trafficPercent: 100,
      });
      assert.ok(deps.slice(0, -1).every((d) => d.trafficPercent === 0));
      assert.ok(deps.some((d) => d.commit === manifest.commits.v9Variant && d.createdAt.startsWith('2026-02-01')));
      assert.ok(deps.some((d) => d.commit === manifest.commits.preFixBuild && d.createdAt.startsWith('2026-01-08')));
      assert.ok(!deps.some((d) => d.commit === manifest.commits.undeployedWorker));
    });
  });

  describe('figures of the record', () => {
    const v8Graded = (from: string, to: string) =>
      `FROM acc WHERE system_id = 'catboost_v8' AND prediction_correct IS NOT NULL AND game_date BETWEEN DATE '${from}' AND DATE '${to}'`;
    const metrics = `
      ${pct('COUNT_IF(prediction_correct)', 'COUNT(*)')} AS hit,
      AVG(ABS(predicted_points - actual_points)) AS mae,
      STDDEV_SAMP(predicted_points - actual_points) AS std,
      ${pct('COUNT_IF(SIGN(predicted_points - line_value) = SIGN(actual_points - line_value))', 'COUNT_IF(actual_points <> line_value)')} AS direction,
      ${pct('COUNT_IF(prediction_correct AND ABS(predicted_points - line_value) >= 5)', 'COUNT_IF(ABS(predicted_points - line_value) >= 5)')} AS high_edge`;

    it('1. catboost_v8 Jan 1-7 vs Jan 9-28: hit rate, MAE, std, direction, high edge', async () => {
      const good = await one(db.c, `SELECT ${metrics} ${v8Graded('2026-01-01', '2026-01-07')}`);
      const bad = await one(db.c, `SELECT ${metrics} ${v8Graded('2026-01-09', '2026-01-28')}`);
      near(good.hit, 66.1, 1.5, 'hit rate Jan 1-7');
      near(bad.hit, 50.4, 1.5, 'hit rate Jan 9-28');
      near(good.mae, 4.3, 0.05, 'MAE Jan 1-7');
      near(bad.mae, 5.8, 0.05, 'MAE Jan 9-28');
      near(good.std, 5.6, 0.05, 'std Jan 1-7');
      near(bad.std, 7.4, 0.05, 'std Jan 9-28');
      near(good.direction, 66, 1.5, 'direction Jan 1-7');
      near(bad.direction, 51, 1.5, 'direction Jan 9-28');
      near(good.high_edge, 76.6, 1.5, 'high-edge Jan 1-7');
      near(bad.high_edge, 50.9, 1.5, 'high-edge Jan 9-28');
    });

    it('1. Vegas coverage of catboost_v8 predictions is higher in the bad period (the red herring)', async () => {
      const coverage = async (from: string, to: string) =>
        await one(
          db.c,
          `WITH pairs AS (SELECT DISTINCT player_lookup, game_date FROM pred
                            WHERE system_id = 'catboost_v8' AND is_active AND game_date BETWEEN DATE '${from}' AND DATE '${to}')
             SELECT ${pct('COUNT_IF(f.features[26] > 0)', 'COUNT(*)')} AS cov, COUNT(*) AS n, COUNT(f.player_lookup) AS joined
             FROM pairs p LEFT JOIN fs f USING (player_lookup, game_date)`,
        );
      const good = await coverage('2026-01-01', '2026-01-07');
      const bad = await coverage('2026-01-09', '2026-01-28');
      assert.equal(good.n, good.joined, 'every predicted pair has a feature row');
      assert.equal(bad.n, bad.joined, 'every predicted pair has a feature row');
      near(good.cov, 37.5, 1.5, 'Vegas coverage Jan 1-7');
      near(bad.cov, 45.3, 1.5, 'Vegas coverage Jan 9-28');
    });

    it('2. catboost_v8 by build: before and after the fix', async () => {
      const byBuild = async (shas: string[]) => {
        const list = shas.map((s) => `'${s}'`).join(', ');
        return one(
          db.c,
          `SELECT (SELECT COUNT(*) FROM pred WHERE system_id = 'catboost_v8' AND is_active AND build_commit_sha IN (${list})) AS predictions,
                  COUNT_IF(prediction_correct IS NOT NULL) AS graded,
                  ${pct('COUNT_IF(prediction_correct)', 'COUNT_IF(prediction_correct IS NOT NULL)')} AS hit,
                  MIN(game_date)::VARCHAR AS first_date
           FROM acc WHERE system_id = 'catboost_v8' AND build_commit_sha IN (${list})`,
        );
      };
      const before = await byBuild([manifest.commits.preFixBuild]);
      nearCount(before.predictions, 2303, 'predictions before the fix');
      nearCount(before.graded, 668, 'graded before the fix');
      near(before.hit, 50.6, 1.5, 'hit rate before the fix');
      assert.equal(before.first_date, '2026-01-09');
      const afterFix = await byBuild([manifest.commits.fix, manifest.commits.v9Variant, manifest.commits.v9Retrain]);
      nearCount(afterFix.predictions, 559, 'predictions after the fix');
      nearCount(afterFix.graded, 41, 'graded after the fix');
      near(afterFix.hit, 58.5, 1.5, 'hit rate after the fix');
      assert.equal(afterFix.first_date, '2026-01-31');
    });

    it('3. grading coverage Jan 27 - Feb 2 per model', async () => {
      // Predictions count every row of the window, superseded ones included, as the record's
      // query did: only catboost_v8 has superseded rows there (the backfill replaced its daily
      // rows of Jan 27-28). Graded rows exist only for active predictions.
      const record: Record<string, [number, number]> = {
        catboost_v9_2026_02: [222, 0],
        catboost_v8: [1556, 364],
        ensemble_v1_1: [1334, 354],
        ensemble_v1: [1334, 152],
        similarity_balanced_v1: [1172, 117],
        zone_matchup_v1: [1334, 117],
        moving_average: [1334, 117],
        catboost_v9: [1003, 690],
      };
      const measured = await rows(
        db.c,
        `SELECT system_id,
                COUNT(*) AS predictions,
                COUNT_IF(is_active) AS active,
                (SELECT COUNT_IF(prediction_correct IS NOT NULL) FROM acc a
                 WHERE a.system_id = p.system_id AND a.game_date BETWEEN DATE '2026-01-27' AND DATE '2026-02-02') AS graded
         FROM pred p WHERE game_date BETWEEN DATE '2026-01-27' AND DATE '2026-02-02' GROUP BY system_id`,
      );
      const bySystem = new Map(measured.map((r) => [r.system_id as string, r]));
      assert.deepEqual([...bySystem.keys()].sort(), Object.keys(record).sort());
      for (const [system, [predictions, graded]] of Object.entries(record)) {
        const r = bySystem.get(system)!;
        nearCount(Number(r.predictions), predictions, `${system} predictions`);
        nearCount(Number(r.graded), graded, `${system} graded`);
        if (system !== 'catboost_v8') assert.equal(Number(r.active), Number(r.predictions), `${system}: no superseded rows in the window`);
      }
    });

    it('4. usage_spike_score all zeros Dec 15 - Jan 31, 65-75% non-zero (mean ~0.9) before and after', async () => {
      const usage = `SELECT ${pct('COUNT_IF(features[9] > 0)', 'COUNT(*)')} AS nonzero, AVG(features[9]) AS mean, COUNT(*) AS n FROM fs`;
      const brokenPerDate = await rows(
        db.c,
        `SELECT game_date::VARCHAR AS d, COUNT_IF(features[9] <> 0) AS nonzero FROM fs
         WHERE game_date BETWEEN DATE '2025-12-15' AND DATE '2026-01-31' GROUP BY 1 HAVING COUNT_IF(features[9] <> 0) > 0`,
      );
      assert.deepEqual(brokenPerDate, [], 'no non-zero usage_spike_score between Dec 15 and Jan 31');
      const beforeBreak = await one(db.c, `${usage} WHERE game_date < DATE '2025-12-15'`);
      const afterFix = await one(db.c, `${usage} WHERE game_date > DATE '2026-01-31'`);
      for (const [label, m] of [
        ['before', beforeBreak],
        ['after', afterFix],
      ] as const) {
        assert.ok((m.nonzero as number) >= 65 && (m.nonzero as number) <= 75, `${label}: ${m.nonzero}% non-zero`);
        near(m.mean, 0.9, 0.1, `usage_spike_score mean ${label}`);
      }
    });

    it('4. pace_score broken for a stretch of dates', async () => {
      const perDate = await rows(db.c, `SELECT game_date::VARCHAR AS d, ${pct('COUNT_IF(features[8] = 0)', 'COUNT(*)')} AS zero_pct FROM fs GROUP BY 1 ORDER BY 1`);
      const broken = perDate.filter((r) => Number(r.zero_pct) === 100).map((r) => r.d as string);
      assert.ok(broken.length >= 5, `pace_score zero on ${broken.length} dates`);
      assert.equal(broken[0], '2026-01-12');
      assert.ok(perDate.filter((r) => !broken.includes(r.d as string)).every((r) => Number(r.zero_pct) === 0));
    });

    it('4. Vegas coverage in backfill mode: ~99.4% before Jan 31, ~43.4% from Jan 31', async () => {
      const cov = (where: string) =>
        one(db.c, `SELECT ${pct('COUNT_IF(features[26] > 0)', 'COUNT(*)')} AS cov, COUNT(*) AS n FROM fs WHERE feature_source_mode = 'backfill' AND ${where}`);
      near((await cov(`game_date < DATE '2026-01-31'`)).cov, 99.4, 1.5, 'backfill coverage before Jan 31');
      near((await cov(`game_date >= DATE '2026-01-31'`)).cov, 43.4, 1.5, 'backfill coverage from Jan 31');
      const widePerDate = await one(
        db.c,
        `SELECT MIN(n) AS lo FROM (SELECT game_date, COUNT(*) AS n FROM fs WHERE feature_source_mode = 'backfill' AND game_date < DATE '2026-01-31' GROUP BY 1)`,
      );
      assert.ok((widePerDate.lo as number) >= 500, `backfill mode covers 500+ players a date (min ${widePerDate.lo})`);
    });

    it('4. daily-mode rows cover 150-200 players a date; one row per player and date; expected 150-200', async () => {
      const daily = await one(db.c, `SELECT MIN(n) AS lo, MAX(n) AS hi FROM (SELECT game_date, COUNT(*) AS n FROM fs WHERE feature_source_mode = 'daily' GROUP BY 1)`);
      assert.ok((daily.lo as number) >= 150 && (daily.hi as number) <= 200, `daily rows per date ${daily.lo}-${daily.hi}`);
      const dupes = await one(db.c, `SELECT COUNT(*) AS n FROM (SELECT player_lookup, game_date FROM fs GROUP BY 1, 2 HAVING COUNT(*) > 1)`);
      assert.equal(dupes.n, 0);
      const arrays = await one(db.c, `SELECT MIN(len(features)) AS lo, MAX(len(features)) AS hi FROM fs`);
      assert.deepEqual([arrays.lo, arrays.hi], [33, 33]);
      const expected = await one(db.c, `SELECT MIN(n) AS lo, MAX(n) AS hi FROM (SELECT game_date, COUNT(*) AS n FROM exp GROUP BY 1)`);
      assert.ok((expected.lo as number) >= 150 && (expected.hi as number) <= 200, `expected players per date ${expected.lo}-${expected.hi}`);
    });

    it('6. RED signal days (~70% UNDER) hit ~54% against ~82% on balanced days (catboost_v9)', async () => {
      const days = await rows(
        db.c,
        `WITH d AS (
           SELECT a.game_date, COUNT(*) AS n, COUNT_IF(a.prediction_correct) AS c, COUNT_IF(p.recommendation = 'UNDER') AS u
           FROM acc a JOIN pred p USING (player_lookup, game_date, system_id)
           WHERE a.system_id = 'catboost_v9' AND a.prediction_correct IS NOT NULL AND p.is_active GROUP BY 1)
         SELECT u > 0.65 * n AS red, SUM(n) AS n, ${pct('SUM(c)', 'SUM(n)')} AS hit, ${pct('SUM(u)', 'SUM(n)')} AS under FROM d GROUP BY 1 ORDER BY 1`,
      );
      assert.equal(days.length, 2);
      const [balanced, red] = days.map((r) => ({ hit: Number(r.hit), under: Number(r.under) }));
      near(red.under, 70, 3, 'UNDER share on RED days');
      near(red.hit, 54, 3, 'hit rate on RED days');
      near(balanced.hit, 82, 3, 'hit rate on balanced days');
    });
  });

  describe('consistency of the data', () => {
    it('prediction_correct agrees with the sides of the line; pushes are never graded', async () => {
      const bad = await one(
        db.c,
        `SELECT COUNT_IF(prediction_correct IS NOT NULL AND prediction_correct <> ((predicted_points > line_value) = (actual_points > line_value))) AS wrong,
                COUNT_IF(prediction_correct IS NOT NULL AND actual_points = line_value) AS graded_pushes,
                COUNT_IF(prediction_correct IS NOT NULL AND actual_points IS NULL) AS graded_without_actual,
                COUNT_IF(predicted_points < 0) AS negative
         FROM acc`,
      );
      assert.deepEqual(bad, { wrong: 0, graded_pushes: 0, graded_without_actual: 0, negative: 0 });
      const accRows = await one(db.c, `SELECT (SELECT COUNT(*) FROM acc) AS acc, (SELECT COUNT_IF(is_active) FROM pred) AS active`);
      assert.equal(accRows.acc, accRows.active, 'one accuracy row per active prediction');
    });

    it('every row carries the build of the revision serving when it was created', async () => {
      const pred = await one(
        db.c,
        `SELECT COUNT(*) AS n, COUNT_IF(p.build_commit_sha <> d.sha OR p.deployment_revision <> d.revision) AS mismatched
         FROM pred p ASOF JOIN deps d ON p.created_at >= d.created_at`,
      );
      assert.equal(pred.mismatched, 0);
      const log = await one(
        db.c,
        `SELECT COUNT(*) AS n, COUNT_IF(l.build_commit_sha <> d.sha OR l.deployment_revision <> d.revision) AS mismatched
         FROM log l ASOF JOIN deps d ON l.execution_start_timestamp >= d.created_at`,
      );
      assert.equal(log.mismatched, 0);
      const total = await one(db.c, `SELECT (SELECT COUNT(*) FROM pred) AS pred, (SELECT COUNT(*) FROM fs) AS fs`);
      assert.equal(pred.n, total.pred, 'every prediction falls after the first deployment');
      assert.ok((total.pred as number) <= 60_000 && (total.fs as number) <= 60_000, `volumes ${total.pred} / ${total.fs}`);
    });

    it('5. the backfill ran 07:41-08:37 on Jan 30 on the pre-fix build and superseded the daily rows', async () => {
      const run = await one(
        db.c,
        `SELECT COUNT(*) AS n, MIN(execution_start_timestamp)::VARCHAR AS first_start, MAX(execution_end_timestamp)::VARCHAR AS last_end,
                MIN(game_date)::VARCHAR AS first_date, MAX(game_date)::VARCHAR AS last_date, COUNT(DISTINCT game_date) AS dates,
                COUNT(DISTINCT build_commit_sha) AS builds, ANY_VALUE(build_commit_sha) AS build, ANY_VALUE(deployment_revision) AS revision,
                SUM(players_predicted) AS produced
         FROM log WHERE feature_source_mode = 'backfill'`,
      );
      assert.equal(run.first_start, '2026-01-30 07:41:00');
      assert.equal(run.last_end, '2026-01-30 08:37:00');
      assert.equal(run.first_date, '2026-01-09');
      assert.equal(run.last_date, '2026-01-28');
      assert.equal(run.dates, 20);
      assert.equal(run.builds, 1);
      assert.equal(run.build, manifest.commits.preFixBuild);
      assert.equal(run.revision, manifest.revisions.preFixBuild);
      const produced = await one(db.c, `SELECT COUNT(*) AS n FROM pred WHERE created_at BETWEEN TIMESTAMP '2026-01-30 07:41:00' AND TIMESTAMP '2026-01-30 08:37:00' AND is_active`);
      assert.equal(produced.n, run.produced, 'players_predicted records the rows the backfill wrote');
      const replaced = await one(
        db.c,
        `SELECT COUNT(*) AS n, COUNT_IF(superseded AND superseded_reason IS NOT NULL AND superseded_at BETWEEN TIMESTAMP '2026-01-30 07:41:00' AND TIMESTAMP '2026-01-30 08:37:00') AS flagged,
                MIN(game_date)::VARCHAR AS first_date, MAX(game_date)::VARCHAR AS last_date
         FROM pred WHERE NOT is_active`,
      );
      assert.equal(replaced.n, run.produced, 'each regenerated row replaced one daily row');
      assert.equal(replaced.flagged, replaced.n);
      assert.deepEqual([replaced.first_date, replaced.last_date], ['2026-01-09', '2026-01-28']);
      const dailyOnOldBuild = await one(
        db.c,
        `SELECT COUNT(*) AS n FROM log WHERE feature_source_mode = 'daily' AND game_date BETWEEN DATE '2026-01-09' AND DATE '2026-01-30'
           AND build_commit_sha <> '${manifest.commits.preFixBuild}'`,
      );
      assert.equal(dailyOnOldBuild.n, 0, 'daily runs Jan 9-30 ran on the pre-fix build');
    });

    it('7. the three v9s: the variant from the Feb 1 revision, the retrain from Feb 2 20:07', async () => {
      const variant = await one(
        db.c,
        `SELECT COUNT(*) AS n, COUNT(DISTINCT build_commit_sha) AS builds, ANY_VALUE(build_commit_sha) AS build FROM pred WHERE system_id = 'catboost_v9_2026_02'`,
      );
      assert.deepEqual([variant.n, variant.builds, variant.build], [222, 1, manifest.commits.v9Variant]);
      const retrain = await one(
        db.c,
        `SELECT COUNT_IF(build_commit_sha = '${manifest.commits.v9Retrain}') AS on_retrain,
                COUNT_IF(build_commit_sha = '${manifest.commits.v9Retrain}' AND created_at < TIMESTAMP '2026-02-02 20:07:00') AS too_early,
                COUNT_IF(created_at >= TIMESTAMP '2026-02-02 20:07:00' AND build_commit_sha <> '${manifest.commits.v9Retrain}') AS late_other
         FROM pred WHERE system_id = 'catboost_v9'`,
      );
      assert.ok((retrain.on_retrain as number) > 0);
      assert.deepEqual([retrain.too_early, retrain.late_other], [0, 0]);
    });
  });

  describe('determinism and safety', () => {
    it('two generations give the same SHAs and the same data', async () => {
      assert.deepEqual(second.commits, manifest.commits);
      assert.deepEqual(second.revisions, manifest.revisions);
      const other = await open(second.root);
      try {
        for (const view of Object.keys(TABLES)) {
          const hash = async (c: DuckDBConnection) =>
            (await one(c, `SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR))) AS h, COUNT(*) AS n FROM ${view} t`)).h;
          assert.equal(await hash(other.c), await hash(db.c), `${view} differs between generations`);
        }
      } finally {
        other.close();
      }
      const note = 'docs/handoffs/2026-02-02-prediction-regression.md';
      assert.equal(await readFile(join(second.root, note), 'utf8'), await readFile(join(manifest.root, note), 'utf8'));
    });

    it('replaces a folder it generated', async () => {
      await writeFile(join(second.root, 'scratch.txt'), 'left over\n');
      const again = await generateDemo(second.root);
      assert.deepEqual(again.commits, manifest.commits);
      await assert.rejects(stat(join(second.root, 'scratch.txt')), { code: 'ENOENT' });
      await stat(join(second.root, DEMO_MARKER));
    });

    it('refuses to touch a folder it did not generate', async () => {
      const foreign = await mkdtemp(join(base, 'user-folder-'));
      await writeFile(join(foreign, 'thesis.tex'), 'precious\n');
      await assert.rejects(generateDemo(foreign), (error: unknown) => {
        assert.ok(error instanceof DemoFolderError);
        assert.match(error.message, /not generated by Pipeline Lens/);
        return true;
      });
      assert.equal(await readFile(join(foreign, 'thesis.tex'), 'utf8'), 'precious\n');
    });
  });
});
