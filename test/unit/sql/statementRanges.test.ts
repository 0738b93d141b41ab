import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statementRanges } from '../../../src/core/sql/statements';

describe('statementRanges', () => {
  it('gives each statement of a file its own range, comments before it and the ; left out', () => {
    const sql = "-- hit rate\nSELECT 1 AS a;\n\n/* second */ SELECT ';' AS b FROM t WHERE x IN (SELECT 1; )\n;\nSELECT 3";
    const texts = statementRanges(sql).map((r) => sql.slice(r.start, r.end));
    assert.deepEqual(texts, ['SELECT 1 AS a', "SELECT ';' AS b FROM t WHERE x IN (SELECT 1; )", 'SELECT 3']);
  });

  it('gives none for a file of comments only', () => {
    assert.deepEqual(statementRanges('-- nothing yet\n'), []);
  });
});
