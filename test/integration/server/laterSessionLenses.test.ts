import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspHarness, sleep } from './lspHarness';
import { createPipelineFixture, type PipelineFixture } from './pipelineFixture';

/*
 * A later session of the same workspace: the commit graph comes from the editor's storage
 * folder, so git answers in a moment while the warehouse is still opening. The first lenses
 * say what git and the deployments prove at once, say the rest is loading and nothing more,
 * and carry the results once the server has asked the editor to refresh them.
 */

/** Longer than any lens answer here takes; a resolve still pending then is waiting on the warehouse. */
const STUCK_MS = 20_000;
/** A title that states a figure or a count: nothing of the sort may be said while the warehouse is away. */
const FIGURE = /\d+(\.\d+)?%|n=\d|not recorded|ran on older code/;

describe('lenses of a later session while the warehouse is still opening', () => {
  let fixture: PipelineFixture;
  let storage: string;
  let release: string;
  let server: LspHarness | undefined;
  let text: string;

  before(async () => {
    fixture = await createPipelineFixture();
    storage = await mkdtemp(join(tmpdir(), 'pipeline-lens-storage-'));
    release = join(storage, 'release-warehouse');
    text = ['# Handoff', '', `Fix: ${fixture.sha.fix.slice(0, 8)}`, `Feed: ${fixture.sha.feed}`, `Docs: ${fixture.sha.docs.slice(0, 9)}`].join('\n');
    // The first session walks the history and keeps the graph in the storage folder.
    const first = await LspHarness.start({ folders: [fixture.root], storagePath: storage });
    try {
      await first.ready();
      for (let i = 0; !(await readdir(storage)).some((f) => f.endsWith('.bin')); i++) {
        if (i > 200) throw new Error('the first session kept no commit graph in its storage folder');
        await sleep(50);
      }
    } finally {
      await first.stop();
    }
  });

  after(async () => {
    await server?.stop();
    await fixture?.cleanup();
    await rm(storage, { recursive: true, force: true });
  });

  it('answer for the deployments at once, say the results are loading, and carry them after the refresh', async () => {
    // Configured to wait a minute for the warehouse: a warehouse that has not opened is not waited for even so.
    server = await LspHarness.start({
      folders: [fixture.root],
      storagePath: storage,
      env: { PIPELINE_LENS_TEST_WAREHOUSE: `hold:${release}` },
      settings: { codeLens: { warehouseWaitMs: 60_000 } },
    });
    const uri = await server.open(join(fixture.root, 'notes.md'), 'markdown', text);
    let lenses = await server.codeLenses(uri);
    for (let i = 0; lenses.length === 0 && i < 200; i++) {
      await sleep(50);
      lenses = await server.codeLenses(uri);
    }
    assert.equal(lenses.length, 3);
    const held = await Promise.race([
      Promise.all(lenses.map((l) => server!.resolve(l))),
      sleep(STUCK_MS).then(() => assert.fail('a lens waited for a warehouse that had not opened')),
    ]);
    const title = (line: number) => held.find((l) => l.range.start.line === line)?.command?.title ?? '';
    assert.equal(title(2), '✓ worker 16:00 (+6h00m) · ⋯ runs loading · ⋯ results loading');
    assert.match(title(3), /^✓ worker .* · ⋯ runs loading · ⋯ results loading$/);
    assert.match(title(4), /^○ touches no configured stage/);
    for (const lens of held) assert.doesNotMatch(lens.command?.title ?? '', FIGURE);
    const status = await server.status();
    assert.equal(status.counters.warehouseQueries, 0, 'the warehouse was held before any query');

    // Resolved again only when the server asks for it, as VS Code does: each part that
    // arrives brings a refresh, and the lenses end with the results in.
    await writeFile(release, '');
    let fix = title(2);
    for (let pass = 0; /loading/.test(fix); pass++) {
      if (pass === 3) assert.fail(`still loading after ${pass} refreshes: ${fix}`);
      const refreshes = server.lensRefreshes;
      for (let i = 0; server.lensRefreshes === refreshes; i++) {
        if (i > 600) assert.fail(`no lens refresh after the warehouse was released; the lens says ${fix}`);
        await sleep(50);
      }
      fix = (await server.lensTitles(uri)).find((t) => t.line === 2)!.title;
    }
    assert.match(fix, /^✓ worker 16:00 \(\+6h00m\) · ⚠ 1 backfill ran on older code · model_a \d+\.\d% \[/);
  });
});
