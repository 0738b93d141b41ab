import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TimelineRequest, type TimelineResult } from '../../../src/shared/protocol';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';
import { LspHarness } from './lspHarness';

/*
 * The views of a pipeline the product was not shaped around, asked of the real language
 * server: run modes named as that pipeline names them.
 */

const WINDOW = { from: '2026-02-01', to: '2026-03-21' };

describe('views on a pipeline of another domain', () => {
  let pipeline: EnergyPipeline;
  let server: LspHarness;

  before(async () => {
    // Its re-runs are called "rerun", and the config says so.
    pipeline = await createEnergyPipeline({ editConfig: (c) => (c.tables.executionLog.backfillModes = ['rerun']) });
    server = await LspHarness.start({ folders: [pipeline.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    await pipeline?.cleanup();
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest(method, params) as Promise<R>;
  const scope = () => pathToFileURL(join(pipeline.root, 'pipeline-lens.json')).toString();

  it('timeline: the runs of the configured backfill modes are the backfill markers, the scheduled runs are not', async () => {
    const t = await ask<TimelineResult>(TimelineRequest.method, { scope: scope(), window: WINDOW });
    const marked = t.runs.filter((r) => r.backfill).map((r) => [r.mode, r.firstDate, r.lastDate]);
    assert.deepEqual(marked, [['rerun', '2026-03-11', '2026-03-14']]);
    assert.ok(t.runs.some((r) => r.mode === 'scheduled' && r.backfill === false), JSON.stringify(t.runs.map((r) => [r.mode, r.backfill])));
  });
});
