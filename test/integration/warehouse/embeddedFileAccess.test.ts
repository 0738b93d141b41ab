import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedWarehouse } from '../../../src/core/warehouse/embedded/embeddedWarehouse';
import type { SqlQuery } from '../../../src/core/warehouse/types';
import { failsWith } from '../../fixtures/warehouseFailure';

/*
 * What a query on the embedded engine can read: the workspace and the files
 * pipeline-lens.json names (Parquet, CSV, NDJSON, a glob, a database, some of them outside
 * the workspace), and nothing else on the machine, not even through a symbolic link in the
 * workspace. A query cannot switch that off, load an extension, or install one.
 */

const q = (sql: string): SqlQuery => ({ name: 'user', sql, params: {}, types: {} });
const literal = (path: string) => `'${path.replace(/'/g, "''")}'`;

describe('the embedded engine reads only the workspace and the configured files', () => {
  let scratch: string;
  let workspace: string;
  let secret: string;
  let external: string;
  let warehouse: EmbeddedWarehouse;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pl-file-access-'));
    workspace = join(scratch, 'workspace');
    await mkdir(join(workspace, 'data'), { recursive: true });
    await mkdir(join(workspace, 'notes'), { recursive: true });
    await mkdir(join(scratch, 'outside'), { recursive: true });
    await mkdir(join(scratch, 'external', 'runs'), { recursive: true });
    secret = join(scratch, 'outside', 'secret.csv');
    external = join(scratch, 'external', 'forecasts.parquet');
    await writeFile(secret, 'token\nhunter2\n');
    await writeFile(join(workspace, 'data', 'scores.csv'), 'entity,score\ne1,0.5\ne2,0.75\n');
    await writeFile(join(workspace, 'notes', 'extra.csv'), 'k,v\na,1\n');
    await writeFile(join(scratch, 'external', 'runs', 'part-1.ndjson'), '{"run":"r1","rows":10}\n');
    await writeFile(join(scratch, 'external', 'runs', 'part-2.ndjson'), '{"run":"r2","rows":20}\n');
    await symlink(secret, join(workspace, 'data', 'linked.csv'));
    const maker = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const c = await maker.connect();
    await c.run(`COPY (SELECT 'e' || i AS entity, i * 1.5 AS predicted FROM range(3) t(i)) TO ${literal(external)} (FORMAT parquet)`);
    await c.run(`ATTACH ${literal(join(scratch, 'external', 'ops.duckdb'))} AS ops; CREATE SCHEMA ops.ops; CREATE TABLE ops.ops.deploys AS SELECT 'rev-1' AS revision;`);
    c.closeSync();
    maker.closeSync();
    warehouse = await EmbeddedWarehouse.open(
      {
        kind: 'embedded',
        database: join(scratch, 'external', 'ops.duckdb'),
        files: {
          'sales.scores': 'data/scores.csv',
          'sales.forecasts': external,
          'ops.runs': join(scratch, 'external', 'runs', 'part-*.ndjson'),
        },
      },
      { baseDir: workspace },
    );
  });
  after(async () => {
    await warehouse?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('reads the configured CSV, Parquet (outside the workspace), NDJSON glob and database', async () => {
    assert.deepEqual((await warehouse.query(q('SELECT COUNT(*) AS n FROM `sales.scores` AS s'))).rows, [{ n: 2 }]);
    assert.deepEqual((await warehouse.query(q('SELECT SUM(predicted) AS total FROM `sales.forecasts` AS f'))).rows, [{ total: 4.5 }]);
    assert.deepEqual((await warehouse.query(q('SELECT SUM(rows) AS total FROM `ops.runs` AS r'))).rows, [{ total: 30 }]);
    assert.deepEqual((await warehouse.query(q('SELECT revision FROM `ops.deploys` AS d'))).rows, [{ revision: 'rev-1' }]);
  });

  it('reads other files of the workspace, and a configured file by its path', async () => {
    assert.deepEqual((await warehouse.query(q(`SELECT v FROM read_csv(${literal(join(workspace, 'notes', 'extra.csv'))})`))).rows, [{ v: 1 }]);
    assert.deepEqual((await warehouse.query(q(`SELECT COUNT(*) AS n FROM read_parquet(${literal(external)})`))).rows, [{ n: 3 }]);
  });

  it('refuses a file outside the workspace, by path, by a path that climbs out, or through a link in the workspace', async () => {
    for (const path of [secret, join(workspace, '..', 'outside', 'secret.csv'), join(workspace, 'data', 'linked.csv')]) {
      await assert.rejects(
        warehouse.query(q(`SELECT * FROM read_csv(${literal(path)})`)),
        failsWith('file-access', `tried to read ${path}`, `outside the workspace (${workspace})`, 'warehouse.files'),
      );
    }
    await assert.rejects(warehouse.query(q(`SELECT * FROM read_text(${literal(secret)})`)), failsWith('file-access'));
    await assert.rejects(warehouse.query(q(`SELECT * FROM glob(${literal(join(scratch, 'outside', '*'))})`)), failsWith('file-access'));
  });

  it('a query cannot lift the restriction, install or load an extension, or attach another database', async () => {
    for (const [sql, kind] of [
      ['SET enable_external_access = true', 'a SET'],
      ['RESET lock_configuration', 'a RESET'],
      ['INSTALL httpfs', 'an INSTALL'],
      ['LOAD httpfs', 'a LOAD'],
      [`ATTACH ${literal(join(scratch, 'outside', 'other.duckdb'))} AS other`, 'an ATTACH'],
    ]) {
      await assert.rejects(warehouse.query(q(sql)), failsWith('write-refused', `query user is ${kind}`, 'nothing was executed'));
    }
    // Behind the statement guard, DuckDB itself holds the line: the settings are locked.
    const settings = await warehouse.query(
      q(`SELECT current_setting('enable_external_access') AS external, current_setting('lock_configuration') AS locked, current_setting('autoload_known_extensions') AS autoload`),
    );
    assert.deepEqual(settings.rows, [{ external: false, locked: true, autoload: false }]);
  });
});
