import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findArrayAccesses } from '../../src/core/sql/featureOffsets';
import { MAX_SHA_LENGTH, MIN_SHA_LENGTH, scanShas } from '../../src/core/text/shaScanner';
import { runs } from './propertyRuns';
import { anyText, hostileText, stringLiteral } from './sqlArbitraries';

/*
 * What the editor reads out of documents, under generated input: the SHA scanner behind
 * lenses and hovers, and the feature-offset parser behind SQL hovers and diagnostics.
 * Invariants: every SHA range is 7-40 hex characters standing alone as a word, and a SHA
 * written plainly is always found; every offset reported matches the number literal
 * written at that place, and none comes from a string or a comment.
 */

const WORD_CHAR = /[0-9A-Za-z_]/;

const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });

/** Documents dense in hex: words, SHAs of every length, UUIDs, colours, 0x literals, numbers. */
const hexDense = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: hex(1, 45) },
      hex(1, 45).map((h) => h.toUpperCase()),
      { weight: 4, arbitrary: fc.constantFrom(' ', '\n', '-', '_', '#', '0x', 'x', '`', '(', ')', '.', '/', 'é', '🙂', 'g', 'Z', ':', '@') },
      fc.uuid(),
      anyText,
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

describe('SHA scanner, generated input', () => {
  it('reports only 7-40 hex characters standing alone as a word, in order, exactly where they are', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: hexDense }, hostileText, anyText), (text) => {
        let previousEnd = 0;
        for (const token of scanShas(text)) {
          assert.equal(text.slice(token.start, token.end), token.text);
          assert.ok(token.text.length >= MIN_SHA_LENGTH && token.text.length <= MAX_SHA_LENGTH, `length ${token.text.length}: ${token.text}`);
          assert.match(token.text, /^[0-9a-fA-F]+$/);
          assert.doesNotMatch(token.text, /^[0-9]+$/, 'a pure number is not a SHA');
          assert.ok(token.start === 0 || !WORD_CHAR.test(text[token.start - 1]), `word continues before ${token.text} in ${JSON.stringify(text)}`);
          assert.ok(token.end === text.length || !WORD_CHAR.test(text[token.end]), `word continues after ${token.text} in ${JSON.stringify(text)}`);
          assert.ok(token.start >= previousEnd, 'ranges in order, not overlapping');
          previousEnd = token.end;
        }
      }),
      runs('shaScannerRanges'),
    );
  });

  it('finds every SHA written plainly between other words, at its place', () => {
    const sha = fc.tuple(hex(MIN_SHA_LENGTH - 1, MAX_SHA_LENGTH - 1), fc.constantFrom(...'abcdef')).map(([h, letter]) => h + letter);
    const filler = fc.oneof(fc.stringMatching(/^[A-Za-z ,.:;!?()\n-]{0,30}$/), fc.constantFrom('commit', 'deployed at', 'fix(worker):', 'see', ''));
    const separator = fc.constantFrom(' ', '\n', '(', ')', ', ', ': ', '`', '"', '/', '[', ']');
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, separator, sha, separator), { minLength: 1, maxLength: 8 }), (parts) => {
        let text = '';
        const planted: Array<{ sha: string; start: number }> = [];
        for (const [before, open, s, close] of parts) {
          text += `${before}${open}`;
          // A separator is not a word character, but the filler before it might end the text with one.
          planted.push({ sha: s, start: text.length });
          text += `${s}${close}`;
        }
        const found = scanShas(text);
        for (const p of planted) {
          assert.ok(
            found.some((t) => t.start === p.start && t.text === p.sha),
            `${p.sha} at ${p.start} not found in ${JSON.stringify(text)}: ${JSON.stringify(found)}`,
          );
        }
      }),
      runs('shaScannerPlanted'),
    );
  });
});

describe('feature offset parser, generated input', () => {
  it('never throws, and every offset it reports is the number literal written at that place', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, anyText), (sql) => {
        for (const access of findArrayAccesses(sql)) {
          const literal = sql.slice(access.numberStart, access.numberEnd);
          assert.match(literal, /^\d+$/);
          assert.equal(Number(literal), access.written);
          assert.equal(access.index, access.accessor.endsWith('ORDINAL') ? access.written - 1 : access.written);
          assert.ok(access.start <= access.numberStart && access.numberEnd < access.end && access.end <= sql.length);
          assert.equal(sql[access.end - 1], ']');
        }
      }),
      runs('featureOffsetsNeverThrow'),
    );
  });

  it('finds each access written in code, with its number, and none written in strings or comments', () => {
    const accessor = fc.constantFrom('OFFSET', 'SAFE_OFFSET', 'ORDINAL', 'SAFE_ORDINAL', 'offset', 'Safe_Ordinal');
    const array = fc.constantFrom('features', 'f.features', '`features`', 'f.`features`', 'inputs');
    const space = fc.constantFrom('', ' ', '\n', ' /* x */ ', ' -- c\n');
    const access = fc
      .tuple(array, space, accessor, space, fc.integer({ min: 0, max: 99_999 }), space)
      .map(([a, s1, acc, s2, n, s3]) => ({ text: `${a}${s1}[${s2}${acc}(${s3}${n})${s1}]`, n, accessor: acc.toUpperCase() }));
    const hidden = fc
      .tuple(accessor, fc.integer({ min: 0, max: 999 }))
      .map(([acc, n]) => fc.constantFrom(`'features[${acc}(${n})]'`, `-- features[${acc}(${n})]\n`, `/* features[${acc}(${n})] */`, `"x[${acc}(${n})]"`, `# a[${acc}(${n})]\n`));
    const code = fc.constantFrom('SELECT ', ', ', ' FROM t AS f WHERE ', ' + ', ' > 0.5 AND ', ' ', '\n');
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            access.map((a) => ({ kind: 'access' as const, ...a })),
            hidden.chain((h) => h).map((text) => ({ kind: 'hidden' as const, text })),
            stringLiteral.map((l) => ({ kind: 'code' as const, text: l.source })),
            code.map((text) => ({ kind: 'code' as const, text })),
          ),
          { maxLength: 12 },
        ),
        (parts) => {
          let sql = '';
          const planted: Array<{ n: number; accessor: string; start: number }> = [];
          for (const part of parts) {
            // Code between parts keeps a planted access from fusing with its neighbour.
            sql += ' ';
            if (part.kind === 'access') planted.push({ n: part.n, accessor: part.accessor, start: sql.length });
            sql += part.text;
          }
          const found = findArrayAccesses(sql);
          assert.equal(found.length, planted.length, `found ${JSON.stringify(found.map((f) => sql.slice(f.start, f.end)))} in ${JSON.stringify(sql)}`);
          found.forEach((f, i) => {
            assert.equal(f.written, planted[i].n);
            assert.equal(f.accessor, planted[i].accessor);
            assert.equal(sql.slice(f.numberStart, f.numberEnd), String(planted[i].n));
            assert.ok(f.start >= planted[i].start, 'the access starts at its array name');
          });
        },
      ),
      runs('featureOffsetsPlanted'),
    );
  });
});
