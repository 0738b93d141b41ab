import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanShas } from '../../../src/core/text/shaScanner';

const texts = (s: string) => scanShas(s).map((t) => t.text);

describe('scanShas', () => {
  it('finds abbreviated and full SHAs with their ranges', () => {
    const text = 'The fix is `38ab3820`, committed after 62c12d62077fbca3d933b3b9f3d1c0085f583324.';
    const tokens = scanShas(text);
    assert.deepEqual(
      tokens.map((t) => t.text),
      ['38ab3820', '62c12d62077fbca3d933b3b9f3d1c0085f583324'],
    );
    for (const t of tokens) assert.equal(text.slice(t.start, t.end), t.text);
  });

  it('keeps 7 to 40 characters only', () => {
    assert.deepEqual(texts('abc12d abc12d1 ' + 'a1'.repeat(20) + ' ' + 'a1'.repeat(20) + 'b'), ['abc12d1', 'a1'.repeat(20)]);
  });

  it('ignores hex inside longer words, 0x literals and identifiers', () => {
    assert.deepEqual(texts('x38ab3820 38ab3820y sha_38ab3820 38ab3820_old 0x38ab3820 0X38AB3820'), []);
  });

  it('ignores pure numbers, UUIDs and colours', () => {
    assert.deepEqual(texts('20260130 1234567890 order 12345678'), []);
    assert.deepEqual(texts('run 123e4567-e89b-12d3-a456-426614174000 done'), []);
    assert.deepEqual(texts('color: #a1b2c3d4; background: #abcdef'), []);
  });

  it('keeps SHAs next to punctuation, in URLs, paths and code', () => {
    assert.deepEqual(texts('(38ab382) [38ab382](x) https://github.com/o/r/commit/38ab38201f5d0715bd47 "38ab382", deployed-38ab382'), [
      '38ab382',
      '38ab382',
      '38ab38201f5d0715bd47',
      '38ab382',
      '38ab382',
    ]);
  });

  it('ignores mixed-case runs but keeps upper-case ones', () => {
    assert.deepEqual(texts('DeadBeef12 DEADBEEF12 deadbeef12'), ['DEADBEEF12', 'deadbeef12']);
  });

  it('keeps a long token after # (an anchor, not a colour)', () => {
    assert.deepEqual(texts('see #38ab38201f'), ['38ab38201f']);
  });

  it('scans a large text quickly', () => {
    const line = 'commit 38ab38201f5d0715bd4726077d0e27a37b66ee7d by someone on 2026-01-30, uuid 123e4567-e89b-12d3-a456-426614174000\n';
    const text = line.repeat(20_000);
    const started = performance.now();
    assert.equal(scanShas(text).length, 20_000);
    assert.ok(performance.now() - started < 2000);
  });
});
