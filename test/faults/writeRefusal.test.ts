import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../../src/cli/main';
import { loadConfig } from '../../src/core/config/loadConfig';
import { EmbeddedWarehouse } from '../../src/core/warehouse/embedded/embeddedWarehouse';
import { WarehouseError } from '../../src/core/warehouse/types';

/*
 * No path runs a statement that changes data on the embedded engine: `pipeline-lens query`
 * refuses every write (DML, DDL, DuckDB's own COPY/ATTACH/EXPORT, scripts, writes hidden
 * after a WITH or behind comments) with exit 2, even with --allow-write and a "yes", and
 * the warehouse's files keep their bytes and times; no file appears.
 */

interface FileState {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** Every file under `dir`, with its content hash and modification time. */
async function snapshot(dir: string): Promise<Map<string, FileState>> {
  const out = new Map<string, FileState>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
        out.set(relative(dir, path), { sha256: createHash('sha256').update(bytes).digest('hex'), size: info.size, mtimeMs: info.mtimeMs });
      }
    }
  };
  await walk(dir);
  return out;
}

describe('writes on the embedded warehouse', () => {
  // Made now, not in `before`: the statements below name files inside it.
  const parent = mkdtempSync(join(tmpdir(), 'pl-write-refusal-'));
  const workspace = join(parent, 'workspace');
  const sqlDir = join(parent, 'sql');
  let before_: Map<string, FileState>;
  let files = 0;

  before(async () => {
    await mkdir(join(workspace, 'data'), { recursive: true });
    await mkdir(sqlDir);
    const instance = await DuckDBInstance.create(join(workspace, 'data', 'warehouse.duckdb'));
    const connection = await instance.connect();
    await connection.run(`
      CREATE SCHEMA ops;
      CREATE TABLE ops.deployments AS SELECT 'worker' AS service, 'worker-00001' AS revision, 'abc1234' AS commit_sha, TIMESTAMP '2026-01-30 19:10:00' AS created_at;
      COPY (SELECT 'p' || i AS player_lookup, DATE '2026-01-01' + CAST(i AS INTEGER) AS game_date, 'model_v1' AS system_id, i * 1.5 AS predicted_points FROM range(100) t(i))
        TO '${join(workspace, 'data', 'preds.parquet')}' (FORMAT parquet);
      CHECKPOINT;`);
    connection.closeSync();
    instance.closeSync();
    await writeFile(join(workspace, 'data', 'graded.csv'), 'player_lookup,game_date,system_id,prediction_correct\np1,2026-01-02,model_v1,true\n');
    await writeFile(
      join(workspace, 'pipeline-lens.json'),
      JSON.stringify({
        warehouse: { kind: 'embedded', database: 'data/warehouse.duckdb', files: { 'ds.preds': 'data/preds.parquet', 'ds.graded': 'data/graded.csv' } },
        tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
      }),
    );
    before_ = await snapshot(workspace);
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const assertUnchanged = async (what: string) => {
    const now = await snapshot(workspace);
    assert.deepEqual([...now.keys()].sort(), [...before_.keys()].sort(), `${what}: files appeared or vanished`);
    for (const [path, state] of before_) assert.deepEqual(now.get(path), state, `${what}: ${path} changed`);
  };

  async function query(sql: string, extra: string[] = [], confirm?: () => Promise<boolean | null>) {
    const file = join(sqlDir, `q${++files}.sql`);
    await writeFile(file, sql);
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), ...(confirm ? { confirm } : {}) };
    const code = await main(['--cwd', workspace, 'query', file, ...extra], io);
    return { code, stdout, stderr };
  }

  const target = (name: string) => join(workspace, 'data', name).replace(/'/g, "''");

  const WRITES: Array<[string, string]> = [
    ['UPDATE', 'UPDATE ds.preds SET predicted_points = 0 WHERE TRUE'],
    ['DELETE', 'DELETE FROM ops.deployments WHERE TRUE'],
    ['MERGE', 'MERGE INTO ops.deployments AS d USING (SELECT 1 AS id) AS s ON TRUE WHEN MATCHED THEN DELETE'],
    ['INSERT', "INSERT INTO ops.deployments VALUES ('worker', 'worker-00002', 'def5678', TIMESTAMP '2026-02-01 00:00:00')"],
    ['CREATE TABLE', 'CREATE TABLE ops.copy AS SELECT * FROM ops.deployments'],
    ['CREATE OR REPLACE VIEW', 'CREATE OR REPLACE VIEW ds.preds AS SELECT 1 AS x'],
    ['DROP', 'DROP TABLE ops.deployments'],
    ['TRUNCATE', 'TRUNCATE TABLE ops.deployments'],
    ['ALTER', 'ALTER TABLE ops.deployments ADD COLUMN note VARCHAR'],
    ['script of a query and a write', 'SELECT 1 AS one;\nDROP TABLE ops.deployments;'],
    ['script whose write comes first', "DELETE FROM ops.deployments; SELECT 'ok' AS status"],
    ['write after a WITH clause', 'WITH doomed AS (SELECT revision FROM ops.deployments) DELETE FROM ops.deployments WHERE revision IN (SELECT revision FROM doomed)'],
    ['write behind a block comment', '/* SELECT * FROM ds.preds */ DELETE FROM ops.deployments'],
    ['write behind line comments', "-- SELECT 1\n# select 2\nUPDATE ops.deployments SET revision = 'x' WHERE TRUE"],
    ['write in lower case inside parentheses', '(delete from ops.deployments)'],
    ['write after a query whose string holds a semicolon', "SELECT 'a;b' AS s; INSERT INTO ops.deployments SELECT * FROM ops.deployments"],
    ['DuckDB COPY of a table to a file', `COPY ops.deployments TO '${target('leak.csv')}'`],
    ['DuckDB COPY of a query to a file', `COPY (SELECT * FROM ds.preds) TO '${target('leak.parquet')}' (FORMAT parquet)`],
    ['DuckDB EXPORT DATABASE', `EXPORT DATABASE '${target('export')}'`],
    ['DuckDB ATTACH of a new database file', `ATTACH '${target('new.duckdb')}' AS fresh`],
    ['DuckDB CHECKPOINT', 'CHECKPOINT'],
    ['DuckDB SET', 'SET threads = 1'],
    ['DuckDB INSTALL', 'INSTALL httpfs'],
    ['DuckDB PRAGMA', 'PRAGMA enable_profiling'],
    ['data-modifying statement inside a WITH', 'WITH gone AS (DELETE FROM ops.deployments RETURNING *) SELECT * FROM gone'],
  ];

  // DuckDB cannot even parse a write inside a CTE (nor can BigQuery); the engine's error is the refusal there.
  const ENGINE_REFUSES = new Set(['data-modifying statement inside a WITH']);

  for (const [name, sql] of WRITES) {
    it(`refuses ${name}: exit 2, one line, nothing changed`, async () => {
      const r = await query(sql);
      assert.equal(r.code, 2, `exit ${r.code}; stdout: ${r.stdout}; stderr: ${r.stderr}`);
      if (!ENGINE_REFUSES.has(name)) assert.match(r.stderr, /^pipeline-lens: Refused: .*read-only.*nothing was executed\.$/m);
      assert.equal(r.stdout, '', 'no result printed');
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      await assertUnchanged(name);
    });
  }

  it('refuses writes on the embedded engine even with --allow-write and a typed yes', async () => {
    for (const [name, sql] of WRITES.slice(0, 12)) {
      const r = await query(sql, ['--allow-write'], async () => true);
      assert.equal(r.code, 2, `${name}: exit ${r.code}; ${r.stderr}`);
      assert.match(r.stderr, /read-only|Refused/, name);
      await assertUnchanged(`${name} with --allow-write`);
    }
  });

  it('a dry run of a write runs nothing and says the engine would refuse it', async () => {
    const r = await query('DELETE FROM ops.deployments WHERE TRUE', ['--dry-run']);
    assert.notEqual(r.code, 1);
    assert.match(r.stdout + r.stderr, /nothing was (run|executed)/i);
    await assertUnchanged('dry run');
  });

  it('still answers queries on the same files (the refusals are not a broken engine)', async () => {
    const r = await query('SELECT COUNT(*) AS n FROM ds.preds', ['--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).rows[0].n, 100);
    const d = await query('SELECT revision FROM ops.deployments', ['--json']);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(JSON.parse(d.stdout).rows, [{ revision: 'worker-00001' }]);
    await assertUnchanged('queries');
  });

  it('the engine itself refuses writes a caller marks as confirmed (the guard below the CLI)', async () => {
    const config = loadConfig(join(workspace, 'pipeline-lens.json'));
    if (config.warehouse.kind !== 'embedded') assert.fail('embedded config expected');
    const warehouse = await EmbeddedWarehouse.open(config.warehouse, { baseDir: config.root });
    try {
      for (const [name, sql] of WRITES) {
        await assert.rejects(warehouse.query({ name: 'user', sql, params: {}, types: {} }, { writeConfirmed: true }), (e: unknown) => e instanceof WarehouseError, name);
      }
    } finally {
      await warehouse.close();
    }
    await assertUnchanged('engine');
  });
});
