import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TimelineRequest, TreeRequest, type TimelineResult, type TreeResult } from '../../../src/shared/protocol';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';
import { LspHarness, positionOf } from './lspHarness';

/*
 * The views of a pipeline the product was not shaped around, asked of the real language
 * server: run modes named as that pipeline names them.
 */

const WINDOW = { from: '2026-02-01', to: '2026-03-21' };

describe('views on a pipeline of another domain', () => {
  let pipeline: EnergyPipeline;
  /** The same pipeline, its config naming optional columns the tables lack, or none. */
  let sparse: EnergyPipeline;
  /** The same pipeline, its runs' start column misnamed and its predictions naming no build: neither part can be read at all. */
  let unreadable: EnergyPipeline;
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
    unreadable = await createEnergyPipeline({
      editConfig: (c) => {
        c.tables.executionLog.columns.start = 'began_at';
        c.tables.predictions.columns.commit = null;
      },
    });
    server = await LspHarness.start({ folders: [pipeline.root, sparse.root, unreadable.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    await pipeline?.cleanup();
    await sparse?.cleanup();
    await unreadable?.cleanup();
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);
  const scope = (root = pipeline.root) => pathToFileURL(join(root, 'pipeline-lens.json')).toString();

  it('timeline: the runs of the configured backfill modes are the backfill markers, the scheduled runs are not', async () => {
    const t = await ask<TimelineResult>(TimelineRequest.method, { scope: scope(), window: WINDOW });
    const marked = t.runs.filter((r) => r.backfill).map((r) => [r.mode, r.firstDate, r.lastDate]);
    assert.deepEqual(marked, [['rerun', '2026-03-11', '2026-03-14']]);
    assert.ok(
      t.runs.some((r) => r.mode === 'scheduled' && r.backfill === false),
      JSON.stringify(t.runs.map((r) => [r.mode, r.backfill])),
    );
  });

  it('tree: results without the missing columns, MAE "not recorded", and a note naming the setting', async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, { scope: scope(sparse.root), window: WINDOW });
    const gbm = tree.models.find((m) => m.model === 'gbm_v2')!;
    assert.ok(gbm.metrics.graded > 0);
    assert.equal(gbm.metrics.mae, null, 'no actual value: no error');
    assert.equal(gbm.metrics.directionAccuracy, null, 'no line: no direction');
    assert.ok(
      tree.skipped.some((s) => /tables\.graded\.columns\.actual is "observed_kw", but grid_ops\.forecast_scores has no such column/.test(s)),
      tree.skipped.join('\n'),
    );
  });

  it('timeline: the runs without their missing mode column, and a note naming it', async () => {
    const t = await ask<TimelineResult>(TimelineRequest.method, { scope: scope(sparse.root), window: WINDOW });
    assert.ok(t.series.some((s) => s.model === 'gbm_v2' && s.days.length === 20));
    assert.ok(t.runs.length > 0);
    assert.ok(
      t.skipped.some((s) => /tables\.executionLog\.columns\.mode is "trigger_kind", but grid_ops\.job_runs has no such column/.test(s)),
      t.skipped.join('\n'),
    );
    assert.ok(
      t.skipped.some((s) => /tables\.graded\.columns\.actual is "observed_kw"/.test(s)),
      t.skipped.join('\n'),
    );
  });

  /** The hover and the lens wait a bounded time for the warehouse: these tests are about what it answers, so it has answered first. */
  const settled = async () => {
    for (;;) {
      const { workspaces } = await server.status();
      if (workspaces.every((w) => ['ready', 'failed'].includes(w.runs) && ['ready', 'failed'].includes(w.results))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('hover on the fix: deployment, runs and results without the missing columns, and a "Not checked" line naming each setting', async () => {
    const text = `The fix ${sparse.sha.fix.slice(0, 10)} went out late.\n`;
    const uri = await server.open(join(sparse.root, 'hover-notes.md'), 'markdown', text);
    await server.hover(uri, positionOf(text, sparse.sha.fix.slice(0, 10), 2));
    await settled();
    // The re-run figures come from the hover's own query: hover again until it has answered.
    let hover: string;
    for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
      hover = (await server.hover(uri, positionOf(text, sparse.sha.fix.slice(0, 10), 2))) ?? '';
      if (!/loading…/.test(hover) || Date.now() > until) break;
    }
    assert.match(hover, /^✓ \*\*[\w-]+\*\* deployed 2026-03-16 18:00 UTC in [\w-]+, \+/m, hover);
    assert.doesNotMatch(hover, /unavailable/, hover);
    assert.match(hover, /\*\*Hit rate with it\*\*/, hover);
    // Markdown escapes the underscores of column names.
    const plain = hover.replace(/\\_/g, '_');
    assert.match(plain, /Not checked: runs in the gap: tables\.executionLog\.columns\.mode is "trigger_kind", but grid_ops\.job_runs has no such column/, plain);
    assert.match(plain, /Not checked: results by build: tables\.graded\.columns\.actual is "observed_kw", but grid_ops\.forecast_scores has no such column/, plain);
    // What the backfill superseded is still counted; only the paired hit rate, which needs the missing column, is not.
    assert.match(plain, /^↳ .*superseded.*tables\.graded\.columns\.actual/m, plain);
  });

  it('lens on the fix: the deployment and the results, not an error', async () => {
    const text = `fix: ${sparse.sha.fix}\n`;
    const uri = await server.open(join(sparse.root, 'lens-notes.md'), 'markdown', text);
    await server.lensTitles(uri);
    await settled();
    const [lens] = await server.lensTitles(uri);
    assert.ok(lens, 'a lens on the fix');
    assert.match(lens.title, /^✓ [\w-]+ 2026-03-16 18:00 \(\+/, lens.title);
    assert.match(lens.title, /gbm_v2 \d/, lens.title);
    assert.doesNotMatch(lens.title, /Pipeline Lens:|not checked|unavailable/i, lens.title);
  });

  it('hover when runs and results cannot be read at all: "Not checked", naming each setting, never "none ran" or "no predictions"', async () => {
    const text = `The fix ${unreadable.sha.fix.slice(0, 10)} went out late.\n`;
    const uri = await server.open(join(unreadable.root, 'hover-unreadable.md'), 'markdown', text);
    await server.hover(uri, positionOf(text, unreadable.sha.fix.slice(0, 10), 2));
    await settled();
    const plain = ((await server.hover(uri, positionOf(text, unreadable.sha.fix.slice(0, 10), 2))) ?? '').replace(/\\_/g, '_');
    assert.match(plain, /^✓ \*\*[\w-]+\*\* deployed 2026-03-16 18:00 UTC in [\w-]+, \+/m, plain);
    assert.doesNotMatch(plain, /No run executed older code|No predictions by builds|unavailable/, plain);
    assert.match(plain, /Not checked: runs in the gap: tables\.executionLog\.columns\.start is "began_at", but grid_ops\.job_runs has no such column/, plain);
    assert.match(plain, /Not checked: results by build: tables\.predictions\.columns\.commit is null/, plain);
  });
});
