import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findArrayAccesses, findFeatureOffsets } from '../../../src/core/sql/featureOffsets';
import type { SqlContext } from '../../../src/core/sql/sqlContext';
import { sqlCompletions } from '../../../src/core/sql/sqlCompletions';
import { sqlDiagnostics } from '../../../src/core/sql/sqlDiagnostics';
import { sqlHoverAt } from '../../../src/core/sql/sqlHover';
import { findTableReferences } from '../../../src/core/sql/tableReferences';

const context: SqlContext = {
  tables: [
    { name: 'nba_predictions.ml_feature_store_v2', role: 'featureStore', partitionColumn: 'game_date', columns: ['game_date', 'player_lookup', 'features', 'feature_source_mode'] },
    {
      name: 'nba_predictions.player_prop_predictions',
      role: 'predictions',
      partitionColumn: 'game_date',
      columns: ['game_date', 'player_lookup', 'system_id', 'build_commit_sha'],
    },
    { name: 'nba_reference.nba_schedule', role: 'expected', partitionColumn: null, columns: ['game_id', 'game_date'] },
  ],
  featuresColumn: 'features',
  featureCount: 33,
  features: [
    { index: 8, name: 'usage_spike_score', description: 'Usage jump vs season' },
    { index: 25, name: 'vegas_points_line', description: "The bookmaker's points line; 0 when missing" },
  ],
};

describe('feature offsets', () => {
  it('reads OFFSET, SAFE_OFFSET and ORDINAL (1-based) with their ranges', () => {
    const sql = 'SELECT f.features[OFFSET(25)], features[SAFE_OFFSET( 8 )], features[ORDINAL(26)], other[OFFSET(1)], features[OFFSET(i)] FROM t';
    const found = findArrayAccesses(sql);
    assert.deepEqual(
      found.map((a) => [a.array, a.accessor, a.written, a.index]),
      [
        ['features', 'OFFSET', 25, 25],
        ['features', 'SAFE_OFFSET', 8, 8],
        ['features', 'ORDINAL', 26, 25],
        ['other', 'OFFSET', 1, 1],
      ],
    );
    assert.equal(sql.slice(found[0].start, found[0].end), 'features[OFFSET(25)]');
    assert.equal(sql.slice(found[0].numberStart, found[0].numberEnd), '25');
    assert.equal(findFeatureOffsets(sql, 'features').length, 3);
  });

  it('ignores offsets in strings and comments', () => {
    assert.deepEqual(findArrayAccesses("SELECT 'features[OFFSET(40)]' -- features[OFFSET(41)]\n/* features[OFFSET(42)] */"), []);
  });
});

describe('table references', () => {
  it('finds tables after FROM and JOIN, comma joins and aliases, not UNNEST or table functions', () => {
    const refs = findTableReferences(
      'SELECT * FROM `nba_predictions.ml_feature_store_v2` AS f, ds.other x JOIN nba_predictions.player_prop_predictions p ON TRUE CROSS JOIN UNNEST(f.features) AS v LEFT JOIN fn(1) ON TRUE',
    );
    assert.deepEqual(
      refs.map((r) => [r.name, r.alias]),
      [
        ['nba_predictions.ml_feature_store_v2', 'f'],
        ['ds.other', 'x'],
        ['nba_predictions.player_prop_predictions', 'p'],
      ],
    );
  });
});

describe('sqlDiagnostics', () => {
  const codes = (sql: string) => sqlDiagnostics(sql, context).map((p) => [p.code, p.severity]);

  it('flags an offset outside the array as an error (a warning with SAFE_) and one outside the registry as a warning', () => {
    const sql =
      'SELECT features[OFFSET(40)], features[SAFE_OFFSET(33)], features[OFFSET(30)], features[ORDINAL(0)] FROM `nba_predictions.ml_feature_store_v2` WHERE game_date = @d';
    const problems = sqlDiagnostics(sql, context);
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, sql.slice(p.start, p.end)]),
      [
        ['feature-offset-out-of-range', 'error', 'features[OFFSET(40)]'],
        ['feature-offset-out-of-range', 'warning', 'features[SAFE_OFFSET(33)]'],
        ['feature-not-in-registry', 'warning', 'features[OFFSET(30)]'],
        ['feature-offset-out-of-range', 'error', 'features[ORDINAL(0)]'],
      ],
    );
    assert.match(problems[0].message, /33 values \(OFFSET 0-32/);
  });

  it('warns when a partitioned table is read without a filter on its partition column', () => {
    const sql = 'SELECT player_lookup FROM `nba_predictions.ml_feature_store_v2` WHERE feature_source_mode = "daily"';
    const [problem] = sqlDiagnostics(sql, context);
    assert.equal(problem.code, 'partition-filter-missing');
    assert.equal(problem.severity, 'warning');
    assert.equal(sql.slice(problem.start, problem.end), '`nba_predictions.ml_feature_store_v2`');
    assert.match(problem.message, /partitioned on game_date/);
  });

  it('accepts a filter on the partition column of the same block, qualified by the right alias', () => {
    assert.deepEqual(codes('SELECT 1 FROM nba_predictions.ml_feature_store_v2 f WHERE f.game_date BETWEEN @a AND @b'), []);
    assert.deepEqual(codes('SELECT 1 FROM nba_predictions.ml_feature_store_v2 WHERE `game_date` = CURRENT_DATE() GROUP BY 1'), []);
    assert.deepEqual(codes('WITH x AS (SELECT * FROM nba_predictions.ml_feature_store_v2 WHERE game_date > @d) SELECT * FROM x'), []);
    assert.deepEqual(codes('SELECT 1 FROM nba_reference.nba_schedule'), [], 'not partitioned');
    // The filter on p does not prune f.
    assert.deepEqual(codes('SELECT 1 FROM nba_predictions.ml_feature_store_v2 f JOIN nba_predictions.player_prop_predictions p USING (player_lookup) WHERE p.game_date = @d'), [
      ['partition-filter-missing', 'warning'],
    ]);
    // A filter in an outer block does not prune a subquery's scan.
    assert.deepEqual(codes('SELECT * FROM (SELECT * FROM nba_predictions.ml_feature_store_v2) WHERE game_date = @d'), [['partition-filter-missing', 'warning']]);
  });

  it('reports DML and DDL as information naming the tables written', () => {
    const sql = "SELECT 1;\nUPDATE `nba_predictions.player_prop_predictions` SET is_active = FALSE WHERE game_date = '2026-01-09';\nDROP TABLE ds.scratch;";
    const problems = sqlDiagnostics(sql, context).filter((p) => p.code === 'writes-tables');
    assert.equal(problems.length, 2);
    assert.equal(problems[0].severity, 'information');
    assert.equal(sql.slice(problems[0].start, problems[0].end), 'UPDATE');
    assert.match(problems[0].message, /UPDATE writes nba_predictions\.player_prop_predictions/);
    assert.match(problems[1].message, /DROP TABLE changes ds\.scratch/);
    assert.deepEqual(codes("SELECT 'DELETE FROM x'"), []);
  });
});

describe('sqlHoverAt', () => {
  it("names the feature under an offset, with the registry's description", () => {
    const sql = 'SELECT features[OFFSET(25)] FROM t';
    const hover = sqlHoverAt(sql, sql.indexOf('25'), context)!;
    assert.match(hover.contents, /\*\*vegas_points_line\*\* — feature index 25 of 33/);
    assert.match(hover.contents, /bookmaker's points line/);
    assert.match(hover.contents, /features\[ORDINAL\(26\)\]/);
    assert.equal(sqlHoverAt('SELECT features[ORDINAL(26)]', 20, context)!.contents.split('\n')[0], '**vegas_points_line** — feature index 25 of 33');
    assert.match(sqlHoverAt('SELECT features[OFFSET(40)]', 20, context)!.contents, /Outside the feature array/);
  });

  it('describes a configured table', () => {
    const sql = 'SELECT 1 FROM nba_predictions.player_prop_predictions';
    assert.match(sqlHoverAt(sql, sql.indexOf('player_prop'), context)!.contents, /predictions table in pipeline-lens\.json[\s\S]*Partitioned on `game_date`/);
  });
});

describe('sqlCompletions', () => {
  it('offers configured tables, fully qualified, after FROM', () => {
    const sql = 'SELECT * FROM nba';
    const result = sqlCompletions(sql, sql.length, context);
    assert.deepEqual(
      result.items.map((i) => i.insertText),
      ['`nba_predictions.ml_feature_store_v2`', '`nba_predictions.player_prop_predictions`', '`nba_reference.nba_schedule`'],
    );
    assert.equal(result.replaceStart, sql.length - 3);
  });

  it('offers the columns of the tables read, the partition column first, and the warehouse schema', () => {
    const sql = 'SELECT  FROM nba_predictions.player_prop_predictions';
    const result = sqlCompletions(sql, 7, context, new Map([['nba_predictions.player_prop_predictions', ['recommendation', 'game_date']]]));
    const columns = result.items.filter((i) => i.kind === 'column');
    assert.deepEqual(columns.map((c) => c.label).sort(), ['build_commit_sha', 'game_date', 'player_lookup', 'recommendation', 'system_id']);
    assert.match(columns.find((c) => c.label === 'game_date')!.detail, /^partition column/);
    assert.equal(result.items.filter((i) => i.kind === 'feature').length, 0, 'the predictions table has no features');
  });

  it('offers feature names that insert the array access', () => {
    const sql = 'SELECT f.vega FROM nba_predictions.ml_feature_store_v2 AS f';
    const result = sqlCompletions(sql, sql.indexOf(' FROM'), context);
    const vegas = result.items.find((i) => i.label === 'vegas_points_line')!;
    assert.equal(vegas.insertText, 'features[OFFSET(25)]');
    assert.equal(sql.slice(result.replaceStart, result.replaceEnd), 'vega');
  });
});

describe('features held as text or in their own columns', () => {
  const store = { name: 'grid.snapshots', role: 'featureStore', partitionColumn: 'day', columns: ['day', 'inputs'] };
  const features = [
    { index: 0, name: 'temperature_c', description: 'Air temperature', column: 'air_temp_c' },
    { index: 1, name: 'humidity', description: 'Relative humidity', column: 'rel_humidity' },
  ];
  const text = (storage: 'jsonArray' | 'delimited'): SqlContext => ({
    tables: [store],
    featuresColumn: 'inputs',
    featureCount: 2,
    features,
    featureStorage: storage,
    featureDelimiter: ';',
  });
  const wide: SqlContext = { tables: [{ ...store, columns: ['day', 'air_temp_c', 'rel_humidity'] }], featuresColumn: null, featureCount: 2, features, featureStorage: 'columns' };

  it('offers each feature as the layout reads it', () => {
    const sql = 'SELECT  FROM grid.snapshots';
    const insert = (context: SqlContext) =>
      sqlCompletions(sql, 7, context)
        .items.filter((i) => i.kind === 'feature')
        .map((i) => i.insertText);
    assert.deepEqual(insert(text('delimited')), ["SPLIT(inputs, ';')[OFFSET(0)]", "SPLIT(inputs, ';')[OFFSET(1)]"]);
    assert.deepEqual(insert(text('jsonArray')), ["JSON_VALUE(inputs, '$[0]')", "JSON_VALUE(inputs, '$[1]')"]);
    assert.deepEqual(insert(wide), ['air_temp_c', 'rel_humidity']);
  });

  it('names the feature of a position split out of text, a JSON path, or a wide column', () => {
    const delimited = "SELECT SPLIT(s.inputs, ';')[SAFE_OFFSET(1)] FROM grid.snapshots s";
    assert.match(sqlHoverAt(delimited, delimited.indexOf('SPLIT') + 1, text('delimited'))!.contents, /^\*\*humidity\*\* — feature index 1 of 2/);
    const json = "SELECT JSON_VALUE(s.inputs, '$[0]'), JSON_EXTRACT_ARRAY(inputs)[OFFSET(1)] FROM grid.snapshots s";
    assert.match(sqlHoverAt(json, json.indexOf('JSON_VALUE') + 1, text('jsonArray'))!.contents, /^\*\*temperature_c\*\*/);
    assert.match(sqlHoverAt(json, json.indexOf('JSON_EXTRACT_ARRAY') + 1, text('jsonArray'))!.contents, /^\*\*humidity\*\*/);
    const columns = 'SELECT s.rel_humidity, air_temp_c FROM grid.snapshots s';
    assert.match(sqlHoverAt(columns, columns.indexOf('rel_') + 1, wide)!.contents, /^\*\*humidity\*\* — feature 1 of 2, column `rel_humidity`/);
    assert.match(sqlHoverAt(columns, columns.indexOf('air_') + 1, wide)!.contents, /^\*\*temperature_c\*\*/);
    const problems = sqlDiagnostics("SELECT SPLIT(inputs, ';')[OFFSET(5)] FROM grid.snapshots WHERE day = @d", text('delimited'));
    assert.deepEqual(
      problems.map((p) => p.code),
      ['feature-offset-out-of-range'],
    );
  });
});
