import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, resolveConfig } from '../../../src/core/config/loadConfig';
import type { PipelineLensConfig } from '../../../src/core/config/types';
import { isPunct, isTrivia, isWord, readDottedName, tokenize, type Token } from '../../../src/core/warehouse/bigqueryTokens';
import { catalogBuilderNames, catalogCalls, type CatalogArgs } from '../../fixtures/catalogCalls';

/*
 * Acceptance: no built-in query scans a partitioned table without filtering on its
 * partition column, so the bytes BigQuery scans (and bills) grow with the window asked
 * for, not with the table. Walks every query catalog.ts can build, for several configs.
 */

/** Where a query reads a partitioned table without a filter on its partition column. */
function unfilteredScans(sql: string, partitions: Record<string, string>): string[] {
  const tokens = tokenize(sql).filter((t) => !isTrivia(t));
  const depthAt: number[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (isPunct(t, ')')) depth--;
    depthAt.push(depth);
    if (isPunct(t, '(')) depth++;
  }
  const problems: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'FROM', 'JOIN')) continue;
    const name = readDottedName(tokens, i + 1);
    if (!name) continue;
    const table = name.parts.join('.').toLowerCase();
    const partition = partitions[table];
    if (!partition) continue;
    let j = name.end;
    if (isWord(tokens[j], 'AS')) j++;
    const alias =
      tokens[j] && (tokens[j].kind === 'word' || tokens[j].kind === 'quoted') && !isWord(tokens[j], 'WHERE', 'JOIN', 'CROSS', 'LEFT', 'ON', 'GROUP') ? tokens[j].value : null;
    if (!alias) {
      problems.push(`${table} is read without an alias, so its filter cannot be checked`);
      continue;
    }
    const where = whereClause(tokens, depthAt, i);
    if (!where || !referencesColumn(where, alias, partition)) problems.push(`${table} AS ${alias} has no filter on ${alias}.${partition}`);
  }
  return problems;
}

/** Tokens of the WHERE clause of the SELECT whose FROM/JOIN is at `from`. */
function whereClause(tokens: Token[], depthAt: number[], from: number): Token[] | null {
  const level = depthAt[from];
  for (let i = from + 1; i < tokens.length; i++) {
    if (depthAt[i] < level) return null;
    if (depthAt[i] !== level) continue;
    if (isWord(tokens[i], 'GROUP', 'ORDER', 'HAVING', 'QUALIFY', 'LIMIT', 'UNION', 'WINDOW')) return null;
    if (!isWord(tokens[i], 'WHERE')) continue;
    const clause: Token[] = [];
    for (let j = i + 1; j < tokens.length && depthAt[j] >= level; j++) {
      if (depthAt[j] === level && isWord(tokens[j], 'GROUP', 'ORDER', 'HAVING', 'QUALIFY', 'LIMIT', 'UNION', 'WINDOW')) break;
      clause.push(tokens[j]);
    }
    return clause;
  }
  return null;
}

function referencesColumn(tokens: Token[], alias: string, column: string): boolean {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [a, dot, c] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (a.value === alias && isPunct(dot, '.') && (c.kind === 'word' || c.kind === 'quoted') && c.value.toLowerCase() === column.toLowerCase()) return true;
  }
  return false;
}

function partitionsOf(config: PipelineLensConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const table of Object.values(config.tables)) if (table?.partitionColumn) out[table.table.toLowerCase()] = table.partitionColumn;
  for (const service of config.services) {
    if (service.deployments?.kind === 'warehouse' && service.deployments.partitionColumn) out[service.deployments.table.toLowerCase()] = service.deployments.partitionColumn;
  }
  return out;
}

/** As the demo workspace configures its tables: partitioned on the date, the log on its start time. */
function demoLikeConfig(overrides: Record<string, unknown> = {}): PipelineLensConfig {
  return resolveConfig(
    {
      warehouse: { kind: 'bigquery', project: 'nba-props-platform', location: 'US' },
      tables: {
        predictions: {
          table: 'nba_predictions.player_prop_predictions',
          partitionColumn: 'game_date',
          columns: { featureSnapshot: 'critical_features', artifact: 'model_file', mode: 'run_mode' },
          featureJoin: { keys: { player_lookup: 'player_lookup' } },
        },
        graded: { table: 'nba_predictions.prediction_accuracy', partitionColumn: 'game_date' },
        featureStore: { table: 'nba_predictions.ml_feature_store_v2', partitionColumn: 'game_date' },
        executionLog: {
          table: 'nba_predictions.prediction_execution_log',
          partitionColumn: 'execution_start_timestamp',
          service: 'prediction-worker',
          columns: { artifact: 'model_file' },
        },
        expected: { table: 'nba_analytics.upcoming_player_game_context', partitionColumn: 'game_date' },
        ...overrides,
      },
      features: {
        count: 33,
        registry: [
          { index: 25, name: 'vegas_points_line' },
          { index: 5, name: 'fatigue_score' },
        ],
      },
      services: [
        {
          name: 'prediction-worker',
          paths: ['predictions/worker/**'],
          deployments: { kind: 'warehouse', table: 'ops.deployments', partitionColumn: 'created_at' },
        },
      ],
    },
    '/ws/pipeline-lens.json',
  );
}

const ARGS: CatalogArgs = {
  window: { from: '2026-01-01', to: '2026-01-31' },
  models: ['catboost_v8'],
  commits: ['3f2a1c9'],
  model: 'catboost_v8',
  splitDate: '2026-01-15',
  service: 'prediction-worker',
};

describe('every built-in query filters partitioned tables on their partition column', () => {
  const configs: Array<[string, PipelineLensConfig]> = [
    ['demo-like config', demoLikeConfig()],
    [
      'partition columns other than the date columns',
      demoLikeConfig({
        predictions: {
          table: 'nba_predictions.player_prop_predictions',
          partitionColumn: 'created_at',
          columns: { featureSnapshot: 'critical_features', artifact: 'model_file', mode: 'run_mode' },
          featureJoin: { keys: { player_lookup: 'player_lookup' }, daysBefore: 1 },
        },
        graded: { table: 'nba_predictions.prediction_accuracy', partitionColumn: 'graded_at' },
        featureStore: { table: 'nba_predictions.ml_feature_store_v2', partitionColumn: 'snapshot_ts' },
        executionLog: { table: 'nba_predictions.prediction_execution_log', partitionColumn: 'log_date', service: 'prediction-worker', columns: { artifact: 'model_file' } },
        expected: { table: 'nba_analytics.upcoming_player_game_context', partitionColumn: 'loaded_at' },
      }),
    ],
    ['second-domain config (energy)', loadConfig(join(__dirname, '../../fixtures/energy/pipeline-lens.json'))],
  ];

  for (const [label, config] of configs) {
    it(`${label}: ${catalogCalls(config, ARGS).length} queries, none unfiltered`, () => {
      const partitions = partitionsOf(config);
      assert.ok(Object.keys(partitions).length >= 3, 'the config partitions its tables');
      const problems = catalogCalls(config, ARGS).flatMap((call) => unfilteredScans(call.query.sql, partitions).map((p) => `${call.label}: ${p}`));
      assert.deepEqual(problems, []);
    });
  }

  it('walks every exported builder', () => {
    const walked = new Set(catalogCalls(demoLikeConfig(), ARGS).map((c) => c.label.replace(/\(.*$/, '')));
    assert.deepEqual(
      catalogBuilderNames().filter((name) => !walked.has(name)),
      [],
    );
  });

  it('catches a scan without a partition filter, in a subquery, or filtered on another alias', () => {
    const partitions = { 'ds.t': 'day', 'ds.u': 'day' };
    assert.deepEqual(unfilteredScans('SELECT * FROM `ds.t` AS t WHERE t.`day` BETWEEN @a AND @b', partitions), []);
    assert.deepEqual(unfilteredScans('SELECT * FROM `ds.t` AS t WHERE t.`other` = 1', partitions), ['ds.t AS t has no filter on t.day']);
    assert.deepEqual(unfilteredScans('SELECT * FROM `ds.t` AS t', partitions), ['ds.t AS t has no filter on t.day']);
    assert.deepEqual(
      unfilteredScans('SELECT * FROM (SELECT * FROM `ds.t` AS t) AS x WHERE x.day = @d', partitions),
      ['ds.t AS t has no filter on t.day'],
      'a filter outside the subquery does not prune the scan inside it',
    );
    assert.deepEqual(unfilteredScans('SELECT * FROM `ds.t` AS t JOIN `ds.u` AS u ON u.k = t.k WHERE t.day = @d', partitions), ['ds.u AS u has no filter on u.day']);
    assert.deepEqual(unfilteredScans('SELECT * FROM ds.t', partitions), ['ds.t is read without an alias, so its filter cannot be checked']);
  });
});
