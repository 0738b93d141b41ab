import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THRESHOLDS } from '../../../src/core/config/defaults';
import { directionSkewFindings } from '../../../src/core/findings/directionSkew';
import type { Row } from '../../../src/core/warehouse/types';

/*
 * Direction skew judged against the outcomes' own base rate over the same rows, the way
 * the direction-skew query returns them (one row per model and day).
 */

function days(
  model: string,
  count: number,
  perDay: (d: number) => { over: number; under: number; overOutcomes: number | null; underOutcomes: number | null; correct: number },
): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const d = perDay(i);
    const graded = d.overOutcomes === null ? 50 : d.overOutcomes + d.underOutcomes!;
    return {
      model,
      day: `2026-06-${String(i + 1).padStart(2, '0')}`,
      over_calls: d.over,
      under_calls: d.under,
      graded,
      correct: d.correct,
      over_outcomes: d.overOutcomes,
      under_outcomes: d.underOutcomes,
    };
  });
}

describe('direction skew against the base rate', () => {
  it('leaves alone a classifier whose calls sit on the side its outcomes do, every day', () => {
    // 80% of outcomes land above the threshold, and so do 80% of calls: an even split would call every day skewed.
    const rows = days('clf_v1', 20, () => ({ over: 80, under: 20, overOutcomes: 80, underOutcomes: 20, correct: 75 }));
    assert.deepEqual(directionSkewFindings(rows, DEFAULT_THRESHOLDS), []);
  });

  it('finds the days whose calls lean away from the base rate, and says what it judged against', () => {
    const rows = days('clf_v1', 20, (i) =>
      i % 5 === 0 ? { over: 40, under: 60, overOutcomes: 80, underOutcomes: 20, correct: 50 } : { over: 80, under: 20, overOutcomes: 80, underOutcomes: 20, correct: 80 },
    );
    const [finding] = directionSkewFindings(rows, DEFAULT_THRESHOLDS);
    assert.equal(finding.kind, 'direction-skew');
    assert.deepEqual(finding.subjects.dates, ['2026-06-01', '2026-06-06', '2026-06-11', '2026-06-16']);
    assert.match(finding.title, /4 day\(s\) whose calls leaned ≥15 pts off the outcomes' 80% OVER rate \(4 UNDER-heavy\)/);
    assert.match(finding.evidence[0], /^Judged against the outcomes' own 80\.0% OVER rate \(1600 of 2000 graded results above the line\)/);
    assert.equal(finding.data.baseRate, 0.8);
  });

  it('does not call a lean that chance explains on a small day skewed', () => {
    const rows = days('m', 10, () => ({ over: 20, under: 10, overOutcomes: 15, underOutcomes: 15, correct: 15 }));
    assert.deepEqual(directionSkewFindings(rows, DEFAULT_THRESHOLDS), []);
  });

  it('falls back to an even split, and says so, when the outcomes have no known side of the line', () => {
    const rows = days('m', 10, (i) =>
      i === 0 ? { over: 90, under: 10, overOutcomes: null, underOutcomes: null, correct: 20 } : { over: 50, under: 50, overOutcomes: null, underOutcomes: null, correct: 30 },
    );
    const [finding] = directionSkewFindings(rows, DEFAULT_THRESHOLDS);
    assert.deepEqual(finding.subjects.dates, ['2026-06-01']);
    assert.match(finding.evidence[0], /an even split \(too few graded results with a known side of the line/);
    assert.equal(finding.data.baseRate, null);
  });
});
