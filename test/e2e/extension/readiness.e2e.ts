import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ReadinessResponse } from '../../../src/shared/protocol';
import { startedApi } from './pipelineLensApi';
import { demoFolder, extension } from './support';

describe('Check Readiness for a Date in a real extension host', function () {
  before(async function () {
    await startedApi();
  });

  it('says not ready for 2026-02-03 on the demo, with the checks and verdict of `pipeline-lens check`', async () => {
    const result = await vscode.commands.executeCommand<ReadinessResponse>('pipelineLens.checkReadiness', { date: '2026-02-03' });
    assert.equal(result.verdict, 'not-ready');
    assert.equal(result.exitCode, 1);
    const failing = result.checks.filter((c) => c.verdict === 'not-ready').map((c) => c.kind);
    assert.ok(failing.includes('deployment') && failing.includes('grading'), failing.join(', '));

    const cli = join(extension().extensionPath, 'dist', 'cli.js');
    try {
      execFileSync(process.execPath, [cli, '--cwd', demoFolder().fsPath, 'check', '--date', '2026-02-03', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      assert.fail('the CLI exits 1 when not ready');
    } catch (error) {
      const e = error as { status?: number; stdout?: string };
      assert.equal(e.status, 1);
      const fromCli = JSON.parse(e.stdout ?? '') as ReadinessResponse;
      assert.deepEqual(
        fromCli.checks.map((c) => [c.subject, c.verdict]),
        result.checks.map((c) => [c.subject, c.verdict]),
      );
    }
  });
});
