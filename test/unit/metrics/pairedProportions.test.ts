import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareProportions } from '../../../src/core/metrics/compareProportions';
import { comparePaired, mcnemarExactP, mcnemarStatistic } from '../../../src/core/metrics/pairedProportions';
import { wilson } from '../../../src/core/metrics/wilson';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

describe('comparePaired (Newcombe square-and-add, paired)', () => {
  it('gives the textbook interval for complete response before and after consolidation therapy (Cavo et al.)', () => {
    // Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables, chapter 8:
    // rows = after (59 + 6 responders), columns = before (59 + 16 responders), n = 161;
    // estimate -0.0621, 95% CI -0.1186 to -0.0046.
    const r = comparePaired({ bothHit: 59, newOnly: 6, oldOnly: 16, neither: 80 });
    assert.equal(r.n, 161);
    assert.equal(round4(r.change.difference!), -0.0621);
    assert.equal(round4(r.change.low), -0.1186);
    assert.equal(round4(r.change.high), -0.0046);
    assert.equal(r.change.significant, true);
  });

  it('agrees with the large-sample interval on the Prime Minister approval survey (Agresti)', () => {
    // Agresti, Categorical Data Analysis, 10.1: 794 approve both times, 150 then 86 switch,
    // 570 disapprove both times; difference -0.04 with 95% CI (-0.06, -0.02).
    const r = comparePaired({ bothHit: 794, oldOnly: 150, newOnly: 86, neither: 570 });
    assert.equal(r.change.difference!.toFixed(2), '-0.04');
    assert.equal(r.change.low.toFixed(2), '-0.06');
    assert.equal(r.change.high.toFixed(2), '-0.02');
  });

  it('is far narrower than treating the same keys as two independent samples', () => {
    const table = { bothHit: 240, oldOnly: 5, newOnly: 15, neither: 240 };
    const paired = comparePaired(table).change;
    const unpaired = compareProportions(wilson(245, 500), wilson(255, 500));
    assert.ok(paired.significant, 'ten more hits out of twenty switches on 500 keys');
    assert.equal(unpaired.significant, false);
    assert.ok(paired.high - paired.low < (unpaired.high - unpaired.low) / 2);
  });

  it('keeps an interval when no key changed outcome, where a Wald interval collapses to a point', () => {
    const r = comparePaired({ bothHit: 252, oldOnly: 0, newOnly: 0, neither: 248 });
    assert.equal(r.change.difference, 0);
    assert.ok(r.change.low < 0 && r.change.high > 0, `${r.change.low} ${r.change.high}`);
    assert.equal(r.change.significant, false);
    assert.equal(r.mcnemarP, null);
  });

  it('says nothing is known without pairs', () => {
    const r = comparePaired({ bothHit: 0, oldOnly: 0, newOnly: 0, neither: 0 });
    assert.equal(r.change.difference, null);
    assert.equal(r.old.rate, null);
  });

  it('refuses counts that are not counts', () => {
    assert.throws(() => comparePaired({ bothHit: -1, oldOnly: 0, newOnly: 0, neither: 0 }), /bothHit/);
  });
});

describe('McNemar', () => {
  it('gives the textbook statistic for the approval survey: z = -4.17', () => {
    assert.equal(Math.sqrt(mcnemarStatistic(150, 86)!).toFixed(2), '4.17');
  });

  it('is exact on a handful of discordant pairs: six switches all one way give p = 2 / 2^6', () => {
    assert.ok(Math.abs(mcnemarExactP(0, 6) - 0.03125) < 1e-12);
    assert.equal(mcnemarExactP(3, 3), 1);
  });
});
