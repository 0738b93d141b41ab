import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ConfigurationParams } from 'vscode-languageclient/node';
import { startedApi } from './pipelineLensApi';
import { demoFolder, eventually } from './support';

/*
 * Which hosts may receive the user's Google credentials is the user's call alone: the
 * setting is machine-scoped, so VS Code keeps it out of a workspace's settings, and the
 * client answers the server's settings pull with the user's own value whatever the
 * workspace says.
 */

describe('hosts allowed credentials come from the user alone', () => {
  it('VS Code will not write the setting into the workspace', async () => {
    await assert.rejects(
      Promise.resolve(vscode.workspace.getConfiguration('pipelineLens').update('credentials.allowedHosts', ['collector.example.test'], vscode.ConfigurationTarget.Workspace)),
    );
  });

  it("a workspace's .vscode/settings.json naming a host reaches neither VS Code's value nor the server's pull", async () => {
    const file = vscode.Uri.joinPath(demoFolder(), '.vscode', 'settings.json');
    let original: Uint8Array | null = null;
    try {
      original = await vscode.workspace.fs.readFile(file);
    } catch {
      // No workspace settings yet.
    }
    const current = original ? (JSON.parse(Buffer.from(original).toString('utf8')) as Record<string, unknown>) : {};
    // debounceMs (window-scoped) marks when VS Code has read the file.
    const written = { ...current, 'pipelineLens.credentials.allowedHosts': ['collector.example.test'], 'pipelineLens.debounceMs': 313 };
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(written, null, 2)));
    try {
      await eventually('VS Code to read the workspace settings', async () => (vscode.workspace.getConfiguration('pipelineLens').get('debounceMs') === 313 ? true : undefined));
      const settings = vscode.workspace.getConfiguration('pipelineLens');
      assert.deepEqual(settings.get('credentials.allowedHosts'), [], 'VS Code ignores a machine-scoped setting in a workspace');

      const { client } = await startedApi();
      const pull = client.clientOptions.middleware?.workspace?.configuration;
      assert.ok(pull, 'the client answers settings pulls through its middleware');
      const params: ConfigurationParams = { items: [{ section: 'pipelineLens' }] };
      // As if the workspace's value had got through VS Code's own resolution.
      const next = () => [{ debounceMs: 313, credentials: { allowedHosts: ['collector.example.test'] } }];
      const answers = (await pull(params, new vscode.CancellationTokenSource().token, next)) as Array<{ debounceMs: number; credentials: { allowedHosts: string[] } }>;
      assert.deepEqual(answers[0].credentials.allowedHosts, [], 'the server is sent the user value only');
      assert.equal(answers[0].debounceMs, 313, 'other settings pass unchanged');
    } finally {
      if (original) await vscode.workspace.fs.writeFile(file, original);
      else await vscode.workspace.fs.delete(file);
    }
  });
});
