/**
 * Writes the scenario's tables as Parquet through the embedded engine: rows go to a
 * newline-delimited JSON staging file, DuckDB reads it with declared column types and copies
 * it out sorted, so the files carry BigQuery-like types (DATE, TIMESTAMP, DOUBLE[]) and a
 * stable row order.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioTables } from './scenario/rows';

interface TableSpec {
  file: string;
  columns: [name: string, type: string][];
  orderBy: string;
}

export const TABLE_FILES = {
  predictions: 'player_prop_predictions.parquet',
  accuracy: 'prediction_accuracy.parquet',
  featureStore: 'ml_feature_store_v2.parquet',
  executionLog: 'prediction_execution_log.parquet',
  expected: 'upcoming_player_game_context.parquet',
} as const;

const SPECS: Record<keyof ScenarioTables, TableSpec> = {
  predictions: {
    file: TABLE_FILES.predictions,
    columns: [
      ['player_lookup', 'VARCHAR'],
      ['game_date', 'DATE'],
      ['system_id', 'VARCHAR'],
      ['predicted_points', 'DOUBLE'],
      ['line_value', 'DOUBLE'],
      ['recommendation', 'VARCHAR'],
      ['confidence_score', 'DOUBLE'],
      ['created_at', 'TIMESTAMP'],
      ['is_active', 'BOOLEAN'],
      ['superseded', 'BOOLEAN'],
      ['superseded_at', 'TIMESTAMP'],
      ['superseded_reason', 'VARCHAR'],
      ['build_commit_sha', 'VARCHAR'],
      ['deployment_revision', 'VARCHAR'],
      ['predicted_at', 'TIMESTAMP'],
      ['critical_features', 'VARCHAR'],
    ],
    orderBy: 'game_date, system_id, created_at, player_lookup',
  },
  accuracy: {
    file: TABLE_FILES.accuracy,
    columns: [
      ['player_lookup', 'VARCHAR'],
      ['game_date', 'DATE'],
      ['system_id', 'VARCHAR'],
      ['predicted_points', 'DOUBLE'],
      ['actual_points', 'DOUBLE'],
      ['line_value', 'DOUBLE'],
      ['prediction_correct', 'BOOLEAN'],
      ['confidence_score', 'DOUBLE'],
      ['build_commit_sha', 'VARCHAR'],
      ['critical_features', 'VARCHAR'],
    ],
    orderBy: 'game_date, system_id, player_lookup',
  },
  featureStore: {
    file: TABLE_FILES.featureStore,
    columns: [
      ['player_lookup', 'VARCHAR'],
      ['game_date', 'DATE'],
      ['features', 'DOUBLE[]'],
      ['build_commit_sha', 'VARCHAR'],
      ['feature_source_mode', 'VARCHAR'],
      ['vegas_line_source', 'VARCHAR'],
    ],
    orderBy: 'game_date, player_lookup',
  },
  executionLog: {
    file: TABLE_FILES.executionLog,
    columns: [
      ['execution_id', 'VARCHAR'],
      ['batch_id', 'VARCHAR'],
      ['build_commit_sha', 'VARCHAR'],
      ['deployment_revision', 'VARCHAR'],
      ['execution_start_timestamp', 'TIMESTAMP'],
      ['execution_end_timestamp', 'TIMESTAMP'],
      ['duration_seconds', 'DOUBLE'],
      ['game_date', 'DATE'],
      ['system_id', 'VARCHAR'],
      ['players_requested', 'BIGINT'],
      ['players_predicted', 'BIGINT'],
      ['status', 'VARCHAR'],
      ['error_message', 'VARCHAR'],
      ['error_count', 'BIGINT'],
      ['avg_feature_quality_score', 'DOUBLE'],
      ['pct_with_vegas_line', 'DOUBLE'],
      ['pct_with_ppm', 'DOUBLE'],
      ['pct_with_shot_zones', 'DOUBLE'],
      ['feature_source_mode', 'VARCHAR'],
      ['orchestration_run_id', 'VARCHAR'],
      ['model_artifact', 'VARCHAR'],
    ],
    orderBy: 'execution_start_timestamp, system_id, game_date',
  },
  expected: {
    file: TABLE_FILES.expected,
    columns: [
      ['player_lookup', 'VARCHAR'],
      ['game_date', 'DATE'],
      ['game_id', 'VARCHAR'],
      ['team_abbr', 'VARCHAR'],
      ['opponent_team_abbr', 'VARCHAR'],
      ['current_points_line', 'DOUBLE'],
    ],
    orderBy: 'game_date, player_lookup',
  },
};

const TIMESTAMP_COLUMNS = new Set(['created_at', 'superseded_at', 'predicted_at', 'execution_start_timestamp', 'execution_end_timestamp']);

/** Epoch milliseconds → `YYYY-MM-DD HH:MM:SS.mmm` (UTC, no zone: a BigQuery-style TIMESTAMP). */
function timestampText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

async function writeStaging(path: string, rows: readonly object[], columns: TableSpec['columns']): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let chunk = '';
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    for (const [name] of columns) {
      const value = (row as Record<string, unknown>)[name];
      record[name] = TIMESTAMP_COLUMNS.has(name) && typeof value === 'number' ? timestampText(value) : value;
    }
    chunk += `${JSON.stringify(record)}\n`;
    if (chunk.length > 1 << 20) {
      out.write(chunk);
      chunk = '';
    }
  }
  out.end(chunk);
  await done;
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function writeParquetTables(dataDir: string, tables: ScenarioTables): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const staging = join(dataDir, '.staging');
  await mkdir(staging, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', threads: '2' });
  try {
    const connection = await instance.connect();
    try {
      for (const key of Object.keys(SPECS) as (keyof ScenarioTables)[]) {
        const spec = SPECS[key];
        const stagingFile = join(staging, `${key}.ndjson`);
        await writeStaging(stagingFile, tables[key], spec.columns);
        const columns = spec.columns.map(([name, type]) => `${name}: ${sqlString(type)}`).join(', ');
        const names = spec.columns.map(([name]) => name).join(', ');
        await connection.run(
          `COPY (SELECT ${names} FROM read_json(${sqlString(stagingFile)}, format = 'newline_delimited', columns = {${columns}}) ORDER BY ${spec.orderBy})
           TO ${sqlString(join(dataDir, spec.file))} (FORMAT parquet, COMPRESSION zstd)`,
        );
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
    await rm(staging, { recursive: true, force: true });
  }
}
