import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { modelMetrics } from '../../../src/core/metrics/modelMetrics';
import { Workspace } from '../../../src/core/workspace';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * A pipeline that stores "no line" as 0 (tables.graded.lineMissingAs): those rows have no
 * side of a line to be on, so direction accuracy is computed without them, and says how
 * many it left out. The expected figures are counted here from the exported rows.
 */

const WINDOW = { from: '2026-03-01', to: '2026-03-20' };

interface Score {
  forecaster: string;
  forecast_mw: number;
  observed_mw: number | null;
  contract_mw: number;
  side_ok: boolean | null;
}

describe('a missing line stored as 0', () => {
  let pipeline: EnergyPipeline;
  let workspace: Workspace;
  let scores: Score[];

  before(async () => {
    pipeline = await createEnergyPipeline({
      zeroLines: true,
      editConfig: (c) => {
        c.tables.predictions.lineMissingAs = 0;
        c.tables.graded.lineMissingAs = 0;
      },
    });
    workspace = Workspace.open({ cwd: pipeline.root, now: () => new Date('2026-03-21T00:00:00Z') });
    const text = await readFile(join(pipeline.root, 'data', 'forecast_scores.ndjson'), 'utf8');
    scores = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Score);
  });

  after(async () => {
    await workspace?.close();
    await pipeline?.cleanup();
  });

  it('computes direction accuracy without the 0-lines and counts them as left out', async () => {
    const graded = scores.filter((s) => s.forecaster === 'gbm_v2' && s.side_ok !== null);
    const withLine = graded.filter((s) => s.contract_mw !== 0 && s.observed_mw !== s.contract_mw);
    const hits = withLine.filter((s) => Math.sign(s.forecast_mw - s.contract_mw) === Math.sign(s.observed_mw! - s.contract_mw)).length;
    const excluded = graded.filter((s) => s.contract_mw === 0).length;
    assert.ok(excluded > 0 && withLine.length > 0);

    const report = await modelMetrics(workspace, 'gbm_v2', 'commit', { window: WINDOW });
    const total = (f: (m: (typeof report.rows)[number]['metrics']) => number) => report.rows.reduce((sum, r) => sum + f(r.metrics), 0);
    assert.equal(report.rows.length, 3, 'three builds');
    assert.equal(
      total((m) => m.directionAccuracy!.n),
      withLine.length,
    );
    assert.equal(
      total((m) => m.directionAccuracy!.successes),
      hits,
    );
    assert.equal(
      total((m) => m.directionExcluded!),
      excluded,
    );
  });

  it('prints the rate with its n and the rows it left out', async () => {
    let out = '';
    const code = await main(['--cwd', pipeline.root, 'metrics', '--model', 'gbm_v2', '--by', 'commit', '--from', WINDOW.from, '--to', WINDOW.to], {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
    });
    assert.equal(code, 0, out);
    const excluded = scores.filter((s) => s.forecaster === 'gbm_v2' && s.side_ok !== null && s.contract_mw === 0).length;
    const printed = [...out.matchAll(/\d+\.\d% \[\d+\.\d, \d+\.\d\] n=\d+ \((\d+) without a line left out\)/g)].map((m) => Number(m[1]));
    assert.equal(printed.length, 3, out);
    assert.equal(
      printed.reduce((a, b) => a + b, 0),
      excluded,
      out,
    );
  });
});
