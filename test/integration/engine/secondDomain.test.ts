import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { investigate } from '../../../src/core/findings/investigate';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { Workspace } from '../../../src/core/workspace';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * A pipeline of another domain (electricity load forecasts per substation) whose tables and
 * columns share no name with the first pipeline, exported as CSV and NDJSON: the engine must
 * find its incident from config alone (the data: test/fixtures/energy/energyPipeline.ts).
 */

describe('a second domain, configured by names alone', () => {
  let pipeline: EnergyPipeline;
  let sha: EnergyPipeline['sha'];
  let workspace: Workspace;

  before(async () => {
    pipeline = await createEnergyPipeline();
    sha = pipeline.sha;
    workspace = Workspace.open({ cwd: pipeline.root, now: () => new Date('2026-03-21T00:00:00Z') });
  });

  after(async () => {
    await workspace?.close();
    await pipeline?.cleanup();
  });

  it('puts the rerun on old code after the fix first, with its rows and the deployment delay', async () => {
    const result = await investigate(workspace);
    const first = result.findings[0];
    assert.equal(first.kind, 'deployment-gap');
    assert.equal(first.severity, 'critical');
    assert.match(
      first.title,
      new RegExp(`^Rerun of 2026-03-11\\.\\.2026-03-14 ran 12:00–12:19 on older build ${sha.feed.slice(0, 8)} \\(240 rows\\), 3h00m after fix ${sha.fix.slice(0, 8)}`),
    );
    assert.match(first.title, /load-forecaster got it at 18:00, 1d9h after the commit/);
    assert.match(first.title, /300 rows in all from 2 run sessions on old code/, 'the rerun and the next scheduled run both ran on the feed build');
    assert.ok(
      first.evidence.some((e) => /rerun 2026-03-15 12:00 UTC–12:19 on build .* dates 2026-03-11\.\.2026-03-14, 240 rows in 4 runs/.test(e)),
      first.evidence.join('\n'),
    );
  });

  it('tells the model files behind one forecaster id apart, against its registry, by the names in its config', async () => {
    const { findings } = await investigate(workspace);
    const changed = findings.find((f) => f.kind === 'model-artifact-changed');
    assert.ok(changed, findings.map((f) => f.title).join('\n'));
    assert.equal(changed.data.model, 'gbm_v2');
    const served = changed.data.artifacts as Array<{ artifact: string; firstDay: string; lastDay: string; rows: number; maeN: number }>;
    assert.deepEqual(
      served.map((a) => [a.artifact, a.firstDay, a.lastDay, a.rows, a.maeN]),
      [
        ['models/gbm_v2/2026-02.bin', '2026-03-01', '2026-03-10', 300, 300],
        ['models/gbm_v2/2026-03.bin', '2026-03-11', '2026-03-20', 300, 240],
      ],
    );
    const mismatch = findings.find((f) => f.kind === 'model-artifact-mismatch');
    assert.ok(mismatch);
    assert.match(mismatch.title, /^gbm_v2 served 2026-02\.bin, not the registered 2026-03\.bin: offline MAE 18\.20 vs 21\.50/);
    const never = findings.filter((f) => f.kind === 'model-never-served').map((f) => f.data.model);
    assert.deepEqual(never, ['gbm_v3']);
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
    const code = await main(['--cwd', pipeline.root, 'metrics', '--model', 'gbm_v2', '--by', 'commit'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    assert.equal(code, 0, out);
    assert.match(out, /forecaster: read weather from new feed/);
    assert.match(out, /\d+\.\d% \[\d+\.\d, \d+\.\d\] n=180/);
  });
});
