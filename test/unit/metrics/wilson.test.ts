import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareMeans, compareProportions } from '../../../src/core/metrics/compareProportions';
import { sliceMetrics, sumRows } from '../../../src/core/metrics/aggregate';
import { wilson } from '../../../src/core/metrics/wilson';
import { formatDuration, formatRate } from '../../../src/core/report/format';

describe('wilson', () => {
  it('gives the interval the team reads for 24 of 41 graded', () => {
    assert.equal(formatRate(wilson(24, 41)), '58.5% [43.4, 72.2] n=41');
  });

  it('stays inside [0, 1] at the extremes where a normal approximation leaves it', () => {
    const all = wilson(5, 5);
    assert.equal(all.rate, 1);
    assert.ok(all.low > 0.5 && all.low < 0.6, `low ${all.low}`);
    assert.equal(all.high, 1);
    const none = wilson(0, 3);
    assert.equal(none.low, 0);
    assert.ok(none.high > 0.5);
  });

  it('says nothing is known when nothing was graded', () => {
    const p = wilson(0, 0);
    assert.equal(p.rate, null);
    assert.equal(formatRate(p), 'no sample (n=0)');
  });

  it('narrows as the sample grows', () => {
    const small = wilson(6, 10);
    const large = wilson(600, 1000);
    assert.ok(large.high - large.low < (small.high - small.low) / 5);
  });

  it('rejects more successes than trials', () => {
    assert.throws(() => wilson(5, 4), /between 0 and n/);
  });
});

describe('compareProportions', () => {
  it('finds a 16-point drop on hundreds of rows significant', () => {
    const d = compareProportions(wilson(330, 500), wilson(337, 668));
    assert.ok(d.difference! < -0.1);
    assert.ok(d.significant);
    assert.ok(d.high < 0);
  });

  it('does not call 58.5% of 41 better than 50.6% of 668', () => {
    const d = compareProportions(wilson(338, 668), wilson(24, 41));
    assert.ok(d.difference! > 0.07);
    assert.equal(d.significant, false, 'the interval must include zero');
    assert.ok(d.low < 0 && d.high > 0);
  });

  it('refuses to compare against an empty side', () => {
    assert.equal(compareProportions(wilson(0, 0), wilson(3, 4)).significant, false);
  });
});

describe('compareMeans', () => {
  it('separates MAE 4.3 from 5.8 on a few hundred rows', () => {
    const d = compareMeans({ mean: 4.3, std: 3.5, n: 300 }, { mean: 5.8, std: 4.8, n: 600 });
    assert.ok(d.significant);
    assert.ok(Math.abs(d.difference! - 1.5) < 1e-9);
  });
});

describe('sliceMetrics', () => {
  it('re-aggregates additive sums into MAE, bias, std and rates', () => {
    // errors +2, -4, +6 (graded), one ungraded prediction
    const rows = [
      { predictions: 2, graded: 2, correct: 1, abs_error_sum: 6, error_sum: -2, error_sq_sum: 20, direction_n: 2, direction_hits: 1, high_edge_n: 1, high_edge_hits: 1 },
      { predictions: 2, graded: 1, correct: 1, abs_error_sum: 6, error_sum: 6, error_sq_sum: 36, direction_n: 1, direction_hits: 1, high_edge_n: 0, high_edge_hits: 0 },
    ];
    const m = sliceMetrics(sumRows(rows));
    assert.equal(m.predictions, 4);
    assert.equal(m.graded, 3);
    assert.equal(m.gradingCoverage, 0.75);
    assert.equal(m.mae, 4);
    assert.ok(Math.abs(m.bias! - 4 / 3) < 1e-9);
    // sample std of [2, -4, 6]
    assert.ok(Math.abs(m.stdError! - Math.sqrt(((2 - 4 / 3) ** 2 + (-4 - 4 / 3) ** 2 + (6 - 4 / 3) ** 2) / 2)) < 1e-9);
    assert.equal(m.hitRate.successes, 2);
    assert.equal(m.directionAccuracy?.n, 3);
  });
});

describe('formatDuration', () => {
  it('writes the delays people quote', () => {
    assert.equal(formatDuration(15 * 3600 + 53 * 60), '15h53m');
    assert.equal(formatDuration(4 * 3600 + 24 * 60 + 10), '4h24m');
    assert.equal(formatDuration(56 * 60), '56m');
    assert.equal(formatDuration(3 * 86400 + 5 * 3600), '3d5h');
    assert.equal(formatDuration(-120), '-2m');
  });
});
