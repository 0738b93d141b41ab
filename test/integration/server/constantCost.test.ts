import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServerStatus } from '../../../src/shared/protocol';
import { LspHarness, positionOf } from './lspHarness';
import { createPipelineFixture, type PipelineFixture } from './pipelineFixture';

/*
 * The promise of the language server: what a document costs does not depend on how many
 * SHAs it holds. Counted on the real server process through its status request, which
 * reports every git process the server started and every query it sent.
 */

const COMMITS = 1000;

const delta = (a: ServerStatus, b: ServerStatus) => ({
  git: b.counters.gitProcesses - a.counters.gitProcesses,
  queries: b.counters.warehouseQueries - a.counters.warehouseQueries,
});

/** What the server built for lenses between two statuses: lists for document versions, titles composed. */
const lensWork = (a: ServerStatus, b: ServerStatus) => ({
  lists: b.counters.lensListsBuilt - a.counters.lensListsBuilt,
  titles: b.counters.lensTitlesComposed - a.counters.lensTitlesComposed,
});

async function warmStatus(server: LspHarness): Promise<ServerStatus> {
  const until = Date.now() + 30_000;
  for (;;) {
    const status = await server.status();
    const w = status.workspaces[0];
    if (w?.commitGraph === 'ready' && w.deployments === 'ready' && w.runs === 'ready' && w.results === 'ready') return status;
    if (Date.now() > until) throw new Error(JSON.stringify(status));
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('cost of a document with 1,000 SHAs', () => {
  let fixture: PipelineFixture;

  before(async () => {
    fixture = await createPipelineFixture({ commits: COMMITS });
  });

  after(async () => {
    await fixture?.cleanup();
  });

  const documentWith = (shas: string[]) =>
    ['# Every commit', '', ...shas.map((sha, i) => `${i + 1}. \`${sha.slice(0, 8 + (i % 30))}\` (see also ${'deadbeef'.repeat(1)}cafe)`)].join('\n');

  it("is one git process and the hover's own query cold, nothing warm, the same as for ten SHAs", async () => {
    const measured: Record<number, { startup: { git: number; queries: number }; cold: { git: number; queries: number }; warm: { git: number; queries: number } }> = {};
    for (const count of [10, COMMITS]) {
      const server = await LspHarness.start({ folders: [fixture.root] });
      try {
        const zero = { pid: 0, counters: { gitProcesses: 0, warehouseQueries: 0, lensListsBuilt: 0, lensTitlesComposed: 0 }, workspaces: [] } as ServerStatus;
        // The server warms what every document shares when it starts: the commit graph
        // (rev-parse, rev-list), the deployments, the runs and the results of the window.
        const ready = await warmStatus(server);
        // The fix is on every document: its backfill is hovered, whose figures are the hover's own query.
        const text = documentWith([...fixture.shas.filter((sha) => sha !== fixture.sha.fix).slice(0, count - 1), fixture.sha.fix]);
        const uri = await server.open(join(fixture.root, `notes-${count}.md`), 'markdown', text);

        const titles = await server.lensTitles(uri);
        assert.equal(titles.length, count, 'one lens per line with a commit');
        await server.hover(uri, positionOf(text, fixture.sha.fix.slice(0, 8), 2));
        const cold = await server.status();

        const resolvesBefore = server.lensResolves;
        const again = await server.lensTitles(uri);
        const asked = await server.status();
        assert.equal(server.lensResolves - resolvesBefore, 0, 'asked again, the lenses come back with their commands: no resolve request at all');
        assert.deepEqual(lensWork(cold, asked), { lists: 0, titles: 0 }, 'the same document asked again: its lens list handed back, every resolve a lookup (no title composed)');
        assert.deepEqual(
          again.map((t) => t.title),
          titles.map((t) => t.title),
          'the looked-up titles are the composed ones',
        );
        await server.hover(uri, positionOf(text, fixture.shas[0].slice(0, 8), 2));
        await server.hover(uri, positionOf(text, fixture.sha.fix.slice(0, 8), 2));
        // A new version of the document with the same commits costs nothing either.
        await server.replace(uri, `${text}\n\nEdited.`);
        const resolvesBeforeEdit = server.lensResolves;
        await server.lensTitles(uri);
        assert.equal(server.lensResolves - resolvesBeforeEdit, 0, 'a new version with the same commits: its lenses come with their commands too');
        const warm = await server.status();
        assert.deepEqual(lensWork(asked, warm), { lists: 1, titles: 0 }, 'a new version: one new lens list, its titles looked up');

        measured[count] = { startup: delta(zero, ready), cold: delta(ready, cold), warm: delta(cold, warm) };
        assert.ok(titles.some((t) => /✓ worker/.test(t.title)) || count < 20);
      } finally {
        await server.stop();
      }
    }
    process.stdout.write(`# measured: ${JSON.stringify(measured)}\n`);
    assert.deepEqual(
      measured[COMMITS].cold,
      { git: 1, queries: 1 },
      "cold: one git batch (git log --no-walk), and the hover's own query for what the fix's backfill superseded; the results were read at startup",
    );
    assert.deepEqual(measured[COMMITS].warm, { git: 0, queries: 0 }, 'warm: nothing, the hover on the fix again included');
    assert.deepEqual(measured[COMMITS], measured[10], 'the same for 10 SHAs as for 1,000');
    assert.deepEqual(measured[COMMITS].startup, { git: 2, queries: 3 }, "startup: rev-parse + rev-list, and the queries for the data's date range, the runs and the results");
  });

  it('a hover before any lens reads the whole document in the same one batch', async () => {
    const server = await LspHarness.start({ folders: [fixture.root] });
    try {
      await warmStatus(server);
      const text = documentWith(fixture.shas);
      const uri = await server.open(join(fixture.root, 'hover-first.md'), 'markdown', text);
      const before = await server.status();
      assert.ok(await server.hover(uri, positionOf(text, fixture.shas[700].slice(0, 8), 2)));
      await server.lensTitles(uri);
      assert.deepEqual(delta(before, await server.status()), { git: 1, queries: 0 });
    } finally {
      await server.stop();
    }
  });

  it('a second document costs one git process for its new commits and no query', async () => {
    const server = await LspHarness.start({ folders: [fixture.root] });
    try {
      await warmStatus(server);
      const first = await server.open(join(fixture.root, 'a.md'), 'markdown', documentWith(fixture.shas.slice(0, 500)));
      await server.lensTitles(first);
      const before = await server.status();
      const second = await server.open(join(fixture.root, 'b.md'), 'markdown', documentWith(fixture.shas.slice(250, 1000)));
      await server.lensTitles(second);
      assert.deepEqual(delta(before, await server.status()), { git: 1, queries: 0 });
    } finally {
      await server.stop();
    }
  });
});
