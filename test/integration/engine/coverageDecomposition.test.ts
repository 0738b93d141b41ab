import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { investigate } from '../../../src/core/findings/investigate';
import type { Finding } from '../../../src/core/findings/types';
import { Workspace } from '../../../src/core/workspace';
import { createEnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * The same coverage drop (100% → 66.7% from the 12th) planted two ways in a pipeline whose
 * names share nothing with the demo: unplanned substations joining the store uncovered (a
 * population change), or unplanned substations losing their input (a change within a group).
 * The decomposition over the planned list must tell them apart.
 */

interface Decomposition {
  mix: number;
  within: number;
  dominant: string;
  before: { n: number; covered: number };
  after: { n: number; covered: number };
  groups: Array<{ group: string; before: { n: number; covered: number }; after: { n: number; covered: number } }>;
}

async function temperatureDrop(coverageChange: 'mix' | 'within'): Promise<Finding> {
  const pipeline = await createEnergyPipeline({ coverageChange });
  try {
    const workspace = Workspace.open({ cwd: pipeline.root, now: () => new Date('2026-03-21T00:00:00Z') });
    const result = await investigate(workspace, { window: { from: '2026-03-01', to: '2026-03-20' } });
    const drop = result.findings.find((f) => f.kind === 'feature-coverage-drop' && f.subjects.features?.includes(0));
    assert.ok(drop, `${result.findings.map((f) => f.title).join('\n')}\n${result.skipped.join('\n')}`);
    return drop;
  } finally {
    await pipeline.cleanup();
  }
}

describe('coverage drops decomposed over the expected list', () => {
  it('a planted population change is all mix: unplanned substations join uncovered, every group keeps its coverage', async () => {
    const drop = await temperatureDrop('mix');
    const d = drop.data.decomposition as Decomposition;
    assert.ok(d, drop.evidence.join('\n'));
    assert.deepEqual([d.before.n, d.before.covered, d.after.n, d.after.covered], [11 * 20, 11 * 20, 9 * 30, 9 * 20]);
    assert.ok(Math.abs(d.mix - (2 / 3 - 1)) < 1e-9, `mix ${d.mix}`);
    assert.ok(Math.abs(d.within) < 1e-12, `within ${d.within}`);
    assert.equal(d.dominant, 'mix');
    assert.ok(
      drop.evidence.some((e) =>
        /^Of the 33\.3-point drop in temperature_c coverage .*, −33\.3 points come from who is in the population \(rows per day 20 → 30\) and \+0\.0 points come from coverage within groups/.test(
          e,
        ),
      ),
      drop.evidence.join('\n'),
    );
  });

  it('a planted within-group change is all within: the same population, unplanned substations lose their input', async () => {
    const drop = await temperatureDrop('within');
    const d = drop.data.decomposition as Decomposition;
    assert.ok(d, drop.evidence.join('\n'));
    assert.deepEqual([d.before.n, d.before.covered, d.after.n, d.after.covered], [11 * 30, 11 * 30, 9 * 30, 9 * 20]);
    assert.ok(Math.abs(d.mix) < 1e-12, `mix ${d.mix}`);
    assert.ok(Math.abs(d.within - (2 / 3 - 1)) < 1e-9, `within ${d.within}`);
    assert.equal(d.dominant, 'within');
    const unplanned = d.groups.find((g) => g.group === 'not expected')!;
    assert.deepEqual([unplanned.before.n, unplanned.before.covered, unplanned.after.n, unplanned.after.covered], [110, 110, 90, 0]);
    assert.ok(
      drop.evidence.some((e) => /^not expected: 33\.3% → 33\.3% of the rows, covered 100\.0% .* n=110 → 0\.0% .* n=90; population \+0\.0, within −33\.3 points\.$/.test(e)),
      drop.evidence.join('\n'),
    );
  });
});
