import { writeRefusal } from '../queryGuard';
import { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import type { EmbeddedWarehouseConfig } from '../../config/types';
import { toDuckdbSql } from './bigqueryToDuckdb';
import { readDottedName, tokenize, type Token } from '../bigqueryTokens';
import { cancelledError, translateDuckdbError } from './duckdbErrors';
import { bigqueryMacrosSql } from './duckdbMacros';
import { duckdbParams } from './duckdbParams';
import { normaliseRow } from './duckdbRows';
import { parseTableName, type TableName } from '../identifiers';
import { classifyStatement } from '../statementKind';
import { WarehouseError, type ParamType, type QueryOptions, type QueryResult, type SqlQuery, type Warehouse } from '../types';

export interface EmbeddedWarehouseOptions {
  /** Directory that relative paths in the config resolve from (the config file's). */
  baseDir?: string;
}

/** A table backed by files, turned into a view the first time a query names it. */
interface FileTable {
  key: string;
  name: TableName;
  path: string;
  reader: string;
  /** CSV or JSON: column types are guessed from text, and may need help (see temporalColumns). */
  textual: boolean;
  view: Promise<void> | null;
}

// The database file is attached under this name; views in the in-memory catalog point into it.
const DATABASE_ALIAS = 'pipeline_lens_db';
const IDLE_CONNECTIONS = 4;
const GLOB = /[*?[{]/;

/**
 * The embedded warehouse: DuckDB in-process, reading a read-only `.duckdb` file and/or
 * Parquet, CSV and NDJSON files, answering the same BigQuery SQL as BigQuery (rewritten by
 * `toDuckdbSql`). It runs queries only: anything else is refused before DuckDB sees it.
 *
 * Everything lives in one in-memory DuckDB instance: the macros, a view per table, and
 * the database file attached READ_ONLY. Each query runs on its own connection, so
 * cancelling one interrupts only that one.
 */
export class EmbeddedWarehouse implements Warehouse {
  readonly kind = 'embedded' as const;
  private queries = 0;
  private closed = false;
  private readonly idle: DuckDBConnection[] = [];
  private readonly busy = new Set<DuckDBConnection>();
  /** Catalog changes go one at a time through the admin connection. */
  private adminQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly admin: DuckDBConnection,
    private readonly files: Map<string, FileTable>,
    private readonly description: string,
    private readonly workspace: string,
    private readonly spillDirectory: string,
  ) {}

  /** Round trips to the engine so far: one per query that reached DuckDB. */
  get queryCount(): number {
    return this.queries;
  }

  describe(): string {
    return this.description;
  }

  static async open(config: EmbeddedWarehouseConfig, options: EmbeddedWarehouseOptions = {}): Promise<EmbeddedWarehouse> {
    const baseDir = options.baseDir ?? process.cwd();
    const entries = Object.entries(config.files ?? {});
    if (!config.database && entries.length === 0) {
      throw new WarehouseError(
        'The embedded warehouse has nothing to read: set warehouse.database (a DuckDB file) or warehouse.files ' +
          '(a Parquet, CSV or NDJSON file per table) in pipeline-lens.json.',
        'config',
      );
    }
    const files = new Map<string, FileTable>();
    for (const [key, path] of entries) {
      const table = await fileTable(key, path, baseDir);
      files.set(key.toLowerCase(), table);
    }
    let databasePath: string | null = null;
    if (config.database) {
      databasePath = resolve(baseDir, config.database);
      if (!(await isFile(databasePath))) {
        throw new WarehouseError(`warehouse.database in pipeline-lens.json points at ${databasePath}, which does not exist.`, 'missing-file');
      }
    }

    const access = await fileAccess(baseDir, [...files.values()], databasePath);
    // Its own spill directory: DuckDB's default (.tmp in the working directory) would be readable too.
    const spillDirectory = await mkdtemp(join(tmpdir(), 'pipeline-lens-duckdb-'));
    const instance = await DuckDBInstance.create(':memory:', {
      // Never fetch or load an extension a query asks for (parquet, json and icu are built
      // into the binding and already loaded; anything else would be code from the network).
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // BigQuery's NULL ordering.
      default_null_order: 'nulls_first_on_asc_last_on_desc',
      temp_directory: spillDirectory,
    });
    let admin: DuckDBConnection | null = null;
    try {
      admin = await instance.connect();
      // BigQuery's TIMESTAMP functions work in UTC; DuckDB's use the machine's zone otherwise.
      await admin.run(`SET GLOBAL TimeZone = 'UTC';\n${bigqueryMacrosSql()}`);
      // A query reads the workspace and the configured files, nothing else on the machine
      // (read_csv('/etc/...'), a home directory), and cannot lift that: the configuration
      // is locked before any query runs.
      await admin.run(
        `SET allowed_directories = ${sqlList(access.directories)};\n` +
          `SET allowed_paths = ${sqlList(access.paths)};\n` +
          `SET enable_external_access = false;\n` +
          `SET lock_configuration = true;`,
      );
      const projects = new Set([...files.values()].map((t) => t.name.project).filter((p): p is string => p !== null));
      for (const project of projects) {
        // A catalog per project, so `project.dataset.table` resolves like in BigQuery.
        await admin.run(`ATTACH ':memory:' AS ${ident(project)}`);
      }
      if (databasePath) await attachDatabase(admin, databasePath, files);
      const description = describeSources(entries.length, databasePath);
      return new EmbeddedWarehouse(instance, admin, files, description, resolve(baseDir), spillDirectory);
    } catch (error) {
      admin?.closeSync();
      instance.closeSync();
      await rm(spillDirectory, { recursive: true, force: true });
      throw error instanceof WarehouseError ? error : new WarehouseError(`Could not open the embedded warehouse: ${(error as Error).message.split('\n')[0]}`, 'open-failed');
    }
  }

  async query(query: SqlQuery, options: QueryOptions = {}): Promise<QueryResult> {
    if (this.closed) throw new WarehouseError('The embedded warehouse is closed.', 'closed');
    const { signal } = options;
    if (signal?.aborted) throw cancelledError(query.name);

    const statement = classifyStatement(query.sql);
    if (statement.kind !== 'query') throw writeRefusal(`query ${query.name}`, statement.statementType, statement.targets, 'embedded');

    const tokens = tokenize(query.sql);
    const used = [...new Set(tokens.filter((t) => t.kind === 'param' && !t.text.startsWith('@@')).map((t) => t.value))];
    const params = duckdbParams(query, used);
    const paramTypes: Record<string, ParamType> = {};
    for (const name of used) paramTypes[name] = query.types[name];
    const sql = toDuckdbSql(query.sql, { paramTypes });

    await this.createViewsFor(tokens);
    if (signal?.aborted) throw cancelledError(query.name);

    const connection = await this.acquire();
    let interrupted = false;
    const onAbort = (): void => {
      interrupted = true;
      connection.interrupt();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let prepared: DuckDBPreparedStatement | null = null;
    this.queries++;
    try {
      const extracted = await connection.extractStatements(sql);
      if (extracted.count !== 1) throw writeRefusal(`query ${query.name}`, 'SCRIPT', [], 'embedded');
      prepared = await extracted.prepare(0);
      // A second guard, on DuckDB's own reading of what will run.
      if (prepared.statementType !== StatementType.SELECT) {
        throw writeRefusal(`query ${query.name}`, StatementType[prepared.statementType] ?? 'UNKNOWN', [], 'embedded');
      }
      if (used.length > 0) prepared.bind(params.values, params.types);
      if (interrupted) throw cancelledError(query.name);
      const reader = await prepared.runAndReadAll();
      if (interrupted) throw cancelledError(query.name);
      return {
        columns: reader.deduplicatedColumnNames(),
        rows: reader.getRowObjects().map(normaliseRow),
        bytesProcessed: null,
      };
    } catch (error) {
      if (interrupted) throw cancelledError(query.name);
      throw translateDuckdbError(error, query.name, this.workspace);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      prepared?.destroySync();
      this.release(connection, interrupted);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.busy) connection.interrupt();
    await this.adminQueue.catch(() => undefined);
    for (const connection of this.idle.splice(0)) connection.closeSync();
    this.admin.closeSync();
    this.instance.closeSync();
    await rm(this.spillDirectory, { recursive: true, force: true });
  }

  private async acquire(): Promise<DuckDBConnection> {
    const connection = this.idle.pop() ?? (await this.instance.connect());
    this.busy.add(connection);
    return connection;
  }

  private release(connection: DuckDBConnection, discard: boolean): void {
    this.busy.delete(connection);
    // An interrupted connection is not reused: its next query must not inherit the interrupt.
    if (discard || this.closed || this.idle.length >= IDLE_CONNECTIONS) connection.closeSync();
    else this.idle.push(connection);
  }

  /** Creates the views for file-backed tables the query names, once each. */
  private async createViewsFor(tokens: Token[]): Promise<void> {
    if (this.files.size === 0) return;
    const needed = new Set<FileTable>();
    for (let i = 0; i < tokens.length; i++) {
      const name = readDottedName(tokens, i);
      if (!name || name.parts.length < 2) continue;
      const full = name.parts.join('.').toLowerCase();
      const lastTwo = name.parts.slice(-2).join('.').toLowerCase();
      const table = this.files.get(full) ?? this.files.get(lastTwo);
      if (table) needed.add(table);
    }
    await Promise.all([...needed].map((table) => this.createView(table)));
  }

  private createView(table: FileTable): Promise<void> {
    table.view ??= this.onAdmin(async () => {
      const catalog = table.name.project ? ident(table.name.project) : 'memory';
      const schema = `${catalog}.${ident(table.name.dataset)}`;
      const view = `${schema}.${ident(table.name.table)}`;
      await this.admin.run(`CREATE SCHEMA IF NOT EXISTS ${schema};\n` + `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${table.reader};`);
      if (table.textual) {
        const replace = await temporalColumns(this.admin, view);
        if (replace.length > 0) {
          await this.admin.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * REPLACE (${replace.join(', ')}) FROM ${table.reader};`);
        }
      }
    }).catch((error: unknown) => {
      // Not cached: the file may be there next time.
      table.view = null;
      throw viewError(table, error);
    });
    return table.view;
  }

  private onAdmin<T>(task: () => Promise<T>): Promise<T> {
    const run = this.adminQueue.then(task, task);
    this.adminQueue = run.catch(() => undefined);
    return run;
  }
}

async function fileTable(key: string, path: string, baseDir: string): Promise<FileTable> {
  const configKey = `warehouse.files[${JSON.stringify(key)}]`;
  let name: TableName;
  try {
    name = parseTableName(key);
  } catch (error) {
    throw new WarehouseError(`${configKey} in pipeline-lens.json: ${(error as Error).message}`, 'invalid-identifier');
  }
  if (typeof path !== 'string' || path.trim() === '') {
    throw new WarehouseError(`${configKey} in pipeline-lens.json needs a file path.`, 'config');
  }
  const absolute = resolve(baseDir, path);
  const reader = readerFor(absolute);
  if (!reader) {
    throw new WarehouseError(
      `${configKey} in pipeline-lens.json is ${path}; the embedded warehouse reads .parquet, .csv, .json, .ndjson and .jsonl files (optionally .gz).`,
      'config',
    );
  }
  // A glob is checked by DuckDB when the view is made; a plain path is checked now, so a
  // typo in config shows at open rather than at the first query on that table.
  if (!GLOB.test(absolute) && !(await isFile(absolute))) {
    throw new WarehouseError(`Table ${key}: file ${absolute} does not exist (set in ${configKey} in pipeline-lens.json).`, 'missing-file');
  }
  return { key, name, path: absolute, reader, textual: !reader.startsWith('read_parquet'), view: null };
}

/**
 * What DuckDB may read: the workspace folder and each configured file or database, both
 * as written and as they resolve (DuckDB checks the resolved path of a symbolic link, and
 * the workspace itself may sit behind one). A glob's fixed leading directories count as
 * the file.
 */
async function fileAccess(workspace: string, files: FileTable[], database: string | null): Promise<{ directories: string[]; paths: string[] }> {
  const directories = new Set<string>();
  const paths = new Set<string>();
  const both = async (path: string, add: (p: string) => void) => {
    add(path);
    try {
      add(await realpath(path));
    } catch {
      // Not there (yet): the name as written is all there is to allow.
    }
  };
  const asDirectory = (dir: string) => directories.add(dir.endsWith(sep) ? dir : dir + sep);
  await both(resolve(workspace), asDirectory);
  for (const table of files) {
    if (GLOB.test(table.path)) await both(globBase(table.path), asDirectory);
    else await both(table.path, (p) => paths.add(p));
  }
  if (database) {
    await both(database, (p) => paths.add(p));
    paths.add(`${database}.wal`);
  }
  return { directories: [...directories], paths: [...paths] };
}

/** The directory a glob starts in: its leading segments without wildcard characters. */
function globBase(path: string): string {
  const segments = path.split(sep);
  const fixed = segments.findIndex((segment) => GLOB.test(segment));
  return fixed <= 0 ? dirname(path) : segments.slice(0, fixed).join(sep) || sep;
}

function sqlList(values: string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** The DuckDB table function reading a file, by its extension. */
function readerFor(path: string): string | null {
  const lower = path.toLowerCase().replace(/\.gz$/, '');
  const literal = sqlString(path);
  const glob = GLOB.test(path);
  switch (extname(lower)) {
    case '.parquet':
      return `read_parquet(${literal}${glob ? ', union_by_name = true' : ''})`;
    case '.csv':
      return `read_csv(${literal}, auto_detect = true, header = true${glob ? ', union_by_name = true' : ''})`;
    case '.json':
      return `read_json_auto(${literal}, format = 'auto')`;
    case '.ndjson':
    case '.jsonl':
      return `read_json_auto(${literal}, format = 'newline_delimited')`;
    default:
      return null;
  }
}

/**
 * Views in the in-memory catalog over every table of the attached database, so that its
 * `dataset.table` names resolve next to the file-backed ones. Tables also given in
 * warehouse.files are left to the files.
 */
async function attachDatabase(admin: DuckDBConnection, path: string, files: Map<string, FileTable>): Promise<void> {
  await admin.run(`ATTACH ${sqlString(path)} AS ${DATABASE_ALIAS} (READ_ONLY)`);
  const reader = await admin.runAndReadAll(
    `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '${DATABASE_ALIAS}'
     UNION ALL
     SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = '${DATABASE_ALIAS}' AND NOT internal`,
  );
  const statements: string[] = [];
  const schemas = new Set<string>();
  for (const [schema, table] of reader.getRows() as Array<[string, string]>) {
    if (files.has(`${schema}.${table}`.toLowerCase())) continue;
    if (!schemas.has(schema)) {
      schemas.add(schema);
      statements.push(`CREATE SCHEMA IF NOT EXISTS memory.${ident(schema)};`);
    }
    statements.push(`CREATE VIEW memory.${ident(schema)}.${ident(table)} AS SELECT * FROM ${DATABASE_ALIAS}.${ident(schema)}.${ident(table)};`);
  }
  if (statements.length > 0) await admin.run(statements.join('\n'));
}

const SAMPLE_ROWS = 10_000;
const TIMESTAMP_TEXT = String.raw`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s*(Z|UTC|[+-]\d{2}(:?\d{2})?)?$`;
const DATE_TEXT = String.raw`^\d{4}-\d{2}-\d{2}$`;

/**
 * `CAST(col AS ...) AS col` for the text columns of a CSV or JSON view that hold only dates
 * or timestamps. DuckDB's JSON reader leaves a column as text when its timestamps are
 * written in more than one way (`...:00Z` next to `...:00.900Z`, as Python writes them,
 * or BigQuery's `... UTC`), and a text column then fails against a TIMESTAMP parameter.
 * Judged on the first rows; a later value that is not a timestamp fails loudly in the cast.
 */
async function temporalColumns(admin: DuckDBConnection, view: string): Promise<string[]> {
  const described = await admin.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${view})`);
  const text = (described.getRows() as Array<[string, string]>).filter(([, type]) => type === 'VARCHAR').map(([name]) => name);
  if (text.length === 0) return [];
  const checks = text.flatMap((name, i) => {
    const c = ident(name);
    return [
      `count(${c}) AS n${i}`,
      `bool_and(regexp_full_match(${c}, '${DATE_TEXT}') AND TRY_CAST(${c} AS DATE) IS NOT NULL) AS d${i}`,
      `bool_and(regexp_full_match(${c}, '${TIMESTAMP_TEXT}') AND TRY_CAST(${c} AS TIMESTAMPTZ) IS NOT NULL) AS t${i}`,
    ];
  });
  const sampled = await admin.runAndReadAll(`SELECT ${checks.join(', ')} FROM (SELECT * FROM ${view} LIMIT ${SAMPLE_ROWS})`);
  const [row] = sampled.getRowObjects();
  const replace: string[] = [];
  text.forEach((name, i) => {
    if (Number(row[`n${i}`]) === 0) return;
    if (row[`d${i}`] === true) replace.push(`CAST(${ident(name)} AS DATE) AS ${ident(name)}`);
    else if (row[`t${i}`] === true) replace.push(`CAST(${ident(name)} AS TIMESTAMPTZ) AS ${ident(name)}`);
  });
  return replace;
}

function describeSources(fileCount: number, databasePath: string | null): string {
  const parts: string[] = [];
  if (databasePath) parts.push(basename(databasePath));
  if (fileCount > 0) parts.push(`${fileCount} file${fileCount === 1 ? '' : 's'}`);
  return `embedded DuckDB (${parts.join(' + ')})`;
}

function viewError(table: FileTable, error: unknown): WarehouseError {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const configKey = `warehouse.files[${JSON.stringify(table.key)}]`;
  if (/no files found/i.test(message)) {
    return new WarehouseError(`Table ${table.key}: no file matches ${table.path} (set in ${configKey} in pipeline-lens.json).`, 'missing-file');
  }
  return new WarehouseError(`Table ${table.key}: could not read ${table.path} (set in ${configKey}): ${message}`, 'unreadable-file');
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The one string literal the product builds: a file path from config, inside DDL it
 * writes itself. DuckDB strings take no backslash escapes, so doubling quotes suffices.
 */
function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
