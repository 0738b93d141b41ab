import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyStatement } from '../../src/core/warehouse/statementKind';
import { runs } from './propertyRuns';
import { hostileText, readQuery, scriptWithWrite } from './sqlArbitraries';

/*
 * classifyStatement guards every path that runs user SQL: anything it calls a query runs.
 * Invariants: it never throws; a text with a statement that writes is never a query,
 * wherever the write hides (after queries, after WITH, behind comments, in any case); and
 * keywords inside strings and comments do not make a query look like a write.
 */

describe('classifyStatement, generated input', () => {
  it('never throws, and always says what kind of statement it saw', () => {
    fc.assert(
      fc.property(hostileText, (sql) => {
        const kind = classifyStatement(sql);
        assert.ok(['query', 'dml', 'ddl', 'script'].includes(kind.kind));
        assert.equal(typeof kind.statementType, 'string');
        assert.ok(Array.isArray(kind.targets));
      }),
      runs('classifyNeverThrows'),
    );
  });

  it('never calls a text holding a write statement a query', () => {
    fc.assert(
      fc.property(scriptWithWrite, (sql) => {
        const kind = classifyStatement(sql);
        assert.notEqual(kind.kind, 'query', `classified as a query (${kind.statementType}):\n${sql}`);
      }),
      runs('classifyHiddenWrites'),
    );
  });

  it('calls a query a query, whatever its strings and comments say', () => {
    fc.assert(
      fc.property(readQuery, (sql) => {
        const kind = classifyStatement(sql);
        assert.equal(kind.kind, 'query', `classified as ${kind.kind} (${kind.statementType}):\n${sql}`);
      }),
      runs('classifyQueriesStayQueries'),
    );
  });
});
