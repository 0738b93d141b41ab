import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { StartedApi } from '../../../src/extension/api';
import type { FindingsResult, GenerateDemoResult, PlanQueryResult, RunQueryResult } from '../../../src/shared/protocol';
import { noteChartFigures } from '../../fixtures/noteChartFigures';
import { parseXml } from '../../fixtures/xmlTree';
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
    const sql =
      "SELECT system_id, COUNT(*) AS predictions FROM `nba_predictions.player_prop_predictions` WHERE game_date BETWEEN @from AND DATE '2026-01-07' AND is_active GROUP BY system_id ORDER BY system_id";
    const result = await vscode.commands.executeCommand<RunQueryResult>('pipelineLens.runQuery', {
      sql,
      title: 'count',
      parameters: { from: { type: 'DATE', value: '2026-01-01' } },
    });
    assert.ok(
      result.rows.some((r) => r.system_id === 'catboost_v8' && Number(r.predictions) > 0),
      JSON.stringify(result.rows),
    );
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

  it("renders a commit's provenance in the report panel, with our commands as links", async () => {
    await vscode.commands.executeCommand('pipelineLens.showCommitProvenance', { sha: FIX_SHA });
    const shown = api.report()?.rendered();
    assert.ok(shown, 'the report panel is open');
    assert.match(shown.html, /<table[\s>]/, 'the deployments table is rendered');
    assert.match(shown.html, /fix\(worker\)/, 'the subject reads as written, not escaped');
    assert.ok(!shown.html.includes('\\('), 'no markdown escapes left in the page');
    assert.match(shown.html, /<a href="command:pipelineLens\.showDiff\?[^"]+"/, 'a link that runs Show Diff');
    assert.match(shown.html, /\+15h53m/);
  });

  it('Investigate opens the report: every finding with its evidence, and links to provenance, timeline and export', async function () {
    this.timeout(120_000);
    const result = await vscode.commands.executeCommand<FindingsResult>('pipelineLens.investigate');
    const shown = api.report()!.rendered()!;
    assert.equal(shown.title, `Investigation ${result.window.from} → ${result.window.to}`);
    const headings = shown.html.match(/<h3[^>]*>\d+\. \[\w+\]/g) ?? [];
    assert.equal(headings.length, result.findings.length, 'one section per finding');
    assert.match(shown.html, /<h3[^>]*>1\. \[critical\] Backfill of 2026-01-09\.\.2026-01-28 ran 07:41–08:37 on older build/);
    const items = (shown.html.match(/<li[\s>]/g) ?? []).length;
    const evidence = result.findings.reduce((n, f) => n + f.evidence.length, 0);
    assert.ok(items >= evidence, `every line of evidence is listed (${items} items, ${evidence} lines)`);
    assert.match(shown.html, /<a href="command:pipelineLens\.exportHandoffNote"/);
    assert.match(shown.html, /<a href="command:pipelineLens\.showCommitProvenance\?[^"]+"[^>]*>Provenance of 38ab3820<\/a>/);
    assert.match(shown.html, /<a href="command:pipelineLens\.openTimeline\?/);
    // The timeline's hit-rate chart, with the deployment and the backfill, before the first finding.
    const chart = shown.html.indexOf('<svg class="hit-rate-chart"');
    assert.ok(chart >= 0 && chart < shown.html.search(/<h3[\s>]/), 'the chart above the findings');
    assert.match(shown.html, /<line class="marker deployment"[^>]*><title>Deployed prediction-worker prediction-worker-00069-wqf/);
    assert.match(shown.html, /<rect class="marker backfill"[^>]*><title>Backfill of game dates 2026-01-09\.\.2026-01-28/);
  });

  it('Open .sql Files as BigQuery SQL: the association for the folder, in the workspace settings, and the open .sql files under it switch', async () => {
    const dir = vscode.Uri.joinPath(demoFolder(), 'queries-e2e');
    const file = vscode.Uri.joinPath(dir, 'coverage.sql');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('SELECT features[OFFSET(25)] FROM t;\n'));
    const files = () => vscode.workspace.getConfiguration('files');
    const before = files().inspect<Record<string, string>>('associations')?.workspaceValue;
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      assert.notEqual(doc.languageId, 'bqsql', "outside the demo's sql/ folder a .sql file is not BigQuery SQL yet");
      await vscode.commands.executeCommand('pipelineLens.openSqlAsBigQuery', { folder: 'queries-e2e' });
      const after = files().inspect<Record<string, string>>('associations')?.workspaceValue ?? {};
      assert.equal(after['**/queries-e2e/**/*.sql'], 'bqsql');
      assert.equal(after['**/sql/**/*.sql'], 'bqsql', 'the associations already there are kept');
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
      assert.equal(open?.languageId, 'bqsql');
    } finally {
      await files().update('associations', before, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(dir, { recursive: true });
    }
  });

  it('exports the investigation as a handoff note in the workspace, which the lenses then annotate', async function () {
    this.timeout(120_000);
    const path = `docs/handoffs/e2e-${Date.now()}.md`;
    const uri = await vscode.commands.executeCommand<vscode.Uri>('pipelineLens.exportHandoffNote', { path });
    try {
      assert.equal(uri.fsPath, vscode.Uri.joinPath(demoFolder(), path).fsPath);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.match(text, /^# Investigation of /);
      assert.match(text, /## Open items/);
      assert.match(text, /n=\d+/, 'figures with their n');
      const line = text.split('\n').findIndex((l) => l.startsWith('Commits: `38ab3820'));
      assert.ok(line > 0, 'the fix SHA, whole, on a line of its own');
      // The chart beside the note, linked from it, its figures in a table under it.
      const chartName = path.split('/').pop()!.replace(/\.md$/, '.svg');
      assert.match(text, new RegExp(`^!\\[Hit rate per game date of [^\\]]+\\]\\(\\./${chartName.replace(/[.-]/g, '\\$&')}\\)$`, 'm'));
      const svg = parseXml(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(demoFolder(), 'docs/handoffs', chartName))));
      assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
      const { drawn, tabled } = noteChartFigures(svg, text);
      assert.ok(drawn.length > 30, `a point per graded day (${drawn.length})`);
      assert.deepEqual(drawn, tabled, "the chart's points are the note's figures");
      const title = await eventually('a lens on the exported note saying +15h53m', async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
        return lenses
          .filter((l) => l.range.start.line === line && l.command?.title)
          .map((l) => l.command!.title)
          .find((t) => t.includes('+15h53m'));
      });
      assert.match(title, /✓ prediction-worker 19:10 \(\+15h53m\)/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(demoFolder(), path));
      // Not there when the export failed before writing it: the failure above is the one to read.
      await Promise.resolve(vscode.workspace.fs.delete(vscode.Uri.joinPath(demoFolder(), path.replace(/\.md$/, '.svg')))).catch(() => undefined);
    }
  });

  it('refuses a handoff note path outside the workspace, naming what to give', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('pipelineLens.exportHandoffNote', { path: '../outside.md' });
    assert.equal(uri, undefined, 'nothing written');
  });

  it('renders the server status rather than showing its JSON', async () => {
    await vscode.commands.executeCommand('pipelineLens.showStatus');
    const shown = api.report()!.rendered()!;
    assert.equal(shown.title, 'Pipeline Lens Status');
    assert.match(shown.html, /<td[^>]*>commit graph<\/td>\s*<td[^>]*>✓ ready, [\d,]+ commits<\/td>/);
    assert.ok(!shown.html.includes('"commitGraph"'), 'no JSON');
    api.report()!.dispose();
  });

  it('puts "▶ Run · Dry run" over each statement of a SQL file, and Run runs that statement', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'bqsql', content: "SELECT 1 AS one;\n\n-- the second\nSELECT 'two' AS two\n" });
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    const runs = lenses.filter((l) => l.command?.title === '▶ Run');
    assert.deepEqual(
      runs.map((l) => l.range.start.line),
      [0, 3],
      'one Run lens per statement, on its first line',
    );
    assert.deepEqual(
      lenses.filter((l) => l.command?.title === 'Dry run').map((l) => l.range.start.line),
      [0, 3],
    );
    const second = runs[1].command!;
    const result = await vscode.commands.executeCommand<RunQueryResult>(second.command, ...((second.arguments ?? []) as unknown[]));
    assert.deepEqual(result.rows, [{ two: 'two' }]);
    api.queryResults()?.dispose();
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
