import type { PipelineLensConfig } from '../config/types';
import { replacedRowMarker } from '../rerun/replacedRows';
import { columnRef as col, tableRef } from './identifiers';
import type { ParamType, ParamValue, SqlQuery } from './types';

/*
 * The catalog of built-in queries. Each is written once, in BigQuery Standard SQL kept to
 * the subset the embedded engine also runs, with identifiers from config (validated and
 * quoted) and every value a typed parameter. Every query on a partitioned table filters on
 * its partition column, so the bytes scanned grow with the window, not the table.
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
}

class QueryBuilder {
  readonly params: Record<string, ParamValue> = {};
  readonly types: Record<string, ParamType> = {};
  param(name: string, type: ParamType, value: ParamValue): string {
    this.params[name] = value;
    this.types[name] = type;
    return `@${name}`;
  }
  build(name: string, sql: string): SqlQuery {
    return { name, sql: sql.trim(), params: this.params, types: this.types };
  }
}

/** The clause that keeps a scan inside the window, on the partition column when there is one. */
function windowFilter(alias: string, dateColumn: string, partitionColumn: string | null, q: QueryBuilder, window: DateWindow): string {
  const from = q.param('from', 'DATE', window.from);
  const to = q.param('to', 'DATE', window.to);
  const byDate = `${alias}.${col(dateColumn)} BETWEEN ${from} AND ${to}`;
  if (partitionColumn === null || partitionColumn === dateColumn) return byDate;
  return `${byDate} AND DATE(${alias}.${col(partitionColumn)}) BETWEEN ${from} AND ${to}`;
}

const GRAIN_COLUMNS: Record<MetricsGrain, string> = { model: 'model', commit: 'commit_sha', date: 'day' };

/**
 * Additive aggregates of predictions and graded rows at the requested grain, so that callers
 * can add slices together (builds containing vs lacking a commit, periods) exactly.
 */
export function metricsQuery(config: PipelineLensConfig, grain: MetricsGrain[], filter: MetricsFilter, name = 'metrics'): SqlQuery {
  const q = new QueryBuilder();
  const { predictions, graded } = config.tables;
  const pc = predictions.columns;
  const gc = graded.columns;
  const keys = grain.map((g) => GRAIN_COLUMNS[g]);
  const select = (c: { model: string; commit: string; date: string }, alias: string) =>
    grain
      .map((g) => {
        const source = g === 'model' ? c.model : g === 'commit' ? c.commit : c.date;
        return `${alias}.${col(source)} AS ${GRAIN_COLUMNS[g]}`;
      })
      .join(', ');
  const filters = (c: { model: string; commit: string }, alias: string) => {
    const parts: string[] = [];
    if (filter.models?.length) parts.push(`${alias}.${col(c.model)} IN UNNEST(${q.param('models', { array: 'STRING' }, filter.models)})`);
    if (filter.commits?.length) parts.push(`${alias}.${col(c.commit)} IN UNNEST(${q.param('commits', { array: 'STRING' }, filter.commits)})`);
    return parts.map((p) => ` AND ${p}`).join('');
  };
  const highEdge = q.param('high_edge', 'FLOAT64', config.thresholds.highEdge);
  const groupBy = keys.length ? `GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
  const selectKeys = (c: { model: string; commit: string; date: string }, alias: string) => (keys.length ? `${select(c, alias)}, ` : '');
  const g = (c: string) => `g.${col(c)}`;
  const err = `(${g(gc.predicted)} - ${g(gc.actual)})`;
  const isGraded = `${g(gc.correct)} IS NOT NULL`;
  const directional = `${isGraded} AND ${g(gc.actual)} != ${g(gc.line)}`;
  const highEdgeRow = `${isGraded} AND ABS(${g(gc.predicted)} - ${g(gc.line)}) >= ${highEdge}`;
  const activeFilter = pc.active ? ` AND p.${col(pc.active)}` : '';
  const sql = `
WITH made AS (
  SELECT ${selectKeys(pc, 'p')}COUNT(*) AS predictions
  FROM ${tableRef(predictions.table)} AS p
  WHERE ${windowFilter('p', pc.date, predictions.partitionColumn, q, filter.window)}${activeFilter}${filters(pc, 'p')}
  ${groupBy}
),
scored AS (
  SELECT ${selectKeys(gc, 'g')}
    COUNTIF(${isGraded}) AS graded,
    COUNTIF(${g(gc.correct)}) AS correct,
    SUM(CASE WHEN ${isGraded} THEN ABS${err} END) AS abs_error_sum,
    SUM(CASE WHEN ${isGraded} THEN ${err} END) AS error_sum,
    SUM(CASE WHEN ${isGraded} THEN ${err} * ${err} END) AS error_sq_sum,
    COUNTIF(${directional}) AS direction_n,
    COUNTIF(${directional} AND SIGN(${g(gc.predicted)} - ${g(gc.line)}) = SIGN(${g(gc.actual)} - ${g(gc.line)})) AS direction_hits,
    COUNTIF(${highEdgeRow}) AS high_edge_n,
    COUNTIF(${highEdgeRow} AND ${g(gc.correct)}) AS high_edge_hits
  FROM ${tableRef(graded.table)} AS g
  WHERE ${windowFilter('g', gc.date, graded.partitionColumn, q, filter.window)}${filters(gc, 'g')}
  ${groupBy}
)
SELECT ${keys.length ? `${keys.join(', ')}, ` : ''}
  COALESCE(made.predictions, 0) AS predictions,
  COALESCE(scored.graded, 0) AS graded,
  COALESCE(scored.correct, 0) AS correct,
  scored.abs_error_sum, scored.error_sum, scored.error_sq_sum,
  COALESCE(scored.direction_n, 0) AS direction_n,
  COALESCE(scored.direction_hits, 0) AS direction_hits,
  COALESCE(scored.high_edge_n, 0) AS high_edge_n,
  COALESCE(scored.high_edge_hits, 0) AS high_edge_hits
FROM made ${keys.length ? `FULL OUTER JOIN scored USING (${keys.join(', ')})` : 'CROSS JOIN scored'}
${keys.length ? `ORDER BY ${keys.join(', ')}` : ''}`;
  return q.build(name, sql);
}

export const modelsSummaryQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model'], filter, 'modelsSummary');
export const modelByCommitQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model', 'commit'], filter, 'modelByCommit');
export const modelByDateQuery = (config: PipelineLensConfig, filter: MetricsFilter) => metricsQuery(config, ['model', 'date'], filter, 'modelByDate');
export const commitAcrossModelsQuery = (config: PipelineLensConfig, filter: MetricsFilter) =>
  metricsQuery(config, ['commit', 'model'], filter, 'commitAcrossModels');
/** The finest grain the investigation needs; slices by build or period are sums of its rows. */
export const modelCommitDateQuery = (config: PipelineLensConfig, filter: MetricsFilter) =>
  metricsQuery(config, ['model', 'commit', 'date'], filter, 'modelCommitDate');

/** Runs of the service recorded in the execution log between two instants, one row per run id. */
export function runsQuery(config: PipelineLensConfig, from: string, to: string): SqlQuery {
  const log = config.tables.executionLog;
  if (!log) throw new Error('runsQuery needs tables.executionLog');
  const c = log.columns;
  const q = new QueryBuilder();
  const fromTs = q.param('from_ts', 'TIMESTAMP', from);
  const toTs = q.param('to_ts', 'TIMESTAMP', to);
  const partition = log.partitionColumn && log.partitionColumn !== c.start ? ` AND l.${col(log.partitionColumn)} BETWEEN ${fromTs} AND ${toTs}` : '';
  const optional = (column: string | null, expression: (c: string) => string, alias: string, fallback: string) =>
    column ? `${expression(`l.${col(column)}`)} AS ${alias}` : `${fallback} AS ${alias}`;
  const sql = `
SELECT
  l.${col(c.runId)} AS run_id,
  ANY_VALUE(l.${col(c.commit)}) AS commit_sha,
  ${optional(c.revision, (x) => `ANY_VALUE(${x})`, 'revision', 'CAST(NULL AS STRING)')},
  ${optional(c.mode, (x) => `ANY_VALUE(${x})`, 'mode', 'CAST(NULL AS STRING)')},
  ${optional(c.status, (x) => `ANY_VALUE(${x})`, 'status', 'CAST(NULL AS STRING)')},
  MIN(l.${col(c.start)}) AS started_at,
  MAX(l.${col(c.end)}) AS ended_at,
  MIN(l.${col(c.date)}) AS first_date,
  MAX(l.${col(c.date)}) AS last_date,
  COUNT(DISTINCT l.${col(c.date)}) AS dates,
  ${optional(c.model, (x) => `COUNT(DISTINCT ${x})`, 'models', '0')},
  ${optional(c.rowsProduced, (x) => `SUM(${x})`, 'rows_produced', 'CAST(NULL AS INT64)')}
FROM ${tableRef(log.table)} AS l
WHERE l.${col(c.start)} BETWEEN ${fromTs} AND ${toTs}${partition}
GROUP BY 1
ORDER BY started_at, run_id`;
  return q.build('runs', sql);
}

/**
 * When each build was first and last seen running, from the execution log: the deployment
 * history of a team without access to its deploy tool's API. One row per commit and
 * revision (revision NULL when the log has no such column).
 */
export function buildsFirstSeenQuery(config: PipelineLensConfig, from: string, to: string): SqlQuery {
  const log = config.tables.executionLog;
  if (!log) throw new Error('buildsFirstSeenQuery needs tables.executionLog');
  const c = log.columns;
  const q = new QueryBuilder();
  const fromTs = q.param('from_ts', 'TIMESTAMP', from);
  const toTs = q.param('to_ts', 'TIMESTAMP', to);
  const partition = log.partitionColumn && log.partitionColumn !== c.start ? ` AND l.${col(log.partitionColumn)} BETWEEN ${fromTs} AND ${toTs}` : '';
  const revision = c.revision ? `l.${col(c.revision)}` : 'CAST(NULL AS STRING)';
  const recorded = c.revision ? `(l.${col(c.commit)} IS NOT NULL OR l.${col(c.revision)} IS NOT NULL)` : `l.${col(c.commit)} IS NOT NULL`;
  const sql = `
SELECT
  l.${col(c.commit)} AS commit_sha,
  ${revision} AS revision,
  MIN(l.${col(c.start)}) AS first_seen,
  MAX(l.${col(c.start)}) AS last_seen,
  COUNT(DISTINCT l.${col(c.runId)}) AS runs
FROM ${tableRef(log.table)} AS l
WHERE l.${col(c.start)} BETWEEN ${fromTs} AND ${toTs}${partition} AND ${recorded}
GROUP BY 1, 2
ORDER BY first_seen, commit_sha, revision`;
  return q.build('buildsFirstSeen', sql);
}

/** Coverage (> 0), zeros and NULLs of each requested feature index, per date and mode. */
export function featureCoverageQuery(config: PipelineLensConfig, window: DateWindow, indices: number[]): SqlQuery {
  const fs = config.tables.featureStore;
  if (!fs) throw new Error('featureCoverageQuery needs tables.featureStore');
  const c = fs.columns;
  const q = new QueryBuilder();
  const idx = q.param('indices', { array: 'INT64' }, indices);
  const mode = c.mode ? `f.${col(c.mode)}` : 'CAST(NULL AS STRING)';
  const value = `f.${col(c.features)}[SAFE_OFFSET(feature_index)]`;
  const sql = `
SELECT
  f.${col(c.date)} AS day,
  ${mode} AS mode,
  feature_index,
  COUNT(*) AS row_count,
  COUNTIF(${value} > 0) AS positive,
  COUNTIF(${value} = 0) AS zeros,
  COUNTIF(${value} IS NULL) AS nulls,
  AVG(${value}) AS mean
FROM ${tableRef(fs.table)} AS f
CROSS JOIN UNNEST(${idx}) AS feature_index
WHERE ${windowFilter('f', c.date, fs.partitionColumn, q, window)}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`;
  return q.build('featureCoverage', sql);
}

/**
 * Coverage of features over the rows a model actually predicted, split at a date: answers
 * "did the inputs change between the good and the bad period", which is what a cause needs.
 */
export function modelFeatureCoverageQuery(config: PipelineLensConfig, model: string, window: DateWindow, splitDate: string, indices: number[]): SqlQuery {
  const fs = config.tables.featureStore;
  if (!fs) throw new Error('modelFeatureCoverageQuery needs tables.featureStore');
  const { predictions } = config.tables;
  const pc = predictions.columns;
  const fc = fs.columns;
  const q = new QueryBuilder();
  const idx = q.param('indices', { array: 'INT64' }, indices);
  const modelParam = q.param('model', 'STRING', model);
  const split = q.param('split', 'DATE', splitDate);
  const value = `f.${col(fc.features)}[SAFE_OFFSET(feature_index)]`;
  const activeFilter = pc.active ? ` AND p.${col(pc.active)}` : '';
  const sql = `
WITH predicted AS (
  SELECT DISTINCT p.${col(pc.entity)} AS entity, p.${col(pc.date)} AS day
  FROM ${tableRef(predictions.table)} AS p
  WHERE ${windowFilter('p', pc.date, predictions.partitionColumn, q, window)} AND p.${col(pc.model)} = ${modelParam}${activeFilter}
)
SELECT
  CASE WHEN f.${col(fc.date)} < ${split} THEN 'before' ELSE 'after' END AS period,
  feature_index,
  COUNT(*) AS row_count,
  COUNTIF(${value} > 0) AS positive
FROM ${tableRef(fs.table)} AS f
JOIN predicted ON predicted.entity = f.${col(fc.entity)} AND predicted.day = f.${col(fc.date)}
CROSS JOIN UNNEST(${idx}) AS feature_index
WHERE ${windowFilter('f', fc.date, fs.partitionColumn, q, window)}
GROUP BY 1, 2
ORDER BY 1, 2`;
  return q.build('modelFeatureCoverage', sql);
}

/** Per date: entities expected, and how many of them have a feature-store row. */
export function featureStoreCompletenessQuery(config: PipelineLensConfig, window: DateWindow): SqlQuery {
  const fs = config.tables.featureStore;
  const expected = config.tables.expected;
  if (!fs || !expected) throw new Error('featureStoreCompletenessQuery needs tables.featureStore and tables.expected');
  const q = new QueryBuilder();
  const ec = expected.columns;
  const fc = fs.columns;
  const sql = `
WITH wanted AS (
  SELECT DISTINCT e.${col(ec.entity)} AS entity, e.${col(ec.date)} AS day
  FROM ${tableRef(expected.table)} AS e
  WHERE ${windowFilter('e', ec.date, expected.partitionColumn, q, window)}
),
present AS (
  SELECT DISTINCT f.${col(fc.entity)} AS entity, f.${col(fc.date)} AS day
  FROM ${tableRef(fs.table)} AS f
  WHERE ${windowFilter('f', fc.date, fs.partitionColumn, q, window)}
)
SELECT wanted.day AS day, COUNT(*) AS expected, COUNT(present.entity) AS with_features
FROM wanted LEFT JOIN present ON present.entity = wanted.entity AND present.day = wanted.day
GROUP BY 1
ORDER BY 1`;
  return q.build('featureStoreCompleteness', sql);
}

/** Per model and day: calls above and below the line, and how the graded ones did. */
export function directionSkewQuery(config: PipelineLensConfig, filter: MetricsFilter): SqlQuery {
  const { predictions, graded } = config.tables;
  const pc = predictions.columns;
  const gc = graded.columns;
  const q = new QueryBuilder();
  const models = filter.models?.length ? ` AND p.${col(pc.model)} IN UNNEST(${q.param('models', { array: 'STRING' }, filter.models)})` : '';
  const gModels = filter.models?.length ? ` AND g.${col(gc.model)} IN UNNEST(@models)` : '';
  const activeFilter = pc.active ? ` AND p.${col(pc.active)}` : '';
  const sql = `
WITH calls AS (
  SELECT p.${col(pc.model)} AS model, p.${col(pc.date)} AS day,
    COUNTIF(p.${col(pc.predicted)} > p.${col(pc.line)}) AS over_calls,
    COUNTIF(p.${col(pc.predicted)} < p.${col(pc.line)}) AS under_calls
  FROM ${tableRef(predictions.table)} AS p
  WHERE ${windowFilter('p', pc.date, predictions.partitionColumn, q, filter.window)}${activeFilter}${models}
  GROUP BY 1, 2
),
results AS (
  SELECT g.${col(gc.model)} AS model, g.${col(gc.date)} AS day,
    COUNTIF(g.${col(gc.correct)} IS NOT NULL) AS graded,
    COUNTIF(g.${col(gc.correct)}) AS correct
  FROM ${tableRef(graded.table)} AS g
  WHERE ${windowFilter('g', gc.date, graded.partitionColumn, q, filter.window)}${gModels}
  GROUP BY 1, 2
)
SELECT model, day, calls.over_calls, calls.under_calls, COALESCE(results.graded, 0) AS graded, COALESCE(results.correct, 0) AS correct
FROM calls LEFT JOIN results USING (model, day)
ORDER BY model, day`;
  return q.build('directionSkew', sql);
}

/** Deployments kept in a warehouse table. */
export function deploymentsQuery(
  table: string,
  columns: { service: string; revision: string; commit: string; createdAt: string; trafficPercent: string | null },
  service: string,
): SqlQuery {
  const q = new QueryBuilder();
  const sql = `
SELECT d.${col(columns.service)} AS service, d.${col(columns.revision)} AS revision, d.${col(columns.commit)} AS commit_sha,
  d.${col(columns.createdAt)} AS created_at, ${columns.trafficPercent ? `d.${col(columns.trafficPercent)}` : 'CAST(NULL AS FLOAT64)'} AS traffic_percent
FROM ${tableRef(table)} AS d
WHERE d.${col(columns.service)} = ${q.param('service', 'STRING', service)}
ORDER BY created_at`;
  return q.build('deployments', sql);
}

// ---------------------------------------------------------------------------------------------
// Re-runs: what a backfill or regeneration replaced.

/**
 * Per key (entity, date, model) in the slices a re-run touched (a model and date holding a
 * replaced row): the latest replaced row against the row that stands, with the graded
 * result. Shared by the counts and the per-key listing so both read the same pairs.
 */
function rerunPairs(config: PipelineLensConfig, q: QueryBuilder, window: DateWindow, models: string[] | undefined): string {
  const marker = replacedRowMarker(config);
  if (!marker) throw new Error('re-run queries need a replaced-row marker (tables.predictions.columns.active)');
  const { predictions, graded } = config.tables;
  const pc = predictions.columns;
  const gc = graded.columns;
  const modelParam = models?.length ? q.param('models', { array: 'STRING' }, models) : null;
  const pModels = modelParam ? ` AND p.${col(pc.model)} IN UNNEST(${modelParam})` : '';
  const gModels = modelParam ? ` AND g.${col(gc.model)} IN UNNEST(${modelParam})` : '';
  const key = (a: string, b: string) => `${b}.entity = ${a}.entity AND ${b}.day = ${a}.day AND ${b}.model = ${a}.model`;
  return `
WITH marked AS (
  SELECT p.${col(pc.entity)} AS entity, p.${col(pc.date)} AS day, p.${col(pc.model)} AS model,
    p.${col(pc.predicted)} AS predicted, p.${col(pc.line)} AS line, p.${col(pc.createdAt)} AS created_at, p.${col(pc.commit)} AS commit_sha,
    CASE WHEN ${marker.replaced('p')} THEN 'old' WHEN ${marker.current('p')} THEN 'new' END AS side
  FROM ${tableRef(predictions.table)} AS p
  WHERE ${windowFilter('p', pc.date, predictions.partitionColumn, q, window)}${pModels}
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
new_rows AS (SELECT * FROM versions WHERE side = 'new' AND recency = 1),
results AS (
  SELECT g.${col(gc.entity)} AS entity, g.${col(gc.date)} AS day, g.${col(gc.model)} AS model, MAX(g.${col(gc.actual)}) AS actual
  FROM ${tableRef(graded.table)} AS g
  WHERE ${windowFilter('g', gc.date, graded.partitionColumn, q, window)} AND g.${col(gc.actual)} IS NOT NULL${gModels}
  GROUP BY 1, 2, 3
),
joined AS (
  SELECT
    COALESCE(o.model, n.model) AS model, COALESCE(o.entity, n.entity) AS entity, COALESCE(o.day, n.day) AS day,
    o.entity IS NOT NULL AS had_old, n.entity IS NOT NULL AS has_new,
    o.copies AS old_copies, n.copies AS new_copies,
    o.commit_sha AS old_commit, n.commit_sha AS new_commit,
    o.predicted AS old_predicted, n.predicted AS new_predicted,
    o.line AS old_line, n.line AS new_line,
    o.created_at AS old_created, n.created_at AS new_created,
    r.actual AS actual
  FROM old_rows AS o
  FULL OUTER JOIN new_rows AS n ON ${key('o', 'n')}
  LEFT JOIN results AS r ON r.entity = COALESCE(o.entity, n.entity) AND r.day = COALESCE(o.day, n.day) AND r.model = COALESCE(o.model, n.model)
),
-- A standing row without a replaced one is the re-run's only when it was made once the
-- re-run had started (the first regenerated row of its model and date); earlier, it is a
-- row the re-run left alone.
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
 * row per model and pair of builds comes back.
 */
export function rerunImpactQuery(config: PipelineLensConfig, window: DateWindow, models?: string[]): SqlQuery {
  const q = new QueryBuilder();
  const pairs = rerunPairs(config, q, window, models);
  const both = 'had_old AND has_new';
  const judged = `${both} AND actual IS NOT NULL AND old_line IS NOT NULL AND new_line IS NOT NULL AND actual != old_line AND actual != new_line`;
  const oldHit = 'SIGN(old_predicted - old_line) = SIGN(actual - old_line)';
  const newHit = 'SIGN(new_predicted - new_line) = SIGN(actual - new_line)';
  const sql = `${pairs}
SELECT model, old_commit, new_commit,
  SUM(CASE WHEN had_old THEN old_copies ELSE 0 END) AS replaced_rows,
  COUNTIF(had_old) AS replaced_keys,
  COUNTIF(${both}) AS regenerated,
  COUNTIF(had_old AND NOT has_new) AS deleted,
  COUNTIF(has_new AND NOT had_old) AS added,
  COUNTIF(old_copies > 1) AS replaced_repeatedly,
  COUNTIF(new_copies > 1) AS several_current,
  COUNTIF(${both} AND (old_predicted != new_predicted OR (old_predicted IS NULL) != (new_predicted IS NULL))) AS changed,
  COUNTIF(${both} AND SIGN(old_predicted - old_line) != SIGN(new_predicted - new_line)) AS flipped,
  SUM(CASE WHEN ${both} THEN ABS(new_predicted - old_predicted) END) AS abs_change_sum,
  SUM(CASE WHEN ${both} THEN new_predicted - old_predicted END) AS change_sum,
  COUNTIF(${both} AND new_predicted IS NOT NULL AND old_predicted IS NOT NULL) AS change_n,
  MAX(CASE WHEN ${both} THEN ABS(new_predicted - old_predicted) END) AS max_abs_change,
  COUNTIF(${judged} AND ${oldHit} AND ${newHit}) AS both_hit,
  COUNTIF(${judged} AND ${oldHit} AND NOT ${newHit}) AS old_only,
  COUNTIF(${judged} AND NOT ${oldHit} AND ${newHit}) AS new_only,
  COUNTIF(${judged} AND NOT ${oldHit} AND NOT ${newHit}) AS neither,
  MIN(old_created) AS old_first_created, MAX(old_created) AS old_last_created,
  MIN(new_created) AS new_first_created, MAX(new_created) AS new_last_created,
  MIN(day) AS first_day, MAX(day) AS last_day
FROM pairs
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`;
  return q.build('rerunImpact', sql);
}

/** The keys whose prediction a re-run moved most: old and new prediction, lines and result. */
export function rerunChangesQuery(config: PipelineLensConfig, window: DateWindow, limit: number, models?: string[]): SqlQuery {
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
