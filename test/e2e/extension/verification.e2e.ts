import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { StartedApi } from '../../../src/extension/api';
import type { VerifyResponse } from '../../../src/shared/protocol';
import { startedApi } from './pipelineLensApi';
import { demoFolder, eventually, extension } from './support';

describe('Verify Deployment Before Backfill in a real extension host', function () {
  let api: StartedApi;
  let head: string;

  before(async function () {
    api = await startedApi();
    head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: demoFolder().fsPath, encoding: 'utf8' }).trim();
  });

  it('says stale on the demo, naming the undeployed commit and the deploy command', async () => {
    const result = await vscode.commands.executeCommand<VerifyResponse>('pipelineLens.verifyService', { service: 'prediction-worker' });
    assert.equal(result.verdict, 'stale');
    assert.deepEqual(
      result.missing.map((m) => m.sha),
      [head],
    );
    assert.equal(result.missing[0].subject, 'feat(worker): retry feature loads on transient BigQuery errors');
    assert.equal(result.deployed?.revision, 'prediction-worker-00072-5d8');
    assert.equal(result.deployCommand, 'bin/deploy-prediction-worker.sh');
  });

  it('gives the verdict the CLI gives (same code, same repository)', async () => {
    const extensionResult = await vscode.commands.executeCommand<VerifyResponse>('pipelineLens.verifyService', { service: 'prediction-worker' });
    const cli = join(extension().extensionPath, 'dist', 'cli.js');
    let stdout = '';
    try {
      execFileSync(process.execPath, [cli, '--cwd', demoFolder().fsPath, 'verify', '--service', 'prediction-worker', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      assert.fail('the CLI exits 1 on stale');
    } catch (error) {
      const e = error as { status?: number; stdout?: string };
      assert.equal(e.status, 1, 'exit 1: stale');
      stdout = e.stdout ?? '';
    }
    const fromCli = JSON.parse(stdout) as VerifyResponse;
    assert.equal(fromCli.verdict, extensionResult.verdict);
    assert.deepEqual(
      fromCli.missing.map((m) => m.sha),
      extensionResult.missing.map((m) => m.sha),
    );
    assert.equal(fromCli.reason, extensionResult.reason);
  });

  it('shows the state of the service owning the active file in the status bar', async () => {
    const worker = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(demoFolder(), 'predictions', 'worker', 'worker.py'));
    await vscode.window.showTextDocument(worker);
    const text = await eventually('the deployment status item', async () => (api.deploymentStatus.text?.includes('prediction-worker') ? api.deploymentStatus.text : undefined));
    assert.equal(text, '$(warning) prediction-worker: 1 commit not deployed');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
