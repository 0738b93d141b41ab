import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * The commit report on a pipeline whose config names optional columns its tables lack, or
 * leaves them out: it still answers (exit 0), says what it did not check and which setting
 * to correct, and prints no figure the sources do not hold.
 */

describe('the commit report without optional columns', () => {
  let pipeline: EnergyPipeline;

  before(async () => {
    pipeline = await createEnergyPipeline({
      editConfig: (c) => {
        Object.assign(c.tables.executionLog.columns, { mode: 'trigger_kind', rowsProduced: 'rows_out' });
        c.tables.predictions.columns.commit = null;
      },
    });
  });

  after(async () => {
    await pipeline?.cleanup();
  });

  it('reports the deployment and the runs in the gap, and names each setting it could not use', async () => {
    let out = '';
    const code = await main(['--cwd', pipeline.root, 'commit', pipeline.sha.fix.slice(0, 8)], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    assert.equal(code, 0, out);
    assert.match(out, /load-forecaster: first in rel-43/);
    assert.match(out, /run session\(s\) on older code between the commit and the deployment/);
    assert.match(out, /dates 2026-03-11\.\.2026-03-14, rows not recorded/);
    assert.match(out, /Not checked: runs in the gap: tables\.executionLog\.columns\.mode is "trigger_kind", but grid_ops\.job_runs has no such column/);
    assert.match(out, /Not checked: runs in the gap: tables\.executionLog\.columns\.rowsProduced is "rows_out", but grid_ops\.job_runs has no such column/);
    assert.match(out, /Not checked: results by build: tables\.predictions\.columns\.commit is null/);
    assert.doesNotMatch(out, /\b0 rows\b|n\/a/);
  });

  it('says in --json what was not checked', async () => {
    let out = '';
    const code = await main(['--cwd', pipeline.root, 'commit', pipeline.sha.fix.slice(0, 8), '--json'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    assert.equal(code, 0, out);
    const report = (JSON.parse(out) as { commits: Array<{ notChecked: string[] }> }).commits[0];
    assert.ok(
      report.notChecked.some((n) => n.includes('tables.executionLog.columns.mode')),
      out,
    );
  });
});
