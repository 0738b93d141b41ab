import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { StartedApi } from '../../../src/extension/api';
import { StatusRequest, type ServerStatus } from '../../../src/shared/protocol';
import { startedApi } from './pipelineLensApi';
import { demoFolder, eventually, extension, FIX_SHA, HANDOFF_NOTE } from './support';

const RESTART_NOTICE = /The Pipeline Lens language server stopped unexpectedly; restarting it/g;

/** Every line VS Code has written to the Pipeline Lens output so far (its log file). */
async function outputText(api: StartedApi): Promise<string> {
  const entries = await vscode.workspace.fs.readDirectory(api.logFolder);
  const logs = entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.log'));
  assert.ok(logs.length, `no output log in ${api.logFolder.fsPath}: ${entries.map(([n]) => n).join(', ')}`);
  const texts = await Promise.all(logs.map(async ([name]) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(api.logFolder, name)))));
  return texts.join('\n');
}

describe('The language server killed in a real VS Code', function () {
  let api: StartedApi;
  let document: vscode.TextDocument;
  let fixLine: number;

  const fixLens = () =>
    eventually(`the lens on ${FIX_SHA} saying +15h53m`, async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
      return lenses.find((l) => l.range.start.line === fixLine && l.command?.title.includes('+15h53m'))?.command?.title;
    });

  before(async function () {
    if (!existsSync(join(extension().extensionPath, 'dist', 'server.js'))) this.skip();
    api = await startedApi();
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(demoFolder(), HANDOFF_NOTE));
    await vscode.window.showTextDocument(document);
    fixLine = document.positionAt(document.getText().indexOf(FIX_SHA)).line;
  });

  it('is restarted by the client, the lenses come back, and the output says so once', async function () {
    this.timeout(120_000);
    assert.match(await fixLens(), /✓ prediction-worker 19:10 \(\+15h53m\)/);
    const before: ServerStatus = await api.client.sendRequest(StatusRequest.type);
    assert.ok(before.pid > 0 && before.pid !== process.pid, 'the server runs in its own process');
    const noticesBefore = (await outputText(api)).match(RESTART_NOTICE)?.length ?? 0;

    process.kill(before.pid, 'SIGKILL');

    const after = await eventually('a new server process answering', async () => {
      const status: ServerStatus = await api.client.sendRequest(StatusRequest.type);
      return status.pid !== before.pid ? status : undefined;
    });
    assert.notEqual(after.pid, before.pid);
    assert.throws(() => process.kill(before.pid, 0), 'the killed process is gone');
    assert.match(await fixLens(), /✓ prediction-worker 19:10 \(\+15h53m\)/);

    const output = await eventually('the restart in the output', async () => {
      const text = await outputText(api);
      return (text.match(RESTART_NOTICE)?.length ?? 0) > noticesBefore ? text : undefined;
    });
    assert.equal((output.match(RESTART_NOTICE)?.length ?? 0) - noticesBefore, 1, `told once:\n${output}`);
    assert.match(output, /restart 1 of 4 allowed within 3 minutes/);
  });
});
