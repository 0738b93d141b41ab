import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { fork } from 'node:child_process';
import {
  CodeLensRequest,
  CodeLensResolveRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import { RefreshNotification } from '../../../src/shared/protocol';
import { runGit } from '../../fixtures/gitFixture';
import { LspHarness, positionOf, sleep } from './lspHarness';
import { createPipelineFixture, type PipelineFixture } from './pipelineFixture';

/*
 * What happens around the lenses: new commits, config edits, settings, big files, buffers
 * outside the workspace, and the bundled server that the extension actually starts.
 */

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('server lifecycle', () => {
  let fixture: PipelineFixture;
  let server: LspHarness;

  before(async () => {
    fixture = await createPipelineFixture();
    server = await LspHarness.start({ folders: [fixture.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    await fixture?.cleanup();
  });

  it('names which commit a lens is about when a line holds several, and ignores hex that is not a commit', async () => {
    const text = `${fixture.sha.fix.slice(0, 7)} replaced ${fixture.sha.feed.slice(0, 7)}; not a commit: abcdef1234 2026030112 #a1b2c3d4`;
    const uri = await server.open(join(fixture.root, 'several.md'), 'markdown', text);
    const titles = await server.lensTitles(uri);
    assert.equal(titles.length, 2);
    assert.match(titles[0].title, new RegExp(`^${fixture.sha.fix.slice(0, 7)}: ✓ worker`));
    assert.match(titles[1].title, new RegExp(`^${fixture.sha.feed.slice(0, 7)}: ✓ worker`));
  });

  it('serves untitled buffers and logs outside the workspace from the workspace repository', async () => {
    const uri = await server.openUntitled('Untitled-1', 'plaintext', `deployed ${fixture.sha.undeployed}`);
    const [lens] = await server.lensTitles(uri);
    assert.match(lens.title, new RegExp(`✗ not in worker \\(deployed: ${fixture.shas[fixture.shas.length - 2].slice(0, 7)}, 1 commit behind\\)`));
    const log = await server.open('/tmp/outside-workspace.log', 'log', `2026-03-02 build=${fixture.sha.fix}`);
    assert.equal((await server.codeLenses(log)).length, 1);
  });

  it('a commit made after the server started gets a lens once the refs are reported to have moved', async () => {
    await writeFile(join(fixture.root, 'worker', 'late.py'), '# late\n');
    await runGit(fixture.root, ['add', 'worker/late.py']);
    await runGit(fixture.root, ['-c', 'user.name=Late', '-c', 'user.email=late@example.test', 'commit', '-q', '-m', 'worker: a late change']);
    const late = (await runGit(fixture.root, ['rev-parse', 'HEAD'])).trim();
    const uri = await server.open(join(fixture.root, 'late.md'), 'markdown', `New: ${late.slice(0, 9)}`);
    assert.equal((await server.codeLenses(uri)).length, 0, 'not known yet');
    const refreshes = server.lensRefreshes;
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(join(fixture.root, '.git', 'refs', 'heads', 'main')).href, type: FileChangeType.Changed }],
    });
    // The next request starts the check in the background and the server asks for a refresh.
    await server.codeLenses(uri);
    await until('a lens refresh', async () => server.lensRefreshes > refreshes);
    const [lens] = await server.lensTitles(uri);
    assert.match(lens.title, /✗ not in worker \(deployed: [0-9a-f]{7}, 2 commits behind\)/);
  });

  it('SQL diagnostics follow the config when it changes', async () => {
    const sql = 'SELECT features[OFFSET(3)], features[OFFSET(2)] FROM preds.feature_store WHERE game_date = @d';
    const uri = await server.open(join(fixture.root, 'q.sql'), 'sql', sql);
    const first = await server.diagnosticsFor(uri);
    assert.deepEqual(
      first.map((d) => d.code),
      ['feature-not-in-registry'],
      'index 2 has no registry entry',
    );
    const config = JSON.parse(await readFile(fixture.config, 'utf8'));
    config.features.registry.push({ index: 2, name: 'home_game', description: '1 at home' });
    await writeFile(fixture.config, JSON.stringify(config));
    server.diagnostics.delete(uri);
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(fixture.config).href, type: FileChangeType.Changed }] });
    const second = await until('new diagnostics', async () => server.diagnostics.get(uri));
    assert.deepEqual(second, []);
    const hover = await server.hover(uri, positionOf(sql, 'OFFSET(2)', 7));
    assert.match(hover ?? '', /\*\*home_game\*\*/);
  });

  it('skips files above maxFileSize and turns lenses off with codeLens.enabled', async () => {
    const big = `${fixture.sha.fix}\n${'x'.repeat(2_000)}`;
    const uri = await server.open(join(fixture.root, 'big.log'), 'log', big);
    assert.equal((await server.codeLenses(uri)).length, 1);
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { pipelineLens: { maxFileSize: 1_000 } } });
    assert.equal((await server.codeLenses(uri)).length, 0);
    assert.equal(await server.hover(uri, { line: 0, character: 3 }), null);
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { pipelineLens: { codeLens: { enabled: false } } } });
    const small = await server.open(join(fixture.root, 'small.md'), 'markdown', fixture.sha.fix);
    assert.equal((await server.codeLenses(small)).length, 0);
    assert.ok(await server.hover(small, { line: 0, character: 3 }), 'hovers stay on');
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { pipelineLens: {} } });
    assert.equal((await server.codeLenses(small)).length, 1);
  });

  it('refresh reloads the workspace and drops cached data', async () => {
    const before = await server.status();
    await server.connection.sendNotification(RefreshNotification.type);
    const after = await until('a reloaded workspace', async () => {
      const s = await server.status();
      return s.workspaces[0]?.commitGraph === 'ready' && s.counters.gitProcesses > before.counters.gitProcesses ? s : null;
    });
    assert.equal(after.workspaces[0].cachedCommitDetails, 0);
  });
});

describe('over IPC, as the extension starts it', () => {
  it('answers lenses on a connection over the Node IPC channel', async () => {
    const fixture = await createPipelineFixture();
    const child = fork(resolve(__dirname, '../../../src/server/main.ts'), ['--node-ipc'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env },
    });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    try {
      await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
        workspaceFolders: [{ uri: pathToFileURL(fixture.root).href, name: 'fixture' }],
      });
      await connection.sendNotification(InitializedNotification.type, {});
      const uri = pathToFileURL(join(fixture.root, 'ipc.md')).href;
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'markdown', version: 1, text: `fix ${fixture.sha.fix}` } });
      const lenses = await until('lenses', async () => {
        const found = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
        return found?.length ? found : null;
      });
      const resolved = await connection.sendRequest(CodeLensResolveRequest.type, lenses[0]);
      assert.match(resolved.command?.title ?? '', /✓ worker 16:00 \(\+6h00m\)/);
    } finally {
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.kill('SIGKILL');
      connection.dispose();
      await fixture.cleanup();
    }
  });
});

describe('the bundled server (dist/server.js)', () => {
  const bundle = resolve(__dirname, '../../../dist/server.js');

  it('starts over stdio and answers lenses', { skip: existsSync(bundle) ? false : 'run `npm run build` first' }, async () => {
    const fixture = await createPipelineFixture();
    const server = await LspHarness.start({ folders: [fixture.root], entry: 'dist' });
    try {
      await server.ready();
      const uri = await server.open(join(fixture.root, 'n.md'), 'markdown', `fix ${fixture.sha.fix.slice(0, 8)}`);
      const [lens] = await server.settledLensTitles(uri);
      assert.match(lens.title, /✓ worker 16:00 \(\+6h00m\) · ⚠ 1 backfill ran on older code · model_a \d+\.\d% \[\d+\.\d, \d+\.\d\] n=\d+/);
    } finally {
      await server.stop();
      await fixture.cleanup();
    }
  });
});
