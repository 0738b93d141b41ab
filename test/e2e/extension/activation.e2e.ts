import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { demoFolder, extension } from './support';

interface Manifest {
  contributes?: { commands?: Array<{ command: string }> };
}

describe('Pipeline Lens in a real extension host', () => {
  it('opens on the demo workspace', async () => {
    const config = await vscode.workspace.findFiles('pipeline-lens.json');
    assert.equal(config.length, 1, `the demo folder ${demoFolder().fsPath} holds pipeline-lens.json`);
  });

  it('activates there', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command package.json declares', async () => {
    const declared = ((extension().packageJSON as Manifest).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });
});
