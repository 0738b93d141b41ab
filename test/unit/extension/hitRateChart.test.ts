import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sliceMetrics } from '../../../src/core/metrics/aggregate';
import type { TimelineResult } from '../../../src/shared/protocol';
import { hitRateChart } from '../../../src/extension/webviews/hitRateChart';

const day = (date: string, graded: number, correct: number) => ({
  date,
  metrics: sliceMetrics({
    predictions: graded,
    graded,
    correct,
    absErrorSum: graded * 4,
    errorSum: 0,
    errorSqSum: graded * 30,
    directionN: graded,
    directionHits: correct,
    highEdgeN: 0,
    highEdgeHits: 0,
  }),
});

function timeline(overrides: Partial<TimelineResult> = {}): TimelineResult {
  return {
    window: { from: '2026-01-01', to: '2026-01-31' },
    series: [
      { model: 'catboost_v8', days: [day('2026-01-02', 100, 66), day('2026-01-10', 100, 50), day('2026-01-30', 40, 24)] },
      { model: 'thin', days: [day('2026-01-05', 0, 0)] },
    ],
    deployments: [{ service: 'prediction-worker', revision: 'prediction-worker-00069-wqf', commit: 'a'.repeat(40), createdAt: '2026-01-30T19:10:00Z' }],
    runs: [
      {
        mode: 'backfill',
        backfill: true,
        commit: 'c'.repeat(40),
        revision: 'prediction-worker-00067-r2d',
        startedAt: '2026-01-30T07:41:00Z',
        endedAt: '2026-01-30T08:37:00Z',
        firstDate: '2026-01-09',
        lastDate: '2026-01-28',
        runs: 20,
        rowsProduced: 2006,
        failedRuns: 0,
      },
      {
        mode: 'daily',
        backfill: false,
        commit: 'c'.repeat(40),
        revision: null,
        startedAt: '2026-01-29T15:00:00Z',
        endedAt: '2026-01-29T15:10:00Z',
        firstDate: '2026-01-29',
        lastDate: '2026-01-29',
        runs: 1,
        rowsProduced: 60,
        failedRuns: 0,
      },
    ],
    commits: [
      { sha: 'a'.repeat(40), subject: 'fix(worker): populate features 25-32', author: 'Dana', committedAt: '2026-01-30T03:17:00Z', services: ['prediction-worker'] },
      { sha: 'b'.repeat(40), subject: 'chore: bump <deps> & "logs"', author: 'Sam', committedAt: '2026-01-12T10:00:00Z', services: ['prediction-worker'] },
    ],
    features: [],
    thresholds: { hitRate: 0.55, gradingCoverage: 0.8, featureCoverage: 0.8, minSample: 30 },
    skipped: [],
    ...overrides,
  };
}

describe("the investigation report's hit-rate chart", () => {
  it('draws the graded models with their interval, the deployment, the fix and the backfill, each with what it was', () => {
    const html = hitRateChart(timeline());
    assert.match(html, /^<figure class="hit-rate"><svg class="hit-rate-chart"/);
    assert.equal((html.match(/<polyline class="series series-0"/g) ?? []).length, 1);
    assert.equal((html.match(/<polygon class="band band-0"/g) ?? []).length, 1);
    // Three graded days: three points on the line.
    assert.equal(/<polyline class="series series-0" points="([^"]+)"/.exec(html)![1].split(' ').length, 3);
    assert.match(html, /<line class="marker deployment"[^>]*><title>Deployed prediction-worker prediction-worker-00069-wqf from aaaaaaaa, 2026-01-30 19:10 UTC<\/title>/);
    assert.match(html, /<line class="marker fix"[^>]*><title>Fix aaaaaaaa/);
    assert.match(html, /<rect class="marker backfill"[^>]*><title>Backfill of game dates 2026-01-09\.\.2026-01-28, run 2026-01-30 07:41 UTC–08:37/);
    // Daily runs and plain commits are the timeline's detail, not the report's.
    assert.equal((html.match(/class="marker /g) ?? []).length, 3);
    assert.doesNotMatch(html, /chore: bump/);
    assert.match(html, /<line class="threshold"/);
  });

  it('the backfill spans its game dates on the x axis, inside the plot', () => {
    const html = hitRateChart(timeline());
    const [x, width] = /<rect class="marker backfill" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(html)!.slice(1).map(Number);
    // 2026-01-09..28 is 20 of the window's 31 days, from its 9th.
    assert.ok(Math.abs(width / (720 - 36 - 8) - 20 / 31) < 0.01, `width ${width}`);
    assert.ok(Math.abs((x - 36) / (720 - 36 - 8) - 8 / 31) < 0.01, `x ${x}`);
  });

  it('escapes what comes from git and the warehouse', () => {
    const html = hitRateChart(
      timeline({ commits: [{ sha: 'd'.repeat(40), subject: 'fix: <script>alert("x")</script>', author: 'M', committedAt: '2026-01-20T00:00:00Z', services: [] }] }),
    );
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&#60;script&#62;/);
  });

  it('without a graded day there is no chart, and it says so', () => {
    const html = hitRateChart(timeline({ series: [{ model: 'thin', days: [day('2026-01-05', 0, 0)] }] }));
    assert.equal(html, '<p class="hit-rate-none">No graded predictions in 2026-01-01 → 2026-01-31: no hit-rate chart.</p>');
  });
});
