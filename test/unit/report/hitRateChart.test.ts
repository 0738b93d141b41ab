import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sliceMetrics } from '../../../src/core/metrics/aggregate';
import type { TimelineResult } from '../../../src/shared/protocol';
import { chartPoints, hitRateChart, hitRateChartFile } from '../../../src/core/report/hitRateChart';
import { findAll, hasClass, parseXml } from '../../fixtures/xmlTree';

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
    assert.match(html, /^<figure class="hit-rate"><div class="chart-scroll"><svg class="hit-rate-chart"/);
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

  it('each point shows its date, hit rate, interval and n when pointed at, and takes keyboard focus', () => {
    const svg = findAll(parseXml(hitRateChart(timeline())), (e) => e.name === 'svg')[0];
    const points = findAll(svg, hasClass('point'));
    // The graded days of catboost_v8; "thin" has no graded day and no point.
    assert.equal(points.length, 3);
    const expected = [
      ['2026-01-02', '66.0% [56.3, 74.5] n=100', '100 graded of 100 predictions'],
      ['2026-01-10', '50.0% [40.4, 59.6] n=100', '100 graded of 100 predictions'],
      ['2026-01-30', '60.0% [44.6, 73.7] n=40', '40 graded of 40 predictions'],
    ];
    points.forEach((p, i) => {
      assert.equal(p.attributes.tabindex, '0', 'a keyboard user reaches each point');
      const tip = findAll(p, hasClass('tip'))[0];
      const lines = findAll(tip, (e) => e.name === 'tspan').map((t) => t.text);
      assert.deepEqual(lines, [`${expected[i][0]} · catboost_v8`, expected[i][1], expected[i][2]]);
      assert.match(p.attributes['aria-label'], new RegExp(`catboost_v8 on ${expected[i][0]}: ${expected[i][1].replace(/[[\].]/g, '\\$&')}`));
    });
  });

  it("a deployment and a fix open their commit's provenance when given the link; the backfill names itself", () => {
    const svg = findAll(parseXml(hitRateChart(timeline(), { commitHref: (sha) => `command:show?${sha}` })), (e) => e.name === 'svg')[0];
    const links = findAll(svg, (e) => e.name === 'a');
    assert.deepEqual(
      links.map((a) => [a.attributes.class, a.attributes.href]),
      [
        ['marker-item marker-link fix', `command:show?${'a'.repeat(40)}`],
        ['marker-item marker-link deployment', `command:show?${'a'.repeat(40)}`],
      ],
    );
    const deployTip = findAll(findAll(links[1], hasClass('tip'))[0], (e) => e.name === 'tspan').map((t) => t.text);
    assert.deepEqual(deployTip, ['Deployed prediction-worker prediction-worker-00069-wqf from aaaaaaaa, 2026-01-30 19:10 UTC', 'Click for the provenance of aaaaaaaa']);
    const backfill = findAll(svg, hasClass('marker-item')).find((g) => findAll(g, hasClass('backfill')).length)!;
    assert.equal(backfill.attributes.tabindex, '0');
    assert.match(findAll(backfill, hasClass('tip'))[0].text, /^Backfill of game dates 2026-01-09\.\.2026-01-28/);
    // Without a link (a file), nothing is a link.
    assert.equal(findAll(parseXml(hitRateChart(timeline())), (e) => e.name === 'a').length, 0);
  });

  it('as a file of its own: a well-formed SVG with its namespace, colours and legend, and the points of the figures', () => {
    const file = hitRateChartFile(timeline());
    assert.ok('svg' in file);
    const svg = parseXml(file.svg);
    assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
    assert.ok(findAll(svg, (e) => e.name === 'style').length === 1, 'its own colours');
    assert.deepEqual(
      findAll(svg, hasClass('key')).map((k) => k.text),
      ['catboost_v8', 'deployment', 'fix committed', 'backfilled game dates'],
    );
    const figures = chartPoints(timeline());
    const points = findAll(svg, hasClass('point'));
    assert.equal(points.length, figures.length);
    // Each dot sits at its rate: y = 8 + (1 - rate) * (240 - 8 - 22).
    points.forEach((p, i) => {
      const dot = findAll(p, hasClass('dot'))[0];
      assert.ok(Math.abs(Number(dot.attributes.cy) - (8 + (1 - figures[i].hitRate.rate!) * 210)) < 0.06, `point ${i}`);
    });
    assert.deepEqual(hitRateChartFile(timeline({ series: [] })), { none: 'No graded predictions in 2026-01-01 → 2026-01-31: no hit-rate chart.' });
  });
});
