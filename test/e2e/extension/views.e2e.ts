import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { StartedApi } from '../../../src/extension/api';
import type { DeploymentsNode } from '../../../src/extension/views/deploymentsTree';
import type { FindingsNode } from '../../../src/extension/views/findingsTree';
import type { ModelsNode } from '../../../src/extension/views/modelsTree';
import { PRE_FIX_SHA, startedApi } from './pipelineLensApi';
import { demoFolder, FIX_SHA } from './support';

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

describe('The Pipeline Lens views, populated from the demo', function () {
  let api: StartedApi;
  let head: string;

  before(async function () {
    api = await startedApi();
    head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: demoFolder().fsPath, encoding: 'utf8' }).trim();
  });

  it('Models: catboost_v8 with its builds, each with hit rate, interval, n, MAE, grading and deployment', async () => {
    const models = await api.views.models.getChildren();
    const names = models.map((n) => (n.kind === 'model' ? n.model.model : n.kind));
    assert.ok(names.includes('catboost_v8'), `models: ${names.join(', ')}`);
    const v8 = models.find((n): n is Extract<ModelsNode, { kind: 'model' }> => n.kind === 'model' && n.model.model === 'catboost_v8')!;

    const builds = await api.views.models.getChildren(v8);
    const items = builds.map((b) => api.views.models.getTreeItem(b));
    const preFix = items.find((i) => label(i).startsWith(PRE_FIX_SHA));
    assert.ok(preFix, `a build ${PRE_FIX_SHA}: ${items.map(label).join(' | ')}`);
    // The record: before the fix, 2,303 predictions, 668 graded, 50.6%.
    // The label holds the name and the one number that matters; interval and n lead the description.
    assert.equal(label(preFix), `${PRE_FIX_SHA.slice(0, 8)} 50.6%`);
    assert.match(String(preFix.description), /^\[46\.8, 54\.4\] n=668 · MAE 5\.80 · graded 29% · .*deployed prediction-worker-00067-tz9/);
    for (const item of items) assert.ok(label(item).length <= 40, `a short label: ${label(item)}`);
    assert.ok(label(api.views.models.getTreeItem(v8)).length <= 40, label(api.views.models.getTreeItem(v8)));
    assert.ok(
      items.some((i) => label(i).startsWith(FIX_SHA)),
      'the fix build is listed',
    );
    // Coloured by the thresholds: 50.6% is below the 55% hit-rate threshold.
    assert.equal((preFix.iconPath as vscode.ThemeIcon).color?.id, 'charts.red');

    const preFixNode = builds[items.indexOf(preFix)];
    const children = await api.views.models.getChildren(preFixNode);
    // The model file the build ran comes first, then its game dates.
    const artifact = children.find((n) => n.kind === 'artifact');
    assert.ok(artifact, 'the build shows the model file it ran');
    assert.match(label(api.views.models.getTreeItem(artifact)), /^model file \S+\.cbm$/);
    const dates = children.filter((n) => n.kind === 'date');
    assert.ok(dates.length >= 20, `the pre-fix build has its game dates (${dates.length})`);
    assert.match(label(api.views.models.getTreeItem(dates[0])), /^2026-01-\d\d \d+\.\d%$/);
  });

  it('Models: the SQL behind a row reproduces the row', async () => {
    const v8 = (await api.views.models.getChildren()).find((n) => n.kind === 'model' && n.model.model === 'catboost_v8')!;
    const build = (await api.views.models.getChildren(v8)).find((n) => n.kind === 'build' && n.build.commit.startsWith(PRE_FIX_SHA))!;
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('pipelineLens.openRowSql', build);
    assert.equal(document.languageId, 'bqsql');
    assert.ok(document.isUntitled, 'an editable untitled query');
    const result = await vscode.commands.executeCommand<{ rows: Array<Record<string, unknown>> }>('pipelineLens.runQuery', { sql: document.getText(), title: 'row' });
    const predictions = result.rows.reduce((sum, r) => sum + Number(r.predictions), 0);
    const graded = result.rows.reduce((sum, r) => sum + Number(r.graded), 0);
    assert.deepEqual([predictions, graded], [2303, 668]);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Models: a build against the one before it, with the change and its interval', async () => {
    const v8 = (await api.views.models.getChildren()).find((n) => n.kind === 'model' && n.model.model === 'catboost_v8')!;
    const build = (await api.views.models.getChildren(v8)).find((n) => n.kind === 'build' && n.build.commit.startsWith(PRE_FIX_SHA))!;
    const markdown = await vscode.commands.executeCommand<string>('pipelineLens.compareWithPreviousBuild', build);
    assert.match(markdown, /Hit rate change:\*\* -14\.8 pts \[-19\.4, -10\.2\]/);
    // Rendered, not shown as markdown source.
    const rendered = api.report()?.rendered();
    assert.match(rendered?.html ?? '', /<strong>Hit rate change:<\/strong> -14\.8 pts \[-19\.4, -10\.2\]/);
    api.report()!.dispose();
  });

  it('Findings: the deployment gap ranks first, with its evidence and a jump to the fix', async () => {
    const findings = await api.views.findings.getChildren();
    const first = findings[0] as Extract<FindingsNode, { kind: 'finding' }>;
    assert.equal(first.kind, 'finding');
    assert.equal(first.finding.kind, 'deployment-gap');
    assert.match(label(api.views.findings.getTreeItem(first)), /Backfill of 2026-01-09\.\.2026-01-28 ran 07:41–08:37 on older build/);
    // Titles fit 80 characters; the full sentence is in the tooltip (and the report).
    for (const node of findings) {
      const item = api.views.findings.getTreeItem(node);
      assert.ok(label(item).length <= (node.kind === 'finding' ? 80 : 40), `a short label: ${label(item)}`);
      if (node.kind === 'finding')
        assert.ok(
          (item.tooltip as vscode.MarkdownString).value
            .replace(/&nbsp;/g, ' ')
            .replace(/\\(.)/g, '$1')
            .includes(node.finding.title),
          'the full title in the tooltip',
        );
    }
    const children = await api.views.findings.getChildren(first);
    for (const c of children) assert.ok(label(api.views.findings.getTreeItem(c)).length <= 40, `a short label: ${label(api.views.findings.getTreeItem(c))}`);
    assert.ok(
      children.some((c) => c.kind === 'evidence' && /15h53m after the commit/.test(c.text)),
      'evidence with the delay',
    );
    const commit = children.find((c) => c.kind === 'subject' && api.views.findings.getTreeItem(c).command?.command === 'pipelineLens.showCommitProvenance');
    assert.ok(commit, 'a row jumping to the commit');
    assert.ok(label(api.views.findings.getTreeItem(commit)).includes(FIX_SHA));
  });

  it('Deployments: prediction-worker is stale, lacking HEAD, with its revisions newest first', async () => {
    const services = await api.views.deployments.getChildren();
    const worker = services.find((s): s is Extract<DeploymentsNode, { kind: 'service' }> => s.kind === 'service' && s.service.service === 'prediction-worker')!;
    assert.ok(worker, 'the prediction-worker service');
    assert.equal(api.views.deployments.getTreeItem(worker).description, '1 commit not deployed');
    const children = await api.views.deployments.getChildren(worker);
    const undeployed = children.find((c) => c.kind === 'undeployed')!;
    const missing = await api.views.deployments.getChildren(undeployed);
    assert.deepEqual(
      missing.map((m) => (m.kind === 'missing' ? m.commit.sha : '')),
      [head],
    );
    const revisions = children.filter((c): c is Extract<DeploymentsNode, { kind: 'revision' }> => c.kind === 'revision');
    assert.equal(revisions[0].revision.revision, 'prediction-worker-00072-5d8', 'newest first');
    assert.equal(revisions[0].revision.serving, true);
    assert.equal(revisions[0].revision.behindHead, 3);
    assert.match(String(api.views.deployments.getTreeItem(revisions[0]).description), /100% traffic · 3 behind HEAD/);
    assert.ok(revisions.some((r) => r.revision.revision === 'prediction-worker-00069-wqf' && r.revision.commit?.startsWith(FIX_SHA)));
  });
});
