import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { FeatureCoverageRequest, FindingsRequest, type FeatureCoverageResult, type FindingsResult } from '../../../src/shared/protocol';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createEnergyPipeline, energyDatabase, onBigQuery, type EnergyPipeline, type FeatureLayout } from '../../fixtures/energy/energyPipeline';
import { LspHarness, positionOf } from './lspHarness';

/*
 * Feature storage as warehouses hold it — an ARRAY, a JSON-encoded text array, a delimited
 * string, one column per feature — end to end through the real language server: the
 * findings, a hover on the feature in SQL, and the feature's coverage in the timeline, on
 * the embedded engine and on BigQuery (the real client against the local fake).
 */

const LAYOUTS: FeatureLayout[] = ['array', 'jsonArray', 'delimited', 'columns'];
const WINDOW = { from: '2026-02-01', to: '2026-03-21' };

/** How a person reads humidity (feature 1) in SQL, for each layout. */
const HUMIDITY_SQL: Record<FeatureLayout, { sql: string; at: string }> = {
  array: { sql: 'SELECT f.inputs[OFFSET(1)] AS humidity FROM `grid_ops.feature_snapshots` AS f WHERE f.snapshot_day = @d', at: 'inputs[' },
  jsonArray: { sql: "SELECT SAFE_CAST(JSON_VALUE(f.inputs, '$[1]') AS FLOAT64) AS humidity FROM `grid_ops.feature_snapshots` AS f WHERE f.snapshot_day = @d", at: 'JSON_VALUE' },
  delimited: { sql: "SELECT SAFE_CAST(SPLIT(f.inputs, ';')[OFFSET(1)] AS FLOAT64) AS humidity FROM `grid_ops.feature_snapshots` AS f WHERE f.snapshot_day = @d", at: 'SPLIT' },
  columns: { sql: 'SELECT f.rel_humidity FROM `grid_ops.feature_snapshots` AS f WHERE f.snapshot_day = @d', at: 'rel_humidity' },
};

describe('feature layouts, end to end on both engines', () => {
  const pipelines = new Map<FeatureLayout, EnergyPipeline>();
  const fakes: FakeBigQuery[] = [];
  /** Workspace folders: the embedded one of each layout, and a BigQuery one beside it. */
  const folders = new Map<string, { layout: FeatureLayout; engine: 'embedded' | 'bigquery'; root: string }>();
  let server: LspHarness;

  before(async () => {
    for (const layout of LAYOUTS) {
      const pipeline = await createEnergyPipeline({ layout });
      pipelines.set(layout, pipeline);
      const database = join(pipeline.root, 'warehouse.duckdb');
      await energyDatabase(pipeline, database);
      const fake = await FakeBigQuery.start({ database });
      fakes.push(fake);
      // The same pipeline read through BigQuery: a config beside the first, on the fake.
      const bq = await onBigQuery(pipeline, fake.url);
      folders.set(`${layout}/embedded`, { layout, engine: 'embedded', root: pipeline.root });
      folders.set(`${layout}/bigquery`, { layout, engine: 'bigquery', root: bq });
    }
    server = await LspHarness.start({ folders: [...folders.values()].map((f) => f.root) });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    for (const fake of fakes) await fake.close();
    for (const p of pipelines.values()) await p.cleanup();
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);
  const scope = (root: string) => pathToFileURL(join(root, 'pipeline-lens.json')).toString();

  for (const layout of LAYOUTS) {
    it(`${layout}: the same findings on both engines, the broken humidity and the temperature drop among them`, async () => {
      const titles: Record<string, string[]> = {};
      for (const engine of ['embedded', 'bigquery'] as const) {
        const folder = folders.get(`${layout}/${engine}`)!;
        const result = await ask<FindingsResult>(FindingsRequest.method, { scope: scope(folder.root), window: WINDOW });
        titles[engine] = result.findings.map((f) => f.title);
        const humidity = result.findings.find((f) => f.kind === 'feature-zero-rate' && f.subjects.features?.includes(1));
        assert.ok(humidity, `${engine}: ${titles[engine].join('\n')}\n${result.skipped.join('\n')}`);
        assert.match(humidity.title, /^humidity \(index 1\) was 100\.0% zeros in scheduled mode from 2026-03-05 to 2026-03-09/);
        assert.ok(
          result.findings.some(
            (f) => f.kind === 'feature-coverage-drop' && /temperature_c \(index 0\) coverage fell in scheduled mode from 100\.0% to 50\.0% on 2026-03-12/.test(f.title),
          ),
        );
        const shift = result.findings.find((f) => f.kind === 'metric-shift' && f.subjects.models?.includes('gbm_v2') && /fell/.test(f.title))!;
        assert.ok(
          (shift.data.causes as Array<{ input: string }>).some((c) => c.input === 'temperature_c'),
          shift.evidence.join('\n'),
        );
        assert.ok(!result.skipped.some((s) => s.startsWith('feature health')), result.skipped.join('\n'));
      }
      assert.deepEqual(titles.bigquery, titles.embedded);
    });

    it(`${layout}: a hover on the feature in SQL names it, and the timeline charts its coverage on both engines`, async () => {
      const { sql, at } = HUMIDITY_SQL[layout];
      const file = join(folders.get(`${layout}/embedded`)!.root, `humidity-${layout}.sql`);
      await writeFile(file, sql);
      const opened = await server.open(file, 'sql', sql);
      const hover = await server.hover(opened, positionOf(sql, at, 2));
      assert.ok(hover, 'a hover');
      assert.match(hover, /\*\*humidity\*\* — feature (index )?1 of 4/);
      assert.match(hover, /Relative humidity/);
      const series: Record<string, unknown> = {};
      for (const engine of ['embedded', 'bigquery'] as const) {
        const folder = folders.get(`${layout}/${engine}`)!;
        const coverage = await ask<FeatureCoverageResult>(FeatureCoverageRequest.method, {
          scope: scope(folder.root),
          features: [1],
          window: { from: '2026-03-03', to: '2026-03-10' },
        });
        assert.equal(coverage.series[0].name, 'humidity');
        const byDay = coverage.series[0].days.map((d) => [d.date, d.coverage.successes, d.coverage.n, d.zeros]);
        assert.deepEqual(byDay, [
          ['2026-03-03', 30, 30, 0],
          ['2026-03-04', 30, 30, 0],
          ['2026-03-05', 0, 30, 30],
          ['2026-03-06', 0, 30, 30],
          ['2026-03-07', 0, 30, 30],
          ['2026-03-08', 0, 30, 30],
          ['2026-03-09', 0, 30, 30],
          ['2026-03-10', 30, 30, 0],
        ]);
        series[engine] = coverage.series;
      }
      assert.deepEqual(series.bigquery, series.embedded);
    });
  }
});
