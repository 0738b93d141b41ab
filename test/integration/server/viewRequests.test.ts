import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import {
  DeploymentsRequest,
  FeatureCoverageRequest,
  FindingsRequest,
  OwningServicesRequest,
  ParameterTextRequest,
  PlanQueryRequest,
  RowSqlRequest,
  RunQueryRequest,
  StatementRangesRequest,
  TimelineRequest,
  TreeRequest,
  type DeploymentsResult,
  type FeatureCoverageResult,
  type FindingsResult,
  type ParameterTextReading,
  type PlanQueryResult,
  type RowSqlResult,
  type RunQueryResult,
  type TimelineResult,
  type TreeResult,
} from '../../../src/shared/protocol';
import { LspHarness } from './lspHarness';

/*
 * The requests behind the views, the timeline, the status bar and Run Query, asked of the
 * real server on the demo workspace as the extension asks them.
 */
describe('server requests behind the views and queries', () => {
  let dir: string;
  let demo: DemoManifest;
  let server: LspHarness;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-view-requests-'));
    demo = await generateDemo(join(dir, 'demo'));
    server = await LspHarness.start({ folders: [demo.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const ask = <R>(method: string, params: unknown) => server.connection.sendRequest<R>(method, params);

  it('tree: builds say which revision was built from them, and the thresholds come along', async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, {});
    const v8 = tree.models.find((m) => m.model === 'catboost_v8')!;
    const preFix = v8.commits.find((c) => c.commit === demo.commits.preFixBuild)!;
    assert.deepEqual(
      preFix.deployedAs.map((d) => [d.revision, d.serving]),
      [['prediction-worker-00067-tz9', false]],
    );
    assert.equal(tree.thresholds.hitRate, 0.55);
    assert.deepEqual(tree.skipped, []);
  });

  it('tree and findings: the default window is the days the predictions hold, not a range running to today', async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, {});
    const findings = await ask<FindingsResult>(FindingsRequest.method, {});
    // The demo's predictions run from November 2025 to Feb 2, 2026.
    assert.deepEqual(tree.window, { from: '2025-11-01', to: '2026-02-02' });
    assert.deepEqual(findings.window, tree.window);
  });

  it('tree: each build of a model shows the model file it ran and what the registry says of it', async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, {});
    const v9 = tree.models.find((m) => m.model === 'catboost_v9')!;
    const files = (sha: string) => v9.commits.find((c) => c.commit === sha)!.artifacts!.map((a) => [a.artifact!.split('/').pop(), a.registry?.registered, a.registry?.model]);
    assert.deepEqual(files(demo.commits.preFixBuild), [['model_20260105.cbm', false, 'catboost_v9']]);
    assert.deepEqual(files(demo.commits.v9Retrain), [['v9_feb_retrain_20260131.cbm', true, 'catboost_v9']]);
    const variant = tree.models.find((m) => m.model === 'catboost_v9_2026_02')!.commits[0].artifacts![0];
    assert.deepEqual([variant.artifact!.split('/').pop(), variant.rows, variant.registry?.registered, variant.registry?.metrics.mae], ['v9_20260124.cbm', 222, false, 5.08]);
  });

  it('timeline: the commits touching the service, the fix among them, and the feature registry', async () => {
    const t = await ask<TimelineResult>(TimelineRequest.method, {});
    const fix = t.commits.find((c) => c.sha === demo.commits.fix);
    assert.ok(fix, 'the fix is a marker');
    assert.deepEqual(fix.services, ['prediction-worker']);
    assert.ok(
      t.commits.every((c, i) => i === 0 || t.commits[i - 1].committedAt <= c.committedAt),
      'oldest first',
    );
    assert.ok(t.features.some((f) => f.index === 25 && f.name === 'vegas_points_line'));
  });

  it('feature coverage: vegas_points_line per date, all modes together, with intervals', async () => {
    const result = await ask<FeatureCoverageResult>(FeatureCoverageRequest.method, { features: [25], window: { from: '2026-01-01', to: '2026-01-07' } });
    assert.equal(result.series[0].name, 'vegas_points_line');
    assert.equal(result.series[0].days.length, 7);
    for (const d of result.series[0].days) assert.ok(d.coverage.n > 0 && d.coverage.low <= d.coverage.rate! && d.coverage.rate! <= d.coverage.high);
  });

  it('deployments: revisions newest first against HEAD, and the verdict the CLI gives', async () => {
    const result = await ask<DeploymentsResult>(DeploymentsRequest.method, {});
    assert.equal(result.head?.sha, demo.commits.undeployedWorker);
    const worker = result.services[0];
    assert.equal(worker.verification.verdict, 'stale');
    assert.deepEqual(
      worker.verification.missing.map((m) => m.sha),
      [demo.commits.undeployedWorker],
    );
    assert.equal(worker.verification.deployCommand, 'bin/deploy-prediction-worker.sh');
    // The view tells the commits' ages against the data's last day when the data is old.
    assert.equal(result.dataLastDay, '2026-02-02');
    assert.deepEqual(
      worker.revisions.map((r) => r.createdAt),
      [...worker.revisions.map((r) => r.createdAt)].sort().reverse(),
    );
    const serving = worker.revisions.filter((r) => r.serving);
    assert.deepEqual(
      serving.map((r) => [r.revision, r.behindHead, r.aheadOfHead]),
      [['prediction-worker-00072-5d8', 3, 0]],
    );
  });

  it('owning services: a worker file belongs to prediction-worker, a note to none', async () => {
    const owner = (path: string) => ask<{ services: string[] }>(OwningServicesRequest.method, { uri: pathToFileURL(join(demo.root, path)).href });
    assert.deepEqual((await owner('predictions/worker/worker.py')).services, ['prediction-worker']);
    assert.deepEqual((await owner('docs/handoffs/2026-02-02-prediction-regression.md')).services, []);
  });

  it('plan: names the parameters it lacks and asks the engine nothing until it has them', async () => {
    const sql = await readFile(join(demo.root, 'sql', 'hit_rate_by_build.sql'), 'utf8');
    const without = await ask<PlanQueryResult>(PlanQueryRequest.method, { sql });
    assert.deepEqual(without.missingParameters, ['start_date', 'end_date', 'system_id']);
    assert.equal(without.plan, null);
    const parameters = { start_date: { type: 'DATE', value: '2026-01-01' }, end_date: { type: 'DATE', value: '2026-02-02' }, system_id: { type: 'STRING', value: 'catboost_v8' } };
    const withThem = await ask<PlanQueryResult>(PlanQueryRequest.method, { sql, parameters });
    assert.equal(withThem.plan?.kind, 'query');
    const run = await ask<RunQueryResult>(RunQueryRequest.method, { sql, parameters, maxRows: 2 });
    assert.equal(run.rows.length, 2, 'cut at maxRows');
    assert.ok(run.totalRows > 2, 'and counted');
  });

  it('run: a write is refused on the embedded warehouse even when the client says it was confirmed', async () => {
    const sql = "DELETE FROM `nba_predictions.player_prop_predictions` WHERE game_date = DATE '2026-01-09'";
    await assert.rejects(ask(RunQueryRequest.method, { sql, writeConfirmed: true }), /read-only/);
  });

  it('plan: a write on the embedded warehouse carries its refusal, naming the SQL as the editor does, before anyone is asked to confirm', async () => {
    const sql = "DELETE FROM `nba_predictions.player_prop_predictions` WHERE game_date = DATE '2026-01-09'";
    const plan = await ask<PlanQueryResult>(PlanQueryRequest.method, { sql, subject: 'sql/cleanup.sql' });
    assert.equal(
      plan.refusal,
      'Refused: sql/cleanup.sql is a DELETE on nba_predictions.player_prop_predictions; the embedded warehouse is read-only and runs queries (SELECT / WITH) only, and nothing was executed.',
    );
    const query = await ask<PlanQueryResult>(PlanQueryRequest.method, { sql: 'SELECT 1' });
    assert.equal(query.refusal, null);
  });

  it('statement ranges: each statement of a SQL file, comments before it and the `;` left out, a `;` inside a string kept', async () => {
    const sql = "-- the first\nSELECT ';' AS x;\n\n/* then */ SELECT 2;\n";
    const ranges = await ask<Array<{ start: number; end: number }>>(StatementRangesRequest.method, { sql });
    assert.deepEqual(
      ranges.map((r) => sql.slice(r.start, r.end)),
      ["SELECT ';' AS x", 'SELECT 2'],
    );
  });

  it('parameter text: what a person types for @name reads by the rule of --param, and a date naming no day says so', async () => {
    const read = (text: string) => ask<ParameterTextReading>(ParameterTextRequest.method, { text });
    assert.deepEqual(await read('2026-01-09'), { type: 'DATE', value: '2026-01-09' });
    assert.deepEqual(await read('42'), { type: 'INT64', value: 42 });
    assert.deepEqual(await read('STRING:2026'), { type: 'STRING', value: '2026' });
    assert.deepEqual(await read('2026-02-30'), { problem: '"2026-02-30" is not a DATE (a calendar day, YYYY-MM-DD)' });
  });

  it("row SQL: the catalog query of a tree row, runnable as it is, gives the row's figures", async () => {
    const tree = await ask<TreeResult>(TreeRequest.method, {});
    const { sql } = await ask<RowSqlResult>(RowSqlRequest.method, { model: 'catboost_v8', commit: demo.commits.preFixBuild, window: tree.window });
    assert.doesNotMatch(sql, /@(from|to|models|commits)\b/, 'no parameters left');
    const run = await ask<RunQueryResult>(RunQueryRequest.method, { sql });
    const sum = (key: string) => run.rows.reduce((s, r) => s + Number(r[key]), 0);
    assert.deepEqual([sum('predictions'), sum('graded'), sum('correct')], [2303, 668, 338]);
  });
});
