import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { StartedApi } from '../../../src/extension/api';
import type { GenerateDemoResult, PlanQueryResult, RunQueryResult } from '../../../src/shared/protocol';
import { startedApi } from './pipelineLensApi';
import { demoFolder, eventually, FIX_SHA } from './support';

describe('Timeline, queries and the demo generator in a real extension host', function () {
  let api: StartedApi;

  before(async function () {
    api = await startedApi();
  });

  it('draws the timeline with the fix, the deployments and the backfill', async () => {
    await vscode.commands.executeCommand('pipelineLens.openTimeline', { models: ['catboost_v8'], sha: FIX_SHA });
    const panel = api.timeline();
    assert.ok(panel, 'the timeline panel is open');
    const rendered = await panel.rendered();
    assert.deepEqual(rendered.models, ['catboost_v8']);
    assert.ok(rendered.markers.fix >= 1, `fix markers: ${JSON.stringify(rendered.markers)}`);
    assert.ok(rendered.markers.deployment >= 4, `deployment markers: ${JSON.stringify(rendered.markers)}`);
    assert.equal(rendered.markers.backfill, 1, `the Jan 9-28 backfill: ${JSON.stringify(rendered.markers)}`);
    panel.dispose();
  });

  it('adds a feature-coverage series on demand', async () => {
    await vscode.commands.executeCommand('pipelineLens.openTimeline', { models: ['catboost_v8'], features: [25] });
    const panel = api.timeline()!;
    const rendered = await eventually('the vegas_points_line coverage series', async () => {
      const r = await panel.rendered();
      return r.coverage.includes(25) ? r : undefined;
    });
    assert.deepEqual(rendered.coverage, [25]);
    panel.dispose();
  });

  it('runs a query from the editor into the results grid', async () => {
    const sql = "SELECT system_id, COUNT(*) AS predictions FROM `nba_predictions.player_prop_predictions` WHERE game_date BETWEEN @from AND DATE '2026-01-07' AND is_active GROUP BY system_id ORDER BY system_id";
    const result = await vscode.commands.executeCommand<RunQueryResult>('pipelineLens.runQuery', { sql, title: 'count', parameters: { from: { type: 'DATE', value: '2026-01-01' } } });
    assert.ok(result.rows.some((r) => r.system_id === 'catboost_v8' && Number(r.predictions) > 0), JSON.stringify(result.rows));
    assert.equal(result.statementType, 'SELECT');
    assert.ok(api.queryResults(), 'the results panel is open');
    api.queryResults()!.dispose();
  });

  it('refuses a write on the read-only embedded warehouse, and the dry run says why', async () => {
    const sql = "UPDATE `nba_predictions.player_prop_predictions` SET is_active = FALSE WHERE game_date = DATE '2026-01-09'";
    const plan = await vscode.commands.executeCommand<PlanQueryResult>('pipelineLens.dryRunQuery', { sql });
    assert.equal(plan.warehouse, 'embedded');
    assert.equal(plan.plan?.kind, 'dml');
    assert.equal(plan.plan?.statementType, 'UPDATE');
    const result = await vscode.commands.executeCommand<RunQueryResult | undefined>('pipelineLens.runQuery', { sql });
    assert.equal(result, undefined, 'nothing ran');
  });

  it('shows "embedded" as the dry run of the active SQL file in the status bar', async () => {
    const sql = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(demoFolder(), 'sql', 'hit_rate_by_build.sql'));
    await vscode.window.showTextDocument(sql);
    const text = await eventually('the dry-run status item', async () => (api.dryRunStatus.text?.includes('embedded') ? api.dryRunStatus.text : undefined));
    assert.equal(text, '$(database) embedded');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('generates the demo workspace with the bundled generator', async function () {
    this.timeout(60_000);
    const dir = join(mkdtempSync(join(tmpdir(), 'pipeline-lens-demo-')), 'demo');
    const result = await vscode.commands.executeCommand<GenerateDemoResult>('pipelineLens.openDemoWorkspace', { dir, open: false });
    assert.equal(result.root, dir);
    assert.ok(result.commits.fix.startsWith(FIX_SHA), 'the same deterministic history');
    assert.notEqual(dir, demoFolder().fsPath);
  });
});
