import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TimelineRequest, TreeRequest, type TimelineResult, type TreeResult } from '../../../src/shared/protocol';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';
import { LspHarness } from './lspHarness';

/*
 * The views of a pipeline the product was not shaped around, asked of the real language
 * server: run modes named as that pipeline names them.
 */

const WINDOW = { from: '2026-02-01', to: '2026-03-21' };

describe('views on a pipeline of another domain', () => {
  let pipeline: EnergyPipeline;
  /** The same pipeline, its config naming optional columns the tables lack, or none. */
  let sparse: EnergyPipeline;
  let server: LspHarness;

  before(async () => {
    // Its re-runs are called "rerun", and the config says so.
    pipeline = await createEnergyPipeline({ editConfig: (c) => (c.tables.executionLog.backfillModes = ['rerun']) });
    sparse = await createEnergyPipeline({
      editConfig: (c) => {
        Object.assign(c.tables.executionLog.columns, { mode: 'trigger_kind', rowsProduced: null });
        Object.assign(c.tables.graded.columns, { actual: 'observed_kw', line: null });
      },
    });
    server = await LspHarness.start({ folders: [pipeline.root, sparse.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    await pipeline?.cleanup();
    await sparse?.cleanup();
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);
  const scope = (root = pipeline.root) => pathToFileURL(join(root, 'pipeline-lens.json')).toString();

  it('timeline: the runs of the configured backfill modes are the backfill markers, the scheduled runs are not', async () => {
    const t = await ask<TimelineResult>(TimelineRequest.method, { scope: scope(), window: WINDOW });
    const marked = t.runs.filter((r) => r.backfill).map((r) => [r.mode, r.firstDate, r.lastDate]);
    assert.deepEqual(marked, [['rerun', '2026-03-11', '2026-03-14']]);
    assert.ok(t.runs.some((r) => r.mode === 'scheduled' && r.backfill === false), JSON.stringify(t.runs.map((r) => [r.mode, r.backfill])));
  });

  it('tree: results without the missing columns, MAE "not recorded", and a note naming the setting', async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, { scope: scope(sparse.root), window: WINDOW });
    const gbm = tree.models.find((m) => m.model === 'gbm_v2')!;
    assert.ok(gbm.metrics.graded > 0);
    assert.equal(gbm.metrics.mae, null, 'no actual value: no error');
    assert.equal(gbm.metrics.directionAccuracy, null, 'no line: no direction');
    assert.ok(tree.skipped.some((s) => /tables\.graded\.columns\.actual is "observed_kw", but grid_ops\.forecast_scores has no such column/.test(s)), tree.skipped.join('\n'));
  });

  it('timeline: the runs without their missing mode column, and a note naming it', async () => {
    const t = await ask<TimelineResult>(TimelineRequest.method, { scope: scope(sparse.root), window: WINDOW });
    assert.ok(t.series.some((s) => s.model === 'gbm_v2' && s.days.length === 20));
    assert.ok(t.runs.length > 0);
    assert.ok(t.skipped.some((s) => /tables\.executionLog\.columns\.mode is "trigger_kind", but grid_ops\.job_runs has no such column/.test(s)), t.skipped.join('\n'));
    assert.ok(t.skipped.some((s) => /tables\.graded\.columns\.actual is "observed_kw"/.test(s)), t.skipped.join('\n'));
  });
});
