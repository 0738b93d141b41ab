import type { DeploymentTableColumns, PipelineLensConfig } from '../config/types';
import { replacedRowMarker, rowMarker, type ReplacedColumns } from '../rerun/replacedRows';
import type { CatalogQuery, ColumnNeed, ColumnType, TableScope } from './columnNeeds';
import { featureValueSql } from './featureValues';
import { columnRef as col, tableRef } from './identifiers';
import { QueryBuilder } from './queryBuilder';
import { requiredScope } from './tableScopes';

/*
 * The catalog of built-in queries. Each is written once, in BigQuery Standard SQL kept to
 * the subset the embedded engine also runs, with identifiers from config (validated and
 * quoted) and every value a typed parameter. Every query on a partitioned table filters on
 * its partition column, so the bytes scanned grow with the window, not the table. A column
 * the config sets to null is never read: the figure it would give comes back NULL ("not
 * recorded"), never 0.
 */

export interface DateWindow {
  /** Inclusive, `YYYY-MM-DD`. */
  from: string;
  /** Inclusive, `YYYY-MM-DD`. */
  to: string;
}

export type MetricsGrain = 'model' | 'commit' | 'date';

export interface MetricsFilter {
  window: DateWindow;
  models?: string[];
  commits?: string[];
  /**
   * An instant (ISO-8601): rows also split by prediction time, `side` = `before` or `after`
   * by when the prediction was written (tables.predictions.columns.createdAt); graded rows
   * take their prediction's. Needs createdAt.
   */
  splitAt?: string;
}

/**
 * The day a row belongs to, as a DATE: the date column itself, or, when the table's
 * dateType says it holds times, the calendar day in the table's time zone of that instant
 * (a DATETIME is read as UTC wall-clock time first). Every grouping, join and filter by
 * day goes through here, so both engines bucket a row into the same day.
 */
function dayOf(q: QueryBuilder, scope: TableScope, alias: string, key: string, column: string, optional = false): string {
  const day = scope.day;
  if (!day) return q.column(scope, alias, key, column, 'date', optional);
  const zone = q.param(`time_zone_${day.role}`, 'STRING', day.timeZone);
  if (day.type === 'TIMESTAMP') return `DATE(${q.column(scope, alias, key, column, 'timestamp', optional)}, ${zone})`;
  return `DATE(TIMESTAMP(${q.column(scope, alias, key, column, 'datetime', optional)}), ${zone})`;
}

/** `YYYY-MM-DD` plus `days`. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The clause that keeps a scan inside the window, on the partition column when there is one. */
function windowFilter(q: QueryBuilder, scope: TableScope, alias: string, window: DateWindow, prefix = ''): string {
  return datesFilter(q, scope, alias, window, prefix);
}

/**
 * The same clause with no first day (`from` null): every day up to `to`, still a filter on
 * the partition column, for a question whose answer may lie anywhere in the table's past.
 */
function datesFilter(q: QueryBuilder, scope: TableScope, alias: string, window: { from: string | null; to: string }, prefix = ''): string {
  const from = window.from === null ? null : q.param(`${prefix}from`, 'DATE', window.from);
  const to = q.param(`${prefix}to`, 'DATE', window.to);
  const within = (expr: string, low: string | null, high: string) => (low === null ? `${expr} <= ${high}` : `${expr} BETWEEN ${low} AND ${high}`);
  const time = scope.time!;
  let byDate = within(dayOf(q, scope, alias, time.key, time.column), from, to);
  if (scope.day) {
    // A day in any zone lies within a day either side of the same UTC dates: a plain bound
    // on the column's own date, so that a scan of a table partitioned on it is pruned.
    const raw = q.column(scope, alias, time.key, time.column, scope.day.type === 'TIMESTAMP' ? 'timestamp' : 'datetime', false);
    const fromPadded = window.from === null ? null : q.param(`${prefix}from_padded`, 'DATE', addDays(window.from, -1));
    byDate += ` AND ${within(`DATE(${raw})`, fromPadded, q.param(`${prefix}to_padded`, 'DATE', addDays(window.to, 1)))}`;
  }
  if (scope.partitionColumn === null || scope.partitionColumn === time.column) return byDate;
  return `${byDate} AND ${within(`DATE(${q.column(scope, alias, `${scope.key}.partitionColumn`, scope.partitionColumn, 'any', false)})`, from, to)}`;
}

/** ` AND …` keeping only rows not replaced by a later run, by whichever flag the table has. */
function currentRows(q: QueryBuilder, scope: TableScope, alias: string, c: ReplacedColumns): string {
  const marker = rowMarker(c, scope.key);
  return marker ? ` AND ${marker.current(q, scope, alias)}` : '';
}

/**
 * Whether a row has a line to be on the right side of: not NULL, and not the value the
 * table stores for "no line" (tables.<role>.lineMissingAs, e.g. 0).
 */
function lineIsKnown(q: QueryBuilder, line: string, missingAs: number | undefined, role: string): string {
  if (missingAs === undefined) return `(${line} IS NOT NULL)`;
  return `(${line} IS NOT NULL AND ${line} != ${q.param(`line_missing_as_${role}`, 'FLOAT64', missingAs)})`;
}

/** `alias.column` when configured, else a typed NULL: what the table does not hold stays unknown. */
function optionalColumn(q: QueryBuilder, scope: TableScope, alias: string, key: string, column: string | null, type: ColumnType, nullType: string): string {
  return column ? q.column(scope, alias, key, column, type) : `CAST(NULL AS ${nullType})`;
}

const GRAIN_COLUMNS: Record<MetricsGrain, string> = { model: 'model', commit: 'commit_sha', date: 'day' };

/**
 * Additive aggregates of predictions and graded rows at the requested grain, so that callers
 * can add slices together (builds containing vs lacking a commit, periods) exactly. Sums a
 * table cannot give (no line, no actual value) come back NULL.
 */
export function metricsQuery(config: PipelineLensConfig, grain: MetricsGrain[], filter: MetricsFilter, name = 'metrics'): CatalogQuery {
  const q = new QueryBuilder();
  const pc = config.tables.predictions.columns;
  const gc = config.tables.graded.columns;
  const ps = requiredScope(config, 'predictions');
  const gs = requiredScope(config, 'graded');
  if (filter.splitAt && !pc.createdAt) throw new Error('metricsQuery: splitting by prediction time needs tables.predictions.columns.createdAt');
  const keys = [...grain.map((g) => GRAIN_COLUMNS[g]), ...(filter.splitAt ? ['side'] : [])];
  const byCommit = grain.includes('commit');
  // Graded rows without a build column take their prediction's build; split by prediction time, its time too.
  const gradedBuildFromPredictions = byCommit && gc.commit === null && pc.commit !== null;
  const joinPredictions = gradedBuildFromPredictions || !!filter.splitAt;
  const splitAt = filter.splitAt ? q.param('split_at', 'TIMESTAMP', filter.splitAt) : null;
  const sideOf = (created: string) => `CASE WHEN ${created} IS NULL THEN CAST(NULL AS STRING) WHEN ${created} < ${splitAt} THEN 'before' ELSE 'after' END`;
  const pCommit = () => optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING');
  const gCommit = () => (gradedBuildFromPredictions ? 'b.commit_sha' : optionalColumn(q, gs, 'g', 'commit', gc.commit, 'text', 'STRING'));
  const selectKeys = (side: 'p' | 'g') =>
    grain
      .map((g) => {
        const scope = side === 'p' ? ps : gs;
        const c = side === 'p' ? pc : gc;
        const source =
          g === 'model' ? q.column(scope, side, 'model', c.model, 'any', false) : g === 'commit' ? (side === 'p' ? pCommit() : gCommit()) : dayOf(q, scope, side, 'date', c.date);
        return `${source} AS ${GRAIN_COLUMNS[g]}, `;
      })
      .join('') + (splitAt ? `${side === 'p' ? sideOf(q.column(ps, 'p', 'createdAt', pc.createdAt!, 'timestamp')) : sideOf('b.created_at')} AS side, ` : '');
  const filters = (side: 'p' | 'g') => {
    const scope = side === 'p' ? ps : gs;
    const c = side === 'p' ? pc : gc;
    const parts: string[] = [];
    if (filter.models?.length) parts.push(`${q.column(scope, side, 'model', c.model, 'any', false)} IN UNNEST(${q.param('models', { array: 'STRING' }, filter.models)})`);
    if (filter.commits?.length) {
      const commit = side === 'p' ? pCommit() : gCommit();
      parts.push(`${commit} IN UNNEST(${q.param('commits', { array: 'STRING' }, filter.commits)})`);
    }
    return parts.map((p) => ` AND ${p}`).join('');
  };
  const highEdge = q.param('high_edge', 'FLOAT64', config.thresholds.highEdge);
  const groupBy = keys.length ? `GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  const g = (key: 'predicted' | 'actual' | 'line', type: ColumnType = 'number') => q.column(gs, 'g', key, gc[key]!, type);
  const correct = q.column(gs, 'g', 'correct', gc.correct, 'bool', false);
  const isGraded = `${correct} IS NOT NULL`;
  const hasError = gc.predicted !== null && gc.actual !== null;
  const hasLine = gc.predicted !== null && gc.line !== null;
  const err = hasError ? `(${g('predicted')} - ${g('actual')})` : '';
  const errorSums = hasError
    ? `SUM(CASE WHEN ${isGraded} THEN ABS${err} END) AS abs_error_sum,
    SUM(CASE WHEN ${isGraded} THEN ${err} END) AS error_sum,
    SUM(CASE WHEN ${isGraded} THEN ${err} * ${err} END) AS error_sq_sum,`
    : `CAST(NULL AS FLOAT64) AS abs_error_sum, CAST(NULL AS FLOAT64) AS error_sum, CAST(NULL AS FLOAT64) AS error_sq_sum,`;
  const lineKnown = hasLine ? lineIsKnown(q, g('line'), config.tables.graded.lineMissingAs, 'graded') : null;
  const directional = lineKnown && gc.actual !== null ? `${isGraded} AND ${lineKnown} AND ${g('actual')} != ${g('line')}` : null;
  const directionSums = directional
    ? `COUNTIF(${directional}) AS direction_n,
    COUNTIF(${directional} AND SIGN(${g('predicted')} - ${g('line')}) = SIGN(${g('actual')} - ${g('line')})) AS direction_hits,
    COUNTIF(${isGraded} AND NOT ${lineKnown}) AS direction_excluded,`
    : `CAST(NULL AS INT64) AS direction_n, CAST(NULL AS INT64) AS direction_hits, CAST(NULL AS INT64) AS direction_excluded,`;
  const highEdgeRow = lineKnown ? `${isGraded} AND ${lineKnown} AND ABS(${g('predicted')} - ${g('line')}) >= ${highEdge}` : null;
  const highEdgeSums = highEdgeRow
    ? `COUNTIF(${highEdgeRow}) AS high_edge_n,
    COUNTIF(${highEdgeRow} AND ${correct}) AS high_edge_hits`
    : `CAST(NULL AS INT64) AS high_edge_n, CAST(NULL AS INT64) AS high_edge_hits`;
  const builds = joinPredictions
    ? `
builds AS (
  SELECT ${q.column(ps, 'p', 'entity', pc.entity, 'any', false)} AS entity, ${dayOf(q, ps, 'p', 'date', pc.date)} AS day, ${q.column(ps, 'p', 'model', pc.model, 'any', false)} AS model,
    ANY_VALUE(${pCommit()}) AS commit_sha, ${splitAt ? `MIN(${q.column(ps, 'p', 'createdAt', pc.createdAt!, 'timestamp')})` : 'CAST(NULL AS TIMESTAMP)'} AS created_at
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', filter.window)}${currentRows(q, ps, 'p', pc)}
  GROUP BY 1, 2, 3
),`
    : '';
  const join = joinPredictions
    ? ` LEFT JOIN builds AS b ON b.entity = ${q.column(gs, 'g', 'entity', gc.entity, 'any', false)} AND b.day = ${dayOf(q, gs, 'g', 'date', gc.date)} AND b.model = ${q.column(gs, 'g', 'model', gc.model, 'any', false)}`
    : '';
  // A slice with predictions but no graded rows has 0 directional calls when the line is
  // known, and an unknown number when it is not.
  const zeroIfKnown = (column: string, known: boolean) => (known ? `COALESCE(scored.${column}, 0) AS ${column}` : `scored.${column}`);
  const sql = `
WITH${builds}
made AS (
  SELECT ${selectKeys('p')}COUNT(*) AS predictions
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', filter.window)}${currentRows(q, ps, 'p', pc)}${filters('p')}
  ${groupBy}
),
scored AS (
  SELECT ${selectKeys('g')}
    COUNTIF(${isGraded}) AS graded,
    COUNTIF(${correct}) AS correct,
    ${errorSums}
    ${directionSums}
    ${highEdgeSums}
  FROM ${tableRef(gs.table)} AS g${join}
  WHERE ${windowFilter(q, gs, 'g', filter.window)}${currentRows(q, gs, 'g', gc)}${filters('g')}
  ${groupBy}
)
SELECT ${keys.length ? `${keys.join(', ')}, ` : ''}
  COALESCE(made.predictions, 0) AS predictions,
  COALESCE(scored.graded, 0) AS graded,
  COALESCE(scored.correct, 0) AS correct,
  scored.abs_error_sum, scored.error_sum, scored.error_sq_sum,
  ${zeroIfKnown('direction_n', directional !== null)},
  ${zeroIfKnown('direction_hits', directional !== null)},
  ${zeroIfKnown('direction_excluded', directional !== null)},
  ${zeroIfKnown('high_edge_n', highEdgeRow !== null)},
  ${zeroIfKnown('high_edge_hits', highEdgeRow !== null)}
FROM made ${keys.length ? `FULL OUTER JOIN scored USING (${keys.join(', ')})` : 'CROSS JOIN scored'}
${keys.length ? `ORDER BY ${keys.join(', ')}` : ''}`;
  return q.build(name, sql);
}

export const modelsSummaryQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model'], filter, 'modelsSummary');
export const modelByCommitQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model', 'commit'], filter, 'modelByCommit');
export const modelByDateQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model', 'date'], filter, 'modelByDate');
export const commitAcrossModelsQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['commit', 'model'], filter, 'commitAcrossModels');
/** The finest grain the investigation needs; slices by build or period are sums of its rows. */
export const modelCommitDateQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model', 'commit', 'date'], filter, 'modelCommitDate');

/** The clause keeping a scan of the execution log between two instants, on its partition column too. */
function logWindow(q: QueryBuilder, config: PipelineLensConfig, from: string, to: string): string {
  const scope = requiredScope(config, 'executionLog');
  const c = config.tables.executionLog!.columns;
  const fromTs = q.param('from_ts', 'TIMESTAMP', from);
  const toTs = q.param('to_ts', 'TIMESTAMP', to);
  const start = q.column(scope, 'l', 'start', c.start, 'timestamp', false);
  const partition =
    scope.partitionColumn && scope.partitionColumn !== c.start
      ? ` AND ${q.column(scope, 'l', `${scope.key}.partitionColumn`, scope.partitionColumn, 'timestamp', false)} BETWEEN ${fromTs} AND ${toTs}`
      : '';
  return `${start} BETWEEN ${fromTs} AND ${toTs}${partition}`;
}

/**
 * Runs of the service recorded in the execution log between two instants, one row per run
 * id. A run's dates are its whole range (first to last date it produced); rows it wrote are
 * NULL when the log does not record them.
 */
export function runsQuery(config: PipelineLensConfig, from: string, to: string): CatalogQuery {
  const log = config.tables.executionLog;
  if (!log) throw new Error('runsQuery needs tables.executionLog');
  const scope = requiredScope(config, 'executionLog');
  const c = log.columns;
  const q = new QueryBuilder();
  const l = (key: keyof typeof c, type: ColumnType) => q.column(scope, 'l', key, c[key]!, type, !['runId', 'commit', 'start', 'date'].includes(key));
  const optional = (key: keyof typeof c, type: ColumnType, expression: (c: string) => string, alias: string, fallback: string) =>
    c[key] ? `${expression(l(key, type))} AS ${alias}` : `${fallback} AS ${alias}`;
  const start = l('start', 'timestamp');
  const date = dayOf(q, scope, 'l', 'date', c.date);
  const sql = `
SELECT
  ${l('runId', 'any')} AS run_id,
  ANY_VALUE(${l('commit', 'text')}) AS commit_sha,
  ${optional('revision', 'any', (x) => `ANY_VALUE(${x})`, 'revision', 'CAST(NULL AS STRING)')},
  ${optional('mode', 'any', (x) => `ANY_VALUE(${x})`, 'mode', 'CAST(NULL AS STRING)')},
  ${optional('status', 'any', (x) => `ANY_VALUE(${x})`, 'status', 'CAST(NULL AS STRING)')},
  MIN(${start}) AS started_at,
  ${c.end ? `MAX(${l('end', 'timestamp')})` : `MAX(${start})`} AS ended_at,
  MIN(${date}) AS first_date,
  ${c.lastDate ? `MAX(COALESCE(${dayOf(q, scope, 'l', 'lastDate', c.lastDate, true)}, ${date}))` : `MAX(${date})`} AS last_date,
  COUNT(DISTINCT ${date}) AS dates,
  ${optional('model', 'any', (x) => `COUNT(DISTINCT ${x})`, 'models', 'CAST(NULL AS INT64)')},
  ${optional('rowsProduced', 'number', (x) => `SUM(${x})`, 'rows_produced', 'CAST(NULL AS INT64)')},
  ${c.rowsProduced ? `COUNTIF(${l('rowsProduced', 'number')} IS NULL)` : 'CAST(NULL AS INT64)'} AS rows_unrecorded,
  ${optional('stage', 'any', (x) => `ANY_VALUE(${x})`, 'stage', 'CAST(NULL AS STRING)')}
FROM ${tableRef(scope.table)} AS l
WHERE ${logWindow(q, config, from, to)}
GROUP BY 1
ORDER BY started_at, run_id`;
  return q.build('runs', sql);
}

/**
 * When each build was first and last seen running, from the execution log: the deployment
 * history of a team without access to its deploy tool's API. One row per commit and
 * revision (revision NULL when the log has no such column).
 */
export function buildsFirstSeenQuery(config: PipelineLensConfig, from: string, to: string, stage: string | null = null): CatalogQuery {
  const log = config.tables.executionLog;
  if (!log) throw new Error('buildsFirstSeenQuery needs tables.executionLog');
  const scope = requiredScope(config, 'executionLog');
  const c = log.columns;
  const q = new QueryBuilder();
  const commit = q.column(scope, 'l', 'commit', c.commit, 'text', false);
  const start = q.column(scope, 'l', 'start', c.start, 'timestamp', false);
  const revision = c.revision ? q.column(scope, 'l', 'revision', c.revision, 'any') : 'CAST(NULL AS STRING)';
  const recorded = c.revision ? `(${commit} IS NOT NULL OR ${revision} IS NOT NULL)` : `${commit} IS NOT NULL`;
  // A log shared by several stages is read for one stage at a time, never counted for all.
  const ofStage = c.stage && stage !== null ? ` AND ${q.column(scope, 'l', 'stage', c.stage, 'any')} = ${q.param('stage', 'STRING', stage)}` : '';
  const sql = `
SELECT
  ${commit} AS commit_sha,
  ${revision} AS revision,
  MIN(${start}) AS first_seen,
  MAX(${start}) AS last_seen,
  COUNT(DISTINCT ${q.column(scope, 'l', 'runId', c.runId, 'any', false)}) AS runs
FROM ${tableRef(scope.table)} AS l
WHERE ${logWindow(q, config, from, to)} AND ${recorded}${ofStage}
GROUP BY 1, 2
ORDER BY first_seen, commit_sha, revision`;
  return q.build('buildsFirstSeen', sql);
}

/** The aggregates of a feature's values that tell a broken input: empty, constant, or below its coverage. */
function valueStats(value: string): string {
  return `COUNT(*) AS row_count,
  COUNTIF(${value} > 0) AS positive,
  COUNTIF(${value} = 0) AS zeros,
  COUNTIF(${value} IS NULL) AS nulls,
  AVG(${value}) AS mean,
  MIN(${value}) AS min_value,
  MAX(${value}) AS max_value,
  SUM(${value} * ${value}) AS value_sq_sum`;
}

/**
 * Coverage (> 0), zeros, NULLs and spread of each requested feature, per date, mode and the
 * build that wrote the row (NULL where the store records no mode or build).
 */
export function featureCoverageQuery(config: PipelineLensConfig, window: DateWindow, indices: number[]): CatalogQuery {
  const fs = config.tables.featureStore;
  if (!fs) throw new Error('featureCoverageQuery needs tables.featureStore');
  const scope = requiredScope(config, 'featureStore');
  const c = fs.columns;
  const q = new QueryBuilder();
  const idx = q.param('indices', { array: 'INT64' }, indices);
  const value = featureValueSql(q, fs, scope, 'f', 'feature_index', config.features.registry);
  const sql = `
SELECT
  ${dayOf(q, scope, 'f', 'date', c.date)} AS day,
  ${optionalColumn(q, scope, 'f', 'mode', c.mode, 'any', 'STRING')} AS mode,
  ${optionalColumn(q, scope, 'f', 'commit', c.commit, 'text', 'STRING')} AS commit_sha,
  feature_index,
  ${valueStats(value)}
FROM ${tableRef(scope.table)} AS f
CROSS JOIN UNNEST(${idx}) AS feature_index
WHERE ${windowFilter(q, scope, 'f', window)}
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4`;
  return q.build('featureCoverage', sql);
}

/**
 * Rows a stage wrote, per build recorded in its table, mode (feature store only) and date:
 * where no execution log records a stage's runs, its own table says which build wrote what.
 */
export function stageBuildsQuery(config: PipelineLensConfig, role: 'predictions' | 'graded' | 'featureStore', window: DateWindow): CatalogQuery {
  const table = config.tables[role];
  if (!table) throw new Error(`stageBuildsQuery needs tables.${role}`);
  const scope = requiredScope(config, role);
  const c = table.columns as { date: string; commit: string | null; mode?: string | null };
  if (!c.commit) throw new Error(`stageBuildsQuery needs tables.${role}.columns.commit`);
  const q = new QueryBuilder();
  const current = role === 'featureStore' ? '' : currentRows(q, scope, 't', table.columns as { active: string | null; superseded: string | null; supersededAt: string | null });
  const sql = `
SELECT
  ${q.column(scope, 't', 'commit', c.commit, 'text', false)} AS commit_sha,
  ${optionalColumn(q, scope, 't', 'mode', c.mode ?? null, 'any', 'STRING')} AS mode,
  ${dayOf(q, scope, 't', 'date', c.date)} AS day,
  COUNT(*) AS rows_written
FROM ${tableRef(scope.table)} AS t
WHERE ${windowFilter(q, scope, 't', window)}${current}
GROUP BY 1, 2, 3
ORDER BY 3, 1, 2`;
  return q.build('stageBuilds', sql);
}

/**
 * When each build value first appears in a stage's table, per mode (feature store only): the
 * first day, and the first write time where the table records one (predictions' createdAt).
 * Rows later replaced count too: they were written by that build all the same. Every day up
 * to `to` is read: a build's first appearance may be any time in the table's past, and a
 * first day cut at a lookback would date an old build wrongly or lose it.
 */
export function buildFirstAppearanceQuery(config: PipelineLensConfig, role: 'predictions' | 'graded' | 'featureStore', to: string): CatalogQuery {
  const table = config.tables[role];
  if (!table) throw new Error(`buildFirstAppearanceQuery needs tables.${role}`);
  const scope = requiredScope(config, role);
  const c = table.columns as { date: string; commit: string | null; mode?: string | null; createdAt?: string | null };
  if (!c.commit) throw new Error(`buildFirstAppearanceQuery needs tables.${role}.columns.commit`);
  const q = new QueryBuilder();
  const commit = q.column(scope, 't', 'commit', c.commit, 'text', false);
  const sql = `
SELECT
  ${commit} AS commit_sha,
  ${optionalColumn(q, scope, 't', 'mode', c.mode ?? null, 'any', 'STRING')} AS mode,
  MIN(${dayOf(q, scope, 't', 'date', c.date)}) AS first_day,
  MIN(${optionalColumn(q, scope, 't', 'createdAt', c.createdAt ?? null, 'timestamp', 'TIMESTAMP')}) AS first_written,
  COUNT(*) AS rows_written
FROM ${tableRef(scope.table)} AS t
WHERE ${datesFilter(q, scope, 't', { from: null, to })} AND ${commit} IS NOT NULL
GROUP BY 1, 2
ORDER BY 3, 1, 2`;
  return q.build('buildFirstAppearance', sql);
}

/**
 * A model's graded rows before and after a split date, by the scorer build that made each
 * prediction and the feature build that wrote the feature row it read (joined by
 * tables.predictions.featureJoin): which (feature build, scorer build) cells a shift lives
 * in. A feature row written by several builds has no single one (NULL), as has a prediction
 * whose feature row is missing; `joined` tells the two apart.
 */
export function shiftLineageQuery(config: PipelineLensConfig, model: string, window: DateWindow, splitDate: string): CatalogQuery {
  const fs = config.tables.featureStore;
  const join = config.tables.predictions.featureJoin;
  if (!fs || !join) throw new Error('shiftLineageQuery needs tables.featureStore and tables.predictions.featureJoin');
  if (!fs.columns.commit) throw new Error('shiftLineageQuery needs tables.featureStore.columns.commit');
  const q = new QueryBuilder();
  const ps = requiredScope(config, 'predictions');
  const gs = requiredScope(config, 'graded');
  const fsScope = requiredScope(config, 'featureStore');
  const pc = config.tables.predictions.columns;
  const gc = config.tables.graded.columns;
  const joinKey = 'tables.predictions.featureJoin.keys';
  const predictionKeys = join.keys.map((k, i) => `${q.column(ps, 'p', joinKey, k.prediction, 'any', false)} AS k${i}`).join(', ');
  const featureKeys = join.keys.map((k, i) => `${q.column(fsScope, 'f', joinKey, k.feature, 'any', false)} AS k${i}`).join(', ');
  const keyList = join.keys.map((_, i) => `k${i}`).join(', ');
  const keyMatch = join.keys.map((_, i) => `feats.k${i} = preds.k${i}`).join(' AND ');
  // The feature rows a window of predictions can read start daysBefore days earlier.
  const featureWindow = { from: addDays(window.from, -join.daysBefore), to: window.to };
  const featureCommit = q.column(fsScope, 'f', 'commit', fs.columns.commit, 'text', false);
  const sql = `
WITH feats AS (
  SELECT ${featureKeys}, ${dayOf(q, fsScope, 'f', 'date', fs.columns.date)} AS day,
    CASE WHEN COUNT(DISTINCT ${featureCommit}) = 1 THEN MIN(${featureCommit}) END AS feature_commit
  FROM ${tableRef(fsScope.table)} AS f
  WHERE ${windowFilter(q, fsScope, 'f', featureWindow, 'feature_')}
  GROUP BY ${keyList}, day
),
preds AS (
  SELECT ${q.column(ps, 'p', 'entity', pc.entity, 'any', false)} AS entity, ${dayOf(q, ps, 'p', 'date', pc.date)} AS day, ${predictionKeys},
    ANY_VALUE(${optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING')}) AS scorer_commit
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)} AND ${q.column(ps, 'p', 'model', pc.model, 'any', false)} = ${q.param('model', 'STRING', model)}${currentRows(q, ps, 'p', pc)}
  GROUP BY entity, day, ${keyList}
)
SELECT
  CASE WHEN preds.day < ${q.param('split', 'DATE', splitDate)} THEN 'before' ELSE 'after' END AS period,
  preds.scorer_commit AS scorer_commit,
  feats.feature_commit AS feature_commit,
  feats.day IS NOT NULL AS joined,
  COUNTIF(${q.column(gs, 'g', 'correct', gc.correct, 'bool', false)} IS NOT NULL) AS graded,
  COUNTIF(${q.column(gs, 'g', 'correct', gc.correct, 'bool', false)}) AS correct
FROM ${tableRef(gs.table)} AS g
JOIN preds ON preds.entity = ${q.column(gs, 'g', 'entity', gc.entity, 'any', false)} AND preds.day = ${dayOf(q, gs, 'g', 'date', gc.date)}
LEFT JOIN feats ON ${keyMatch} AND DATE_DIFF(preds.day, feats.day, DAY) = ${q.param('days_before', 'INT64', join.daysBefore)}
WHERE ${windowFilter(q, gs, 'g', window)} AND ${q.column(gs, 'g', 'model', gc.model, 'any', false)} = ${q.param('model', 'STRING', model)}${currentRows(q, gs, 'g', gc)}
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4`;
  return q.build('shiftLineage', sql);
}

/** The distinct (entity, date) a model predicted in a window, from rows still current. */
function predictedRows(q: QueryBuilder, config: PipelineLensConfig, model: string, window: DateWindow): string {
  const ps = requiredScope(config, 'predictions');
  const pc = config.tables.predictions.columns;
  return `
  SELECT ${q.column(ps, 'p', 'entity', pc.entity, 'any', false)} AS entity, ${dayOf(q, ps, 'p', 'date', pc.date)} AS day,
    ANY_VALUE(${optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING')}) AS commit_sha
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)} AND ${q.column(ps, 'p', 'model', pc.model, 'any', false)} = ${q.param('model', 'STRING', model)}${currentRows(q, ps, 'p', pc)}
  GROUP BY 1, 2`;
}

/**
 * The inputs of the rows a model actually predicted, per build of the prediction, period
 * (before or after a date) and feature-store mode: what a cause of a shift in that model's
 * results has to show. Joined in the warehouse; only the aggregates come back.
 */
export function modelFeatureHealthQuery(config: PipelineLensConfig, model: string, window: DateWindow, splitDate: string, indices: number[]): CatalogQuery {
  const fs = config.tables.featureStore;
  if (!fs) throw new Error('modelFeatureHealthQuery needs tables.featureStore');
  const scope = requiredScope(config, 'featureStore');
  const fc = fs.columns;
  const q = new QueryBuilder();
  const idx = q.param('indices', { array: 'INT64' }, indices);
  const value = featureValueSql(q, fs, scope, 'f', 'feature_index', config.features.registry);
  const sql = `
WITH predicted AS (${predictedRows(q, config, model, window)}
)
SELECT
  predicted.commit_sha AS commit_sha,
  CASE WHEN predicted.day < ${q.param('split', 'DATE', splitDate)} THEN 'before' ELSE 'after' END AS period,
  ${optionalColumn(q, scope, 'f', 'mode', fc.mode, 'any', 'STRING')} AS mode,
  predicted.day AS day,
  feature_index,
  ${valueStats(value)}
FROM ${tableRef(scope.table)} AS f
JOIN predicted ON predicted.entity = ${q.column(scope, 'f', 'entity', fc.entity, 'any', false)} AND predicted.day = ${dayOf(q, scope, 'f', 'date', fc.date)}
CROSS JOIN UNNEST(${idx}) AS feature_index
WHERE ${windowFilter(q, scope, 'f', window)}
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5`;
  return q.build('modelFeatureHealth', sql);
}

/**
 * The feature values a model recorded with each prediction (a JSON object per row), per
 * build and period: a worker that ran with defaults shows here even when the feature store
 * was right. Keys are registry names, checked like column names before they reach SQL.
 */
export function featureSnapshotQuery(config: PipelineLensConfig, model: string, window: DateWindow, splitDate: string): CatalogQuery {
  const predictions = config.tables.predictions;
  const pc = predictions.columns;
  if (!pc.featureSnapshot || predictions.featureSnapshotKeys.length === 0) throw new Error('featureSnapshotQuery needs tables.predictions.columns.featureSnapshot');
  const ps = requiredScope(config, 'predictions');
  const q = new QueryBuilder();
  const snapshot = q.column(ps, 'p', 'featureSnapshot', pc.featureSnapshot, 'text');
  const keys = predictions.featureSnapshotKeys.map((k) => col(k).slice(1, -1));
  const raw = `CASE snapshot_key ${keys.map((k) => `WHEN '${k}' THEN JSON_VALUE(${snapshot}, '$.${k}')`).join(' ')} END`;
  // JSON booleans read as 1 and 0, so a flag that is always false shows as zeros.
  const value = `(CASE ${raw} WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 ELSE SAFE_CAST(${raw} AS FLOAT64) END)`;
  const date = dayOf(q, ps, 'p', 'date', pc.date);
  const sql = `
SELECT
  ${optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING')} AS commit_sha,
  CASE WHEN ${date} < ${q.param('split', 'DATE', splitDate)} THEN 'before' ELSE 'after' END AS period,
  ${date} AS day,
  snapshot_key,
  ${valueStats(value)}
FROM ${tableRef(ps.table)} AS p
CROSS JOIN UNNEST(${q.param('snapshot_keys', { array: 'STRING' }, keys)}) AS snapshot_key
WHERE ${windowFilter(q, ps, 'p', window)} AND ${q.column(ps, 'p', 'model', pc.model, 'any', false)} = ${q.param('model', 'STRING', model)}${currentRows(q, ps, 'p', pc)}
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4`;
  return q.build('featureSnapshot', sql);
}

/**
 * The first and last day the predictions table holds inside `window`: the default report
 * window follows the data, not the calendar. Bounded by the window like every other scan,
 * so a partitioned table is pruned rather than read whole.
 */
export function predictionDaysQuery(config: PipelineLensConfig, window: DateWindow): CatalogQuery {
  const q = new QueryBuilder();
  const ps = requiredScope(config, 'predictions');
  const day = dayOf(q, ps, 'p', 'date', config.tables.predictions.columns.date);
  const sql = `SELECT MIN(${day}) AS first_day, MAX(${day}) AS last_day FROM ${tableRef(ps.table)} AS p WHERE ${windowFilter(q, ps, 'p', window)}`;
  return q.build('predictionDays', sql);
}

/** Per date: entities expected, and how many of them have a feature-store row. */
export function featureStoreCompletenessQuery(config: PipelineLensConfig, window: DateWindow): CatalogQuery {
  const fs = config.tables.featureStore;
  const expected = config.tables.expected;
  if (!fs || !expected) throw new Error('featureStoreCompletenessQuery needs tables.featureStore and tables.expected');
  const q = new QueryBuilder();
  const es = requiredScope(config, 'expected');
  const fss = requiredScope(config, 'featureStore');
  const ec = expected.columns;
  const fc = fs.columns;
  const sql = `
WITH wanted AS (
  SELECT DISTINCT ${q.column(es, 'e', 'entity', ec.entity, 'any', false)} AS entity, ${dayOf(q, es, 'e', 'date', ec.date)} AS day
  FROM ${tableRef(es.table)} AS e
  WHERE ${windowFilter(q, es, 'e', window)}
),
present AS (
  SELECT DISTINCT ${q.column(fss, 'f', 'entity', fc.entity, 'any', false)} AS entity, ${dayOf(q, fss, 'f', 'date', fc.date)} AS day
  FROM ${tableRef(fss.table)} AS f
  WHERE ${windowFilter(q, fss, 'f', window)}
)
SELECT wanted.day AS day, COUNT(*) AS expected, COUNT(present.entity) AS with_features
FROM wanted LEFT JOIN present ON present.entity = wanted.entity AND present.day = wanted.day
GROUP BY 1
ORDER BY 1`;
  return q.build('featureStoreCompleteness', sql);
}

/**
 * One feature's rows before and after a date, in one mode, split by whether the entity was
 * on the expected list for its date (tables.expected), with how many had the feature > 0:
 * the groups a coverage change is decomposed over (who is in the population vs how well
 * each group is covered).
 */
export function coverageByExpectedQuery(config: PipelineLensConfig, window: DateWindow, splitDate: string, index: number, mode: string | null): CatalogQuery {
  const fs = config.tables.featureStore;
  const expected = config.tables.expected;
  if (!fs || !expected) throw new Error('coverageByExpectedQuery needs tables.featureStore and tables.expected');
  const q = new QueryBuilder();
  const es = requiredScope(config, 'expected');
  const fss = requiredScope(config, 'featureStore');
  const ec = expected.columns;
  const fc = fs.columns;
  const value = featureValueSql(q, fs, fss, 'f', q.param('feature_index', 'INT64', index), config.features.registry);
  const day = dayOf(q, fss, 'f', 'date', fc.date);
  const ofMode = fc.mode && mode !== null ? ` AND CAST(${q.column(fss, 'f', 'mode', fc.mode, 'any')} AS STRING) = ${q.param('mode', 'STRING', mode)}` : '';
  const sql = `
WITH wanted AS (
  SELECT DISTINCT ${q.column(es, 'e', 'entity', ec.entity, 'any', false)} AS entity, ${dayOf(q, es, 'e', 'date', ec.date)} AS day
  FROM ${tableRef(es.table)} AS e
  WHERE ${windowFilter(q, es, 'e', window)}
),
rows_ AS (
  SELECT ${q.column(fss, 'f', 'entity', fc.entity, 'any', false)} AS entity, ${day} AS day, ${value} AS value
  FROM ${tableRef(fss.table)} AS f
  WHERE ${windowFilter(q, fss, 'f', window)}${ofMode}
)
SELECT
  CASE WHEN rows_.day < ${q.param('split', 'DATE', splitDate)} THEN 'before' ELSE 'after' END AS period,
  CASE WHEN wanted.entity IS NULL THEN 'not expected' ELSE 'expected' END AS grp,
  COUNT(*) AS row_count,
  COUNTIF(rows_.value > 0) AS positive
FROM rows_ LEFT JOIN wanted ON wanted.entity = rows_.entity AND wanted.day = rows_.day
GROUP BY 1, 2
ORDER BY 1, 2`;
  return q.build('coverageByExpected', sql);
}

/**
 * Models' graded rows before and after a date, by model, the build each grades (its own build
 * column, or its prediction's) and the run mode of the prediction, with how many were
 * correct: the groups a hit-rate shift is decomposed over (which runs are in the denominator
 * vs how well each mode did), on either side of a date or between two builds. The mode is
 * the prediction's own column, or with `modeFrom: "featureJoin"` the mode of the feature row
 * the prediction read. A row with no recorded mode is its own group, never dropped; so are
 * a prediction with no feature row and a feature row written in several modes.
 */
export function hitRateByModeQuery(config: PipelineLensConfig, models: string[], window: DateWindow, splitDate: string): CatalogQuery {
  const predictions = config.tables.predictions;
  const pc = predictions.columns;
  const gc = config.tables.graded.columns;
  const join = predictions.modeFrom === 'featureJoin' ? predictions.featureJoin : null;
  const fs = config.tables.featureStore;
  if (predictions.modeFrom === 'featureJoin' && (!join || !fs?.columns.mode)) {
    throw new Error('hitRateByModeQuery needs tables.predictions.featureJoin and tables.featureStore.columns.mode with modeFrom "featureJoin"');
  }
  if (!join && !pc.mode) throw new Error('hitRateByModeQuery needs tables.predictions.columns.mode');
  const q = new QueryBuilder();
  const ps = requiredScope(config, 'predictions');
  const gs = requiredScope(config, 'graded');
  const correct = q.column(gs, 'g', 'correct', gc.correct, 'bool', false);
  const joinKey = 'tables.predictions.featureJoin.keys';
  const keyList = join ? join.keys.map((_, i) => `, k${i}`).join('') : '';
  const predictionKeys = join ? join.keys.map((k, i) => `, ${q.column(ps, 'p', joinKey, k.prediction, 'any', false)} AS k${i}`).join('') : '';
  const ownMode = join
    ? ''
    : `,
    ANY_VALUE(CAST(${q.column(ps, 'p', 'mode', pc.mode!, 'any')} AS STRING)) AS mode`;
  let feats = '';
  let featsJoin = '';
  let mode = 'preds.mode';
  if (join && fs?.columns.mode) {
    const fsScope = requiredScope(config, 'featureStore');
    const featureMode = `CAST(${q.column(fsScope, 'f', 'mode', fs.columns.mode, 'any', false)} AS STRING)`;
    // The feature rows a window of predictions can read start daysBefore days earlier.
    const featureWindow = { from: addDays(window.from, -join.daysBefore), to: window.to };
    feats = `
feats AS (
  SELECT ${join.keys.map((k, i) => `${q.column(fsScope, 'f', joinKey, k.feature, 'any', false)} AS k${i}`).join(', ')}, ${dayOf(q, fsScope, 'f', 'date', fs.columns.date)} AS day,
    CASE WHEN COUNT(DISTINCT ${featureMode}) > 1 THEN '(several modes)' ELSE MIN(${featureMode}) END AS mode
  FROM ${tableRef(fsScope.table)} AS f
  WHERE ${windowFilter(q, fsScope, 'f', featureWindow, 'feature_')}
  GROUP BY ${join.keys.map((_, i) => `k${i}`).join(', ')}, day
),`;
    featsJoin = `
LEFT JOIN feats ON ${join.keys.map((_, i) => `feats.k${i} = preds.k${i}`).join(' AND ')} AND DATE_DIFF(preds.day, feats.day, DAY) = ${q.param('days_before', 'INT64', join.daysBefore)}`;
    mode = `CASE WHEN preds.day IS NOT NULL AND feats.day IS NULL THEN '(no feature row)' ELSE feats.mode END`;
  }
  const build = gc.commit ? optionalColumn(q, gs, 'g', 'commit', gc.commit, 'text', 'STRING') : 'preds.commit_sha';
  const sql = `
WITH${feats}
preds AS (
  SELECT ${q.column(ps, 'p', 'model', pc.model, 'any', false)} AS model, ${q.column(ps, 'p', 'entity', pc.entity, 'any', false)} AS entity, ${dayOf(q, ps, 'p', 'date', pc.date)} AS day${predictionKeys},
    ANY_VALUE(${optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING')}) AS commit_sha${ownMode}
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)} AND ${q.column(ps, 'p', 'model', pc.model, 'any', false)} IN UNNEST(${q.param('models', { array: 'STRING' }, models)})${currentRows(q, ps, 'p', pc)}
  GROUP BY model, entity, day${keyList}
)
SELECT
  ${q.column(gs, 'g', 'model', gc.model, 'any', false)} AS model,
  CASE WHEN ${dayOf(q, gs, 'g', 'date', gc.date)} < ${q.param('split', 'DATE', splitDate)} THEN 'before' ELSE 'after' END AS period,
  ${build} AS commit_sha,
  COALESCE(${mode}, '(no mode recorded)') AS grp,
  COUNTIF(${correct} IS NOT NULL) AS row_count,
  COUNTIF(${correct}) AS positive
FROM ${tableRef(gs.table)} AS g
LEFT JOIN preds ON preds.model = ${q.column(gs, 'g', 'model', gc.model, 'any', false)} AND preds.entity = ${q.column(gs, 'g', 'entity', gc.entity, 'any', false)} AND preds.day = ${dayOf(
    q,
    gs,
    'g',
    'date',
    gc.date,
  )}${featsJoin}
WHERE ${windowFilter(q, gs, 'g', window)} AND ${q.column(gs, 'g', 'model', gc.model, 'any', false)} IN UNNEST(@models)${currentRows(q, gs, 'g', gc)}
GROUP BY 1, 2, 3, 4
HAVING COUNTIF(${correct} IS NOT NULL) > 0
ORDER BY 1, 2, 3, 4`;
  return q.build('hitRateByMode', sql);
}

/**
 * Per model and day: calls above and below the line, and how the graded ones did, with
 * how often the outcome itself landed above the line (the base rate a skew is judged by).
 */
export function directionSkewQuery(config: PipelineLensConfig, filter: MetricsFilter): CatalogQuery {
  const { predictions, graded } = config.tables;
  const pc = predictions.columns;
  const gc = graded.columns;
  if (!pc.predicted || !pc.line) throw new Error('directionSkewQuery needs tables.predictions.columns.predicted and .line');
  const ps = requiredScope(config, 'predictions');
  const gs = requiredScope(config, 'graded');
  const q = new QueryBuilder();
  const models = filter.models?.length ? ` AND ${q.column(ps, 'p', 'model', pc.model, 'any', false)} IN UNNEST(${q.param('models', { array: 'STRING' }, filter.models)})` : '';
  const gModels = filter.models?.length ? ` AND ${q.column(gs, 'g', 'model', gc.model, 'any', false)} IN UNNEST(@models)` : '';
  const predicted = q.column(ps, 'p', 'predicted', pc.predicted, 'number');
  const line = q.column(ps, 'p', 'line', pc.line, 'number');
  const lineKnown = lineIsKnown(q, line, predictions.lineMissingAs, 'predictions');
  const correct = q.column(gs, 'g', 'correct', gc.correct, 'bool', false);
  const gradedLine = gc.line ? lineIsKnown(q, q.column(gs, 'g', 'line', gc.line, 'number'), graded.lineMissingAs, 'graded') : '';
  const outcomes =
    gc.actual && gc.line
      ? `COUNTIF(${correct} IS NOT NULL AND ${gradedLine} AND ${q.column(gs, 'g', 'actual', gc.actual, 'number')} > ${q.column(gs, 'g', 'line', gc.line, 'number')}) AS over_outcomes,
    COUNTIF(${correct} IS NOT NULL AND ${gradedLine} AND ${q.column(gs, 'g', 'actual', gc.actual, 'number')} < ${q.column(gs, 'g', 'line', gc.line, 'number')}) AS under_outcomes`
      : `CAST(NULL AS INT64) AS over_outcomes, CAST(NULL AS INT64) AS under_outcomes`;
  const sql = `
WITH calls AS (
  SELECT ${q.column(ps, 'p', 'model', pc.model, 'any', false)} AS model, ${dayOf(q, ps, 'p', 'date', pc.date)} AS day,
    COUNTIF(${lineKnown} AND ${predicted} > ${line}) AS over_calls,
    COUNTIF(${lineKnown} AND ${predicted} < ${line}) AS under_calls
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', filter.window)}${currentRows(q, ps, 'p', pc)}${models}
  GROUP BY 1, 2
),
results AS (
  SELECT ${q.column(gs, 'g', 'model', gc.model, 'any', false)} AS model, ${dayOf(q, gs, 'g', 'date', gc.date)} AS day,
    COUNTIF(${correct} IS NOT NULL) AS graded,
    COUNTIF(${correct}) AS correct,
    ${outcomes}
  FROM ${tableRef(gs.table)} AS g
  WHERE ${windowFilter(q, gs, 'g', filter.window)}${currentRows(q, gs, 'g', gc)}${gModels}
  GROUP BY 1, 2
)
SELECT model, day, calls.over_calls, calls.under_calls, COALESCE(results.graded, 0) AS graded, COALESCE(results.correct, 0) AS correct,
  results.over_outcomes, results.under_outcomes
FROM calls LEFT JOIN results USING (model, day)
ORDER BY model, day`;
  return q.build('directionSkew', sql);
}

/**
 * Rows a run session wrote, counted in the predictions table by the session's build, its
 * dates and the time it ran (each row's write time): for execution logs that do not record
 * them. One row per session index; a session that wrote nothing gets no row.
 */
export function rowsWrittenQuery(
  config: PipelineLensConfig,
  sessions: Array<{ commit: string; startedAt: string; endedAt: string; firstDate: string; lastDate: string }>,
): CatalogQuery {
  const pc = config.tables.predictions.columns;
  if (!pc.commit || !pc.createdAt) throw new Error('rowsWrittenQuery needs tables.predictions.columns.commit and .createdAt');
  if (sessions.length === 0) throw new Error('rowsWrittenQuery needs at least one session');
  const ps = requiredScope(config, 'predictions');
  const q = new QueryBuilder();
  const window = {
    from: sessions.reduce((min, s) => (s.firstDate < min ? s.firstDate : min), sessions[0].firstDate),
    to: sessions.reduce((max, s) => (s.lastDate > max ? s.lastDate : max), sessions[0].lastDate),
  };
  const commit = `LOWER(${q.column(ps, 'p', 'commit', pc.commit, 'text')})`;
  const created = q.column(ps, 'p', 'createdAt', pc.createdAt, 'timestamp');
  const date = dayOf(q, ps, 'p', 'date', pc.date);
  // Either record may abbreviate the SHA: a row matches when one starts with the other.
  const branches = sessions.map((s, i) => {
    const sha = q.param(`commit_${i}`, 'STRING', s.commit.toLowerCase());
    return `WHEN (STARTS_WITH(${commit}, ${sha}) OR STARTS_WITH(${sha}, ${commit})) AND ${created} BETWEEN ${q.param(`from_ts_${i}`, 'TIMESTAMP', s.startedAt)} AND ${q.param(
      `to_ts_${i}`,
      'TIMESTAMP',
      s.endedAt,
    )} AND ${date} BETWEEN ${q.param(`first_date_${i}`, 'DATE', s.firstDate)} AND ${q.param(`last_date_${i}`, 'DATE', s.lastDate)} THEN ${i}`;
  });
  const sql = `
SELECT session, COUNT(*) AS rows_written
FROM (
  SELECT CASE ${branches.join('\n    ')} END AS session
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)}
)
WHERE session IS NOT NULL
GROUP BY 1
ORDER BY 1`;
  return q.build('rowsWritten', sql);
}

/**
 * Whether one configured column exists and reads as the type a query needs: run after a
 * query failed, to name the setting at fault. Reads one column over a short window.
 */
export function columnProbeQuery(need: ColumnNeed, window: DateWindow): CatalogQuery {
  const q = new QueryBuilder();
  const scope = need.scope;
  const value = q.column(scope, 't', need.key, need.column, need.type, need.optional);
  const probe: Record<ColumnType, string> = {
    any: `COUNT(${value})`,
    number: `COUNT(ABS(${value}))`,
    bool: `COUNTIF(${value})`,
    date: `COUNTIF(${value} BETWEEN ${q.param('probe_date', 'DATE', window.to)} AND ${q.param('probe_date_to', 'DATE', window.to)})`,
    timestamp: `COUNTIF(${value} BETWEEN ${q.param('probe_ts', 'TIMESTAMP', `${window.to}T00:00:00Z`)} AND ${q.param('probe_ts_to', 'TIMESTAMP', `${window.to}T23:59:59Z`)})`,
    datetime: `COUNTIF(DATETIME_TRUNC(${value}, DAY) IS NOT NULL)`,
    text: `COUNT(LENGTH(${value}))`,
    numberArray: `COUNT(ABS(${value}[SAFE_OFFSET(0)]))`,
  };
  // The table's own window filter: a probe of the date or partition column itself fails
  // the same way the column does, which is what it is there to find out.
  let where = 'TRUE';
  const time = scope.time;
  const partition = scope.partitionColumn;
  if (time?.type === 'date') where = windowFilter(q, scope, 't', window);
  else if (time) {
    const from = q.param('from_ts', 'TIMESTAMP', `${window.from}T00:00:00Z`);
    const to = q.param('to_ts', 'TIMESTAMP', `${window.to}T23:59:59Z`);
    where = `${q.column(scope, 't', time.key, time.column, 'timestamp', false)} BETWEEN ${from} AND ${to}`;
    if (partition && partition !== time.column) where += ` AND ${q.column(scope, 't', `${scope.key}.partitionColumn`, partition, 'timestamp', false)} BETWEEN ${from} AND ${to}`;
  } else if (partition) {
    where = `DATE(${q.column(scope, 't', `${scope.key}.partitionColumn`, partition, 'any', false)}) BETWEEN ${q.param('from', 'DATE', window.from)} AND ${q.param('to', 'DATE', window.to)}`;
  }
  return q.build('columnProbe', `SELECT ${probe[need.type]} AS n FROM ${tableRef(scope.table)} AS t WHERE ${where}`);
}

/** Deployments kept in a warehouse table, over its last `lookbackDays` when it is partitioned. */
export function deploymentsQuery(
  source: { table: string; partitionColumn: string | null; lookbackDays: number; columns: DeploymentTableColumns },
  service: string,
  now: Date,
  configKey = 'services[].deployments',
): CatalogQuery {
  const q = new QueryBuilder();
  const columns = source.columns;
  const scope: TableScope = { key: configKey, table: source.table, partitionColumn: source.partitionColumn, time: null };
  const d = (key: keyof DeploymentTableColumns, type: ColumnType) => q.column(scope, 'd', key, columns[key]!, type, key === 'trafficPercent');
  let partition = '';
  if (source.partitionColumn) {
    const from = new Date(now.getTime() - source.lookbackDays * 86_400_000).toISOString().slice(0, 10);
    partition = ` AND DATE(${q.column(scope, 'd', `${scope.key}.partitionColumn`, source.partitionColumn, 'any', false)}) BETWEEN ${q.param('from', 'DATE', from)} AND ${q.param(
      'to',
      'DATE',
      now.toISOString().slice(0, 10),
    )}`;
  }
  const sql = `
SELECT ${d('service', 'any')} AS service, ${d('revision', 'any')} AS revision, ${d('commit', 'text')} AS commit_sha,
  ${d('createdAt', 'timestamp')} AS created_at, ${columns.trafficPercent ? d('trafficPercent', 'number') : 'CAST(NULL AS FLOAT64)'} AS traffic_percent
FROM ${tableRef(source.table)} AS d
WHERE ${d('service', 'any')} = ${q.param('service', 'STRING', service)}${partition}
ORDER BY created_at`;
  return q.build('deployments', sql);
}

/**
 * Which artifact (model file) served each model id, from the column that records it: the
 * predictions table's when configured (each row), else the execution log's (each run).
 * Per model and artifact: the first and last date it served, the rows it made (NULL when
 * the log does not count them), and how the graded rows it made did. A graded row belongs
 * to the artifact of its prediction (same entity, date and model) or, from the log, to the
 * artifact of the last run for its model and date, the run whose rows are current.
 */
export function servedArtifactsQuery(config: PipelineLensConfig, window: DateWindow, runsUntil: string): CatalogQuery {
  const pc = config.tables.predictions.columns;
  const log = config.tables.executionLog;
  const fromPredictions = pc.artifact !== null;
  if (!fromPredictions && !(log?.columns.artifact && log.columns.model)) {
    throw new Error('servedArtifactsQuery needs tables.predictions.columns.artifact, or tables.executionLog.columns.artifact and .model');
  }
  const q = new QueryBuilder();
  const gs = requiredScope(config, 'graded');
  const gc = config.tables.graded.columns;
  let source: string;
  let assigned: string;
  let assignedJoin: string;
  if (fromPredictions) {
    const ps = requiredScope(config, 'predictions');
    source = `
made AS (
  SELECT ${q.column(ps, 'p', 'model', pc.model, 'any', false)} AS model, ${q.column(ps, 'p', 'entity', pc.entity, 'any', false)} AS entity,
    ${dayOf(q, ps, 'p', 'date', pc.date)} AS day, COALESCE(CAST(${q.column(ps, 'p', 'artifact', pc.artifact!, 'text')} AS STRING), '') AS artifact
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)}${currentRows(q, ps, 'p', pc)}
),
served AS (
  SELECT model, artifact, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS row_count, CAST(NULL AS INT64) AS runs
  FROM made GROUP BY 1, 2
),`;
    assigned = `
assigned AS (SELECT model, entity, day, MIN(artifact) AS artifact FROM made GROUP BY 1, 2, 3),`;
    assignedJoin = `a.model = ${q.column(gs, 'g', 'model', gc.model, 'any', false)} AND a.entity = ${q.column(gs, 'g', 'entity', gc.entity, 'any', false)} AND a.day = ${dayOf(q, gs, 'g', 'date', gc.date)}`;
  } else {
    const ls = requiredScope(config, 'executionLog');
    const c = log!.columns;
    const failed = c.status ? ` AND NOT REGEXP_CONTAINS(LOWER(COALESCE(CAST(${q.column(ls, 'l', 'status', c.status, 'any')} AS STRING), '')), 'fail|error')` : '';
    const date = dayOf(q, ls, 'l', 'date', c.date);
    // A run produces for dates up to its start (a backfill, long after): runs are read from the window's first date to `runsUntil`.
    source = `
runs AS (
  SELECT ${q.column(ls, 'l', 'model', c.model!, 'any')} AS model, ${date} AS day, COALESCE(CAST(${q.column(ls, 'l', 'artifact', c.artifact!, 'text')} AS STRING), '') AS artifact,
    ${q.column(ls, 'l', 'start', c.start, 'timestamp', false)} AS started,
    ${c.rowsProduced ? q.column(ls, 'l', 'rowsProduced', c.rowsProduced, 'number') : 'CAST(NULL AS INT64)'} AS rows_produced
  FROM ${tableRef(ls.table)} AS l
  WHERE ${logWindow(q, config, `${window.from}T00:00:00Z`, runsUntil)} AND ${date} BETWEEN ${q.param('from', 'DATE', window.from)} AND ${q.param('to', 'DATE', window.to)}${failed}
),
served AS (
  SELECT model, artifact, MIN(day) AS first_day, MAX(day) AS last_day,
    CASE WHEN COUNTIF(rows_produced IS NULL) > 0 THEN CAST(NULL AS INT64) ELSE CAST(SUM(rows_produced) AS INT64) END AS row_count, COUNT(*) AS runs
  FROM runs GROUP BY 1, 2
),`;
    assigned = `
ranked AS (SELECT model, day, artifact, ROW_NUMBER() OVER (PARTITION BY model, day ORDER BY started DESC, artifact) AS recency FROM runs),
assigned AS (SELECT model, day, artifact FROM ranked WHERE recency = 1),`;
    assignedJoin = `a.model = ${q.column(gs, 'g', 'model', gc.model, 'any', false)} AND a.day = ${dayOf(q, gs, 'g', 'date', gc.date)}`;
  }
  const correct = q.column(gs, 'g', 'correct', gc.correct, 'bool', false);
  const hasError = gc.predicted !== null && gc.actual !== null;
  const err = hasError ? `ABS(${q.column(gs, 'g', 'predicted', gc.predicted!, 'number')} - ${q.column(gs, 'g', 'actual', gc.actual!, 'number')})` : null;
  const sql = `
WITH${source}${assigned}
scored AS (
  SELECT a.model AS model, a.artifact AS artifact,
    COUNTIF(${correct} IS NOT NULL) AS graded,
    COUNTIF(${correct}) AS correct,
    ${err ? `COUNTIF(${correct} IS NOT NULL AND ${err} IS NOT NULL) AS error_n, SUM(CASE WHEN ${correct} IS NOT NULL THEN ${err} END) AS abs_error_sum` : 'CAST(NULL AS INT64) AS error_n, CAST(NULL AS FLOAT64) AS abs_error_sum'}
  FROM ${tableRef(gs.table)} AS g
  JOIN assigned AS a ON ${assignedJoin}
  WHERE ${windowFilter(q, gs, 'g', window)}${currentRows(q, gs, 'g', gc)}
  GROUP BY 1, 2
)
SELECT served.model AS model, NULLIF(served.artifact, '') AS artifact, served.first_day AS first_day, served.last_day AS last_day, served.row_count AS row_count, served.runs AS runs,
  COALESCE(scored.graded, 0) AS graded, COALESCE(scored.correct, 0) AS correct, ${err ? 'COALESCE(scored.error_n, 0)' : 'scored.error_n'} AS error_n, scored.abs_error_sum AS abs_error_sum
FROM served LEFT JOIN scored ON scored.model = served.model AND scored.artifact = served.artifact
ORDER BY model, first_day, artifact`;
  return q.build('servedArtifacts', sql);
}

/** The entities with a feature-store row on one date: compared between two warehouses, which no single query can join. */
export function featureStoreEntitiesQuery(config: PipelineLensConfig, date: string): CatalogQuery {
  const fs = config.tables.featureStore;
  if (!fs) throw new Error('featureStoreEntitiesQuery needs tables.featureStore');
  const scope = requiredScope(config, 'featureStore');
  const q = new QueryBuilder();
  const sql = `
SELECT CAST(${q.column(scope, 'f', 'entity', fs.columns.entity, 'any', false)} AS STRING) AS entity, COUNT(*) AS row_count
FROM ${tableRef(scope.table)} AS f
WHERE ${windowFilter(q, scope, 'f', { from: date, to: date })}
GROUP BY 1
ORDER BY 1`;
  return q.build('featureStoreEntities', sql);
}

/**
 * The artifacts each build of each model ran, from the same column as servedArtifactsQuery:
 * what the models view shows under a build. Rows NULL when the log does not count them.
 */
export function artifactsByBuildQuery(config: PipelineLensConfig, window: DateWindow, runsUntil: string): CatalogQuery {
  const pc = config.tables.predictions.columns;
  const log = config.tables.executionLog;
  const q = new QueryBuilder();
  let sql: string;
  if (pc.artifact !== null) {
    const ps = requiredScope(config, 'predictions');
    sql = `
SELECT ${q.column(ps, 'p', 'model', pc.model, 'any', false)} AS model, ${optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING')} AS commit_sha,
  CAST(${q.column(ps, 'p', 'artifact', pc.artifact, 'text')} AS STRING) AS artifact, COUNT(*) AS row_count
FROM ${tableRef(ps.table)} AS p
WHERE ${windowFilter(q, ps, 'p', window)}${currentRows(q, ps, 'p', pc)}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`;
  } else if (log?.columns.artifact && log.columns.model) {
    const ls = requiredScope(config, 'executionLog');
    const c = log.columns;
    const date = dayOf(q, ls, 'l', 'date', c.date);
    const rows = c.rowsProduced ? q.column(ls, 'l', 'rowsProduced', c.rowsProduced, 'number') : null;
    sql = `
SELECT ${q.column(ls, 'l', 'model', c.model!, 'any')} AS model, ${q.column(ls, 'l', 'commit', c.commit, 'text', false)} AS commit_sha,
  CAST(${q.column(ls, 'l', 'artifact', c.artifact!, 'text')} AS STRING) AS artifact,
  ${rows ? `CASE WHEN COUNTIF(${rows} IS NULL) > 0 THEN CAST(NULL AS INT64) ELSE CAST(SUM(${rows}) AS INT64) END` : 'CAST(NULL AS INT64)'} AS row_count
FROM ${tableRef(ls.table)} AS l
WHERE ${logWindow(q, config, `${window.from}T00:00:00Z`, runsUntil)} AND ${date} BETWEEN ${q.param('from', 'DATE', window.from)} AND ${q.param('to', 'DATE', window.to)}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`;
  } else {
    throw new Error('artifactsByBuildQuery needs tables.predictions.columns.artifact, or tables.executionLog.columns.artifact and .model');
  }
  return q.build('artifactsByBuild', sql);
}

// ---------------------------------------------------------------------------------------------
// Re-runs: what a backfill or regeneration replaced.

/**
 * Per key (entity, date, model) in the slices a re-run touched (a model and date holding a
 * replaced row): the latest replaced row against the row that stands, with the graded
 * result. Shared by the counts and the per-key listing so both read the same pairs. A
 * column the config sets to null comes through as a typed NULL.
 */
function rerunPairs(config: PipelineLensConfig, q: QueryBuilder, window: DateWindow, models: string[] | undefined): string {
  const marker = replacedRowMarker(config);
  if (!marker) throw new Error('re-run queries need tables.predictions.columns.active, .superseded or .supersededAt');
  const pc = config.tables.predictions.columns;
  const gc = config.tables.graded.columns;
  const ps = requiredScope(config, 'predictions');
  const gs = requiredScope(config, 'graded');
  const modelParam = models?.length ? q.param('models', { array: 'STRING' }, models) : null;
  const p = (key: 'entity' | 'date' | 'model') => q.column(ps, 'p', key, pc[key], key === 'date' ? 'date' : 'any', false);
  const g = (key: 'entity' | 'date' | 'model') => q.column(gs, 'g', key, gc[key], key === 'date' ? 'date' : 'any', false);
  const pModels = modelParam ? ` AND ${p('model')} IN UNNEST(${modelParam})` : '';
  const gModels = modelParam ? ` AND ${g('model')} IN UNNEST(${modelParam})` : '';
  const current = marker.current(q, ps, 'p');
  const key = (a: string, b: string) => `${b}.entity = ${a}.entity AND ${b}.day = ${a}.day AND ${b}.model = ${a}.model`;
  // Without an actual-result column nothing is graded: no join, and every result is NULL.
  const results = gc.actual
    ? `
results AS (
  SELECT ${g('entity')} AS entity, ${g('date')} AS day, ${g('model')} AS model, MAX(${q.column(gs, 'g', 'actual', gc.actual, 'number')}) AS actual
  FROM ${tableRef(gs.table)} AS g
  WHERE ${windowFilter(q, gs, 'g', window)} AND ${q.column(gs, 'g', 'actual', gc.actual, 'number')} IS NOT NULL${currentRows(q, gs, 'g', gc)}${gModels}
  GROUP BY 1, 2, 3
),`
    : '';
  const resultsJoin = gc.actual
    ? '\n  LEFT JOIN results AS r ON r.entity = COALESCE(o.entity, n.entity) AND r.day = COALESCE(o.day, n.day) AND r.model = COALESCE(o.model, n.model)'
    : '';
  return `
WITH marked AS (
  SELECT ${p('entity')} AS entity, ${p('date')} AS day, ${p('model')} AS model,
    ${optionalColumn(q, ps, 'p', 'predicted', pc.predicted, 'number', 'FLOAT64')} AS predicted,
    ${optionalColumn(q, ps, 'p', 'line', pc.line, 'number', 'FLOAT64')} AS line,
    ${optionalColumn(q, ps, 'p', 'createdAt', pc.createdAt, 'timestamp', 'TIMESTAMP')} AS created_at,
    ${optionalColumn(q, ps, 'p', 'commit', pc.commit, 'text', 'STRING')} AS commit_sha,
    CASE WHEN ${current} THEN 'new' WHEN NOT (${current}) THEN 'old' END AS side
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)}${pModels}
),
rerun AS (
  SELECT DISTINCT model, day FROM marked WHERE side = 'old'
),
versions AS (
  SELECT m.entity, m.day, m.model, m.side, m.predicted, m.line, m.created_at, m.commit_sha,
    COUNT(*) OVER (PARTITION BY m.entity, m.day, m.model, m.side) AS copies,
    ROW_NUMBER() OVER (PARTITION BY m.entity, m.day, m.model, m.side ORDER BY m.created_at DESC, m.predicted) AS recency
  FROM marked AS m JOIN rerun ON rerun.model = m.model AND rerun.day = m.day
  WHERE m.side IS NOT NULL
),
old_rows AS (SELECT * FROM versions WHERE side = 'old' AND recency = 1),
new_rows AS (SELECT * FROM versions WHERE side = 'new' AND recency = 1),${results}
joined AS (
  SELECT
    COALESCE(o.model, n.model) AS model, COALESCE(o.entity, n.entity) AS entity, COALESCE(o.day, n.day) AS day,
    o.entity IS NOT NULL AS had_old, n.entity IS NOT NULL AS has_new,
    o.copies AS old_copies, n.copies AS new_copies,
    o.commit_sha AS old_commit, n.commit_sha AS new_commit,
    o.predicted AS old_predicted, n.predicted AS new_predicted,
    o.line AS old_line, n.line AS new_line,
    o.created_at AS old_created, n.created_at AS new_created,
    ${gc.actual ? 'r.actual' : 'CAST(NULL AS FLOAT64)'} AS actual
  FROM old_rows AS o
  FULL OUTER JOIN new_rows AS n ON ${key('o', 'n')}${resultsJoin}
),
-- A standing row without a replaced one is the re-run's only when it was made once the
-- re-run had started (the first regenerated row of its model and date); earlier, it is a
-- row the re-run left alone. Without write times no such row can be told apart.
timed AS (
  SELECT j.*, MIN(CASE WHEN j.had_old AND j.has_new THEN j.new_created END) OVER (PARTITION BY j.model, j.day) AS rerun_started
  FROM joined AS j
),
pairs AS (
  SELECT * FROM timed WHERE had_old OR new_created >= rerun_started
)`;
}

/**
 * What re-runs replaced in a window of dates, per model and pair of builds (the replaced
 * row's and the standing row's): rows replaced, keys regenerated, deleted without
 * replacement and added, how far predictions moved, and the paired 2×2 table of hits on
 * the keys graded, each call judged against its own line. Aggregated here: at most one
 * row per model and pair of builds comes back. Figures the configured columns cannot give
 * (no predicted value, line, actual result or write time) come back NULL.
 */
export function rerunImpactQuery(config: PipelineLensConfig, window: DateWindow, models?: string[]): CatalogQuery {
  const q = new QueryBuilder();
  const pairs = rerunPairs(config, q, window, models);
  const pc = config.tables.predictions.columns;
  const gc = config.tables.graded.columns;
  const both = 'had_old AND has_new';
  const ifKnown = (known: boolean, sql: string, type: string) => (known ? sql : `CAST(NULL AS ${type})`);
  const hasPredicted = pc.predicted !== null;
  const hasCalls = hasPredicted && pc.line !== null;
  const judgeable = hasCalls && gc.actual !== null;
  const judged = `${both} AND actual IS NOT NULL AND old_line IS NOT NULL AND new_line IS NOT NULL AND actual != old_line AND actual != new_line`;
  const oldHit = 'SIGN(old_predicted - old_line) = SIGN(actual - old_line)';
  const newHit = 'SIGN(new_predicted - new_line) = SIGN(actual - new_line)';
  const sql = `${pairs}
SELECT model, old_commit, new_commit,
  SUM(CASE WHEN had_old THEN old_copies ELSE 0 END) AS replaced_rows,
  COUNTIF(had_old) AS replaced_keys,
  COUNTIF(${both}) AS regenerated,
  COUNTIF(had_old AND NOT has_new) AS deleted,
  ${ifKnown(pc.createdAt !== null, 'COUNTIF(has_new AND NOT had_old)', 'INT64')} AS added,
  COUNTIF(old_copies > 1) AS replaced_repeatedly,
  COUNTIF(new_copies > 1) AS several_current,
  ${ifKnown(hasPredicted, `COUNTIF(${both} AND (old_predicted != new_predicted OR (old_predicted IS NULL) != (new_predicted IS NULL)))`, 'INT64')} AS changed,
  ${ifKnown(hasCalls, `COUNTIF(${both} AND SIGN(old_predicted - old_line) != SIGN(new_predicted - new_line))`, 'INT64')} AS flipped,
  SUM(CASE WHEN ${both} THEN ABS(new_predicted - old_predicted) END) AS abs_change_sum,
  SUM(CASE WHEN ${both} THEN new_predicted - old_predicted END) AS change_sum,
  ${ifKnown(hasPredicted, `COUNTIF(${both} AND new_predicted IS NOT NULL AND old_predicted IS NOT NULL)`, 'INT64')} AS change_n,
  MAX(CASE WHEN ${both} THEN ABS(new_predicted - old_predicted) END) AS max_abs_change,
  ${ifKnown(judgeable, `COUNTIF(${judged} AND ${oldHit} AND ${newHit})`, 'INT64')} AS both_hit,
  ${ifKnown(judgeable, `COUNTIF(${judged} AND ${oldHit} AND NOT ${newHit})`, 'INT64')} AS old_only,
  ${ifKnown(judgeable, `COUNTIF(${judged} AND NOT ${oldHit} AND ${newHit})`, 'INT64')} AS new_only,
  ${ifKnown(judgeable, `COUNTIF(${judged} AND NOT ${oldHit} AND NOT ${newHit})`, 'INT64')} AS neither,
  MIN(old_created) AS old_first_created, MAX(old_created) AS old_last_created,
  MIN(new_created) AS new_first_created, MAX(new_created) AS new_last_created,
  MIN(day) AS first_day, MAX(day) AS last_day
FROM pairs
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`;
  return q.build('rerunImpact', sql);
}

/**
 * Per model, when its re-runs in a window last wrote a standing row: the latest write time
 * of the standing rows on the dates where a key was regenerated (it has a replaced row and a
 * standing row with a write time). That is `rerunMade.last` of `rerunImpactQuery` for the
 * model, read without pairing every key and without the graded table, so a caller that
 * wants only the re-runs written after some time can leave the other models out of the
 * pairing. Models with no such date return no row. Needs tables.predictions.columns.createdAt.
 */
export function rerunLastWritesQuery(config: PipelineLensConfig, window: DateWindow): CatalogQuery {
  const marker = replacedRowMarker(config);
  const pc = config.tables.predictions.columns;
  if (!marker || !pc.createdAt) throw new Error('rerunLastWritesQuery needs tables.predictions.columns.createdAt and a marker of replaced rows');
  const q = new QueryBuilder();
  const ps = requiredScope(config, 'predictions');
  const p = (key: 'entity' | 'date' | 'model') => q.column(ps, 'p', key, pc[key], key === 'date' ? 'date' : 'any', false);
  const current = marker.current(q, ps, 'p');
  // The same keys and sides as rerunPairs; a key with a NULL part never pairs there, nor here.
  const sql = `
WITH marked AS (
  SELECT ${p('entity')} AS entity, ${p('date')} AS day, ${p('model')} AS model,
    ${q.column(ps, 'p', 'createdAt', pc.createdAt, 'timestamp')} AS created_at,
    CASE WHEN ${current} THEN 'new' WHEN NOT (${current}) THEN 'old' END AS side
  FROM ${tableRef(ps.table)} AS p
  WHERE ${windowFilter(q, ps, 'p', window)}
),
replaced AS (
  SELECT DISTINCT entity, day, model FROM marked WHERE side = 'old'
),
days AS (
  SELECT m.model, m.day, MAX(m.created_at) AS last_write, COUNTIF(r.entity IS NOT NULL AND m.created_at IS NOT NULL) AS regenerated
  FROM marked AS m
  LEFT JOIN replaced AS r ON r.entity = m.entity AND r.day = m.day AND r.model = m.model
  WHERE m.side = 'new'
  GROUP BY 1, 2
)
SELECT model, MAX(last_write) AS last_write
FROM days
WHERE regenerated > 0
GROUP BY 1
ORDER BY 1`;
  return q.build('rerunLastWrites', sql);
}

/** The keys whose prediction a re-run moved most: old and new prediction, lines and result. */
export function rerunChangesQuery(config: PipelineLensConfig, window: DateWindow, limit: number, models?: string[]): CatalogQuery {
  if (!config.tables.predictions.columns.predicted) throw new Error('rerunChangesQuery needs tables.predictions.columns.predicted');
  const q = new QueryBuilder();
  const pairs = rerunPairs(config, q, window, models);
  const top = q.param('limit', 'INT64', limit);
  const sql = `${pairs}
SELECT model, entity, day, old_predicted, new_predicted, old_line, new_line, actual, old_commit, new_commit
FROM pairs
WHERE had_old AND has_new AND old_predicted != new_predicted
ORDER BY ABS(new_predicted - old_predicted) DESC, model, day, entity
LIMIT ${top}`;
  return q.build('rerunChanges', sql);
}
