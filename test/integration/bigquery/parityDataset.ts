import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small warehouse in one DuckDB file, with the default column names, that the embedded
 * engine opens directly and the fake BigQuery serves: the same rows behind both paths.
 * It has what makes engines disagree if they can: NULLs in every column type, microsecond
 * timestamps, superseded rows and a regeneration that moved, deleted and added keys, pushes (NULL grading), zero and NULL features, a run without
 * a revision, a deployment without traffic.
 *
 * 5 entities × 12 days (2026-01-01..12) × 2 models; commit A before 2026-01-06, B after.
 */
export interface ParityDataset {
  dir: string;
  database: string;
  /** pipeline-lens.json tables and services for it (warehouse left to the caller). */
  tables: Record<string, unknown>;
  features: { count: number; registry: Array<{ index: number; name: string }> };
  commits: { a: string; b: string };
  cleanup(): Promise<void>;
}

export const COMMIT_A = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
export const COMMIT_B = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';

/** `commits` replaces the two build SHAs, e.g. with those of a git fixture. */
export async function createParityDataset(commits: { a: string; b: string } = { a: COMMIT_A, b: COMMIT_B }): Promise<ParityDataset> {
  const dir = await mkdtemp(join(tmpdir(), 'pl-parity-'));
  const database = join(dir, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(database);
  const c = await instance.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  await c.run(`
    CREATE SCHEMA preds; CREATE SCHEMA ops; CREATE SCHEMA ctx;
    CREATE TABLE preds.predictions AS
      SELECT
        'p' || e AS player_lookup,
        DATE '2026-01-01' + d::INTEGER AS game_date,
        m AS system_id,
        (e * 3 + d * 0.5 + CASE WHEN m = 'catboost_v8' THEN 1.25 ELSE 0 END)::DOUBLE AS predicted_points,
        (e * 3 + 2.5)::DOUBLE AS line_value,
        CASE WHEN d < 5 THEN '${commits.a}' ELSE '${commits.b}' END AS build_commit_sha,
        CASE WHEN d < 5 THEN 'worker-00001-aaa' ELSE 'worker-00002-bbb' END AS deployment_revision,
        TIMESTAMPTZ '2026-01-01 07:00:00.123456+00' + to_days(d) + to_microseconds(e * 1001) AS created_at,
        NOT (e = 1 AND d = 3) AS is_active,
        CASE WHEN e = 2 AND d = 4 THEN NULL WHEN d < 8 THEN 'gs://models/' || m || '/a.cbm' ELSE 'gs://models/' || m || '/b.cbm' END AS model_file,
        CASE WHEN e = 4 AND d = 2 THEN NULL WHEN e >= 3 AND d >= 6 THEN 'backfill' ELSE 'daily' END AS run_mode
      FROM range(5) t1(e), range(12) t2(d), (VALUES ('catboost_v8'), ('xgb_v3')) t3(m);
    -- A regeneration of catboost_v8 on 2026-01-10 by build B: p0 and p1 re-predicted (p1
    -- twice, p0 across the line), p2 deleted without replacement, p5 new.
    UPDATE preds.predictions SET is_active = FALSE
      WHERE system_id = 'catboost_v8' AND game_date = DATE '2026-01-10' AND player_lookup IN ('p0', 'p1', 'p2');
    INSERT INTO preds.predictions
      SELECT player_lookup, game_date, system_id, predicted, line_value, '${commits.b}', 'worker-00002-bbb', created_at, active, 'gs://models/' || system_id || '/b.cbm', 'backfill'
      FROM (VALUES
        ('p0', -3.0, 2.5, TIMESTAMPTZ '2026-01-11 08:00:00.000001+00', TRUE),
        ('p1', 9.75, 5.5, TIMESTAMPTZ '2026-01-11 08:00:01+00', FALSE),
        ('p1', 4.0, 5.5, TIMESTAMPTZ '2026-01-11 09:30:00+00', TRUE),
        ('p5', 17.5, 17.5, TIMESTAMPTZ '2026-01-11 08:00:02+00', TRUE)
      ) t(player_lookup, predicted, line_value, created_at, active),
      (VALUES (DATE '2026-01-10', 'catboost_v8')) k(game_date, system_id);
    -- The same rows marked the other ways a pipeline may mark replaced rows: a timestamp set
    -- when a row was replaced, and a flag TRUE on replaced rows.
    CREATE TABLE preds.predictions_superseded AS
      SELECT * EXCLUDE (is_active),
        CASE WHEN is_active THEN NULL ELSE TIMESTAMPTZ '2026-01-11 10:00:00+00' END AS superseded_at,
        NOT is_active AS superseded
      FROM preds.predictions;
    CREATE TABLE preds.accuracy AS
      SELECT
        player_lookup, game_date, system_id, predicted_points,
        CASE WHEN (hash(player_lookup || game_date::VARCHAR) % 7) = 0 THEN NULL ELSE line_value + ((hash(player_lookup || game_date::VARCHAR || system_id) % 9)::DOUBLE - 4) END AS actual_points,
        line_value,
        CASE
          WHEN (hash(player_lookup || game_date::VARCHAR) % 7) = 0 THEN NULL
          ELSE (predicted_points > line_value) = ((hash(player_lookup || game_date::VARCHAR || system_id) % 9) > 4)
        END AS prediction_correct,
        build_commit_sha
      FROM preds.predictions WHERE is_active;
    CREATE TABLE preds.features AS
      SELECT
        'p' || e AS player_lookup,
        DATE '2026-01-01' + d::INTEGER AS game_date,
        [CASE WHEN d BETWEEN 6 AND 8 THEN 0.0 ELSE 10.0 + e END, CASE WHEN e = 4 THEN NULL ELSE 0.5 * d END, 1.0, CASE WHEN d % 2 = 0 THEN 0.0 ELSE 2.0 END]::DOUBLE[] AS features,
        CASE WHEN d = 7 THEN 'backfill' ELSE 'daily' END AS feature_source_mode,
        CASE WHEN d < 5 THEN '${commits.a}' ELSE '${commits.b}' END AS build_commit_sha
      FROM range(5) t1(e), range(12) t2(d)
      WHERE NOT (e = 3 AND d = 10);
    CREATE TABLE ctx.expected AS
      SELECT 'p' || e AS player_lookup, DATE '2026-01-01' + d::INTEGER AS game_date FROM range(5) t1(e), range(12) t2(d);
    CREATE TABLE ops.runs AS SELECT * FROM (VALUES
      ('run-01', '${commits.a}', 'worker-00001-aaa', TIMESTAMPTZ '2026-01-01 06:00:00.000001+00', TIMESTAMPTZ '2026-01-01 06:10:00+00', DATE '2026-01-01', 'catboost_v8', 10::BIGINT, 'daily', 'success', 'gs://models/catboost_v8/a.cbm'),
      ('run-01', '${commits.a}', 'worker-00001-aaa', TIMESTAMPTZ '2026-01-01 06:00:00.000001+00', TIMESTAMPTZ '2026-01-01 06:12:00.5+00', DATE '2026-01-01', 'xgb_v3', 10::BIGINT, 'daily', 'success', 'gs://models/xgb_v3/a.cbm'),
      ('run-02', '${commits.a}', 'worker-00001-aaa', TIMESTAMPTZ '2026-01-04 06:00:00+00', TIMESTAMPTZ '2026-01-04 06:09:00+00', DATE '2026-01-04', 'catboost_v8', 10::BIGINT, 'daily', 'success', 'gs://models/catboost_v8/a.cbm'),
      ('run-03', '${commits.a}', NULL, TIMESTAMPTZ '2026-01-07 07:41:00.25+00', TIMESTAMPTZ '2026-01-07 08:37:00+00', DATE '2026-01-03', 'catboost_v8', 25::BIGINT, 'backfill', 'success', 'gs://models/catboost_v8/b.cbm'),
      ('run-04', '${commits.b}', 'worker-00002-bbb', TIMESTAMPTZ '2026-01-07 19:10:00+00', TIMESTAMPTZ '2026-01-07 19:20:00+00', DATE '2026-01-07', 'catboost_v8', 10::BIGINT, 'daily', 'failed', 'gs://models/catboost_v8/b.cbm'),
      ('run-05', '${commits.b}', 'worker-00002-bbb', TIMESTAMPTZ '2026-01-10 06:00:00+00', TIMESTAMPTZ '2026-01-10 06:05:00+00', DATE '2026-01-10', NULL, NULL, 'daily', NULL, NULL)
    ) t(execution_id, build_commit_sha, deployment_revision, execution_start_timestamp, execution_end_timestamp, game_date, system_id, players_predicted, feature_source_mode, status, model_file);
    CREATE TABLE ops.deployments AS SELECT * FROM (VALUES
      ('prediction-worker', 'worker-00001-aaa', '${commits.a}', TIMESTAMPTZ '2025-12-20 10:00:00+00', 0.0::DOUBLE),
      ('prediction-worker', 'worker-00002-bbb', '${commits.b}', TIMESTAMPTZ '2026-01-07 19:10:00.5+00', 100.0::DOUBLE),
      ('other-service', 'other-00001-ccc', NULL, TIMESTAMPTZ '2026-01-02 00:00:00+00', NULL)
    ) t(service, revision, commit_sha, created_at, traffic_percent);
  `);
  c.closeSync();
  instance.closeSync();
  return {
    dir,
    database,
    tables: {
      predictions: {
        table: 'preds.predictions',
        partitionColumn: 'game_date',
        columns: { artifact: 'model_file', mode: 'run_mode' },
        featureJoin: { keys: { player_lookup: 'player_lookup' } },
      },
      graded: { table: 'preds.accuracy', partitionColumn: 'game_date' },
      featureStore: { table: 'preds.features', partitionColumn: 'game_date' },
      executionLog: { table: 'ops.runs', partitionColumn: 'execution_start_timestamp', service: 'prediction-worker', columns: { artifact: 'model_file' } },
      expected: { table: 'ctx.expected', partitionColumn: 'game_date' },
    },
    features: { count: 4, registry: [0, 1, 2, 3].map((index) => ({ index, name: `f${index}` })) },
    commits,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
