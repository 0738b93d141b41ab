import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readDottedName, tokenize } from '../../../src/core/warehouse/bigqueryTokens';

describe('tokenize', () => {
  it('gives back the input when its tokens are joined', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab1 .,()[]\'"`#-/*@\\\nrR'.split('')), maxLength: 60 }), (sql) => {
        assert.equal(
          tokenize(sql)
            .map((t) => t.text)
            .join(''),
          sql,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('reads strings, names, params, numbers and comments', () => {
    const kinds = tokenize("SELECT r'\\d', `a.b`, @p, 1.5e3, x -- c")
      .filter((t) => t.kind !== 'space')
      .map((t) => `${t.kind}:${t.value}`);
    assert.deepEqual(kinds, ['word:SELECT', 'string:\\d', 'punct:,', 'quoted:a.b', 'punct:,', 'param:p', 'punct:,', 'number:1.5e3', 'punct:,', 'word:x', 'comment:-- c']);
  });

  it('marks an unterminated string instead of failing', () => {
    const last = tokenize("SELECT 'abc").at(-1);
    assert.equal(last?.kind, 'string');
    assert.equal(last?.unterminated, true);
  });

  it('reads a path part starting with a digit as a name', () => {
    const tokens = tokenize('ds.2024_events');
    assert.deepEqual(readDottedName(tokens, 0)?.parts, ['ds', '2024_events']);
  });

  it('reads dotted names with quoted parts and dashed projects', () => {
    assert.deepEqual(readDottedName(tokenize('`proj.ds`.t'), 0)?.parts, ['proj', 'ds', 't']);
    assert.deepEqual(readDottedName(tokenize('my-proj.ds.t'), 0)?.parts, ['my-proj', 'ds', 't']);
    assert.deepEqual(readDottedName(tokenize('my-proj-42.ds.t'), 0)?.parts, ['my-proj-42', 'ds', 't']);
    assert.deepEqual(readDottedName(tokenize('a - b'), 0)?.parts, ['a']);
  });
});
