import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CompletionItemKind, DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import {
  CommitDiffRequest,
  CommitProvenanceRequest,
  FindingsRequest,
  TimelineRequest,
  TreeRequest,
  VerifyRequest,
  type CommitProvenanceResult,
  type FindingsResult,
  type TimelineResult,
  type TreeResult,
  type VerdictText,
} from '../../../src/shared/protocol';
import type { VerifyResult } from '../../../src/core/verify/verifyDeployment';
import { main } from '../../../src/cli/main';
import { LspHarness, positionOf } from './lspHarness';

/*
 * The real server on the demo workspace (the incident of DOMAIN.md), driven the way VS Code
 * drives it: the acceptance points of the language-server issue, on the handoff note and
 * the SQL files a newcomer opens first.
 */

const HANDOFF = 'docs/handoffs/2026-02-02-prediction-regression.md';

/** LSP 3.18 lets a diagnostic message be markup; ours are plain strings. */
const messageOf = (d: { message: string | { value: string } }) => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server on the demo workspace', () => {
  let dir: string;
  let demo: DemoManifest;
  let server: LspHarness;
  let note: string;
  let noteUri: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-server-demo-'));
    demo = await generateDemo(join(dir, 'demo'));
    // The settings VS Code reads from the demo's .vscode/settings.json, as the client passes them.
    const workspaceSettings = JSON.parse(await readFile(join(demo.root, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    server = await LspHarness.start({ folders: [demo.root], settings: { primaryModels: workspaceSettings['pipelineLens.primaryModels'] } });
    await server.ready();
    note = await readFile(join(demo.root, HANDOFF), 'utf8');
    noteUri = await server.open(join(demo.root, HANDOFF), 'markdown');
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const lineOf = (text: string, needle: string) => positionOf(text, needle).line;

  it("the fix's lens says deployed at 19:10, +15h53m, one backfill on older code, and the hit rate with n and interval", async () => {
    const fix = demo.commits.fix.slice(0, 8);
    const titles = await server.settledLensTitles(noteUri);
    const line = lineOf(note, `The fix is \`${fix}\``);
    const title = titles.find((t) => t.line === line)?.title;
    assert.ok(title, `no lens on line ${line}: ${JSON.stringify(titles.map((t) => [t.line, t.title]))}`);
    assert.match(title, /✓ prediction-worker 19:10 \(\+15h53m\)/);
    assert.match(title, /⚠ 1 backfill\b.* ran on older code/);
    assert.match(title, /catboost_v8 58\.5% \[43\.4, 72\.2\] n=41/);
    const lens = titles.find((t) => t.line === line)!.lens;
    assert.equal(lens.command?.command, 'pipelineLens.showCommitProvenance');
    assert.equal((lens.command?.arguments?.[0] as { sha: string }).sha, demo.commits.fix);
  });

  it("an undeployed commit's lens says it is not deployed and how far behind the deployed revision is", async () => {
    const undeployed = demo.commits.undeployedWorker.slice(0, 8);
    const titles = await server.lensTitles(noteUri);
    const line = lineOf(note, `pushed \`${undeployed}\``);
    const title = titles.find((t) => t.line === line)?.title ?? '';
    assert.match(title, new RegExp(`✗ not in prediction-worker \\(deployed: ${demo.commits.v9Retrain.slice(0, 7)}, 3 commits behind\\)`), title);
    assert.doesNotMatch(title, /ran on older code/);
  });

  it('the lens on the feature-store fix names its stage and says it is not deployed, with no scorer results', async () => {
    const vegasFix = demo.commits.vegasSourceFix.slice(0, 8);
    const titles = await server.lensTitles(noteUri);
    const line = lineOf(note, `Fix \`${vegasFix}\``);
    const title = titles.find((t) => t.line === line)?.title ?? '';
    assert.match(title, new RegExp(`✗ not in feature-store-processor \\(deployed: ${demo.commits.usageSpikeFix.slice(0, 7)}, 1 commit behind\\)`), title);
    assert.doesNotMatch(title, /✓|%/);
    const hover = await server.hover(noteUri, positionOf(note, vegasFix, 3));
    assert.match(hover ?? '', /^✗ \*\*feature-store-processor\*\* \*\*not deployed\*\* — serving feature-store-processor-\d+-\w+ \(`[0-9a-f]{7}`\), 1 commit behind/m);
    assert.match(hover ?? '', /Results by build are not shown: feature-store-processor stamps tables\.featureStore/);
  });

  it('the hover on the fix is short: a line per stage, the runs on older code, the primary model first, and "More…" into the provenance panel', async () => {
    await server.hover(noteUri, positionOf(note, demo.commits.fix.slice(0, 8), 3));
    // The hover waits a bounded time for the warehouse: this is about what it shows once it has answered.
    for (;;) {
      const { workspaces } = await server.status();
      if (workspaces.every((w) => ['ready', 'failed'].includes(w.runs) && ['ready', 'failed'].includes(w.results))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const hover = await server.hover(noteUri, positionOf(note, demo.commits.fix.slice(0, 8), 3));
    assert.ok(hover);
    assert.match(hover, /populate vegas\/opponent\/ppm features 25-32/);
    assert.match(hover, /Dana Whitfield · committed 2026-01-30 03:17 UTC/);
    const lines = hover.split('\n').filter((l) => l.trim() !== '');
    // A hover that does not scroll: the tables belong to the panel.
    assert.ok(lines.length <= 14, `${lines.length} lines:\n${hover}`);
    assert.doesNotMatch(hover, /^\|/m, hover);
    assert.match(hover, /^✓ \*\*prediction-worker\*\* deployed 2026-01-30 19:10 UTC in prediction-worker-00069-wqf, \+15h53m after the commit {2}$/m);
    assert.match(hover, /^⚠ 1 backfill of prediction-worker ran on older code after the commit: 2026-01-30 07:41–08:37 UTC, game dates 2026-01-09 → 2026-01-28, 2,006 rows/m);
    const models = lines.filter((l) => /^\*\*[\w\\]+\*\* \d/.test(l));
    assert.ok(models.length >= 1 && models.length <= 3, hover);
    // The demo's settings name catboost_v8 the primary model: it leads.
    assert.match(models[0], /^\*\*catboost\\_v8\*\* 58\.5% \[43\.4, 72\.2\] n=41 · 50\.6% \[46\.8, 54\.4\] n=668 · \+/, hover);
    const more = /\[More… \\\(\d+ more models?\\\)\]\(command:pipelineLens\.showCommitProvenance\?([^)]+)\)/.exec(hover);
    assert.ok(more, hover);
    assert.equal((JSON.parse(decodeURIComponent(more[1])) as [{ sha: string }])[0].sha, demo.commits.fix);
    for (const command of ['showDiff', 'openTimeline', 'copySha', 'verifyService']) assert.match(hover, new RegExp(`\\(command:pipelineLens\\.${command}\\?`));
  });

  it("the hover's backfill line gives what the backfill superseded, with the figures of rerun-impact over its dates", async () => {
    let stdout = '';
    const code = await main(['--cwd', demo.root, 'rerun-impact', '--from', '2026-01-09', '--to', '2026-01-28', '--json'], {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
    });
    assert.equal(code, 0);
    const cli = JSON.parse(stdout) as {
      perModel: Array<{
        model: string;
        replacedRows: number;
        regenerated: number;
        deleted: number;
        hits: { n: number; old: { rate: number }; new: { rate: number }; change: { difference: number; low: number; high: number } };
      }>;
    };
    // The demo's backfill replaced rows of one model, so the hover's figures (pooled over models) are that model's.
    assert.equal(cli.perModel.length, 1);
    const [m] = cli.perModel;
    assert.equal(m.replacedRows, 2006);
    const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const count = (n: number) => n.toLocaleString('en-US');
    const expected =
      `↳ ${count(m.replacedRows)} rows of ${m.model.replace(/_/g, '\\_')} superseded: ${count(m.regenerated)} keys regenerated, ${count(m.deleted)} deleted without replacement; ` +
      `hit rate on the same keys ${pct(m.hits.old.rate)} → ${pct(m.hits.new.rate)}, change ${pts(m.hits.change.difference)} pts [${pts(m.hits.change.low)}, ${pts(m.hits.change.high)}] (paired, n=${count(m.hits.n)})  `;
    const fix = positionOf(note, demo.commits.fix.slice(0, 8), 3);
    // The hover waits a bounded time for its own query: a later hover has the figures.
    let hover = '';
    for (let attempt = 0; attempt < 100 && !/↳ [\d,]+ rows/.test(hover); attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 50));
      hover = (await server.hover(noteUri, fix)) ?? '';
    }
    const all = hover.split('\n');
    const backfill = all.findIndex((l) => l.startsWith('⚠ 1 backfill of prediction-worker ran on older code after the commit'));
    assert.ok(backfill >= 0, hover);
    assert.equal(all[backfill + 1], expected, hover);
    const lines = hover.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length <= 14, `${lines.length} lines:\n${hover}`);
  });

  it('the provenance panel "More…" opens has the tables: deployments, the gap runs and results by build with n and intervals', async () => {
    const { markdown } = await server.connection.sendRequest<CommitProvenanceResult>(CommitProvenanceRequest.method, { sha: demo.commits.fix, scope: noteUri });
    assert.match(markdown, /\| prediction-worker \| prediction-worker-00069-wqf \| 2026-01-30 19:10 UTC \| \+15h53m \|/);
    assert.match(markdown, /\| backfill \| 2026-01-30 07:41–08:37 UTC \| 2026-01-09 → 2026-01-28 \| 2,006 \|/);
    assert.match(markdown, /catboost\\_v8 \| .* \| 58\.5% \[43\.4, 72\.2\] n=41 .* \| 50\.6% \[46\.8, 54\.4\] n=668/);
  });

  it("hover on features[OFFSET(25)] names vegas_points_line from the demo's registry", async () => {
    const path = join(demo.root, 'sql/vegas_coverage.sql');
    const sql = await readFile(path, 'utf8');
    const uri = await server.open(path, 'sql');
    const hover = await server.hover(uri, positionOf(sql, 'COUNTIF(features[OFFSET(25)]', 'COUNTIF('.length + 2));
    assert.ok(hover);
    assert.match(hover, /\*\*vegas_points_line\*\* — feature index 25 of 33/);
  });

  it('diagnostics: an offset outside the array, a feature-store read without a date filter, DML', async () => {
    const sql = [
      'SELECT player_lookup, features[OFFSET(40)] AS oops',
      'FROM `nba_predictions.ml_feature_store_v2`',
      "WHERE feature_source_mode = 'backfill';",
      '',
      'UPDATE `nba_predictions.player_prop_predictions` SET is_active = FALSE',
      "WHERE game_date = '2026-01-09' AND system_id = 'catboost_v8';",
    ].join('\n');
    const uri = await server.open(join(demo.root, 'sql/scratch.sql'), 'sql', sql);
    const diagnostics = await server.diagnosticsFor(uri);
    const byCode = new Map(diagnostics.map((d) => [d.code, d]));
    const offset = byCode.get('feature-offset-out-of-range');
    assert.equal(offset?.severity, DiagnosticSeverity.Error);
    assert.match(messageOf(offset), /33 values/);
    const partition = byCode.get('partition-filter-missing');
    assert.equal(partition?.severity, DiagnosticSeverity.Warning);
    assert.match(messageOf(partition), /nba_predictions\.ml_feature_store_v2 is partitioned on game_date/);
    assert.equal(partition.range.start.line, 1);
    const dml = byCode.get('writes-tables');
    assert.equal(dml?.severity, DiagnosticSeverity.Information);
    assert.match(messageOf(dml), /UPDATE writes nba_predictions\.player_prop_predictions/);
  });

  it('the shipped SQL files of the demo are clean', async () => {
    for (const file of ['sql/vegas_coverage.sql', 'sql/hit_rate_by_build.sql', 'sql/grading_coverage.sql', 'sql/execution_log_window.sql']) {
      const uri = await server.open(join(demo.root, file), 'sql');
      const diagnostics = await server.diagnosticsFor(uri);
      assert.deepEqual(diagnostics.map(messageOf), [], file);
    }
  });

  it('completion offers the configured tables, their columns, and feature names that insert the offset', async () => {
    const sql = 'SELECT f.vegas FROM `nba_predictions.ml_feature_store_v2` AS f WHERE f.game_date = @d';
    const uri = await server.open(join(demo.root, 'sql/complete.sql'), 'sql', sql);
    const items = await server.completion(uri, positionOf(sql, 'vegas FROM', 5));
    const vegas = items.find((i) => i.label === 'vegas_points_line');
    assert.ok(vegas, items.map((i) => i.label).join(', '));
    assert.equal(vegas.kind, CompletionItemKind.Constant);
    assert.equal((vegas.textEdit as { newText: string }).newText, 'features[OFFSET(25)]');
    assert.ok(items.some((i) => i.label === 'game_date' && i.kind === CompletionItemKind.Field));

    const tablesSql = 'SELECT * FROM nba';
    const tablesUri = await server.open(join(demo.root, 'sql/complete2.sql'), 'sql', tablesSql);
    const tables = await server.completion(tablesUri, { line: 0, character: tablesSql.length });
    assert.ok(tables.some((i) => (i.textEdit as { newText: string }).newText === '`nba_predictions.player_prop_predictions`'));
    // Columns the config does not name come from the warehouse's schema.
    const schemaSql = 'SELECT  FROM `nba_predictions.player_prop_predictions`';
    const schemaUri = await server.open(join(demo.root, 'sql/complete3.sql'), 'sql', schemaSql);
    let columns: string[] = [];
    for (let attempt = 0; attempt < 20 && !columns.includes('recommendation'); attempt++) {
      columns = (await server.completion(schemaUri, { line: 0, character: 7 })).map((i) => String(i.label));
    }
    assert.ok(columns.includes('recommendation'), columns.join(', '));
  });

  it('serves the custom requests the UI will use: provenance, diff, tree, timeline, verify, findings', async () => {
    const c = server.connection;
    const provenance = await c.sendRequest<CommitProvenanceResult>(CommitProvenanceRequest.method, { sha: demo.commits.fix.slice(0, 8), scope: noteUri });
    assert.equal(provenance.provenance.commit?.sha, demo.commits.fix);
    assert.match(provenance.markdown, /# Commit 38ab3820|# Commit [0-9a-f]{8}/);
    assert.match(provenance.markdown, /Files changed/);

    const diff = await c.sendRequest<{ text: string }>(CommitDiffRequest.method, { sha: demo.commits.fix });
    assert.match(diff.text, /populate vegas\/opponent\/ppm features 25-32/);
    assert.match(diff.text, /^diff --git/m);

    const tree = await c.sendRequest<TreeResult>(TreeRequest.method, {});
    const v8 = tree.models.find((m) => m.model === 'catboost_v8')!;
    const preFix = v8.commits.find((x) => x.commit === demo.commits.preFixBuild)!;
    assert.equal(preFix.metrics.predictions, 2303);
    assert.equal(preFix.metrics.graded, 668);
    assert.ok(preFix.subject);
    assert.ok(preFix.dates.length > 5);

    const timeline = await c.sendRequest<TimelineResult>(TimelineRequest.method, { models: ['catboost_v8'] });
    assert.deepEqual(
      timeline.series.map((s) => s.model),
      ['catboost_v8'],
    );
    assert.ok(timeline.deployments.some((d) => d.revision === 'prediction-worker-00069-wqf' && d.commit === demo.commits.fix));
    assert.ok(timeline.runs.some((r) => r.mode === 'backfill' && r.startedAt.startsWith('2026-01-30T07:41')));

    const verify = await c.sendRequest<VerifyResult & VerdictText>(VerifyRequest.method, { service: 'prediction-worker' });
    assert.equal(verify.verdict, 'stale');
    assert.ok(verify.missing.some((m) => m.sha === demo.commits.undeployedWorker));
    // What the editor's output channel shows: the command line's text of the same verdict.
    assert.match(verify.text, /^✗ STALE: /);
    assert.ok(verify.text.includes(`    ${demo.commits.undeployedWorker.slice(0, 8)}  `), 'the missing commit listed');
    assert.match(verify.text, /Do not run a backfill until this says OK\.$/);

    const findings = await c.sendRequest<FindingsResult>(FindingsRequest.method, { scope: noteUri });
    assert.equal(findings.findings[0].kind, 'deployment-gap');
    assert.ok(findings.findings[0].subjects.commits?.includes(demo.commits.fix));
  });
});
