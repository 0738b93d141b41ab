import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';
import { createParityDataset, type ParityDataset } from '../bigquery/parityDataset';

/*
 * rerun-impact end to end on both engines: the embedded warehouse directly, and BigQuery
 * through the real client and the fake. The dataset regenerates catboost_v8 on 2026-01-10
 * (p0 and p1 re-predicted, p1 twice, p2 deleted, p5 new) and has one replaced row without
 * replacement per model on 2026-01-04; the other rows of 2026-01-10 were left alone.
 */

describe('rerun-impact on both engines', () => {
  let repo: GitFixture;
  let dataset: ParityDataset;
  let fake: FakeBigQuery;

  before(async () => {
    repo = await createGitFixture([
      { message: 'worker: first model', files: { 'worker/app.py': 'v1\n' }, date: '2025-12-19T10:00:00Z' },
      { message: 'fix(worker): read the line', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-06T03:17:00Z' },
    ]);
    dataset = await createParityDataset({ a: repo.shas[0], b: repo.shas[1] });
    fake = await FakeBigQuery.start({ database: dataset.database });
    const write = (name: string, warehouse: unknown) =>
      writeFile(
        join(repo.root, name),
        JSON.stringify({ warehouse, tables: dataset.tables, features: dataset.features, services: [{ name: 'prediction-worker', paths: ['worker/**'] }] }),
      );
    await write('embedded.json', { kind: 'embedded', database: dataset.database });
    await write('bigquery.json', { kind: 'bigquery', project: 'pl-rerun', location: 'US', apiEndpoint: fake.url });
  });
  after(async () => {
    await fake?.close();
    await dataset?.cleanup();
    await repo?.cleanup();
  });

  const run = async (config: string, ...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', repo.root, '--config', config, 'rerun-impact', '--from', '2026-01-02', '--to', '2026-01-11', ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    return { code, stdout, stderr };
  };

  for (const config of ['embedded.json', 'bigquery.json']) {
    it(`counts superseded, regenerated, deleted and new keys, and pairs the hits (${config})`, async () => {
      const r = await run(config, '--json');
      assert.equal(r.code, 0, r.stderr);
      const body = JSON.parse(r.stdout);
      assert.equal(body.command, 'rerun-impact');
      const v8 = body.perModel.find((m: { model: string }) => m.model === 'catboost_v8');
      assert.deepEqual(
        { rows: v8.replacedRows, keys: v8.replacedKeys, regenerated: v8.regenerated, deleted: v8.deleted, added: v8.added, repeatedly: v8.replacedRepeatedly },
        { rows: 5, keys: 4, regenerated: 2, deleted: 2, added: 1, repeatedly: 1 },
        'the rows of 2026-01-10 the re-run left alone are not counted as new',
      );
      assert.deepEqual(v8.dates, { first: '2026-01-04', last: '2026-01-10' });
      assert.equal(v8.changed, 2);
      assert.equal(v8.flipped, 2);
      assert.equal(v8.maxAbsChange, 8.75);
      assert.equal(v8.meanChange, -7.25, 'p0 5.75 → -3 and p1 9.75 (its latest replaced row) → 4');
      // p0 is not graded; p1 (actual 4.5, line 5.5) was missed at 9.75 and hit at 4.
      assert.deepEqual([v8.hits.bothHit, v8.hits.oldOnly, v8.hits.newOnly, v8.hits.neither], [0, 0, 1, 0]);
      assert.equal(v8.hits.n, 1);
      assert.equal(v8.hits.change.difference, 1);
      assert.equal(v8.hits.change.significant, false, 'one key proves nothing');
      assert.deepEqual(v8.rerunMade, { first: '2026-01-11T08:00:00.000001Z', last: '2026-01-11T09:30:00.000Z' });
      assert.equal(v8.sameBuild, true);
      assert.ok(v8.builds.every((b: { old: string | null; new: string | null }) => [null, repo.shas[0], repo.shas[1]].includes(b.old) && [null, repo.shas[1]].includes(b.new)));

      const xgb = body.perModel.find((m: { model: string }) => m.model === 'xgb_v3');
      assert.deepEqual([xgb.replacedRows, xgb.regenerated, xgb.deleted, xgb.added], [1, 0, 1, 0]);
      assert.equal(xgb.hits.n, 0);
      assert.equal(xgb.hits.change.difference, null, 'no graded pair: not known, not zero');

      assert.deepEqual(
        body.largestChanges.map((c: { entity: string; old: number; new: number }) => [c.entity, c.old, c.new]),
        [
          ['p0', 5.75, -3],
          ['p1', 9.75, 4],
        ],
      );
    });
  }

  it('gives the same answer on both engines, and filters by model', async () => {
    const [embedded, bigquery] = await Promise.all([run('embedded.json', '--json'), run('bigquery.json', '--json')]);
    assert.deepEqual(JSON.parse(bigquery.stdout), JSON.parse(embedded.stdout));
    const only = JSON.parse((await run('embedded.json', '--model', 'xgb_v3', '--json')).stdout);
    assert.deepEqual(
      only.perModel.map((m: { model: string }) => m.model),
      ['xgb_v3'],
    );
    assert.deepEqual(only.largestChanges, []);
  });

  it('says in text what was replaced and the paired change with its n', async () => {
    const r = await run('embedded.json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /catboost_v8: 5 rows superseded for game dates 2026-01-04\.\.2026-01-10/);
    assert.match(r.stdout, /2 keys regenerated, 2 deleted without replacement, 1 new; 1 key replaced more than once/);
    assert.match(r.stdout, /hit rate on the same 1 graded key: 0\.0% \[0\.0, 79\.3\] n=1 before → 100\.0% \[20\.7, 100\.0\] n=1 after/);
    assert.match(r.stdout, /xgb_v3: 1 row superseded[\s\S]*hit rate on the same keys: not known/);
  });

  it('refuses, naming the config key, when nothing marks replaced rows', async () => {
    const tables = { ...dataset.tables, predictions: { table: 'preds.predictions', partitionColumn: 'game_date', columns: { active: null } } };
    await writeFile(join(repo.root, 'unmarked.json'), JSON.stringify({ warehouse: { kind: 'embedded', database: dataset.database }, tables, services: [] }));
    const r = await run('unmarked.json');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not recorded: .*unmarked\.json sets none of tables\.predictions\.columns\.active, \.superseded and \.supersededAt/);
  });

  for (const [marker, columns] of [
    ['supersededAt', { active: null, supersededAt: 'superseded_at' }],
    ['superseded', { active: null, superseded: 'superseded' }],
  ] as const) {
    it(`reads replaced rows from ${marker} as it does from active, on both engines`, async () => {
      const tables = { ...dataset.tables, predictions: { table: 'preds.predictions_superseded', partitionColumn: 'game_date', columns } };
      await writeFile(join(repo.root, `${marker}-embedded.json`), JSON.stringify({ warehouse: { kind: 'embedded', database: dataset.database }, tables, services: [] }));
      await writeFile(
        join(repo.root, `${marker}-bigquery.json`),
        JSON.stringify({ warehouse: { kind: 'bigquery', project: 'pl-rerun', location: 'US', apiEndpoint: fake.url }, tables, services: [] }),
      );
      const byActive = JSON.parse((await run('embedded.json', '--json')).stdout);
      for (const engine of ['embedded', 'bigquery']) {
        const r = await run(`${marker}-${engine}.json`, '--json');
        assert.equal(r.code, 0, r.stderr);
        const body = JSON.parse(r.stdout);
        assert.deepEqual(body.markedBy, [`tables.predictions.columns.${marker}`]);
        assert.deepEqual(body.perModel, byActive.perModel, engine);
      }
    });
  }

  it('says "not recorded", naming the key, for each figure a column set to null cannot give', async () => {
    const tables = {
      ...dataset.tables,
      predictions: { table: 'preds.predictions', partitionColumn: 'game_date', columns: { line: null, createdAt: null } },
    };
    await writeFile(join(repo.root, 'sparse.json'), JSON.stringify({ warehouse: { kind: 'embedded', database: dataset.database }, tables, services: [] }));
    const json = await run('sparse.json', '--json');
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout);
    const v8 = body.perModel.find((m: { model: string }) => m.model === 'catboost_v8');
    assert.deepEqual([v8.replacedRows, v8.regenerated, v8.deleted], [5, 2, 2], 'what the marker alone gives is still counted');
    assert.equal(v8.added, null, 'without write times a new key cannot be told from one the re-run left alone');
    assert.equal(v8.hits, null);
    assert.equal(v8.flipped, null);
    assert.equal(v8.changed, 2, 'the predicted values are still there');
    assert.equal(v8.rerunMade, null);
    assert.ok(body.notRecorded.some((n: string) => n.includes('tables.predictions.columns.createdAt')));
    assert.ok(body.notRecorded.some((n: string) => n.includes('tables.predictions.columns.line')));
    await writeFile(
      join(repo.root, 'sparse-bigquery.json'),
      JSON.stringify({ warehouse: { kind: 'bigquery', project: 'pl-rerun', location: 'US', apiEndpoint: fake.url }, tables, services: [] }),
    );
    const onBigQuery = await run('sparse-bigquery.json', '--json');
    assert.equal(onBigQuery.code, 0, onBigQuery.stderr);
    assert.deepEqual(JSON.parse(onBigQuery.stdout), body, 'the typed NULLs read alike on both engines');
    const text = await run('sparse.json');
    assert.match(text.stdout, /Not recorded: hit rate on the same keys: set tables\.predictions\.columns\.line/);
    assert.match(text.stdout, /2 keys regenerated, 2 deleted without replacement, new keys not recorded/);
    assert.match(text.stdout, /hit rate on the same keys: not recorded/);
    // No line column: the largest changes say so in the shared wording.
    assert.match(text.stdout, /Largest changes[\s\S]*catboost_v8 .* not recorded /, text.stdout);
    assert.doesNotMatch(text.stdout, /n\/a/, text.stdout);
  });
});
