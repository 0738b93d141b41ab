import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnRef, parseTableName, tableRef } from '../../../src/core/warehouse/identifiers';
import { WarehouseError } from '../../../src/core/warehouse/types';

describe('tableRef', () => {
  it('quotes dataset.table and project.dataset.table', () => {
    assert.equal(tableRef('ds.preds'), '`ds.preds`');
    assert.equal(tableRef('my-proj-123.ds_1.preds_2024'), '`my-proj-123.ds_1.preds_2024`');
    assert.deepEqual(parseTableName('my-proj.ds.t'), { project: 'my-proj', dataset: 'ds', table: 't' });
    assert.deepEqual(parseTableName('ds.t'), { project: null, dataset: 'ds', table: 't' });
  });

  it('rejects injection attempts and malformed names, naming them and the rule', () => {
    for (const bad of [
      'a`; DROP TABLE x; --',
      'ds.t`',
      'ds.t; DELETE',
      "ds.t' OR '1'='1",
      'preds',
      'a.b.c.d',
      'ds..t',
      '.ds.t',
      'ds.t ',
      'ds.t\n',
      'ds.t-x',
      'My-Proj.ds.t',
      '-proj.ds.t',
      'proj-.ds.t',
      'ds.ta"b',
      '',
    ]) {
      assert.throws(
        () => tableRef(bad),
        (error: unknown) =>
          error instanceof WarehouseError &&
          error.reason === 'invalid-identifier' &&
          error.message.includes(JSON.stringify(bad)) &&
          error.message.includes('dataset.table or project.dataset.table'),
        `accepted ${JSON.stringify(bad)}`,
      );
    }
  });

  it('enforces the maximum lengths', () => {
    assert.doesNotThrow(() => tableRef(`${'p'.repeat(30)}.ds.t`));
    assert.throws(() => tableRef(`${'p'.repeat(31)}.ds.t`), WarehouseError);
    assert.doesNotThrow(() => tableRef(`ds.${'t'.repeat(1024)}`));
    assert.throws(() => tableRef(`ds.${'t'.repeat(1025)}`), WarehouseError);
  });
});

describe('columnRef', () => {
  it('quotes valid names, including reserved words', () => {
    assert.equal(columnRef('end'), '`end`');
    assert.equal(columnRef('_x9'), '`_x9`');
  });

  it('rejects anything outside [A-Za-z_][A-Za-z0-9_]*', () => {
    for (const bad of ['a`; DROP', '1abc', 'a b', 'a.b', 'a-b', '', 'é', 'a`', 'x'.repeat(301)]) {
      assert.throws(
        () => columnRef(bad),
        (error: unknown) => error instanceof WarehouseError && error.message.includes(JSON.stringify(bad)) && error.message.includes('[A-Za-z_][A-Za-z0-9_]*'),
        `accepted ${JSON.stringify(bad)}`,
      );
    }
  });
});
