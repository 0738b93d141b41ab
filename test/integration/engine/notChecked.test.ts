import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { join } from 'node:path';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { energyDatabase, energyPipelinesOfFile, onBigQuery, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * A detector that cannot run never sinks the report, and what the sources do not hold is
 * never printed as 0. Each case is the second-domain pipeline with one setting that does
 * not fit its tables, investigated through the CLI as a user would.
 */

const pipelineWith = energyPipelinesOfFile();

async function cli(pipeline: EnergyPipeline, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--cwd', pipeline.root, ...args, ...(args[0] === 'investigate' || args[0] === 'metrics' ? ['--to', '2026-03-21'] : [])], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const notChecked = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('Not checked: '));

describe('a detector that cannot run', () => {
  it('leaves out a missing optional column, names its key, and reports everything else (exit 0)', async () => {
    const p = await pipelineWith({ editConfig: (c) => (c.tables.graded.columns.line = 'strike_mw') });
    const r = await cli(p, 'investigate');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\. \[critical\] Rerun of 2026-03-11\.\.2026-03-14 ran/m, 'the deployment gap still comes first');
    assert.match(r.stdout, /gbm_v2 hit rate fell/);
    assert.match(r.stdout, /humidity \(index 1\) was 100\.0% zeros/);
    const lines = notChecked(r.stdout);
    assert.ok(
      lines.some(
        (l) => l.includes('tables.graded.columns.line is "strike_mw", but grid_ops.forecast_scores has no such column') && l.includes('set tables.graded.columns.line to null'),
      ),
      lines.join('\n'),
    );

    const metrics = await cli(p, 'metrics', '--model', 'gbm_v2', '--json');
    assert.equal(metrics.code, 0, metrics.stderr);
    const report = JSON.parse(metrics.stdout);
    assert.ok(report.rows.length > 0);
    for (const row of report.rows) {
      assert.equal(row.metrics.directionAccuracy, null, 'no line: direction accuracy is not recorded, not 0 of 0');
      assert.equal(row.metrics.highEdgeHitRate, null);
      assert.ok(row.metrics.hitRate.n > 0, 'the hit rate does not need the line');
    }
    assert.ok(
      report.notRecorded.some((l: string) => l.includes('tables.graded.columns.line')),
      report.notRecorded.join('\n'),
    );
    const text = await cli(p, 'metrics', '--model', 'gbm_v2');
    assert.match(text.stdout, /not recorded/);
    assert.doesNotMatch(text.stdout, /n\/a \(n=0\)/);
  });

  it('says which column does not read as the type a detector needs, and runs the others', async () => {
    const p = await pipelineWith({ editConfig: (c) => (c.tables.featureStore.columns.features = 'origin') });
    const r = await cli(p, 'investigate');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\. \[critical\] Rerun of/m);
    assert.match(r.stdout, /gbm_v2 hit rate fell/);
    const lines = notChecked(r.stdout);
    assert.ok(
      lines.some((l) =>
        /^Not checked: feature health(, inputs of [^:]+)*: tables\.featureStore\.columns\.features is "origin", but that column of grid_ops\.feature_snapshots does not read as an ARRAY of numbers/.test(
          l,
        ),
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.includes('tables.featureStore.storage')),
      'it says the storage can be set instead',
    );
  });

  it('reports the deployment gap and the features when a required column of the results has the wrong type', async () => {
    const p = await pipelineWith({ editConfig: (c) => (c.tables.graded.columns.correct = 'forecaster') });
    const r = await cli(p, 'investigate', '--json');
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    const kinds = body.findings.map((f: { kind: string }) => f.kind);
    assert.equal(kinds[0], 'deployment-gap');
    assert.ok(kinds.includes('feature-zero-rate'), kinds.join(', '));
    assert.ok(!kinds.includes('metric-shift'));
    assert.ok(
      body.skipped.some((s: string) => s.startsWith('metric shifts, grading coverage and model families: tables.graded.columns.correct is "forecaster"') && s.includes('a BOOL')),
      body.skipped.join('\n'),
    );
  });

  it('says direction skew is not checked when the predictions have no line', async () => {
    const p = await pipelineWith({ editConfig: (c) => (c.tables.predictions.columns.line = null) });
    const r = await cli(p, 'investigate');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      notChecked(r.stdout).some((l) => l.startsWith('Not checked: direction skew: tables.predictions.columns.line is null')),
      r.stdout,
    );
    assert.doesNotMatch(r.stdout, /calls one way/);
  });
});

describe('a detector that cannot run, on BigQuery (the real client against the fake)', () => {
  let fake: FakeBigQuery | null = null;
  after(async () => {
    await fake?.close();
  });

  it('names the missing column and the one of the wrong type from the dry runs BigQuery answers, and reports the rest (exit 0)', async () => {
    const p = await pipelineWith({
      editConfig: (c) => {
        c.tables.graded.columns.line = 'strike_mw';
        c.tables.featureStore.columns.features = 'origin';
      },
    });
    const database = join(p.root, 'warehouse.duckdb');
    await energyDatabase(p, database);
    fake = await FakeBigQuery.start({ database });
    const dir = await onBigQuery(p, fake.url);
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', dir, 'investigate', '--from', '2026-02-01', '--to', '2026-03-21'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^1\. \[critical\] Rerun of 2026-03-11\.\.2026-03-14 ran/m);
    assert.match(stdout, /gbm_v2 hit rate fell/);
    const lines = notChecked(stdout);
    assert.ok(
      lines.some((l) => l.includes('tables.graded.columns.line is "strike_mw", but grid_ops.forecast_scores has no such column')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.includes('tables.featureStore.columns.features is "origin", but that column of grid_ops.feature_snapshots does not read as an ARRAY of numbers')),
      lines.join('\n'),
    );
    assert.ok(
      fake.jobRequests.some((j) => j.dryRun && j.labels.query === 'columnprobe'),
      'the columns were checked in dry runs',
    );
  });
});

describe('unknown is not zero', () => {
  it('counts the rows of runs whose log records none in the predictions table, by build and the time the run took', async () => {
    const p = await pipelineWith({ logRowCounts: false });
    const r = await cli(p, 'investigate', '--json');
    assert.equal(r.code, 0, r.stderr);
    const gap = JSON.parse(r.stdout).findings[0];
    assert.equal(gap.kind, 'deployment-gap');
    assert.match(gap.title, /on older build \w+ \(240 rows\)/);
    assert.match(gap.title, /300 rows in all from 2 run sessions/);
    assert.deepEqual(
      gap.data.gapRuns.map((g: { rowsProduced: number | null; rowsWritten: number; rowsSource: string }) => [g.rowsProduced, g.rowsWritten, g.rowsSource]),
      [
        [null, 240, 'predictions'],
        [null, 60, 'predictions'],
      ],
    );
    assert.ok(
      gap.evidence.some((e: string) => /240 rows \(not in the execution log; counted in the predictions table: build \w+, written 12:00–12:19\)/.test(e)),
      gap.evidence.join('\n'),
    );
  });

  it('says "not recorded", never 0, when neither the log nor the predictions table can count them', async () => {
    const p = await pipelineWith({ logRowCounts: false, editConfig: (c) => (c.tables.predictions.columns.createdAt = null) });
    const r = await cli(p, 'investigate', '--json');
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    const gap = body.findings[0];
    assert.equal(gap.kind, 'deployment-gap');
    assert.match(gap.title, /\(rows not recorded\)/);
    assert.doesNotMatch(gap.title, /\b0 rows\b/);
    assert.equal(gap.data.rowsOnOldCode, null);
    assert.ok(gap.data.gapRuns.every((g: { rowsWritten: number | null }) => g.rowsWritten === null));
    assert.ok(
      body.skipped.some((s: string) => s.includes('tables.predictions.columns.createdAt')),
      body.skipped.join('\n'),
    );
    const text = await cli(p, 'investigate');
    assert.match(text.stdout, /rows not recorded/);
  });
});
