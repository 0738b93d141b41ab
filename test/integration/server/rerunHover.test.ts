import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LspHarness, positionOf, sleep } from './lspHarness';
import { createPipelineFixture, type PipelineFixture } from './pipelineFixture';

/*
 * The line under a run on older code that says what it superseded: the hover's own query,
 * which must never hold the hover up, and which says "not recorded" (naming the key) when the
 * config cannot tell which rows were replaced or which runs ran. The figures themselves are
 * tested on the demo, against `rerun-impact` (demoWorkspace.test.ts).
 */

const HOVER_BUDGET_MS = 300;

async function withServer(fixture: PipelineFixture, env: Record<string, string>, check: (hover: () => Promise<string>, server: LspHarness) => Promise<void>): Promise<void> {
  const server = await LspHarness.start({ folders: [fixture.root], env, settings: { hover: { warehouseBudgetMs: HOVER_BUDGET_MS } } });
  try {
    await server.ready();
    // Runs and results read (or known absent): what follows is about the re-run figures alone.
    for (;;) {
      const [w] = (await server.status()).workspaces;
      if (['ready', 'none'].includes(w.runs) && w.results === 'ready') break;
      await sleep(50);
    }
    const text = `The fix: ${fixture.sha.fix.slice(0, 8)}`;
    const uri = await server.open(join(fixture.root, 'notes.md'), 'markdown', text);
    await check(async () => (await server.hover(uri, positionOf(text, fixture.sha.fix.slice(0, 8), 1))) ?? '', server);
  } finally {
    await server.stop();
  }
}

/** The line after the gap line of the backfill, which the fixture ran on the old build after the fix. */
function afterBackfill(hover: string): string | undefined {
  const lines = hover.split('\n');
  const at = lines.findIndex((l) => /^⚠ \d+ backfills? of worker ran on older code after the commit/.test(l));
  assert.ok(at >= 0, hover);
  return lines[at + 1];
}

describe('what a run on older code superseded, in the hover', () => {
  it('a re-run query that hangs leaves the figures pending: the hover answers with everything else', async () => {
    const fixture = await createPipelineFixture();
    try {
      await withServer(fixture, { PIPELINE_LENS_TEST_WAREHOUSE: 'hang:rerunImpact' }, async (hover) => {
        // A hover that arrives at all did not wait for a query that never answers.
        const text = await hover();
        assert.equal(afterBackfill(text), '↳ rows it superseded: loading… (the warehouse has not answered yet)  ');
        assert.match(text, /\*\*model\\_a\*\* \d/, 'the results, read at startup, are there');
        // Asked again, the pending query is shared, not sent again.
        assert.equal(afterBackfill(await hover()), '↳ rows it superseded: loading… (the warehouse has not answered yet)  ');
      });
    } finally {
      await fixture.cleanup();
    }
  });

  it('a backfill whose dates hold no replaced row gets no line, and asking again costs no query', async () => {
    const fixture = await createPipelineFixture();
    try {
      await withServer(fixture, {}, async (hover, server) => {
        let text = await hover();
        for (let attempt = 0; attempt < 100 && /loading…/.test(text); attempt++) {
          await sleep(50);
          text = await hover();
        }
        // No row of those dates is marked replaced: nothing to say, and no "0 superseded" claim.
        assert.doesNotMatch(afterBackfill(text) ?? '', /↳/, text);
        const before = (await server.status()).counters.warehouseQueries;
        await hover();
        assert.equal((await server.status()).counters.warehouseQueries - before, 0);
      });
    } finally {
      await fixture.cleanup();
    }
  });

  it('with no column marking replaced rows, the line says what it superseded is not recorded and names the keys', async () => {
    const fixture = await createPipelineFixture({
      editConfig: (config) => {
        config.tables.predictions.columns = { active: null };
      },
    });
    try {
      await withServer(fixture, {}, async (hover) => {
        assert.equal(
          afterBackfill(await hover()),
          '↳ rows it superseded: not recorded (pipeline-lens.json sets none of tables.predictions.columns.active, .superseded or .supersededAt)  ',
        );
      });
    } finally {
      await fixture.cleanup();
    }
  });

  it('without an execution log, the hover says the runs in the gap are not recorded and names tables.executionLog', async () => {
    const fixture = await createPipelineFixture({
      editConfig: (config) => {
        delete config.tables.executionLog;
      },
    });
    try {
      await withServer(fixture, {}, async (hover) => {
        const text = await hover();
        assert.match(text, /^✓ \*\*worker\*\* deployed/m, text);
        assert.match(text, /^Runs between the commit and its deployment: not recorded \(pipeline-lens\.json sets no tables\.executionLog\)\. {2}$/m, text);
        assert.doesNotMatch(text, /↳/);
      });
    } finally {
      await fixture.cleanup();
    }
  });
});
