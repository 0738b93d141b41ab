import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THRESHOLDS } from '../../../src/core/config/defaults';
import type { Shift } from '../../../src/core/findings/metricShift';
import { shiftInputs, type InputCell, type InputSeries } from '../../../src/core/findings/shiftCauses';
import { wilson } from '../../../src/core/metrics/wilson';
import { compareProportions } from '../../../src/core/metrics/compareProportions';
import type { ValueStats } from '../../../src/core/findings/valueStats';

/*
 * Causes tied by rows: what an input did on the rows of the regressed build against the
 * build before it, in every mode, whatever day its breakage began.
 */

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function slice(correct: number, graded: number, label: string, from: string, to: string, commit: string) {
  const hitRate = wilson(correct, graded);
  return {
    predictions: graded,
    graded,
    hitRate,
    gradingCoverage: 1,
    mae: null,
    bias: null,
    stdError: null,
    directionAccuracy: null,
    highEdgeHitRate: null,
    label,
    from,
    to,
    commit,
  };
}

const before = slice(400, 500, 'build aaaaaaaa', '2026-04-01', '2026-04-10', A);
const after = slice(200, 500, 'build bbbbbbbb', '2026-04-11', '2026-04-20', B);
const SHIFT: Shift = { model: 'm1', at: 'build', splitDay: '2026-04-11', before, after, hitRate: compareProportions(before.hitRate, after.hitRate) };

function stats(values: Array<number | null>): ValueStats {
  const present = values.filter((v): v is number => v !== null);
  return {
    rows: values.length,
    positive: present.filter((v) => v > 0).length,
    zeros: present.filter((v) => v === 0).length,
    nulls: values.length - present.length,
    sum: present.reduce((s, v) => s + v, 0),
    sqSum: present.reduce((s, v) => s + v * v, 0),
    min: present.length ? Math.min(...present) : null,
    max: present.length ? Math.max(...present) : null,
  };
}

const varied = (n: number, seed = 1) => Array.from({ length: n }, (_, i) => 0.1 + ((i * 7 + seed) % 10) / 10);

/** Days 1-10 on build A, 11-20 on build B, in the given modes, with values from `value(build, mode, day)`. */
function series(
  label: string,
  value: (build: string, mode: string, d: number) => Array<number | null>,
  modes = ['daily'],
  source: InputSeries['source'] = 'featureStore',
): InputSeries {
  const cells: InputCell[] = [];
  for (let d = 1; d <= 20; d++) {
    const build = d <= 10 ? A : B;
    for (const mode of modes)
      cells.push({ commit: build, period: d <= 10 ? 'before' : 'after', mode, day: `2026-04-${String(d).padStart(2, '0')}`, stats: stats(value(build, mode, d)) });
  }
  return { source, label, index: source === 'featureStore' ? 0 : null, cells };
}

describe('causes tied by rows', () => {
  it('makes a feature broken on the regressed build in one mode a candidate, with the share of its rows against the build before', () => {
    const s = series('usage', (build, mode, d) => (build === B && mode === 'backfill' ? Array(25).fill(0) : varied(25, d)), ['daily', 'backfill']);
    const result = shiftInputs(SHIFT, [s], DEFAULT_THRESHOLDS);
    assert.equal(result.causes.length, 1);
    const cause = result.causes[0];
    assert.equal(cause.kind, 'empty');
    assert.equal(cause.worse.share, 0.5);
    assert.equal(cause.better.share, 0);
    assert.deepEqual(cause.worse.modes, ['backfill', 'daily']);
    assert.match(cause.text, /^usage: 50\.0% zeros or NULL on build bbbbbbbb's 500 rows \(backfill, daily\) vs 0\.0% on build aaaaaaaa's 500 rows/);
    assert.match(
      result.checked!,
      /Checked 1 input\(s\) of m1's own rows in every mode: feature-store rows read by the predictions: 500 for build bbbbbbbb \(backfill, daily\) and 500 for build aaaaaaaa \(backfill, daily\)/,
    );
  });

  it('dismisses a feature as broken on the better build as on the regressed one, saying what it checked', () => {
    const s = series('usage', () => Array(25).fill(0));
    const result = shiftInputs(SHIFT, [s], DEFAULT_THRESHOLDS);
    assert.deepEqual(result.causes, []);
    assert.equal(result.dismissals.length, 1);
    assert.match(
      result.dismissals[0].text,
      /^usage: 100\.0% zeros or NULL on build bbbbbbbb's 250 rows \(daily\), and 100\.0% on build aaaaaaaa's 250 rows \(daily\): no different where results were better/,
    );
  });

  it('dismisses a feature whose coverage was higher on the worse rows: the red herring', () => {
    const s = series('vegas_line', (build, _mode, d) => varied(20, d).map((v, i) => (i < (build === A ? 8 : 12) ? v : 0)));
    const result = shiftInputs(SHIFT, [s], DEFAULT_THRESHOLDS);
    assert.deepEqual(result.causes, []);
    assert.match(result.dismissals[0].text, /^vegas_line coverage 40\.0% \(n=200\) → 60\.0% \(n=200\): higher in the worse period, so it does not explain the drop\./);
  });

  it('makes a value recorded with each prediction frozen at a default on the regressed build a candidate', () => {
    const s = series('critical_features.ppm', (build, _mode, d) => (build === B ? Array(20).fill(0.4) : varied(20, d)), ['daily'], 'snapshot');
    const [cause] = shiftInputs(SHIFT, [s], DEFAULT_THRESHOLDS).causes;
    assert.equal(cause.kind, 'frozen');
    assert.equal(cause.frozenAt, 0.4);
    assert.match(
      cause.text,
      /^critical_features\.ppm \(recorded with each prediction\): frozen at 0\.4 on 100\.0% of build bbbbbbbb's 200 rows \(daily\), where it varies on build aaaaaaaa's 200 rows/,
    );
  });

  it('says nothing of an input that is the same on both builds', () => {
    const s = series('pace', (_b, _m, d) => varied(20, d));
    const result = shiftInputs(SHIFT, [s], DEFAULT_THRESHOLDS);
    assert.deepEqual([result.causes, result.dismissals], [[], []]);
  });
});
