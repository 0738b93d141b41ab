import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { investigate } from '../../../src/core/findings/investigate';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { Workspace } from '../../../src/core/workspace';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';

/*
 * A pipeline of another domain (electricity load forecasts per substation) whose tables and
 * columns share no name with the first pipeline, exported as CSV and NDJSON: the engine must
 * find its incident from config alone.
 */

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;

describe('a second domain, configured by names alone', () => {
  let fixture: GitFixture;
  let sha: Record<string, string>;
  let workspace: Workspace;

  before(async () => {
    fixture = await createGitFixture([
      { message: 'forecaster: gradient boosting v2', files: { 'forecaster/model.py': 'v2\n', 'README.md': 'grid\n' }, date: '2026-02-20T09:00:00Z' },
      { message: 'forecaster: read weather from new feed', files: { 'forecaster/weather.py': 'new feed\n' }, date: '2026-03-10T09:00:00Z' },
      { message: 'fix(forecaster): convert Fahrenheit to Celsius', files: { 'forecaster/weather.py': 'fixed\n' }, date: '2026-03-15T09:00:00Z' },
      { message: 'docs: on-call notes', files: { 'docs/oncall.md': 'notes\n' }, date: '2026-03-17T09:00:00Z' },
    ]);
    const [base, feed, fix, docs] = fixture.shas;
    sha = { base, feed, fix, docs };
    const root = fixture.root;
    await mkdir(join(root, 'data'));
    await copyFile(join(__dirname, '../../fixtures/energy/pipeline-lens.json'), join(root, 'pipeline-lens.json'));
    await writeFile(
      join(root, 'releases.ndjson'),
      [
        { service: 'load-forecaster', revision: 'rel-41', commit: base.slice(0, 12), createdAt: '2026-02-20T12:00:00Z', trafficPercent: 0 },
        { service: 'load-forecaster', revision: 'rel-42', commit: feed.slice(0, 12), createdAt: '2026-03-10T18:00:00Z', trafficPercent: 0 },
        { service: 'load-forecaster', revision: 'rel-43', commit: fix.slice(0, 12), createdAt: '2026-03-16T18:00:00Z', trafficPercent: 100 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );

    const random = rng(7);
    const forecasts = ['substation,forecast_day,forecaster,forecast_mw,contract_mw,code_version,release_name,issued_at'];
    const scores: string[] = [];
    const snapshots: string[] = [];
    const runs = ['job_id,git_rev,began,finished,target_day,rows_written,trigger,outcome'];
    for (let d = 1; d <= 20; d++) {
      const build = d <= 10 ? base : d <= 16 ? feed : fix;
      const release = d <= 10 ? 'rel-41' : d <= 16 ? 'rel-42' : 'rel-43';
      // Good on the first build, poor on the feed build, recovering after the fix.
      const hitChance = d <= 10 ? 0.8 : d <= 16 ? 0.4 : 0.75;
      for (const forecaster of ['gbm_v2', 'gbm_v2_b']) {
        for (let s = 1; s <= 30; s++) {
          const substation = `S${String(s).padStart(3, '0')}`;
          const contract = 100 + s;
          const forecast = contract + (random() < 0.5 ? -1 : 1) * (10 + random() * 60);
          const hit = random() < hitChance;
          const over = forecast > contract;
          const observed = hit === over ? contract + 5 + random() * 40 : contract - 5 - random() * 40;
          const graded = d <= 18; // the last two days are not scored yet
          forecasts.push([substation, day(d), forecaster, forecast.toFixed(2), contract, build.slice(0, 10), release, `${day(d)}T05:00:00Z`].join(','));
          scores.push(
            JSON.stringify({
              substation,
              forecast_day: day(d),
              forecaster,
              forecast_mw: Number(forecast.toFixed(2)),
              observed_mw: graded ? Number(observed.toFixed(2)) : null,
              contract_mw: contract,
              side_ok: graded ? hit : null,
              code_version: build.slice(0, 10),
            }),
          );
        }
      }
      for (let s = 1; s <= 30; s++) {
        const temperature = d >= 12 && s % 2 === 0 ? 0 : 5 + random() * 20; // coverage falls to 50% on the 12th
        const humidity = d >= 5 && d <= 9 ? 0 : 0.3 + random() * 0.6; // all zeros the 5th to the 9th
        snapshots.push(JSON.stringify({ substation: `S${String(s).padStart(3, '0')}`, snapshot_day: day(d), inputs: [temperature, humidity, 0, 200 + random() * 100], origin: 'scheduled' }));
      }
      runs.push([`job-${d}`, build.slice(0, 10), `${day(d)}T04:00:00Z`, `${day(d)}T04:20:00Z`, day(d), 60, 'scheduled', 'ok'].join(','));
    }
    // The rerun that regenerated the 11th-14th on the feed build, three hours after the fix was committed.
    for (let d = 11; d <= 14; d++) runs.push([`rerun-${d}`, feed.slice(0, 10), `2026-03-15T12:${String((d - 11) * 5).padStart(2, '0')}:00Z`, `2026-03-15T12:${String((d - 11) * 5 + 4).padStart(2, '0')}:00Z`, day(d), 60, 'rerun', 'ok'].join(','));
    await writeFile(join(root, 'data', 'load_forecasts.csv'), forecasts.join('\n') + '\n');
    await writeFile(join(root, 'data', 'forecast_scores.ndjson'), scores.join('\n') + '\n');
    await writeFile(join(root, 'data', 'feature_snapshots.ndjson'), snapshots.join('\n') + '\n');
    await writeFile(join(root, 'data', 'job_runs.csv'), runs.join('\n') + '\n');
    workspace = Workspace.open({ cwd: root, now: () => new Date('2026-03-21T00:00:00Z') });
  });

  after(async () => {
    await workspace?.close();
    await fixture?.cleanup();
  });

  it('puts the rerun on old code after the fix first, with its rows and the deployment delay', async () => {
    const result = await investigate(workspace);
    const first = result.findings[0];
    assert.equal(first.kind, 'deployment-gap');
    assert.equal(first.severity, 'critical');
    assert.match(first.title, new RegExp(`^Rerun of 2026-03-11\\.\\.2026-03-14 ran 12:00–12:19 on older build ${sha.feed.slice(0, 8)} \\(240 rows\\), 3h00m after fix ${sha.fix.slice(0, 8)}`));
    assert.match(first.title, /load-forecaster got it at 18:00, 1d9h after the commit/);
    assert.match(first.title, /300 rows in all from 2 run sessions on old code/, 'the rerun and the next scheduled run both ran on the feed build');
    assert.ok(first.evidence.some((e) => /rerun 2026-03-15 12:00 UTC–12:19 on build .* dates 2026-03-11\.\.2026-03-14, 240 rows in 4 runs/.test(e)), first.evidence.join('\n'));
  });

  it('finds the hit-rate shift with the feed build, the broken humidity input and the temperature coverage drop', async () => {
    const { findings } = await investigate(workspace);
    const kinds = findings.map((f) => f.kind);
    const shift = findings.find((f) => f.kind === 'metric-shift' && f.subjects.models?.includes('gbm_v2'));
    assert.ok(shift, kinds.join(', '));
    assert.match(shift.title, /gbm_v2 hit rate fell/);
    assert.ok(shift.subjects.commits?.includes(sha.feed));
    const zeros = findings.find((f) => f.kind === 'feature-zero-rate');
    assert.ok(zeros);
    assert.match(zeros.title, /humidity \(index 1\) was 100\.0% zeros in scheduled mode from 2026-03-05 to 2026-03-09/);
    const coverage = findings.find((f) => f.kind === 'feature-coverage-drop');
    assert.ok(coverage);
    assert.match(coverage.title, /temperature_c \(index 0\) coverage fell in scheduled mode from 100\.0% to 50\.0% on 2026-03-12/);
    const family = findings.find((f) => f.kind === 'model-family-overlap');
    assert.ok(family);
    assert.match(family.title, /gbm_v2, gbm_v2_b/);
    const grading = findings.find((f) => f.kind === 'grading-incomplete');
    assert.ok(grading, 'the last two days are ungraded');
  });

  it('traces the fix commit to its release, the gap and the results of the builds around it', async () => {
    const [p] = await commitProvenance(workspace, [sha.fix.slice(0, 7)]);
    assert.equal(p.resolution, 'found');
    const service = p.services[0];
    assert.equal(service.service, 'load-forecaster');
    assert.equal(service.status, 'deployed');
    assert.equal(service.firstDeployment!.revision, 'rel-43');
    assert.equal(service.firstDeployment!.delaySeconds, 33 * 3600);
    assert.equal(service.replaced!.revision, 'rel-42');
    assert.deepEqual(
      service.gapRuns.map((r) => [r.mode, r.firstDate, r.lastDate, r.rowsProduced]),
      [
        ['rerun', '2026-03-11', '2026-03-14', 240],
        ['scheduled', '2026-03-16', '2026-03-16', 60],
      ],
    );
    const gbm = p.models.find((m) => m.model === 'gbm_v2')!;
    assert.equal(gbm.containing.predictions, 4 * 30, 'days 17-20');
    assert.equal(gbm.containing.graded, 2 * 30, 'days 17-18 are graded');
    assert.equal(gbm.replaced.predictions, 6 * 30, 'days 11-16 by the feed build');
    assert.equal(gbm.replaced.hitRate.n, 180);
    assert.ok(gbm.replaced.hitRate.rate! < 0.55);
  });

  it('says an undeployed docs commit touches none of the service paths, and how far behind the service is', async () => {
    const [p] = await commitProvenance(workspace, [sha.docs]);
    assert.equal(p.services[0].touchesService, false);
    assert.equal(p.services[0].status, 'not-deployed');
    assert.equal(p.services[0].serving!.revision, 'rel-43');
    assert.equal(p.services[0].behindBy, 1);
  });

  it('breaks a model down by build through the CLI, with sample sizes and intervals', async () => {
    let out = '';
    const code = await main(['--cwd', fixture.root, 'metrics', '--model', 'gbm_v2', '--by', 'commit'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    assert.equal(code, 0, out);
    assert.match(out, /forecaster: read weather from new feed/);
    assert.match(out, /\d+\.\d% \[\d+\.\d, \d+\.\d\] n=180/);
  });
});
