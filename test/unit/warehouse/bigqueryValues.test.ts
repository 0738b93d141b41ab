import { BigQuery } from '@google-cloud/bigquery';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryParameters } from '../../../src/core/warehouse/bigquery/bigqueryParams';
import { normaliseBigQueryRow } from '../../../src/core/warehouse/bigquery/bigqueryRows';
import { formatBytes, parseByteSize } from '../../../src/core/report/bytes';
import type { SqlQuery } from '../../../src/core/warehouse/types';

describe('queryParameters', () => {
  const q = (sql: string, params: SqlQuery['params'], types: SqlQuery['types']): SqlQuery => ({ name: 'q', sql, params, types });

  it('gives every value its declared type as BigQuery text', () => {
    const sent = queryParameters(
      q(
        'SELECT @i, @f, @b, @d, @t, @tz, @big',
        { i: -3, f: 1e21, b: false, d: new Date('2024-03-01T23:00:00Z'), t: new Date('2024-03-01T12:00:00.5Z'), tz: '2024-03-01T12:00:00+02:00', big: '9007199254740993' },
        { i: 'INT64', f: 'FLOAT64', b: 'BOOL', d: 'DATE', t: 'TIMESTAMP', tz: 'TIMESTAMP', big: 'INT64' },
      ),
    );
    assert.deepEqual(
      sent.map((p) => [p.name, p.parameterType.type, p.parameterValue.value]),
      [
        ['i', 'INT64', '-3'],
        ['f', 'FLOAT64', '1e+21'],
        ['b', 'BOOL', 'false'],
        ['d', 'DATE', '2024-03-01'],
        ['t', 'TIMESTAMP', '2024-03-01 12:00:00.500000+00:00'],
        ['tz', 'TIMESTAMP', '2024-03-01 10:00:00.000000+00:00'],
        ['big', 'INT64', '9007199254740993'],
      ],
    );
  });

  it('refuses values that do not fit, naming the parameter, and NULL inside an array', () => {
    assert.throws(() => queryParameters(q('SELECT @n', { n: 1.5 }, { n: 'INT64' })), /Parameter @n of query q is 1.5, which is not a valid INT64/);
    assert.throws(() => queryParameters(q('SELECT @t', { t: 'yesterday' }, { t: 'TIMESTAMP' })), /@t of query q is "yesterday", which is not a valid TIMESTAMP/);
    assert.throws(() => queryParameters(q('SELECT @a', { a: 'x' }, { a: { array: 'STRING' } })), /Parameter @a of query q is "x", which is not a valid ARRAY<STRING>/);
    assert.throws(() => queryParameters(q('SELECT @a', { a: ['x', null] }, { a: { array: 'STRING' } })), /@a of query q \(element 1\) is null; BigQuery arrays cannot hold NULL/);
    assert.throws(() => queryParameters(q('SELECT @a', { a: 1 }, {})), /gives @a no declared type/);
  });

  it('ignores @@system variables and parameters inside strings and comments', () => {
    const sent = queryParameters(q("SELECT @@project_id, '@notme', @x -- @nor_me", { x: 1 }, { x: 'INT64' }));
    assert.deepEqual(
      sent.map((p) => p.name),
      ['x'],
    );
  });
});

describe('normaliseBigQueryRow', () => {
  it("turns the client's own parsed values (BigQueryDate, BigQueryTimestamp, Big...) into the shapes every engine returns", () => {
    const fields = [
      { name: 'd', type: 'DATE' },
      { name: 't', type: 'TIMESTAMP' },
      { name: 't0', type: 'TIMESTAMP' },
      { name: 'dt', type: 'DATETIME' },
      { name: 'n', type: 'NUMERIC' },
      { name: 'i', type: 'INTEGER' },
      { name: 'f', type: 'FLOAT' },
      { name: 'b', type: 'BOOLEAN' },
      { name: 'bytes', type: 'BYTES' },
      { name: 'arr', type: 'INTEGER', mode: 'REPEATED' },
      {
        name: 'rec',
        type: 'RECORD',
        fields: [
          { name: 'a', type: 'DATE' },
          { name: 'nested', type: 'INTEGER', mode: 'REPEATED' },
        ],
      },
      { name: 'none', type: 'STRING' },
    ];
    // As jobs.getQueryResults sends them (TIMESTAMP as int64 microseconds).
    const wire = {
      f: [
        { v: '2024-03-01' },
        { v: '1709296200123456' },
        { v: '1709296200000000' },
        { v: '2024-03-01T12:30:00.250000' },
        { v: '1.25' },
        { v: '42' },
        { v: '0.1' },
        { v: 'true' },
        { v: Buffer.from('hi').toString('base64') },
        { v: [] },
        { v: { f: [{ v: '2024-01-02' }, { v: [{ v: '1' }, { v: '2' }] }] } },
        { v: null },
      ],
    };
    const [parsed] = BigQuery.mergeSchemaWithRows_({ fields }, [wire], { wrapIntegers: false });
    assert.equal(parsed.d.constructor.name, 'BigQueryDate', 'the client wraps values; the normaliser unwraps them');
    assert.deepEqual(normaliseBigQueryRow(parsed, fields), {
      d: '2024-03-01',
      t: '2024-03-01T12:30:00.123456Z',
      t0: '2024-03-01T12:30:00.000Z',
      dt: '2024-03-01T12:30:00.250Z',
      n: 1.25,
      i: 42,
      f: 0.1,
      b: true,
      bytes: 'aGk=',
      arr: [],
      rec: { a: '2024-01-02', nested: [1, 2] },
      none: null,
    });
  });
});

describe('byte sizes', () => {
  it('formats in binary units, and parses decimal and binary suffixes', () => {
    assert.equal(formatBytes(980), '980 bytes');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(10 * 1024 ** 3), '10 GiB');
    assert.equal(formatBytes(123456789), '118 MiB');
    assert.equal(parseByteSize('500MB'), 500_000_000);
    assert.equal(parseByteSize('2 GiB'), 2 * 1024 ** 3);
    assert.equal(parseByteSize('1000'), 1000);
    assert.equal(parseByteSize('0'), null);
    assert.equal(parseByteSize('lots'), null);
  });
});
