import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sliceMetrics } from '../../../src/core/metrics/aggregate';
import { formatMeasure, formatNumber, formatPercent, formatPointDifference } from '../../../src/core/report/format';
import { buildComparison } from '../../../src/extension/buildComparison';
import type { TreeCommit } from '../../../src/shared/protocol';

/*
 * A figure the sources do not hold is printed "not recorded" in every view; a figure over
 * no rows says so; neither reads as a number or as "n/a".
 */

const thresholds = { hitRate: 0.55, gradingCoverage: 0.8, featureCoverage: 0.8, minSample: 30 };

function build(commit: string, sums: Parameters<typeof sliceMetrics>[0]): TreeCommit {
  return {
    commit,
    subject: 'a build',
    committedAt: null,
    firstDate: '2026-03-01',
    lastDate: '2026-03-05',
    metrics: sliceMetrics(sums),
    dates: [],
    deployedAs: [],
    deployment: { state: 'not-deployed', unread: [] },
  };
}

describe('figures the sources do not hold', () => {
  it('formats an unknown figure as "not recorded" and a figure over no graded rows as such', () => {
    assert.equal(formatNumber(null), 'not recorded');
    assert.equal(formatPercent(null), 'not recorded');
    assert.equal(formatMeasure(null, 40), 'not recorded');
    assert.equal(formatMeasure(null, 0), 'no graded rows');
    assert.equal(formatMeasure(4.125, 40), '4.13');
    assert.doesNotMatch(formatPointDifference({ difference: null, low: -1, high: 1 }), /n\/a/);
  });

  it('compares two builds without an error column: MAE, bias, direction "not recorded", never a number or n/a', () => {
    // The graded table holds no actual value: the error sums are unknown (null), not 0.
    const unknown = {
      predictions: 50,
      graded: 40,
      correct: 25,
      absErrorSum: null,
      errorSum: null,
      errorSqSum: null,
      directionN: null,
      directionHits: null,
      highEdgeN: null,
      highEdgeHits: null,
    };
    const text = buildComparison('gbm_v2', build('a'.repeat(40), unknown), build('b'.repeat(40), { ...unknown, correct: 30 }), thresholds);
    assert.match(text, /\| MAE \| not recorded \| not recorded \|/);
    assert.match(text, /\| bias \| not recorded \| not recorded \|/);
    assert.match(text, /\| direction accuracy \| not recorded \| not recorded \|/);
    assert.match(text, /\| committed \| not in local git history \|/);
    assert.doesNotMatch(text, /n\/a|NaN/);
  });
});
