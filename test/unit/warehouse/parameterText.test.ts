import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferParameter, parameterOfType, parseParameterAssignment, parseParameterValue } from '../../../src/core/warehouse/parameterText';

describe('a query parameter typed as text (the CLI and the editor read it alike)', () => {
  it('is typed by what it looks like', () => {
    assert.deepEqual(inferParameter('2026-01-01'), { type: 'DATE', value: '2026-01-01' });
    assert.deepEqual(inferParameter('2026-01-30T07:41:00Z'), { type: 'TIMESTAMP', value: '2026-01-30T07:41:00Z' });
    assert.deepEqual(inferParameter('2026-01-30 07:41'), { type: 'TIMESTAMP', value: '2026-01-30 07:41' });
    assert.deepEqual(inferParameter('2026-01-30T07:41:00.123+02:00'), { type: 'TIMESTAMP', value: '2026-01-30T07:41:00.123+02:00' });
    assert.deepEqual(inferParameter('42'), { type: 'INT64', value: 42 });
    assert.deepEqual(inferParameter('-7'), { type: 'INT64', value: -7 });
    assert.deepEqual(inferParameter('0'), { type: 'INT64', value: 0 });
    assert.deepEqual(inferParameter('0.5'), { type: 'FLOAT64', value: 0.5 });
    assert.deepEqual(inferParameter('.5'), { type: 'FLOAT64', value: 0.5 });
    assert.deepEqual(inferParameter('TRUE'), { type: 'BOOL', value: true });
    assert.deepEqual(inferParameter('false'), { type: 'BOOL', value: false });
    assert.deepEqual(inferParameter('catboost_v8'), { type: 'STRING', value: 'catboost_v8' });
  });

  it('keeps ids with leading zeros, and what only resembles a number, as text', () => {
    assert.deepEqual(inferParameter('0042'), { type: 'STRING', value: '0042' });
    assert.deepEqual(inferParameter('1e5'), { type: 'STRING', value: '1e5' });
    assert.deepEqual(inferParameter('v9'), { type: 'STRING', value: 'v9' });
    assert.deepEqual(inferParameter(''), { type: 'STRING', value: '' });
  });

  it('keeps an INT64 beyond 2^53 exact, as text the engines take', () => {
    assert.deepEqual(inferParameter('9007199254740993'), { type: 'INT64', value: '9007199254740993' });
  });

  it('refuses a date or time that names no day rather than passing it as text', () => {
    const bad = inferParameter('2026-02-30');
    assert.ok('problem' in bad);
    assert.match(bad.problem, /"2026-02-30" is not a DATE/);
    assert.ok('problem' in inferParameter('2026-01-30T25:00:00Z'));
  });

  it('obeys a forced type and says what the type takes', () => {
    assert.deepEqual(parameterOfType('STRING', '2026'), { type: 'STRING', value: '2026' });
    assert.deepEqual(parameterOfType('FLOAT64', '5'), { type: 'FLOAT64', value: 5 });
    const notInt = parameterOfType('INT64', '4.5');
    assert.ok('problem' in notInt && /not an INT64/.test(notInt.problem));
    const notBool = parameterOfType('BOOL', 'yes');
    assert.ok('problem' in notBool && /true or false/.test(notBool.problem));
  });

  it('reads --param name=value and name:TYPE=value, with messages that say the fix', () => {
    assert.deepEqual(parseParameterAssignment('start_date=2026-01-01'), { name: 'start_date', parameter: { type: 'DATE', value: '2026-01-01' } });
    assert.deepEqual(parseParameterAssignment('n:INT64=5'), { name: 'n', parameter: { type: 'INT64', value: 5 } });
    assert.deepEqual(parseParameterAssignment('build:string=2026'), { name: 'build', parameter: { type: 'STRING', value: '2026' } });
    assert.deepEqual(parseParameterAssignment('expr=a=b'), { name: 'expr', parameter: { type: 'STRING', value: 'a=b' } });
    const typo = parseParameterAssignment('d=2026-02-30');
    assert.ok('problem' in typo && /write d:STRING=2026-02-30/.test(typo.problem), JSON.stringify(typo));
    const unknownType = parseParameterAssignment('n:NUMBER=5');
    assert.ok('problem' in unknownType && /NUMBER is not a parameter type; use one of STRING, INT64/.test(unknownType.problem));
    assert.ok('problem' in parseParameterAssignment('no value'));
  });

  it("reads the editor's TYPE:value, and a bare value by the same rule", () => {
    assert.deepEqual(parseParameterValue('STRING:2026'), { type: 'STRING', value: '2026' });
    assert.deepEqual(parseParameterValue('2026'), { type: 'INT64', value: 2026 });
    assert.deepEqual(parseParameterValue('2026-01-09'), { type: 'DATE', value: '2026-01-09' });
    assert.deepEqual(parseParameterValue('2026-01-30T07:41:00Z'), { type: 'TIMESTAMP', value: '2026-01-30T07:41:00Z' });
    assert.deepEqual(parseParameterValue('http://example.com'), { type: 'STRING', value: 'http://example.com' });
  });
});
