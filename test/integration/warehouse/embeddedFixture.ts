import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real files for the embedded warehouse, written by DuckDB itself into a temp directory:
 * predictions as Parquet (with a DOUBLE[] feature vector), graded rows as CSV, runs as
 * NDJSON, and deployments in a `.duckdb` database file.
 *
 * Predictions: 4 entities × 10 days (2024-03-01..10) × 2 models = 80 rows; entity e, day d
 * has features[i] = i + e / 10 (so features[25] of entity 3 is 25.3), commit `c1` before
 * 2024-03-06 and `c2` from then on.
 */
export interface EmbeddedFixture {
  dir: string;
  files: Record<string, string>;
  database: string;
  cleanup(): Promise<void>;
}

export async function createEmbeddedFixture(): Promise<EmbeddedFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'pl-warehouse-'));
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  const at = (name: string) => join(dir, name).replace(/'/g, "''");
  await connection.run(`SET TimeZone = 'UTC'`);
  await connection.run(`
    COPY (
      SELECT
        'e' || e AS entity,
        DATE '2024-03-01' + d::INTEGER AS game_date,
        m AS model,
        (e * 10 + d + CASE WHEN m = 'catboost_v9' THEN 0.5 ELSE 0 END)::DOUBLE AS predicted,
        (e * 10 + 5)::DOUBLE AS line,
        CASE WHEN d < 5 THEN 'c1' ELSE 'c2' END AS commit_sha,
        TIMESTAMPTZ '2024-03-01 08:00:00+00' + to_days(d) + to_minutes(e) AS created_at,
        NOT (e = 0 AND d = 0) AS active,
        list_transform(range(30), lambda i: (i + e / 10)::DOUBLE) AS features
      FROM range(4) t1(e), range(10) t2(d), (VALUES ('catboost_v9'), ('xgb_v2')) t3(m)
      ORDER BY 1, 2, 3
    ) TO '${at('preds.parquet')}' (FORMAT parquet)`);
  await connection.run(`
    COPY (
      SELECT
        'e' || e AS entity,
        DATE '2024-03-01' + d::INTEGER AS game_date,
        'catboost_v9' AS model,
        (e * 10 + d + 0.5)::DOUBLE AS predicted,
        (e * 10 + d + (d % 3) - 1)::DOUBLE AS actual,
        (e * 10 + 5)::DOUBLE AS line,
        CASE WHEN d = 9 THEN NULL ELSE (d % 2 = 0) END AS correct,
        CASE WHEN d < 5 THEN 'c1' ELSE 'c2' END AS commit_sha
      FROM range(4) t1(e), range(10) t2(d)
      ORDER BY 1, 2
    ) TO '${at('graded.csv')}' (FORMAT csv, HEADER true)`);
  // NDJSON as other tools write it: ISO-8601 instants, which DuckDB detects as timestamps.
  const runs = [
    { run_id: 'r1', commit_sha: 'c1', started_at: '2024-03-05T07:41:00.900Z', ended_at: '2024-03-05T07:41:02.100Z', game_date: '2024-03-05', rows_produced: 10 },
    { run_id: 'r2', commit_sha: 'c1', started_at: '2024-03-05T08:00:00Z', ended_at: '2024-03-05T08:37:00.250Z', game_date: '2024-03-05', rows_produced: 20 },
    { run_id: 'r3', commit_sha: 'c2', started_at: '2024-03-06T19:10:00Z', ended_at: '2024-03-06T19:20:00Z', game_date: '2024-03-06', rows_produced: 30 },
  ];
  await writeFile(join(dir, 'runs.ndjson'), runs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const database = join(dir, 'warehouse.duckdb');
  await connection.run(`ATTACH '${at('warehouse.duckdb')}' AS w`);
  await connection.run(`
    CREATE SCHEMA w.ops;
    CREATE TABLE w.ops.deployments AS SELECT * FROM (VALUES
      ('prediction-worker', 'rev-1', 'c1', TIMESTAMPTZ '2024-03-01 00:00:00+00', 100.0::DOUBLE),
      ('prediction-worker', 'rev-2', 'c2', TIMESTAMPTZ '2024-03-06 19:10:00+00', 100.0::DOUBLE)
    ) t(service, revision, commit_sha, created_at, traffic_percent);
    CREATE TABLE w.ops.amounts AS SELECT 1.25::DECIMAL(10, 2) AS amount, 12345678901::BIGINT AS big, {'a': 1} AS s;
  `);
  await connection.run('DETACH w');
  connection.closeSync();
  instance.closeSync();
  return {
    dir,
    files: {
      'ds.preds': join(dir, 'preds.parquet'),
      'ds.graded': join(dir, 'graded.csv'),
      'ds.runs': join(dir, 'runs.ndjson'),
    },
    database,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
