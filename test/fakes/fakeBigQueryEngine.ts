import {
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBStructValue,
  DuckDBTypeId,
  DuckDBListType,
  DuckDBArrayType,
  DuckDBStructType,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { QueryParameter } from '../../src/core/warehouse/bigquery/bigqueryParams';
import { toDuckdbSql } from '../../src/core/warehouse/embedded/bigqueryToDuckdb';
import { isTrivia, isWord, readDottedName, tokenize } from '../../src/core/warehouse/bigqueryTokens';
import { bigqueryMacrosSql } from '../../src/core/warehouse/embedded/duckdbMacros';
import { duckdbParams } from '../../src/core/warehouse/embedded/duckdbParams';
import { normaliseValue } from '../../src/core/warehouse/embedded/duckdbRows';
import type { ParamType, ParamValue, ScalarParamType } from '../../src/core/warehouse/types';
import type { TableFieldSchema, WireCell, WireValue } from './bigqueryResponses';

/**
 * The fake BigQuery's engine: DuckDB with the product's rewriter and macros, so the fake
 * answers BigQuery SQL with the rows the embedded engine would give, typed the way BigQuery
 * types them on the wire. Tables come from a DuckDB file (attached read-only, as the
 * embedded engine does) and/or setup SQL.
 */

export interface EngineResult {
  fields: TableFieldSchema[];
  types: DuckDBType[];
  rows: DuckDBValue[][];
}

/** A failure the fake turns into a BigQuery error (reason and HTTP status). */
export class FakeQueryError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const DATABASE_ALIAS = 'fake_bq_db';

export class FakeBigQueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly tables: Set<string>,
  ) {}

  static async open(options: { database?: string; setupSql?: string }): Promise<FakeBigQueryEngine> {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      default_null_order: 'nulls_first_on_asc_last_on_desc',
    });
    const admin = await instance.connect();
    await admin.run(`SET GLOBAL TimeZone = 'UTC';\n${bigqueryMacrosSql()}`);
    if (options.database) {
      await admin.run(`ATTACH '${options.database.replace(/'/g, "''")}' AS ${DATABASE_ALIAS} (READ_ONLY)`);
      const listed = await admin.runAndReadAll(
        `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '${DATABASE_ALIAS}'
         UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = '${DATABASE_ALIAS}' AND NOT internal`,
      );
      for (const [schema, table] of listed.getRows() as Array<[string, string]>) {
        await admin.run(`CREATE SCHEMA IF NOT EXISTS memory."${schema}"; CREATE VIEW memory."${schema}"."${table}" AS SELECT * FROM ${DATABASE_ALIAS}."${schema}"."${table}"`);
      }
    }
    if (options.setupSql) await admin.run(options.setupSql);
    const known = await admin.runAndReadAll(
      `SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = 'memory'
       UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE database_name = 'memory' AND NOT internal`,
    );
    const tables = new Set((known.getRows() as Array<[string]>).map(([name]) => name.toLowerCase()));
    admin.closeSync();
    return new FakeBigQueryEngine(instance, tables);
  }

  /** `dataset.table` names the SQL reads (after FROM or JOIN); throws notFound for unknown ones. */
  referencedTables(sql: string): string[] {
    const tokens = tokenize(sql).filter((t) => !isTrivia(t));
    const found = new Set<string>();
    for (let i = 0; i < tokens.length - 1; i++) {
      if (!isWord(tokens[i], 'FROM', 'JOIN')) continue;
      const name = readDottedName(tokens, i + 1);
      if (!name || name.parts.length < 2) continue;
      const key = name.parts.slice(-2).join('.').toLowerCase();
      if (!this.tables.has(key)) throw new FakeQueryError(404, 'notFound', `Not found: Table {project}:${name.parts.slice(-2).join('.')} was not found in location {location}`);
      found.add(key);
    }
    return [...found];
  }

  async run(sql: string, parameters: QueryParameter[]): Promise<EngineResult> {
    this.referencedTables(sql);
    const { values, types, paramTypes, used } = bind(sql, parameters);
    const connection = await this.instance.connect();
    try {
      const extracted = await connection.extractStatements(toDuckdbSql(sql, { paramTypes }));
      if (extracted.count !== 1) throw new FakeQueryError(400, 'invalidQuery', 'The fake runs one statement per job');
      const prepared = await extracted.prepare(0);
      if (used.length > 0) prepared.bind(values, types);
      const reader = await prepared.runAndReadAll();
      const columnTypes = reader.columnTypes();
      return { fields: reader.columnNames().map((name, i) => field(name, columnTypes[i])), types: columnTypes, rows: reader.getRows() };
    } catch (error) {
      if (error instanceof FakeQueryError) throw error;
      throw new FakeQueryError(400, 'invalidQuery', (error as Error).message.split('\n')[0]);
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

function bind(sql: string, parameters: QueryParameter[]) {
  const params: Record<string, ParamValue> = {};
  const paramTypes: Record<string, ParamType> = {};
  for (const p of parameters) {
    const scalar = (p.parameterType.arrayType?.type ?? p.parameterType.type) as ScalarParamType;
    if (p.parameterType.type === 'ARRAY') {
      paramTypes[p.name] = { array: scalar };
      params[p.name] = p.parameterValue.arrayValues ? p.parameterValue.arrayValues.map((v) => scalarValue(v.value, scalar)) : null;
    } else {
      paramTypes[p.name] = scalar;
      params[p.name] = scalarValue(p.parameterValue.value, scalar);
    }
  }
  const used = [
    ...new Set(
      tokenize(sql)
        .filter((t) => t.kind === 'param' && !t.text.startsWith('@@'))
        .map((t) => t.value),
    ),
  ];
  for (const name of used) {
    if (!(name in paramTypes)) throw new FakeQueryError(400, 'invalidQuery', `Query parameter '${name}' not found at [1:1]`);
  }
  try {
    const { values, types } = duckdbParams({ name: 'fake', sql, params, types: paramTypes }, used);
    return { values, types, paramTypes, used };
  } catch (error) {
    throw new FakeQueryError(400, 'invalidQuery', (error as Error).message);
  }
}

function scalarValue(text: string | null | undefined, type: ScalarParamType): string | number | boolean | null {
  if (text === undefined || text === null) return null;
  switch (type) {
    case 'FLOAT64':
      return Number(text);
    case 'BOOL':
      return text === 'true';
    case 'STRING':
    case 'INT64':
    case 'DATE':
    case 'TIMESTAMP':
      return text;
  }
}

/** BigQuery's schema type for a DuckDB column type, as the REST API names them. */
function field(name: string, type: DuckDBType): TableFieldSchema {
  if (type instanceof DuckDBListType || type instanceof DuckDBArrayType) {
    const element = field(name, type.valueType);
    return { ...element, mode: 'REPEATED' };
  }
  if (type instanceof DuckDBStructType) {
    return { name, type: 'RECORD', mode: 'NULLABLE', fields: type.entryNames.map((n, i) => field(n, type.entryTypes[i])) };
  }
  return { name, type: scalarTypeName(type.typeId), mode: 'NULLABLE' };
}

function scalarTypeName(id: DuckDBTypeId): string {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- DuckDB has dozens of type ids; every one not named here reads as STRING
  switch (id) {
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'TIMESTAMP';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'DATETIME';
    default:
      return 'STRING';
  }
}

/** One row in BigQuery's wire form; TIMESTAMP as int64 microseconds or float seconds, as the request asked. */
export function wireRow(values: DuckDBValue[], fields: TableFieldSchema[], int64Timestamps: boolean): { f: WireCell[] } {
  return { f: values.map((value, i) => ({ v: wireValue(value, fields[i], int64Timestamps) })) };
}

function wireValue(value: DuckDBValue, schema: TableFieldSchema, int64Timestamps: boolean): WireValue {
  if (schema.mode === 'REPEATED') {
    // BigQuery has no NULL arrays: they come back empty.
    if (value === null) return [];
    const items = value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ? value.items : [value];
    const element = { ...schema, mode: 'NULLABLE' as const };
    return items.map((item) => ({ v: wireValue(item, element, int64Timestamps) }));
  }
  if (value === null) return null;
  if (schema.type === 'RECORD' && value instanceof DuckDBStructValue) {
    return { f: (schema.fields ?? []).map((f) => ({ v: wireValue(value.entries[f.name] ?? null, f, int64Timestamps) })) };
  }
  const plain = normaliseValue(value);
  switch (schema.type) {
    case 'BOOLEAN':
      return plain ? 'true' : 'false';
    case 'INTEGER':
      return typeof value === 'bigint' ? value.toString() : String(plain);
    case 'FLOAT':
      return Number.isNaN(plain) ? 'NaN' : String(plain);
    case 'NUMERIC':
      return value instanceof DuckDBDecimalValue ? value.toString() : String(plain);
    case 'TIMESTAMP': {
      const micros = microsOf(String(plain));
      return int64Timestamps ? micros.toString() : (Number(micros) / 1e6).toString();
    }
    case 'DATETIME':
      return String(plain).replace(/Z$/, '');
    default:
      return typeof plain === 'object' ? JSON.stringify(plain) : String(plain);
  }
}

function microsOf(iso: string): bigint {
  const match = /^(.*)\.(\d{3})(\d{3})?Z$/.exec(iso);
  if (!match) return BigInt(Date.parse(iso)) * 1000n;
  const ms = BigInt(Date.parse(`${match[1]}.${match[2]}Z`));
  return ms * 1000n + BigInt(match[3] ?? '0');
}
