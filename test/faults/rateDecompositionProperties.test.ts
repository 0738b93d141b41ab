import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decomposeRate, type GroupCount } from '../../src/core/metrics/rateDecomposition';
import { runs } from './propertyRuns';

/*
 * Generated populations with one change planted: either the mix (the same rate inside every
 * group, the groups' sizes changed, as when a backfill widens the population) or the rate
 * inside one group (the same sizes). The decomposition must attribute the change to the
 * planted part, and its parts must add up to the whole change.
 */

const groups = fc.array(fc.record({ n: fc.integer({ min: 20, max: 600 }), rate: fc.integer({ min: 0, max: 20 }).map((x) => x / 20) }), { minLength: 2, maxLength: 6 });

const side = (gs: Array<{ n: number; rate: number }>): GroupCount[] => gs.map((g, i) => ({ group: `g${i}`, n: g.n, hits: Math.round(g.n * g.rate) }));

describe('decomposeRate on planted changes', () => {
  it('finds a planted mix change as mix and a planted within-group change as within, parts adding up exactly', () => {
    fc.assert(
      fc.property(
        groups,
        fc.constantFrom('mix' as const, 'within' as const),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 19 }),
        (gs, planted, pick, factor, newRate) => {
          const target = pick % gs.length;
          // Rates n·rate must be whole in both sides for the planted part to be the only one.
          const before = gs.map((g) => ({ n: g.n * 20, rate: g.rate }));
          const after =
            planted === 'mix' ? before.map((g, i) => (i === target ? { ...g, n: g.n * factor } : g)) : before.map((g, i) => (i === target ? { ...g, rate: newRate / 20 } : g));
          const changedRate = planted === 'within' && before[target].rate !== after[target].rate;
          const otherRates = before.some((g, i) => i !== target && g.rate !== before[target].rate);
          fc.pre(changedRate || (planted === 'mix' && otherRates));
          const d = decomposeRate(side(before), side(after));
          const change = d.after.rate! - d.before.rate!;
          assert.ok(Math.abs(d.mix + d.within - change) < 1e-9, `parts ${d.mix} + ${d.within} ≠ ${change}`);
          if (planted === 'mix') {
            assert.ok(Math.abs(d.within) < 1e-12, `within ${d.within} on a pure mix change`);
            assert.ok(Math.abs(d.mix) > 0, 'a mix change between groups of different rates moves the rate');
          } else {
            assert.ok(Math.abs(d.mix) < 1e-12, `mix ${d.mix} on a pure within-group change`);
            assert.equal(d.dominant, 'within');
            assert.equal(d.groups[0].group, `g${target}`, 'the group whose rate moved carries the change');
          }
        },
      ),
      runs('rateDecompositionPlanted'),
    );
  });
});
