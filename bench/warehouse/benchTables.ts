import { DuckDBInstance } from '@duckdb/node-api';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../cache';

/** Generated prediction and graded tables, and a pipeline-lens.json that points at them. */
export interface BenchTables {
  dir: string;
  configFile: string;
  predictionsFile: string;
  gradedFile: string;
  rows: number;
  /** Inclusive date range the rows cover. */
  window: { from: string; to: string };
  models: number;
  builds: number;
}

export const PREDICTIONS_TABLE = 'nba_predictions.player_prop_predictions';
export const GRADED_TABLE = 'nba_predictions.prediction_accuracy';

const FIRST_DAY = '2025-10-01';
const MODELS = ['catboost_v8', 'catboost_v9', 'catboost_v9_2026_02', 'xgboost_v1', 'lightgbm_v2', 'ensemble_v1', 'moving_average', 'similarity_v1'];
const BUILDS = 40;
/** Rows per day; with 5 M rows that is 100 days, 8 models × 6,250 players a day. */
export const ROWS_PER_DAY = 50_000;

/**
 * `rows` predictions and one graded row per prediction (10% not graded yet), written as
 * Parquet straight from DuckDB's `range()` with generated columns, in date order like a
 * partitioned export. Column names are the demo's (the config defaults). Reused from the
 * cache when the same size was generated before.
 */
export async function benchTables(rows: number, log: (line: string) => void, options: { builds?: string[]; name?: string; firstDay?: string } = {}): Promise<BenchTables> {
  const dir = await cacheDir(`${options.name ?? 'warehouse'}-${rows}`);
  const builds = options.builds ?? null;
  const firstDay = options.firstDay ?? FIRST_DAY;
  const days = Math.ceil(rows / ROWS_PER_DAY);
  const last = new Date(Date.parse(`${firstDay}T00:00:00Z`) + (days - 1) * 86400_000).toISOString().slice(0, 10);
  const tables: BenchTables = {
    dir,
    configFile: join(dir, 'pipeline-lens.json'),
    predictionsFile: join(dir, 'predictions.parquet'),
    gradedFile: join(dir, 'graded.parquet'),
    rows,
    window: { from: firstDay, to: last },
    models: MODELS.length,
    builds: builds?.length ?? BUILDS,
  };
  const marker = join(dir, 'complete.json');
  const done = await readFile(marker, 'utf8')
    .then((t) => JSON.parse(t) as { rows: number; builds: string[] | null; firstDay?: string })
    .catch(() => null);
  if (done?.rows === rows && JSON.stringify(done.builds ?? null) === JSON.stringify(builds) && (done.firstDay ?? FIRST_DAY) === firstDay) return tables;

  log(`generating ${rows.toLocaleString('en-US')} prediction and graded rows as Parquet (cached afterwards in ${dir})`);
  await rm(marker, { force: true });
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    const models = `[${MODELS.map((m) => `'${m}'`).join(', ')}]`;
    // A build per model every five days, three builds live at once; real commits when given.
    const buildIndex = `(i // ${ROWS_PER_DAY * 5} + (i // ${ROWS_PER_DAY / MODELS.length}) % 3) % ${tables.builds}`;
    const buildSha = builds
      ? `[${builds.map((b) => `'${b.replace(/[^0-9a-f]/g, '')}'`).join(', ')}][CAST(${buildIndex} AS INTEGER) + 1]`
      : `md5('build ' || ${buildIndex}) || substr(md5('more ' || ${buildIndex}), 1, 8)`;
    // Every value derives from the row number: the same files on every machine.
    const base = `
      SELECT
        i,
        'player_' || lpad(CAST(i % ${ROWS_PER_DAY / MODELS.length} AS VARCHAR), 5, '0') AS player_lookup,
        DATE '${firstDay}' + CAST(i // ${ROWS_PER_DAY} AS INTEGER) AS game_date,
        ${models}[CAST((i // ${ROWS_PER_DAY / MODELS.length}) % ${MODELS.length} AS INTEGER) + 1] AS system_id,
        round(5 + (hash(i * 3 + 1) % 3000) / 100.0, 1) AS predicted_points,
        round(5 + (hash(i * 3 + 2) % 3000) / 100.0 * 2) / 2 AS line_value,
        round(5 + (hash(i * 3) % 3000) / 100.0) AS actual_points,
        ${buildSha} AS build_commit_sha,
        hash(i * 7) % 10 = 0 AS ungraded,
        hash(i * 11) % 20 != 0 AS is_active
      FROM range(${rows}) t(i)`;
    await connection.run(`CREATE TEMP VIEW generated AS ${base}`);
    const predictions = `${tables.predictionsFile}.tmp`;
    const graded = `${tables.gradedFile}.tmp`;
    await connection.run(`
      COPY (
        SELECT player_lookup, game_date, system_id, predicted_points, line_value, build_commit_sha,
          'prediction-worker-' || lpad(CAST(i // ${ROWS_PER_DAY * 5} AS VARCHAR), 5, '0') AS deployment_revision,
          CAST(game_date AS TIMESTAMP) + to_minutes(CAST(i % 600 AS BIGINT)) AS created_at,
          is_active
        FROM generated ORDER BY i
      ) TO '${predictions}' (FORMAT parquet, COMPRESSION zstd)`);
    await connection.run(`
      COPY (
        SELECT player_lookup, game_date, system_id, predicted_points,
          CASE WHEN NOT ungraded THEN actual_points END AS actual_points,
          line_value,
          CASE WHEN ungraded OR actual_points = line_value THEN NULL
               ELSE (predicted_points > line_value) = (actual_points > line_value) END AS prediction_correct,
          build_commit_sha
        FROM generated ORDER BY i
      ) TO '${graded}' (FORMAT parquet, COMPRESSION zstd)`);
    await rename(predictions, tables.predictionsFile);
    await rename(graded, tables.gradedFile);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const config = {
    warehouse: { kind: 'embedded', files: { [PREDICTIONS_TABLE]: 'predictions.parquet', [GRADED_TABLE]: 'graded.parquet' } },
    tables: {
      predictions: { table: PREDICTIONS_TABLE, partitionColumn: 'game_date' },
      graded: { table: GRADED_TABLE, partitionColumn: 'game_date' },
    },
  };
  await writeFile(tables.configFile, `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(marker, JSON.stringify({ rows, builds, firstDay }));
  return tables;
}
