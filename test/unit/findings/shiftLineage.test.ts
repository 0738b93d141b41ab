import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shiftLineage } from '../../../src/core/findings/shiftLineage';
import { compareProportions } from '../../../src/core/metrics/compareProportions';
import { wilson } from '../../../src/core/metrics/wilson';

const OLD_SCORER = 'a'.repeat(40);
const NEW_SCORER = 'b'.repeat(40);
const BASE_FEATURES = 'c'.repeat(40);
const NEW_FEATURES = 'd'.repeat(40);

const row = (period: 'before' | 'after', scorer: string, feature: string, correct: number, graded: number) => ({
  period,
  scorer_commit: scorer,
  feature_commit: feature,
  joined: true,
  correct,
  graded,
});

// A drop of about 15 points from 65%; on the base feature build the new scorer has only `n` rows.
function lineage(n: number, rate: number) {
  const rows = [
    row('before', OLD_SCORER, BASE_FEATURES, 845, 1300),
    row('after', NEW_SCORER, NEW_FEATURES, 400, 800),
    row('after', NEW_SCORER, BASE_FEATURES, Math.round(n * rate), n),
  ];
  // The shift as detected on the series: 65% before, 50% on the rows that read the new features.
  const shift = { splitDay: '2026-01-09', hitRate: compareProportions(wilson(845, 1300), wilson(400, 800)) };
  return shiftLineage(shift, rows, (v) => v, 30, 'feature-store-processor');
}

describe('lineage across stages: what clears a scorer build', () => {
  it('does not clear a scorer build on a few dozen rows whose interval still allows a drop as large as the shift', () => {
    const { evidence, scorerBuilds } = lineage(56, 0.554);
    const text = evidence.join('\n');
    assert.deepEqual(scorerBuilds, []);
    assert.doesNotMatch(text, /is not behind the drop/);
    assert.match(text, /Scorer build bbbbbbbb is neither implicated nor cleared by rows: .* n=56 .*the interval still allows a drop as large as the shift's \d+\.\d pts/);
  });

  it('clears it when enough rows on the same feature build rule out half the shift', () => {
    const { evidence, scorerBuilds } = lineage(1200, 0.645);
    assert.deepEqual(scorerBuilds, []);
    assert.match(evidence.join('\n'), /Scorer build bbbbbbbb is not behind the drop, by rows: on rows reading feature build cccccccc, it hit 64\.5% .* n=1200/);
  });
});
