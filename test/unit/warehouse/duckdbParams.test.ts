import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuckDBDateValue, DuckDBListValue, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { duckdbParams, timestampMicros } from '../../../src/core/warehouse/embedded/duckdbParams';
import { WarehouseError, type SqlQuery } from '../../../src/core/warehouse/types';

const query = (params: SqlQuery['params'], types: SqlQuery['types']): SqlQuery => ({ name: 'q', sql: '', params, types });

describe('timestampMicros', () => {
  it('reads ISO strings as UTC unless they carry a zone', () => {
    assert.equal(timestampMicros('2024-01-01T00:00:00Z'), 1704067200000000n);
    assert.equal(timestampMicros('2024-01-01 00:00:00'), 1704067200000000n);
    assert.equal(timestampMicros('2024-01-01T02:00:00+02:00'), 1704067200000000n);
    assert.equal(timestampMicros('2024-01-01'), 1704067200000000n);
  });

  it('keeps microseconds that a Date would drop', () => {
    assert.equal(timestampMicros('2024-01-01T00:00:00.123456Z'), 1704067200123456n);
    assert.equal(timestampMicros(new Date('2024-01-01T00:00:00.123Z')), 1704067200123000n);
  });

  it('rejects what is not a timestamp', () => {
    assert.equal(timestampMicros('yesterday'), null);
    assert.equal(timestampMicros('2024-02-30T00:00:00Z'), null);
    assert.equal(timestampMicros(new Date('nope')), null);
  });
});

describe('duckdbParams', () => {
  it('converts each declared type', () => {
    const { values } = duckdbParams(
      query(
        { s: 'x', n: 3, f: 0.5, b: true, d: '2024-03-01', t: '2024-03-01T00:00:00Z', a: ['a', 'b'], z: null },
        { s: 'STRING', n: 'INT64', f: 'FLOAT64', b: 'BOOL', d: 'DATE', t: 'TIMESTAMP', a: { array: 'STRING' }, z: 'DATE' },
      ),
      ['s', 'n', 'f', 'b', 'd', 't', 'a', 'z'],
    );
    assert.equal(values.s, 'x');
    assert.equal(values.n, 3n);
    assert.equal(values.f, 0.5);
    assert.equal(values.b, true);
    assert.ok(values.d instanceof DuckDBDateValue && values.d.toString() === '2024-03-01');
    assert.ok(values.t instanceof DuckDBTimestampTZValue && values.t.micros === 1709251200000000n);
    assert.ok(values.a instanceof DuckDBListValue && values.a.items.join() === 'a,b');
    assert.equal(values.z, null);
  });

  it('names the parameter when a value does not fit its type', () => {
    const cases: Array<[SqlQuery['params'][string], SqlQuery['types'][string]]> = [
      ['2024-13-01', 'DATE'],
      ['01/02/2024', 'DATE'],
      [1.5, 'INT64'],
      ['3', 'FLOAT64'],
      ['true', 'BOOL'],
      ['x', { array: 'STRING' }],
      [[1, 'a'], { array: 'INT64' }],
    ];
    for (const [value, type] of cases) {
      assert.throws(
        () => duckdbParams(query({ p: value }, { p: type }), ['p']),
        (error: unknown) => error instanceof WarehouseError && error.reason === 'invalid-param' && error.message.includes('@p of query q'),
        JSON.stringify(value),
      );
    }
  });

  it('requires a value and a declared type for every parameter the SQL uses', () => {
    assert.throws(() => duckdbParams(query({}, { p: 'STRING' }), ['p']), /uses @p but gives it no value/);
    assert.throws(() => duckdbParams(query({ p: null }, {}), ['p']), /no declared type/);
  });
});
