import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toDuckdbSql } from '../../src/core/warehouse/embedded/bigqueryToDuckdb';
import { tokenize } from '../../src/core/warehouse/bigqueryTokens';
import type { ParamType } from '../../src/core/warehouse/types';
import { missingFrom, readDuckdbSql, wellNested } from './duckdbLiterals';
import { runs } from './propertyRuns';
import { anyText, hostileText, IN_STRING_PARAM, sqlDenseText, sqlFromFragments } from './sqlArbitraries';

/*
 * The BigQuery lexer and the BigQuery→DuckDB rewriter under generated input. Invariants:
 * the lexer accounts for every character exactly once; the rewriter never throws, never
 * changes what a string literal says, and never turns text inside a string into a
 * parameter.
 */

describe('BigQuery lexer, generated input', () => {
  const coversInput = (sql: string) => {
    const tokens = tokenize(sql);
    let offset = 0;
    for (const token of tokens) {
      assert.equal(token.start, offset, `token ${JSON.stringify(token.text)} starts at ${token.start}, expected ${offset}`);
      assert.ok(token.text.length > 0, 'no empty token');
      offset += token.text.length;
    }
    assert.equal(tokens.map((t) => t.text).join(''), sql);
  };

  it('gives back every character of any text, in order, once', () => {
    fc.assert(fc.property(fc.oneof(anyText, hostileText), coversInput), runs('tokenizerRoundTrip'));
  });

  it('gives back every character of text dense in quotes, escapes and comment markers', () => {
    fc.assert(fc.property(sqlDenseText, coversInput), runs('tokenizerSqlDense'));
  });
});

describe('BigQuery→DuckDB rewriter, generated input', () => {
  it('never throws, whatever the text', () => {
    const types: Record<string, ParamType> = { p: 'STRING', x: { array: 'INT64' }, d: 'DATE' };
    fc.assert(
      fc.property(hostileText, fc.boolean(), (sql, typed) => {
        const out = toDuckdbSql(sql, typed ? { paramTypes: types } : {});
        assert.equal(typeof out, 'string');
      }),
      runs('rewriterNeverThrows'),
    );
  });

  it('keeps every string literal saying what it said, and leaves @name inside strings alone', () => {
    fc.assert(
      fc.property(sqlFromFragments, fc.boolean(), ({ sql, literals, params }, typed) => {
        const paramTypes: Record<string, ParamType> = Object.fromEntries(params.map((p) => [p, 'STRING' as const]));
        const out = toDuckdbSql(sql, typed ? { paramTypes } : {});
        const read = readDuckdbSql(out);
        assert.deepEqual(
          missingFrom(
            read.literals,
            literals.map((l) => l.value),
          ),
          [],
          `a string literal changed or vanished\nin:  ${sql}\nout: ${out}`,
        );
        assert.ok(!read.code.includes(`$${IN_STRING_PARAM}`), `text inside a string became a parameter\nin:  ${sql}\nout: ${out}`);
        assert.ok(!read.code.includes(`@${IN_STRING_PARAM}`), `text inside a string escaped it\nin:  ${sql}\nout: ${out}`);
        for (const p of params) assert.ok(read.code.includes(`$${p}`), `parameter @${p} was not carried over\nin:  ${sql}\nout: ${out}`);
        // Rewrites replace a bracketed range with bracketed text: well-nested brackets stay so.
        if (wellNested(bigqueryCode(sql))) assert.ok(wellNested(read.code), `brackets no longer nest\nin:  ${sql}\nout: ${out}`);
      }),
      runs('rewriterStringsPreserved'),
    );
  });

  // Found by the property above with line comments among the fragments: a rewritten
  // argument was trimmed, which dropped the newline ending a trailing `--` comment, so the
  // comment swallowed the code the rewrite put after the argument.
  const lineCommentCases = [
    'SELECT COUNTIF(correct -- graded rows only\n) AS hits FROM t',
    'SELECT features[OFFSET(i -- the index\n)] FROM t',
    'SELECT a FROM t WHERE m IN UNNEST(@models # chosen\n)',
    'SELECT SAFE_CAST(x -- text\n AS INT64) FROM t',
  ];
  for (const sql of lineCommentCases) {
    it(`keeps the code after a line comment ending an argument: ${JSON.stringify(sql)}`, () => {
      const out = toDuckdbSql(sql);
      assert.ok(wellNested(bigqueryCode(sql)));
      assert.ok(wellNested(readDuckdbSql(out).code), `brackets no longer nest\nin:  ${sql}\nout: ${out}`);
    });
  }
});

/** The input's code outside strings, quoted names and comments, read by the product's lexer. */
function bigqueryCode(sql: string): string {
  return tokenize(sql)
    .filter((t) => t.kind !== 'string' && t.kind !== 'quoted' && t.kind !== 'comment')
    .map((t) => t.text)
    .join('');
}
