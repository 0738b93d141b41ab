import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THRESHOLDS } from '../../../src/core/config/defaults';
import type { FeatureDefinition } from '../../../src/core/config/types';
import { featureHealth } from '../../../src/core/findings/featureHealth';
import type { Row } from '../../../src/core/warehouse/types';

/*
 * Feature health from the rows the feature-coverage query returns (one per day, mode, build
 * and feature), judged without a good day first.
 */

const day = (d: number) => `2026-04-${String(d).padStart(2, '0')}`;

/** One aggregate row of `n` values. */
function cell(d: number, mode: string | null, build: string | null, values: Array<number | null>, index = 0): Row {
  const present = values.filter((v): v is number => v !== null);
  return {
    day: day(d),
    mode,
    commit_sha: build,
    feature_index: index,
    row_count: values.length,
    positive: present.filter((v) => v > 0).length,
    zeros: present.filter((v) => v === 0).length,
    nulls: values.length - present.length,
    mean: present.length ? present.reduce((s, v) => s + v, 0) / present.length : null,
    min_value: present.length ? Math.min(...present) : null,
    max_value: present.length ? Math.max(...present) : null,
    value_sq_sum: present.reduce((s, v) => s + v * v, 0),
  };
}

const varied = (d: number, n = 20) => Array.from({ length: n }, (_, i) => 0.2 + ((i * 7 + d * 3) % 10) / 10);
const zeros = (n = 20) => Array.from({ length: n }, () => 0);
const REGISTRY: FeatureDefinition[] = [{ index: 0, name: 'usage', description: '', minCoverage: null, column: null }];

describe('feature health without a good day first', () => {
  it('finds a feature broken from the first day of a mode, against the other mode on the same dates', () => {
    const rows: Row[] = [];
    for (let d = 1; d <= 10; d++) rows.push(cell(d, 'daily', 'a', varied(d)));
    for (let d = 4; d <= 10; d++) rows.push(cell(d, 'backfill', 'a', zeros()));
    const found = featureHealth(rows, REGISTRY, DEFAULT_THRESHOLDS);
    assert.equal(found.length, 1);
    const f = found[0].finding;
    assert.equal(f.kind, 'feature-zero-rate');
    assert.match(f.title, /^usage \(index 0\) was 100\.0% zeros in backfill mode from 2026-04-04 to 2026-04-10/);
    assert.ok(
      f.evidence.some((e) => /^Other builds and modes on the same dates: 0\.0% zeros or NULL, coverage 100\.0% over 140 rows\./.test(e)),
      f.evidence.join('\n'),
    );
  });

  it('finds a feature broken from the first day of a build, against the builds before it', () => {
    const rows: Row[] = [];
    for (let d = 1; d <= 5; d++) rows.push(cell(d, 'daily', 'a', varied(d)));
    for (let d = 6; d <= 10; d++) rows.push(cell(d, 'daily', 'b', [...zeros(15), null, null, null, null, null]));
    const [found] = featureHealth(rows, REGISTRY, DEFAULT_THRESHOLDS);
    assert.equal(found.finding.kind, 'feature-zero-rate');
    assert.deepEqual([found.from, found.to, found.builds], [day(6), day(10), ['b']]);
    assert.match(found.finding.title, /\(build b\)/);
  });

  it('finds a feature frozen at one value where other builds vary, and says so', () => {
    const rows: Row[] = [];
    for (let d = 1; d <= 6; d++) rows.push(cell(d, 'daily', 'a', varied(d)));
    for (let d = 7; d <= 12; d++)
      rows.push(
        cell(
          d,
          'daily',
          'b',
          Array.from({ length: 20 }, () => 0.5),
        ),
      );
    const found = featureHealth(rows, REGISTRY, DEFAULT_THRESHOLDS);
    assert.equal(found.length, 1);
    assert.equal(found[0].finding.kind, 'feature-frozen');
    assert.match(found[0].finding.title, /usage \(index 0\) was frozen at 0\.5 in daily mode from 2026-04-07 to 2026-04-12 \(build b\)/);
    assert.equal(found[0].finding.data.value, 0.5);
  });

  it('does not call a value shared by every row of a day frozen (a date-level input)', () => {
    const rows: Row[] = [];
    for (let d = 1; d <= 12; d++)
      rows.push(
        cell(
          d,
          'daily',
          d <= 6 ? 'a' : 'b',
          Array.from({ length: 20 }, () => (d % 7) + 1),
        ),
      );
    // Season flag: 1 on every row for days 7-12, 0 before: constant within every day.
    for (let d = 1; d <= 12; d++)
      rows.push(
        cell(
          d,
          'daily',
          d <= 6 ? 'a' : 'b',
          Array.from({ length: 20 }, () => (d > 6 ? 1 : 2)),
          1,
        ),
      );
    const registry = [...REGISTRY, { index: 1, name: 'season', description: '', minCoverage: null, column: null }];
    assert.deepEqual(
      featureHealth(rows, registry, DEFAULT_THRESHOLDS).map((f) => f.finding.title),
      [],
    );
  });

  it('leaves a feature that is zero by nature alone, unless the registry expects coverage', () => {
    const rows: Row[] = [];
    for (let d = 1; d <= 10; d++) rows.push(cell(d, 'daily', 'a', zeros()));
    assert.deepEqual(featureHealth(rows, REGISTRY, DEFAULT_THRESHOLDS), []);
    const expected = featureHealth(rows, [{ ...REGISTRY[0], minCoverage: 0.5 }], DEFAULT_THRESHOLDS);
    assert.equal(expected.length, 1);
    assert.match(expected[0].finding.title, /usage \(index 0\) was 100\.0% zeros in daily mode from 2026-04-01 to 2026-04-10/);
  });

  it('reports a coverage below the registry minimum from the first day of the window', () => {
    const half = (d: number) => varied(d).map((v, i) => (i % 2 ? 0 : v));
    const rows: Row[] = [];
    for (let d = 1; d <= 10; d++) rows.push(cell(d, 'daily', 'a', d <= 5 ? half(d) : varied(d)));
    const found = featureHealth(rows, [{ ...REGISTRY[0], minCoverage: 0.8 }], DEFAULT_THRESHOLDS);
    assert.equal(found.length, 1);
    assert.equal(found[0].finding.kind, 'feature-coverage-drop');
    assert.match(found[0].finding.title, /coverage was 50\.0% in daily mode from 2026-04-01 to 2026-04-05 \(build a\), below its minimum of 80%/);
  });

  it('makes one finding of a stretch that passes from one build to the next, listing both', () => {
    const rows: Row[] = [];
    for (let d = 1; d <= 4; d++) rows.push(cell(d, 'daily', 'a', varied(d)));
    for (let d = 5; d <= 8; d++) rows.push(cell(d, 'daily', 'b', zeros()));
    for (let d = 9; d <= 12; d++) rows.push(cell(d, 'daily', 'c', zeros()));
    const found = featureHealth(rows, REGISTRY, DEFAULT_THRESHOLDS);
    assert.equal(found.length, 1);
    assert.deepEqual([found[0].from, found[0].to, found[0].builds], [day(5), day(12), ['b', 'c']]);
  });
});
