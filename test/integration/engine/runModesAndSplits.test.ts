import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { Workspace } from '../../../src/core/workspace';
import { energyPipelinesOfFile, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * Settings that say what the pipeline's records mean: how a replaced row is marked, which
 * run modes regenerate past dates, a run covering a range of dates, and what a split "at a
 * time" splits. On the second-domain pipeline, whose rerun of the 11th-14th replaced the
 * scheduled rows (marked by a time, a flag and a current flag, one per config).
 */

const pipelineWith = energyPipelinesOfFile();

async function cli(p: EnergyPipeline, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--cwd', p.root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('superseded rows, either way round', () => {
  const variants: Array<[string, (c: EnergyPipeline['config']) => void]> = [
    ['a replaced-at time', () => undefined],
    ['a superseded flag', (c) => Object.assign(c.tables.predictions.columns, { supersededAt: null, superseded: 'is_replaced' })],
    ['an active flag', (c) => Object.assign(c.tables.predictions.columns, { supersededAt: null, active: 'is_current' })],
  ];
  for (const [label, edit] of variants) {
    it(`counts no replaced row, marked by ${label}`, async () => {
      const p = await pipelineWith({ editConfig: edit });
      const workspace = Workspace.open({ cwd: p.root, now: () => new Date('2026-03-21T00:00:00Z') });
      try {
        const [fix] = await commitProvenance(workspace, [p.sha.fix], { window: { from: '2026-03-01', to: '2026-03-21' } });
        const gbm = fix.models.find((m) => m.model === 'gbm_v2')!;
        assert.equal(gbm.replaced.predictions, 6 * 30, 'days 11-16 on the feed build, each row once');
        assert.equal(gbm.lacking.predictions, 16 * 30);
      } finally {
        await workspace.close();
      }
    });
  }

  it('counts the replaced rows too when the config marks none (the check above can fail)', async () => {
    const p = await pipelineWith({ editConfig: (c) => (c.tables.predictions.columns.supersededAt = null) });
    const workspace = Workspace.open({ cwd: p.root, now: () => new Date('2026-03-21T00:00:00Z') });
    try {
      const [fix] = await commitProvenance(workspace, [p.sha.fix], { window: { from: '2026-03-01', to: '2026-03-21' } });
      assert.equal(fix.models.find((m) => m.model === 'gbm_v2')!.replaced.predictions, 10 * 30);
    } finally {
      await workspace.close();
    }
  });
});

describe('run modes and ranges from the config', () => {
  it('treats a mode the config lists as a backfill, and only those', async () => {
    const listed = await pipelineWith({ editConfig: (c) => (c.tables.executionLog.backfillModes = ['Rerun']) });
    const gap = JSON.parse((await cli(listed, 'investigate', '--to', '2026-03-21', '--json')).stdout).findings[0];
    assert.equal(gap.kind, 'deployment-gap');
    assert.equal(gap.severity, 'critical');
    assert.deepEqual(
      gap.data.gapRuns.map((r: { mode: string; backfill: boolean }) => [r.mode, r.backfill]),
      [
        ['rerun', true],
        ['scheduled', false],
      ],
    );

    const other = await pipelineWith({ editConfig: (c) => (c.tables.executionLog.backfillModes = ['rebuild']) });
    const notBackfill = JSON.parse((await cli(other, 'investigate', '--to', '2026-03-21', '--json')).stdout).findings.find((f: { kind: string }) => f.kind === 'deployment-gap');
    assert.equal(notBackfill.severity, 'high', 'runs on old code after a fix, but none the config calls a backfill');
    assert.ok(notBackfill.data.gapRuns.every((r: { backfill: boolean }) => !r.backfill));
  });

  it('gives a run logged as one row over several dates its whole range', async () => {
    const p = await pipelineWith({ rerunAsOneRow: true });
    const r = await cli(p, 'investigate', '--to', '2026-03-21', '--json');
    const gap = JSON.parse(r.stdout).findings[0];
    assert.match(gap.title, /^Rerun of 2026-03-11\.\.2026-03-14 ran 12:00–12:19 on older build \w+ \(240 rows\)/);
    assert.deepEqual([gap.data.gapRuns[0].firstDate, gap.data.gapRuns[0].lastDate], ['2026-03-11', '2026-03-14']);
  });
});

describe('--split-at', () => {
  it('splits by when each prediction was made at a time, and by the date predicted for at a date', async () => {
    const p = await pipelineWith({});
    const period = async (at: string) => {
      const r = await cli(p, 'metrics', '--model', 'gbm_v2', '--by', 'period', '--split-at', at, '--from', '2026-03-01', '--to', '2026-03-21', '--json');
      assert.equal(r.code, 0, r.stderr);
      const body = JSON.parse(r.stdout);
      const count = (key: string) => body.rows.find((x: { key: string }) => x.key === key)?.metrics.predictions ?? 0;
      return { kind: body.comparison.splitKind, before: count('before'), after: count('after') };
    };
    // At 12:00 on the 15th the rerun had not written the 11th-14th again yet: those rows count after.
    assert.deepEqual(await period('2026-03-15T12:00:00Z'), { kind: 'time', before: 11 * 30, after: 9 * 30 });
    assert.deepEqual(await period('2026-03-15'), { kind: 'date', before: 14 * 30, after: 6 * 30 });
    const text = await cli(p, 'metrics', '--model', 'gbm_v2', '--by', 'period', '--split-at', '2026-03-15T12:00:00Z', '--from', '2026-03-01', '--to', '2026-03-21');
    assert.match(text.stdout, /split at 2026-03-15T12:00:00Z, by when each prediction was made/);
  });

  it('refuses a time when the predictions hold no write time, saying it can split by date', async () => {
    const p = await pipelineWith({ editConfig: (c) => (c.tables.predictions.columns.createdAt = null) });
    const r = await cli(p, 'metrics', '--model', 'gbm_v2', '--by', 'period', '--split-at', '2026-03-15T12:00:00Z', '--from', '2026-03-01', '--to', '2026-03-21');
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--split-at 2026-03-15T12:00:00Z is a time, but tables\.predictions\.columns\.createdAt is null .*Give a date \(e\.g\. 2026-03-15\) to split by the date predicted for/,
    );
  });
});
