import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyStatement } from '../../../src/core/warehouse/statementKind';

describe('classifyStatement', () => {
  it('classifies SELECT and WITH ... SELECT as queries', () => {
    assert.deepEqual(classifyStatement('SELECT 1'), { kind: 'query', statementType: 'SELECT', targets: [] });
    assert.equal(classifyStatement('WITH a AS (SELECT 1) SELECT * FROM a').kind, 'query');
    assert.equal(classifyStatement('WITH RECURSIVE a AS (SELECT 1 UNION ALL SELECT 2) SELECT * FROM a').kind, 'query');
    assert.equal(classifyStatement('(SELECT 1) UNION ALL (SELECT 2)').kind, 'query');
    assert.equal(classifyStatement('SELECT 1;').kind, 'query');
  });

  it('is not fooled by DML words inside strings, comments or backticks', () => {
    assert.equal(classifyStatement("SELECT 'DELETE FROM x' AS s").kind, 'query');
    assert.equal(classifyStatement('-- DROP TABLE x;\n# DELETE FROM y;\n/* ; INSERT */ SELECT 1').kind, 'query');
    assert.equal(classifyStatement('SELECT `delete` FROM `ds.update`').kind, 'query');
    assert.equal(classifyStatement("SELECT ';DROP TABLE x' AS s").kind, 'query');
  });

  it('classifies DML with its target', () => {
    assert.deepEqual(classifyStatement('DELETE FROM `ds.preds` WHERE true'), { kind: 'dml', statementType: 'DELETE', targets: ['ds.preds'] });
    assert.deepEqual(classifyStatement('delete ds.preds where true'), { kind: 'dml', statementType: 'DELETE', targets: ['ds.preds'] });
    assert.deepEqual(classifyStatement('INSERT INTO my-proj.ds.t (a) SELECT 1'), { kind: 'dml', statementType: 'INSERT', targets: ['my-proj.ds.t'] });
    assert.deepEqual(classifyStatement('UPDATE `p.ds.t` SET a = 1 WHERE true'), { kind: 'dml', statementType: 'UPDATE', targets: ['p.ds.t'] });
    assert.deepEqual(classifyStatement('MERGE ds.t T USING ds.s S ON T.id = S.id WHEN MATCHED THEN DELETE'), {
      kind: 'dml',
      statementType: 'MERGE',
      targets: ['ds.t'],
    });
    assert.deepEqual(classifyStatement('TRUNCATE TABLE ds.t'), { kind: 'dml', statementType: 'TRUNCATE_TABLE', targets: ['ds.t'] });
  });

  it('sees DML after a WITH clause', () => {
    assert.deepEqual(classifyStatement('WITH x AS (SELECT 1 AS id) DELETE FROM ds.t WHERE id IN (SELECT id FROM x)'), {
      kind: 'dml',
      statementType: 'DELETE',
      targets: ['ds.t'],
    });
  });

  it('classifies DDL with its object kind', () => {
    assert.deepEqual(classifyStatement('CREATE OR REPLACE TABLE ds.t AS SELECT 1 AS a'), {
      kind: 'ddl',
      statementType: 'CREATE_TABLE_AS_SELECT',
      targets: ['ds.t'],
    });
    assert.deepEqual(classifyStatement('CREATE TABLE IF NOT EXISTS ds.t (a INT64)'), { kind: 'ddl', statementType: 'CREATE_TABLE', targets: ['ds.t'] });
    assert.deepEqual(classifyStatement('DROP TABLE IF EXISTS `ds.t`'), { kind: 'ddl', statementType: 'DROP_TABLE', targets: ['ds.t'] });
    assert.deepEqual(classifyStatement('CREATE MATERIALIZED VIEW ds.v AS SELECT 1'), { kind: 'ddl', statementType: 'CREATE_MATERIALIZED_VIEW', targets: ['ds.v'] });
    assert.deepEqual(classifyStatement('CREATE TEMP TABLE FUNCTION ds.f() AS SELECT 1'), { kind: 'ddl', statementType: 'CREATE_TABLE_FUNCTION', targets: ['ds.f'] });
    assert.deepEqual(classifyStatement('ALTER TABLE ds.t ADD COLUMN b STRING'), { kind: 'ddl', statementType: 'ALTER_TABLE', targets: ['ds.t'] });
    assert.deepEqual(classifyStatement('GRANT `roles/bigquery.dataViewer` ON TABLE ds.t TO "user:a@b.c"'), {
      kind: 'ddl',
      statementType: 'GRANT',
      targets: ['ds.t'],
    });
  });

  it('classifies several statements as a script, with every target', () => {
    const kind = classifyStatement('SELECT 1; DELETE FROM ds.a WHERE true; DROP TABLE ds.b');
    assert.deepEqual(kind, { kind: 'script', statementType: 'SCRIPT', targets: ['ds.a', 'ds.b'] });
    assert.equal(classifyStatement('SELECT 1; SELECT 2').kind, 'script');
  });

  it('refuses scripting and engine statements as scripts', () => {
    assert.equal(classifyStatement('DECLARE x INT64 DEFAULT 1').kind, 'script');
    assert.equal(classifyStatement('BEGIN SELECT 1; END').kind, 'script');
    assert.equal(classifyStatement('CALL ds.proc()').kind, 'script');
    assert.deepEqual(classifyStatement("ATTACH 'x.db' AS x"), { kind: 'script', statementType: 'ATTACH', targets: [] });
    assert.equal(classifyStatement("COPY t TO 'x.csv'").kind, 'dml');
    assert.equal(classifyStatement("EXPORT DATA OPTIONS(uri='gs://b/*') AS SELECT 1").kind, 'dml');
    assert.equal(classifyStatement('EXPLAIN ANALYZE DELETE FROM t').kind, 'script');
  });

  it('gives an empty text no query', () => {
    assert.deepEqual(classifyStatement('  -- nothing\n'), { kind: 'script', statementType: 'EMPTY', targets: [] });
  });
});
