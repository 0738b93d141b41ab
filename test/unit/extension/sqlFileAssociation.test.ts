import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnderFolder, sqlAssociationPattern, withSqlAssociation } from '../../../src/extension/sqlFileAssociation';

describe('.sql files as BigQuery SQL (files.associations)', () => {
  it('a folder becomes a pattern matched against the absolute path; the whole workspace a file-name pattern', () => {
    assert.equal(sqlAssociationPattern('sql'), '**/sql/**/*.sql');
    assert.equal(sqlAssociationPattern('./queries/bq/'), '**/queries/bq/**/*.sql');
    assert.equal(sqlAssociationPattern('queries\\bq'), '**/queries/bq/**/*.sql');
    assert.equal(sqlAssociationPattern(''), '*.sql');
    assert.equal(sqlAssociationPattern('.'), '*.sql');
  });

  it('adds the entry beside the associations already there, and nothing when it is there', () => {
    assert.deepEqual(withSqlAssociation({ '*.hql': 'sql' }, 'sql'), { '*.hql': 'sql', '**/sql/**/*.sql': 'bqsql' });
    assert.deepEqual(withSqlAssociation(undefined, ''), { '*.sql': 'bqsql' });
    assert.equal(withSqlAssociation({ '**/sql/**/*.sql': 'bqsql' }, 'sql'), null);
    // Another extension's language for the same pattern is replaced: the person asked.
    assert.deepEqual(withSqlAssociation({ '**/sql/**/*.sql': 'sql' }, 'sql'), { '**/sql/**/*.sql': 'bqsql' });
  });

  it('switches only the open .sql files under the folder', () => {
    assert.equal(isUnderFolder('sql/vegas_coverage.sql', 'sql'), true);
    assert.equal(isUnderFolder('reports/sql/a.SQL', 'sql'), true);
    assert.equal(isUnderFolder('mysql/a.sql', 'sql'), false);
    assert.equal(isUnderFolder('sql/notes.md', 'sql'), false);
    assert.equal(isUnderFolder('anything/a.sql', ''), true);
  });
});
