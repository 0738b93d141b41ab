import assert from 'node:assert/strict';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { main } from '../../../src/cli/main';
import { noteChartFigures } from '../../fixtures/noteChartFigures';
import { findAll, hasClass, parseXml } from '../../fixtures/xmlTree';

/*
 * The engine issue's acceptance, checked the way a new user meets it: the CLI on a freshly
 * generated demo workspace.
 */

describe('the CLI on the demo workspace', () => {
  let parent: string;
  let demo: DemoManifest;
  let deploymentsFile: string;
  let deployments: string;

  const run = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', demo.root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };
  const pts = (rate: number, recorded: number) => Math.abs(rate * 100 - recorded);

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-demo-cli-'));
    demo = await generateDemo(join(parent, 'demo'));
    deploymentsFile = join(demo.root, 'deployments', 'prediction-worker.json');
    deployments = await readFile(deploymentsFile, 'utf8');
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('puts the deployment gap first: fix 03:17, backfill 07:41-08:37 of Jan 9-28 on the old build, deployed 19:10, 15h53m later, with its rows', async () => {
    const r = await run('investigate');
    assert.equal(r.code, 0, r.stderr);
    const first = r.stdout.split('\n').find((l) => /^1\. /.test(l))!;
    assert.match(first, /\[critical\]/);
    assert.match(first, /Backfill of 2026-01-09\.\.2026-01-28 ran 07:41–08:37 on older build/);
    assert.match(first, new RegExp(`older build ${demo.commits.preFixBuild.slice(0, 8)} \\(2,006 rows\\)`));
    assert.match(first, new RegExp(`fix ${demo.commits.fix.slice(0, 8)} \\(2026-01-30 03:17 UTC\\)`));
    assert.match(first, /got it at 19:10, 15h53m after the commit/);

    const json = JSON.parse((await run('investigate', '--json')).stdout);
    const gap = json.findings[0];
    assert.equal(gap.kind, 'deployment-gap');
    assert.equal(gap.data.deployment.delaySeconds, 15 * 3600 + 53 * 60);
    assert.equal(gap.data.gapRuns[0].mode, 'backfill');
    assert.equal(gap.data.gapRuns[0].startedAt.slice(11, 16), '07:41');
    assert.equal(gap.data.gapRuns[0].endedAt.slice(11, 16), '08:37');
  });

  it("ranks the feature-store processor's gap: its Vegas fix never deployed, the Feb 1-2 backfill-mode rows written on the build before it", async () => {
    const json = JSON.parse((await run('investigate', '--json')).stdout);
    const index = json.findings.findIndex(
      (f: { kind: string; subjects: { services?: string[] } }) => f.kind === 'deployment-gap' && f.subjects.services?.includes('feature-store-processor'),
    );
    assert.ok(index >= 0 && index < 3, `ranked ${index + 1}: ${json.findings.map((f: { title: string }) => f.title).join('\n')}`);
    const gap = json.findings[index];
    assert.equal(gap.severity, 'critical');
    assert.equal(gap.data.commit.sha, demo.commits.vegasSourceFix);
    assert.equal(gap.data.deployment, null);
    assert.deepEqual(gap.subjects.dates, ['2026-02-01', '2026-02-02']);
    assert.equal(gap.data.rowsOnOldCode, 922);
    assert.ok(gap.subjects.commits.includes(demo.commits.usageSpikeFix), 'the rows carry the build deployed before the fix');
    assert.match(gap.title, /feature-store-processor still lacks it/);
  });

  it('says a commit outside every stage touches no configured stage, and places the processor fix against its own stage', async () => {
    const docs = await run('commit', demo.commits.docsOnly);
    assert.equal(docs.code, 0, docs.stderr);
    assert.match(docs.stdout, /○ touches no configured stage/);
    assert.doesNotMatch(docs.stdout, /✓/);
    const fix = await run('commit', demo.commits.vegasSourceFix);
    assert.match(
      fix.stdout,
      new RegExp(`✗ feature-store-processor: not deployed; serving feature-store-processor-00038-f6j \\(${demo.commits.usageSpikeFix.slice(0, 8)}\\), 1 commit\\(s\\) behind`),
    );
    assert.match(fix.stdout, /Results by build are not shown: feature-store-processor stamps tables\.featureStore/);
  });

  it('makes the three-V9s confusion a finding with both artifacts and both offline MAEs, and the served figures with n', async () => {
    const r = await run('investigate');
    assert.equal(r.code, 0, r.stderr);
    const title = r.stdout.split('\n').find((l) => /served v9_20260124\.cbm/.test(l));
    assert.ok(title, r.stdout);
    assert.match(
      title,
      /\[high\] catboost_v9_2026_02 \(an artifact of catboost_v9\) served v9_20260124\.cbm, not the registered v9_feb_retrain_20260131\.cbm: offline MAE 5\.08 vs 4\.12/,
    );

    const json = JSON.parse((await run('investigate', '--json')).stdout);
    const mismatch = json.findings.find((f: { kind: string }) => f.kind === 'model-artifact-mismatch');
    assert.equal(mismatch.data.model, 'catboost_v9_2026_02');
    assert.equal(mismatch.data.served.artifact, 'gs://courtside-models/catboost_v9/v9_20260124.cbm');
    assert.equal(mismatch.data.served.registry.metrics.mae, 5.08);
    assert.equal(mismatch.data.registered.artifact, 'gs://courtside-models/catboost_v9/v9_feb_retrain_20260131.cbm');
    assert.equal(mismatch.data.registered.metrics.mae, 4.12);
    assert.deepEqual([mismatch.data.served.rows, mismatch.data.served.graded, mismatch.data.served.firstDay, mismatch.data.served.lastDay], [222, 0, '2026-02-01', '2026-02-02']);

    // The id catboost_v9 itself changed files on Feb 2: the January model, then V9_FEB_RETRAIN.
    const changed = json.findings.find((f: { kind: string; data: { model: string } }) => f.kind === 'model-artifact-changed' && f.data.model === 'catboost_v9');
    const files = changed.data.artifacts.map((a: { artifact: string; firstDay: string; rows: number; maeN: number; mae: number | null }) => [
      a.artifact.split('/').pop(),
      a.firstDay,
      a.rows,
      a.maeN > 0,
    ]);
    assert.deepEqual(files, [
      ['model_20260105.cbm', '2026-01-09', 2482, true],
      ['v9_feb_retrain_20260131.cbm', '2026-02-02', 177, false],
    ]);
    assert.ok(changed.data.artifacts[0].mae > 0, 'the served MAE of the January file comes from its graded rows');

    const never = json.findings.filter((f: { kind: string }) => f.kind === 'model-never-served').map((f: { data: { model: string } }) => f.data.model);
    assert.deepEqual(never, ['catboost_v10']);
  });

  it('defaults the report window to the days the predictions table holds, not to today', async () => {
    const r = await run('investigate', '--json');
    assert.equal(r.code, 0, r.stderr);
    const { window } = JSON.parse(r.stdout);
    // The demo's predictions run from November 2025 to the day the retrain landed (Feb 2).
    assert.deepEqual(window, { from: '2025-11-01', to: '2026-02-02' });
    assert.equal(r.stderr, '', 'a window read from the data needs no note');
    const named = JSON.parse((await run('investigate', '--json', '--from', '2026-01-01')).stdout);
    assert.deepEqual(named.window, { from: '2026-01-01', to: '2026-02-02' });
    // A --from past the data's last day is not reversed: the window runs on to today, and
    // the empty window is named as such.
    const later = await run('investigate', '--json', '--from', '2026-03-01');
    assert.equal(later.code, 2);
    const [, from, to] = /between (\d{4}-\d{2}-\d{2}) and (\d{4}-\d{2}-\d{2})/.exec(later.stderr) ?? [];
    assert.equal(from, '2026-03-01', later.stderr);
    assert.ok(to >= from, later.stderr);
  });

  it('investigate --markdown prints the handoff report: every finding in full, headlines within 80 characters, whole SHAs, open items', async () => {
    const json = JSON.parse((await run('investigate', '--json')).stdout);
    const r = await run('investigate', '--markdown');
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^# Investigation of \d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}\n/);
    assert.match(md, /config .*pipeline-lens\.json · warehouse embedded DuckDB/);
    // The full sentence of every finding is there, as written once markdown's escapes are read.
    const unescaped = md.replace(/\\(.)/g, '$1');
    for (const f of json.findings as Array<{ title: string; evidence: string[] }>) {
      assert.ok(unescaped.includes(f.title), `the full title of: ${f.title}`);
      for (const e of f.evidence) assert.ok(unescaped.includes(e), `evidence: ${e}`);
    }
    const headings = md.split('\n').filter((l) => /^### \d+\. \[/.test(l));
    assert.equal(headings.length, json.findings.length);
    for (const h of headings) assert.ok(h.replace(/^### \d+\. \[\w+\] /, '').replace(/\\/g, '').length <= 80, h);
    // Whole SHAs, so the editor's lenses annotate the note.
    assert.ok(md.includes(`\`${demo.commits.fix}\``), 'the fix SHA, whole');
    assert.match(md, /## Open items\n\n- \[ \] Backfill of 2026-01-09\.\.2026-01-28 ran 07:41–08:37 on older build/);
    assert.ok(!md.includes('command:'), 'no editor links in a document meant for a file');
    assert.ok(md.includes('catboost_v8 hit rate fell'), 'identifiers read as written');

    const both = await run('investigate', '--markdown', '--json');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--json and --markdown both choose the output; give one/);
  });

  it("investigate --markdown --output writes the note and its chart beside it, the chart's points the note's figures, and replaces neither unasked", async () => {
    const note = join(parent, 'notes', 'handoff.md');
    const svgFile = join(parent, 'notes', 'handoff.svg');
    const r = await run('investigate', '--markdown', '--output', note);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Wrote .*handoff\.md and .*handoff\.svg\.\n$/);
    const md = await readFile(note, 'utf8');
    assert.match(md, /^## Hit rate by game date\n\n!\[Hit rate per game date of catboost_v8, [^\]]+\]\(\.\/handoff\.svg\)$/m);
    const svgText = await readFile(svgFile, 'utf8');
    const svg = parseXml(svgText);
    assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
    const { drawn, tabled } = noteChartFigures(svg, md);
    assert.ok(drawn.length > 30, `a point per graded day (${drawn.length})`);
    assert.deepEqual(drawn, tabled, "the chart's points are the note's figures");
    // The deployment of the fix and the backfill are on it.
    assert.ok(findAll(svg, hasClass('deployment')).some((m) => m.text.includes(`from ${demo.commits.fix.slice(0, 8)}`)));
    assert.ok(findAll(svg, hasClass('backfill')).some((m) => m.text.includes('2026-01-09..2026-01-28')));

    // Both exist now: without a terminal to ask, nothing is replaced.
    await writeFile(note, 'kept\n');
    const again = await run('investigate', '--markdown', '--output', note);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /handoff\.md and .*handoff\.svg already exist and there is no terminal to confirm replacing them; nothing was written\. Give another --output/);
    assert.equal(await readFile(note, 'utf8'), 'kept\n');
    // A person who answers anything but yes keeps them too; yes replaces both.
    const asked: string[] = [];
    const withAnswer = (answer: boolean) =>
      main(['--cwd', demo.root, 'investigate', '--markdown', '--output', note], { stdout: () => {}, stderr: () => {}, confirm: async (q) => (asked.push(q), answer) });
    assert.equal(await withAnswer(false), 2);
    assert.equal(await readFile(note, 'utf8'), 'kept\n');
    assert.equal(await withAnswer(true), 0);
    assert.match(asked[0], /handoff\.md and .*handoff\.svg already exist\. Type yes to replace them: $/);
    assert.match(await readFile(note, 'utf8'), /^# Investigation of /);
  });

  it('investigate --markdown printed keeps the figures and says where the chart would go; --output needs --markdown and a .md name', async () => {
    const r = await run('investigate', '--markdown');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /## Hit rate by game date\n\n_The hit-rate chart is written only beside a note in a file: with --output docs\/handoffs\/\\<date\\>-\\<title\\>\.md it goes to/,
    );
    assert.match(r.stdout, /\| model \| game date \| hit rate \| n \(graded\) \| 95% interval \| predictions \|\n\|---/);
    assert.match(r.stdout, /^\| catboost_v8 \| 2026-01-20 \| [\d.]+% \| \d+ \| \[[\d.]+, [\d.]+\] \| \d+ \|$/m);
    const bare = await run('investigate', '--output', join(parent, 'x.md'));
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--output writes the handoff note: give --markdown with it/);
    const txt = await run('investigate', '--markdown', '--output', join(parent, 'x.txt'));
    assert.equal(txt.code, 2);
    assert.match(txt.stderr, /a handoff note is markdown; end the name with \.md/);
  });

  it('never ranks the Vegas coverage, higher in the bad period, as the cause of the drop', async () => {
    const json = JSON.parse((await run('investigate', '--json')).stdout);
    const shift = json.findings.find((f: { kind: string; subjects: { models?: string[] } }) => f.kind === 'metric-shift' && f.subjects.models?.includes('catboost_v8'));
    assert.ok(shift);
    assert.ok(
      shift.evidence.some((e: string) => /^vegas_points_line coverage .*higher in the worse period, so it does not explain the drop/.test(e)),
      shift.evidence.join('\n'),
    );
    assert.ok(!shift.data.candidateCauses.some((c: string) => c.startsWith('vegas_points_line')));
  });

  it('names the defaults the regressed build ran with as causes, from its own rows, and dismisses nothing by the calendar', async () => {
    const json = JSON.parse((await run('investigate', '--json')).stdout);
    const shift = json.findings.find((f: { kind: string; subjects: { models?: string[] } }) => f.kind === 'metric-shift' && f.subjects.models?.includes('catboost_v8'));
    const causes = shift.data.causes as Array<{ source: string; input: string; kind: string; worse: { share: number }; frozenAt: number | null }>;
    const recorded = (input: string) => causes.find((c) => c.source === 'snapshot' && c.input === `critical_features.${input}`);
    assert.equal(recorded('has_vegas_line')?.kind, 'empty');
    assert.equal(recorded('has_vegas_line')?.worse.share, 1, 'every row of the pre-fix build ran without a line');
    assert.equal(recorded('ppm_avg_last_10')?.kind, 'frozen');
    assert.equal(recorded('ppm_avg_last_10')?.frozenAt, 0.4, 'the default of the record');
    assert.ok(!recorded('team_win_pct'), 'an input the worker did fill is no cause');
    assert.ok(shift.data.inputsChecked.includes(`build ${demo.commits.preFixBuild.slice(0, 8)}`), shift.data.inputsChecked);
    for (const f of json.findings) for (const e of f.evidence) assert.doesNotMatch(e, /cannot have caused/);
  });

  it('gives the fix commit its deployment, delay, gap run and per-model results within 1.5 points of the record', async () => {
    const r = await run('commit', demo.commits.fix.slice(0, 8), '--json');
    assert.equal(r.code, 0, r.stderr);
    const [p] = JSON.parse(r.stdout).commits;
    assert.equal(p.commit.committedAt, '2026-01-30T03:17:00.000Z');
    const worker = p.services.find((s: { service: string }) => s.service === 'prediction-worker');
    assert.equal(worker.status, 'deployed');
    assert.equal(worker.firstDeployment.createdAt, '2026-01-30T19:10:00.000Z');
    assert.equal(worker.firstDeployment.delaySeconds, 57180);
    const backfill = worker.gapRuns.find((g: { mode: string }) => g.mode === 'backfill');
    assert.equal(backfill.firstDate, '2026-01-09');
    assert.equal(backfill.lastDate, '2026-01-28');
    assert.ok(backfill.rowsProduced > 0);

    const v8 = p.models.find((m: { model: string }) => m.model === 'catboost_v8');
    // after the fix: 559 predictions, 41 graded, 58.5%; before: 2,303, 668, 50.6%
    assert.ok(Math.abs(v8.containing.predictions - 559) <= 559 * 0.03, String(v8.containing.predictions));
    assert.ok(Math.abs(v8.containing.graded - 41) <= 2, String(v8.containing.graded));
    assert.ok(pts(v8.containing.hitRate.rate, 58.5) <= 1.5, String(v8.containing.hitRate.rate));
    assert.ok(v8.containing.hitRate.low > 0.3 && v8.containing.hitRate.high < 0.8, 'an interval, wide at n=41');
    assert.ok(Math.abs(v8.replaced.predictions - 2303) <= 2303 * 0.03);
    assert.ok(Math.abs(v8.replaced.graded - 668) <= 20);
    assert.ok(pts(v8.replaced.hitRate.rate, 50.6) <= 1.5);
    assert.equal(v8.replaced.commit, demo.commits.preFixBuild);
    assert.equal(v8.hitRateChange.significant, false, '41 graded rows cannot establish the improvement');

    const human = await run('commit', demo.commits.fix.slice(0, 8));
    assert.match(human.stdout, /✓ prediction-worker: first in \S+ at 2026-01-30 19:10 UTC \(\+15h53m after the commit\)/);
    assert.match(human.stdout, /catboost_v8 +58\.5% \[43\.4, 72\.2\] n=41/);
  });

  it('reproduces catboost_v8 Jan 1-7 against Jan 9-28 within 1.5 points', async () => {
    const period = async (from: string, to: string) => {
      const r = await run('metrics', '--model', 'catboost_v8', '--by', 'period', '--split-at', '2026-01-09', '--from', from, '--to', to, '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const before = (await period('2026-01-01', '2026-01-07')).rows.find((x: { key: string }) => x.key === 'before').metrics;
    const whole = await period('2026-01-01', '2026-01-28');
    const after = whole.rows.find((x: { key: string }) => x.key === 'after').metrics;
    assert.ok(pts(before.hitRate.rate, 66.1) <= 1.5, String(before.hitRate.rate));
    assert.ok(pts(after.hitRate.rate, 50.4) <= 1.5, String(after.hitRate.rate));
    assert.ok(Math.abs(before.mae - 4.3) <= 0.15 && Math.abs(after.mae - 5.8) <= 0.15);
    assert.ok(Math.abs(before.stdError - 5.6) <= 0.15 && Math.abs(after.stdError - 7.4) <= 0.15);
    assert.ok(pts(before.directionAccuracy.rate, 66) <= 1.5 && pts(after.directionAccuracy.rate, 51) <= 1.5);
    assert.ok(pts(before.highEdgeHitRate.rate, 76.6) <= 1.5 && pts(after.highEdgeHitRate.rate, 50.9) <= 1.5);
    assert.equal(whole.comparison.hitRate.significant, true);
    assert.ok(whole.comparison.hitRate.high < 0);
  });

  it('refuses the backfill: verify exits 1 and lists the undeployed worker commit', async () => {
    const r = await run('verify', '--service', 'prediction-worker');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /STALE/);
    assert.match(r.stdout, new RegExp(demo.commits.undeployedWorker.slice(0, 8)));
    assert.match(r.stdout, /bin\/deploy-prediction-worker\.sh/);
  });

  it('allows it against a target whose extra commits touch no worker path', async () => {
    const r = await run('verify', '--service', 'prediction-worker', '--target', demo.commits.docsOnly);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /unrelated commit/);
  });

  it('exits 2 when the deployment source is unreadable or the deployed commit is missing from history', async () => {
    try {
      await rm(deploymentsFile);
      const unreadable = await run('verify', '--service', 'prediction-worker');
      assert.equal(unreadable.code, 2);
      assert.match(unreadable.stdout, /UNKNOWN.*Cannot read the deployment history/);

      await writeFile(deploymentsFile, deployments.replaceAll(demo.commits.v9Retrain, 'feedfacefeedfacefeedfacefeedfacefeedface'));
      const missing = await run('verify', '--service', 'prediction-worker', '--json');
      assert.equal(missing.code, 2);
      const body = JSON.parse(missing.stdout);
      assert.equal(body.verdict, 'unknown');
      assert.match(body.reason, /feedface.* is not in local history/);
    } finally {
      await writeFile(deploymentsFile, deployments);
    }
  });

  it('says what is wrong, in one line with exit 2, for an unknown SHA, a bad date, a missing model and a missing data file', async () => {
    const unknown = await run('commit', 'abcdef1234');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stdout, /abcdef1234 is not a commit of this repository/);
    const notHex = await run('commit', 'HEAD~1');
    assert.equal(notHex.code, 2);
    assert.match(notHex.stderr, /"HEAD~1" is not a commit SHA/);
    const badDate = await run('investigate', '--from', '2026-13-40');
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--from 2026-13-40 is not a date; use YYYY-MM-DD/);
    const model = await run('metrics', '--model', 'catboost_v99');
    assert.equal(model.code, 2);
    assert.match(model.stderr, /No predictions of model "catboost_v99"/);
    const empty = await run('investigate', '--from', '2024-01-01', '--to', '2024-01-31');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /No predictions in nba_predictions\.player_prop_predictions .* between 2024-01-01 and 2024-01-31/);
    for (const r of [notHex, badDate, model, empty]) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('names the missing data file and the config key that points at it, exit 2', async () => {
    const file = join(demo.root, 'data', 'prediction_accuracy.parquet');
    await rename(file, `${file}.moved`);
    try {
      const r = await run('investigate');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /prediction_accuracy\.parquet/);
      assert.match(r.stderr, /warehouse\.files\["nba_predictions\.prediction_accuracy"\]/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    } finally {
      await rename(`${file}.moved`, file);
    }
  });

  it('runs a read-only query and refuses a write without running it', async () => {
    const select = join(parent, 'select.sql');
    await writeFile(select, 'SELECT system_id, COUNT(*) AS n FROM `nba_predictions.player_prop_predictions` WHERE game_date = @d GROUP BY 1 ORDER BY 1');
    const ok = await run('query', select, '--param', 'd:DATE=2026-01-30', '--json');
    assert.equal(ok.code, 0, ok.stderr);
    const rows = JSON.parse(ok.stdout).rows;
    assert.ok(rows.some((row: { system_id: string }) => row.system_id === 'catboost_v8'));
    const write = join(parent, 'write.sql');
    await writeFile(write, "UPDATE `nba_predictions.player_prop_predictions` SET is_active = FALSE WHERE game_date = '2026-01-09'");
    const refused = await run('query', write);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Refused: .* UPDATE on nba_predictions\.player_prop_predictions; .*nothing was executed/);
  });
});
