import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createParityDataset, type ParityDataset } from '../bigquery/parityDataset';

/*
 * Two snapshots of one warehouse as two profiles, the second with planted differences on
 * 2026-01-05: an entity's feature row missing, feature 3 set to 7 on every row, one
 * prediction of xgb_v3 missing. The same staging snapshot is also served by the fake
 * BigQuery and read through the real client, as a third profile.
 */

const DATE = '2026-01-05';

describe('warehouse profiles: compare-profiles and --profile', () => {
  let dataset: ParityDataset;
  let fake: FakeBigQuery;
  let configFile: string;

  const run = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--config', configFile, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };

  before(async () => {
    dataset = await createParityDataset();
    const staging = join(dataset.dir, 'staging.duckdb');
    await copyFile(dataset.database, staging);
    const instance = await DuckDBInstance.create(staging);
    const c = await instance.connect();
    await c.run(`
      DELETE FROM preds.features WHERE player_lookup = 'p2' AND game_date = DATE '${DATE}';
      UPDATE preds.features SET features = [features[1], features[2], features[3], 7.0]::DOUBLE[] WHERE game_date = DATE '${DATE}';
      DELETE FROM preds.predictions WHERE system_id = 'xgb_v3' AND player_lookup = 'p0' AND game_date = DATE '${DATE}';
    `);
    c.closeSync();
    instance.closeSync();
    // Two more snapshots: one whose feature f3 is NULL on every row of the date, one with no feature row that day.
    for (const [file, sql] of [
      ['nulls.duckdb', `UPDATE preds.features SET features = [features[1], features[2], features[3], NULL]::DOUBLE[] WHERE game_date = DATE '${DATE}'`],
      ['emptyday.duckdb', `DELETE FROM preds.features WHERE game_date = DATE '${DATE}'`],
    ]) {
      const path = join(dataset.dir, file);
      await copyFile(dataset.database, path);
      const db = await DuckDBInstance.create(path);
      const connection = await db.connect();
      await connection.run(sql);
      connection.closeSync();
      db.closeSync();
    }
    fake = await FakeBigQuery.start({ database: staging });
    configFile = join(dataset.dir, 'pipeline-lens.json');
    await writeFile(
      configFile,
      JSON.stringify({
        warehouses: {
          production: { kind: 'embedded', database: 'warehouse.duckdb' },
          staging: { kind: 'embedded', database: 'staging.duckdb' },
          'staging-bq': { kind: 'bigquery', project: 'pl-staging', location: 'US', apiEndpoint: fake.url },
          replica: { kind: 'embedded', database: 'warehouse.duckdb' },
          remote: { kind: 'bigquery', project: 'pl-remote', location: 'US', apiEndpoint: 'https://bq.example.com' },
          nulls: { kind: 'embedded', database: 'nulls.duckdb' },
          emptyday: { kind: 'embedded', database: 'emptyday.duckdb' },
        },
        defaultWarehouse: 'production',
        tables: dataset.tables,
        features: dataset.features,
      }),
    );
  });
  after(async () => {
    await fake?.close();
    await dataset?.cleanup();
  });

  it('shows, per feature, where two profiles differ for one date, and exits 1', async () => {
    const r = await run('compare-profiles', '--date', DATE, '--profiles', 'production,staging', '--json');
    assert.equal(r.code, 1, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.deepEqual(c.profiles, ['production', 'staging']);
    assert.deepEqual(c.featureStore.rows, [5, 4]);
    assert.deepEqual(c.featureStore.onlyIn, [['p2'], []]);
    assert.deepEqual(c.featureStore.onlyInCount, [1, 0]);
    const byIndex = new Map(c.features.map((f: { index: number; differs: string[] }) => [f.index, f]));
    assert.deepEqual((byIndex.get(2) as { differs: string[] }).differs, ['rows'], 'a constant feature differs only by the missing row');
    const f3 = byIndex.get(3) as { differs: string[]; sides: Array<{ coverage: number; mean: number }> };
    assert.deepEqual(f3.differs, ['rows', 'coverage', 'mean', 'zeroShare']);
    assert.deepEqual([f3.sides[0].coverage, f3.sides[0].mean, f3.sides[1].coverage, f3.sides[1].mean], [0, 0, 1, 7]);
    const models = new Map(c.models.map((m: { model: string }) => [m.model, m]));
    assert.equal((models.get('catboost_v8') as { differs: boolean }).differs, false);
    assert.deepEqual(
      (models.get('xgb_v3') as { sides: Array<{ predictions: number }> }).sides.map((s) => s.predictions),
      [5, 4],
    );
    assert.deepEqual(c.notChecked, []);

    const text = await run('compare-profiles', '--date', DATE, '--profiles', 'production,staging');
    assert.equal(text.code, 1);
    assert.match(text.stdout, /only in production: 1 entities: p2/);
    assert.match(text.stdout, /Features that differ \(4 of 4\)/);
  });

  it('reads the staging profile through the real BigQuery client against the fake with the same answer', async () => {
    const embedded = JSON.parse((await run('compare-profiles', '--date', DATE, '--profiles', 'production,staging', '--json')).stdout);
    const r = await run('compare-profiles', '--date', DATE, '--profiles', 'production,staging-bq', '--json');
    assert.equal(r.code, 1, r.stderr);
    const viaBigQuery = JSON.parse(r.stdout);
    assert.match(viaBigQuery.warehouses[1], /^BigQuery pl-staging/);
    assert.ok(fake.jobRequests.length >= 3, 'the staging profile was read through BigQuery');
    for (const key of ['models', 'featureStore', 'features', 'differences']) assert.deepEqual(viaBigQuery[key], embedded[key], key);
  });

  it('exits 0 when the profiles agree, and defaults to defaultWarehouse and the next profile', async () => {
    const same = await run('compare-profiles', '--date', DATE, '--profiles', 'production,replica', '--json');
    assert.equal(same.code, 0, same.stderr);
    assert.equal(JSON.parse(same.stdout).differences, 0);
    const byDefault = JSON.parse((await run('compare-profiles', '--date', DATE, '--json')).stdout);
    assert.deepEqual(byDefault.profiles, ['production', 'staging']);
  });

  it('prints no "n/a": a mean over no value is "no sample (n=0)", and a feature in one profile only says which', async () => {
    const nulls = await run('compare-profiles', '--date', DATE, '--profiles', 'production,nulls');
    assert.equal(nulls.code, 1, nulls.stderr);
    const f3 = nulls.stdout.split('\n').find((line) => /^\s*3\s+f3\s/.test(line));
    assert.ok(f3, nulls.stdout);
    // production: 5 rows, coverage, mean, NULL share; nulls: 5 rows, 0% coverage, no value to average, all NULL.
    assert.match(f3, /\s5\s+0\.0%\s+no sample \(n=0\)\s+100\.0%\s*$/, f3);
    assert.doesNotMatch(nulls.stdout, /n\/a/, nulls.stdout);

    const empty = await run('compare-profiles', '--date', DATE, '--profiles', 'production,emptyday');
    assert.equal(empty.code, 1, empty.stderr);
    for (const index of [0, 1, 2, 3]) {
      assert.match(empty.stdout, new RegExp(`f${index} \\(index ${index}\\): present in production only; emptyday has no row of it on ${DATE}\\.`), empty.stdout);
      const row = empty.stdout.split('\n').find((line) => new RegExp(`^\\s*${index}\\s+f${index}\\s`).test(line));
      assert.match(row ?? '', /none \(absent\)\s+no sample \(n=0\)\s+no sample \(n=0\)\s+no sample \(n=0\)\s*$/, row);
    }
    assert.doesNotMatch(empty.stdout, /n\/a/, empty.stdout);
  });

  it('refuses an unknown profile or a bad pair, naming the profiles, with exit 2', async () => {
    const unknown = await run('compare-profiles', '--date', DATE, '--profiles', 'production,qa');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No warehouse profile "qa".*production, staging, staging-bq, replica, remote, nulls, emptyday/);
    const one = await run('compare-profiles', '--date', DATE, '--profiles', 'production');
    assert.equal(one.code, 2);
    assert.match(one.stderr, /must name two different profiles/);
  });

  it('--profile makes any command read that profile', async () => {
    const sql = join(dataset.dir, 'rows.sql');
    await writeFile(sql, `SELECT COUNT(*) AS n FROM preds.features WHERE game_date = DATE '${DATE}'`);
    const count = async (...flags: string[]) => JSON.parse((await run(...flags, 'query', sql, '--json')).stdout).rows[0].n;
    assert.equal(await count(), 5);
    assert.equal(await count('--profile', 'staging'), 4);
    assert.equal(await count('--profile', 'staging-bq'), 4);
    const refused = await run('--profile', 'remote', 'query', sql);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /warehouses\.remote\.apiEndpoint in .* sends BigQuery requests to bq\.example\.com, which is not Google's endpoint/,
      'the credentials policy applies to each profile, naming it',
    );
    const wrong = await run('--profile', 'qa', 'query', sql);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /No warehouse profile "qa"/);
  });
});
