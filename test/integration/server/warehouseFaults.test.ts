import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, CodeLensResolveRequest, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { TreeRequest } from '../../../src/shared/protocol';
import { LspHarness, positionOf, sleep } from './lspHarness';
import { createPipelineFixture, type PipelineFixture } from './pipelineFixture';

/*
 * A warehouse that hangs or fails must not take the editor with it: hovers answer within
 * their budget with what git and the deployment history say, lenses show what they can,
 * requests can be cancelled, and a failing warehouse is not asked again on every hover.
 */

const HOVER_BUDGET_MS = 300;

describe('a warehouse that hangs or fails', () => {
  let fixture: PipelineFixture;
  let text: string;

  before(async () => {
    fixture = await createPipelineFixture();
    text = ['# Notes', '', `Fix: ${fixture.sha.fix.slice(0, 8)}`, `Feed: ${fixture.sha.feed.slice(0, 10)}`, `Docs: ${fixture.sha.docs.slice(0, 9)}`].join('\n');
  });

  after(async () => {
    await fixture?.cleanup();
  });

  describe('hanging', () => {
    let server: LspHarness;
    let uri: string;

    before(async () => {
      server = await LspHarness.start({
        folders: [fixture.root],
        env: { PIPELINE_LENS_TEST_WAREHOUSE: 'hang' },
        settings: { hover: { warehouseBudgetMs: HOVER_BUDGET_MS }, codeLens: { warehouseWaitMs: 400 } },
      });
      await server.ready();
      uri = await server.open(join(fixture.root, 'notes.md'), 'markdown', text);
    });

    after(async () => {
      await server?.stop();
    });

    it('a hover answers within its budget with the commit and its deployment, and says the results are loading', async () => {
      // The first hover also reads the commit details (git, local); the one below is the one checked.
      await server.hover(uri, positionOf(text, fixture.sha.feed.slice(0, 10), 1));
      // The warehouse never answers: a hover that arrives at all did not wait on it.
      const hover = await server.hover(uri, positionOf(text, fixture.sha.fix.slice(0, 8), 1));
      assert.ok(hover);
      assert.match(hover, /fix\\\(worker\\\): populate the line features/);
      assert.match(hover, /✓ \*\*worker\*\* deployed 2026-03-01 16:00 UTC in worker-00003, \+6h00m after the commit/);
      assert.match(hover, /Results by build: loading/);
      assert.match(hover, /Runs between the commit and its deployment: loading/);
    });

    it('lenses show the deployment and say the results are loading', async () => {
      const titles = await server.lensTitles(uri);
      const fix = titles.find((t) => t.line === 2)!.title;
      assert.match(fix, /✓ worker 16:00 \(\+6h00m\)/);
      assert.match(fix, /⋯ runs loading/);
      assert.match(fix, /⋯ results loading/);
    });

    it('a cancelled request answers at once with RequestCancelled', async () => {
      const source = new CancellationTokenSource();
      const pending = server.connection.sendRequest(TreeRequest.method, {}, source.token);
      setTimeout(() => source.cancel(), 100);
      await assert.rejects(pending, (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled);
    });

    it('a cancelled lens resolve stops waiting for the warehouse', async () => {
      await server.stop();
      server = await LspHarness.start({ folders: [fixture.root], env: { PIPELINE_LENS_TEST_WAREHOUSE: 'hang' }, settings: { codeLens: { warehouseWaitMs: 30_000 } } });
      await server.ready();
      // A lens does not wait for a warehouse that has not opened: this one waits on an open one.
      for (let i = 0; (await server.status()).workspaces[0]?.warehouse === null; i++) {
        if (i > 600) assert.fail('the warehouse never opened');
        await sleep(50);
      }
      uri = await server.open(join(fixture.root, 'notes.md'), 'markdown', text);
      const [lens] = await server.codeLenses(uri);
      const source = new CancellationTokenSource();
      const pending = server.connection.sendRequest(CodeLensResolveRequest.type, lens, source.token);
      setTimeout(() => source.cancel(), 150);
      await assert.rejects(pending, (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled);
    });
  });

  describe('failing', () => {
    let server: LspHarness;
    let uri: string;

    before(async () => {
      server = await LspHarness.start({ folders: [fixture.root], env: { PIPELINE_LENS_TEST_WAREHOUSE: 'fail' }, settings: { hover: { warehouseBudgetMs: HOVER_BUDGET_MS } } });
      await server.ready();
      uri = await server.open(join(fixture.root, 'notes.md'), 'markdown', text);
    });

    after(async () => {
      await server?.stop();
    });

    it('a hover says the results are unavailable and why, and the failure is not retried on every hover', async () => {
      // On a loaded machine the failure may arrive after the first hover's budget: that
      // hover then says "loading", and a later one must carry the failure.
      let first = '';
      for (let attempt = 0; attempt < 50 && !/unavailable/.test(first); attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        first = (await server.hover(uri, positionOf(text, fixture.sha.fix.slice(0, 8), 1))) ?? '';
      }
      assert.match(first, /Results by build: unavailable — Query modelByCommit failed: the warehouse is unreachable/);
      assert.match(first, /✓ \*\*worker\*\* deployed .* in worker-00003,/);
      const before = await server.status();
      for (let i = 0; i < 5; i++) await server.hover(uri, positionOf(text, fixture.sha.fix.slice(0, 8), 1));
      const titles = await server.lensTitles(uri);
      const after = await server.status();
      assert.equal(after.counters.warehouseQueries - before.counters.warehouseQueries, 0, 'failures are remembered for a while');
      assert.match(titles.find((t) => t.line === 2)!.title, /^✓ worker 16:00 \(\+6h00m\)$/);
    });
  });

  describe('a data file that does not exist', () => {
    it('names the missing file in the hover, and lenses still show deployments', async () => {
      const broken = await createPipelineFixture({ warehouseFiles: { 'preds.predictions': 'data/missing.parquet', 'preds.accuracy': 'data/accuracy.ndjson' } });
      const server = await LspHarness.start({ folders: [broken.root] });
      try {
        await server.ready();
        const body = `See ${broken.sha.fix.slice(0, 8)}.`;
        const uri = await server.open(join(broken.root, 'notes.md'), 'markdown', body);
        let hover = '';
        for (let i = 0; i < 20 && !/unavailable/.test(hover); i++) {
          hover = (await server.hover(uri, positionOf(body, broken.sha.fix.slice(0, 8), 1))) ?? '';
          if (!/unavailable/.test(hover)) await sleep(100);
        }
        assert.match(hover, /Results by build: unavailable — .*missing\.parquet/);
        const [lens] = await server.lensTitles(uri);
        assert.match(lens.title, /✓ worker/);
      } finally {
        await server.stop();
        await broken.cleanup();
      }
    });
  });
});
