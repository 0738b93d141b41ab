import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decomposeRate } from '../../../src/core/metrics/rateDecomposition';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe('decomposeRate (Kitagawa shift-share), against figures computed by hand', () => {
  it('a population that widens towards a low-rate group is all mix', () => {
    // Before: A 90/100, B 10/100 → 0.5. After: A 90/100, B 30/300 → 0.3.
    // mix = (0.25 − 0.5)·0.9 + (0.75 − 0.5)·0.1 = −0.2; within = 0.
    const d = decomposeRate(
      [
        { group: 'A', n: 100, hits: 90 },
        { group: 'B', n: 100, hits: 10 },
      ],
      [
        { group: 'A', n: 100, hits: 90 },
        { group: 'B', n: 300, hits: 30 },
      ],
    );
    close(d.before.rate!, 0.5, 'before');
    close(d.after.rate!, 0.3, 'after');
    close(d.mix, -0.2, 'mix');
    close(d.within, 0, 'within');
    assert.equal(d.dominant, 'mix');
    assert.equal(d.before.n, 200);
    assert.equal(d.after.n, 400);
    close(d.groups.find((g) => g.group === 'A')!.mix, -0.225, 'mix of A');
    close(d.groups.find((g) => g.group === 'B')!.mix, 0.025, 'mix of B');
  });

  it('the same population with a rate falling inside one group is all within-group', () => {
    // A 90/100 → 50/100, B unchanged; shares 0.5 both sides: within = (0.5 − 0.9)·0.5 = −0.2.
    const d = decomposeRate(
      [
        { group: 'A', n: 100, hits: 90 },
        { group: 'B', n: 100, hits: 10 },
      ],
      [
        { group: 'A', n: 100, hits: 50 },
        { group: 'B', n: 100, hits: 10 },
      ],
    );
    close(d.mix, 0, 'mix');
    close(d.within, -0.2, 'within');
    assert.equal(d.dominant, 'within');
    assert.equal(d.groups[0].group, 'A');
  });

  it('splits a change with both parts exactly, and a group new on one side counts as mix', () => {
    // Before: A 198/200 (0.99), B 297/300 (0.99) → 0.99. After: A 200/200, B 0/260 → 200/460.
    // mix = (200/460 − 0.4)·(0.99 + 1)/2 + (260/460 − 0.6)·(0.99 + 0)/2
    // within = (1 − 0.99)·(0.4 + 200/460)/2 + (0 − 0.99)·(0.6 + 260/460)/2
    const d = decomposeRate(
      [
        { group: 'A', n: 200, hits: 198 },
        { group: 'B', n: 300, hits: 297 },
      ],
      [
        { group: 'A', n: 200, hits: 200 },
        { group: 'B', n: 260, hits: 0 },
      ],
    );
    close(d.mix, (200 / 460 - 0.4) * 0.995 + (260 / 460 - 0.6) * 0.495, 'mix');
    close(d.within, 0.01 * ((0.4 + 200 / 460) / 2) - 0.99 * ((0.6 + 260 / 460) / 2), 'within');
    close(d.mix + d.within, 200 / 460 - 0.99, 'parts add up to the change');
    // A group that appears: before A 90/100; after A 90/100 and C 50/100 → 0.9 → 0.7, all mix:
    // A (0.5 − 1)·0.9 = −0.45, C (0.5 − 0)·0.5 = +0.25.
    const appear = decomposeRate(
      [{ group: 'A', n: 100, hits: 90 }],
      [
        { group: 'A', n: 100, hits: 90 },
        { group: 'C', n: 100, hits: 50 },
      ],
    );
    close(appear.mix, -0.2, 'mix when a group appears');
    close(appear.within, 0, 'within when a group appears');
  });

  it('says nothing about parts when a side has no rows', () => {
    const d = decomposeRate([], [{ group: 'A', n: 10, hits: 5 }]);
    assert.equal(d.before.rate, null);
    assert.equal(d.dominant, null);
    assert.deepEqual(d.groups, []);
  });
});
