import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headline, shortLabel } from '../../../src/core/report/shortLabel';

describe('shortLabel', () => {
  it('leaves a short text as it is', () => {
    assert.deepEqual(shortLabel('catboost_v8 58.5%', 40), { head: 'catboost_v8 58.5%', rest: '', cut: false });
  });

  it('cuts a finding title at its last clause boundary within the limit, brackets balanced', () => {
    const title = 'catboost_v8 hit rate fell 14.8 pts with build 62c12d62: 65.4% [62.8, 68.0] n=1299 → 50.6% [46.8, 54.4] n=668';
    const cut = shortLabel(title, 80);
    assert.equal(cut.head, 'catboost_v8 hit rate fell 14.8 pts with build 62c12d62…');
    assert.equal(cut.rest, '65.4% [62.8, 68.0] n=1299 → 50.6% [46.8, 54.4] n=668');
  });

  it('never cuts inside brackets: a list of builds stays whole or goes', () => {
    const title =
      'usage_spike_score (index 8) was 100.0% zeros in daily mode from 2025-12-15 to 2026-01-30 (builds 8b4cea80, c42198fd, 45e23120) (the last day with daily rows): broken for 46 day(s)';
    const { head } = shortLabel(title, 80);
    assert.ok(head.length <= 80, head);
    assert.ok(!/\([^)]*$/.test(head), `no open bracket: ${head}`);
  });

  it('falls back to a word boundary, marked as cut', () => {
    const { head, cut } = shortLabel('a b c d e f g h i j k l m n o p q r s t u v w x y z', 20);
    assert.ok(cut);
    assert.ok(head.length <= 20 && head.endsWith('…') && !head.endsWith(' …'), head);
  });

  it('keeps every headline of the demo within 80 characters', () => {
    const title =
      'Backfill of 2026-01-09..2026-01-28 ran 07:41–08:37 on older build 62c12d62 (2,006 rows), 4h24m after fix 38ab3820 (2026-01-30 03:17 UTC); prediction-worker got it at 19:10, 15h53m after the commit; 3,228 rows in all from 2 run sessions on old code';
    assert.equal(headline(title), 'Backfill of 2026-01-09..2026-01-28 ran 07:41–08:37 on older build 62c12d62…');
  });
});
