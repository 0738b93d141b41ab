import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { DeploymentsRequest, type DeploymentsResult } from '../../../src/shared/protocol';
import { LspHarness } from './lspHarness';

/*
 * A command can activate the extension and reach the server before the server has looked
 * at the workspace folders (between `initialize` and `initialized`). It must wait for them,
 * not answer that there is no pipeline-lens.json.
 */
describe('a request that arrives before the workspace is loaded', () => {
  let dir: string;
  let demo: DemoManifest;
  let server: LspHarness;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pl-early-'));
    demo = await generateDemo(join(dir, 'demo'));
    server = await LspHarness.start({ folders: [demo.root], earlyRequest: { method: DeploymentsRequest.method, params: {} } });
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is answered once the workspace is loaded', async () => {
    const result = (await server.earlyResponse) as DeploymentsResult;
    assert.equal(result.head?.sha, demo.commits.undeployedWorker);
    assert.deepEqual(
      result.services.map((s) => s.service),
      ['prediction-worker', 'feature-store-processor'],
    );
  });
});

/*
 * The editor opens the documents it had open as the server starts, and asks for their lenses
 * at once. Answered with none, it would show none until the refresh that follows the load.
 */
describe('a lens request for a document opened as the server starts', () => {
  let dir: string;
  let demo: DemoManifest;
  let server: LspHarness;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pl-early-lens-'));
    demo = await generateDemo(join(dir, 'demo'));
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is answered with the lenses, without waiting for a refresh', async () => {
    server = await LspHarness.start({ folders: [demo.root] });
    const sha = demo.commits.undeployedWorker;
    const uri = await server.open(join(demo.root, 'first-notes.md'), 'markdown', `# Notes\n\nWorker: ${sha.slice(0, 9)}\n`);
    const lenses = await server.codeLenses(uri);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, (l.data as { sha: string }).sha]),
      [[2, sha]],
    );
  });
});
