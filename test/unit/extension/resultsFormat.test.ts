import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCsv, toJson } from '../../../src/extension/queries/resultsFormat';

describe('query results export', () => {
  const result = {
    columns: ['model', 'note', 'n', 'missing', 'list'],
    rows: [{ model: 'catboost_v8', note: 'say "hi", then\nleave', n: 3, missing: null, list: [1, 2] }],
  };

  it('writes RFC 4180 CSV: quoted fields where needed, NULL as empty, arrays as JSON', () => {
    assert.equal(toCsv(result), 'model,note,n,missing,list\r\ncatboost_v8,"say ""hi"", then\nleave",3,,"[1,2]"\r\n');
  });

  it('writes JSON rows keyed by column, in column order, with nulls kept', () => {
    assert.deepEqual(JSON.parse(toJson(result)), [{ model: 'catboost_v8', note: 'say "hi", then\nleave', n: 3, missing: null, list: [1, 2] }]);
  });
});
