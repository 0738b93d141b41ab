import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineParameters } from '../../../src/server/rowSql';
import { sqlParameters } from '../../../src/server/handlers/queries';

describe('SQL behind a tree row', () => {
  it('writes parameters in as BigQuery literals, leaving strings and comments alone', () => {
    const sql = "SELECT '@from' AS text -- @to\nFROM t WHERE d BETWEEN @from AND @to AND m IN UNNEST(@models) AND x = @@session.y AND s = @s";
    const out = inlineParameters({
      name: 'q',
      sql,
      params: { from: '2026-01-01', to: '2026-01-31', models: ['catboost_v8', "o'brien"], s: 'a\\b' },
      types: { from: 'DATE', to: 'DATE', models: { array: 'STRING' }, s: 'STRING' },
    });
    assert.equal(
      out,
      "SELECT '@from' AS text -- @to\nFROM t WHERE d BETWEEN DATE '2026-01-01' AND DATE '2026-01-31' AND m IN UNNEST(['catboost_v8', 'o\\'brien']) AND x = @@session.y AND s = 'a\\\\b'",
    );
  });

  it('lists the parameters a person must give, once each, in order, without system variables', () => {
    assert.deepEqual(sqlParameters("SELECT @b, @a, '@c', @b, @@x -- @d"), ['b', 'a']);
  });
});
