import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { demoFolder, eventually, extension, FIX_SHA, HANDOFF_NOTE, hoverText } from './support';

describe('Lenses and hovers through the real language client', function () {
  let document: vscode.TextDocument;
  let fixPosition: vscode.Position;

  before(async function () {
    // The server is a separate bundle; until it exists the extension has nothing to start.
    if (!existsSync(join(extension().extensionPath, 'dist', 'server.js'))) this.skip();
    await extension().activate();
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(demoFolder(), HANDOFF_NOTE));
    await vscode.window.showTextDocument(document);
    const offset = document.getText().indexOf(FIX_SHA);
    assert.ok(offset >= 0, `${HANDOFF_NOTE} mentions ${FIX_SHA}`);
    fixPosition = document.positionAt(offset + 2);
  });

  it("titles the fix SHA's lens with its deployment delay", async () => {
    const title = await eventually(`a lens on ${FIX_SHA} saying +15h53m`, async () => {
      // The second argument makes VS Code resolve the lenses, as it does for visible ones.
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
      const onLine = lenses.filter((l) => l.range.start.line === fixPosition.line && l.command?.title);
      const titles = onLine.map((l) => l.command!.title);
      return titles.find((t) => t.includes('+15h53m'));
    });
    assert.match(title, /✓ prediction-worker 19:10 \(\+15h53m\)/);
  });

  it('answers a hover on the fix SHA with its provenance', async () => {
    const text = await eventually(`a hover on ${FIX_SHA} naming its deployment`, async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, fixPosition);
      const all = hovers.map(hoverText).join('\n');
      return all.includes('prediction-worker-00069-wqf') ? all : undefined;
    });
    assert.ok(text.includes(FIX_SHA.slice(0, 7)), `the hover names the commit:\n${text}`);
    assert.ok(text.includes('+15h53m'), `the hover gives the deployment delay:\n${text}`);
  });
});
