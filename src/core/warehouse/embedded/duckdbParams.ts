import { invalidParam } from '../paramErrors';
import { parseDate, parseTimestampMicros } from '../temporalValues';
import { BIGINT, BOOLEAN, DATE, DOUBLE, LIST, TIMESTAMPTZ, VARCHAR, dateValue, listValue, timestampTZValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { WarehouseError, type ParamType, type ParamValue, type ScalarParamType, type SqlQuery } from '../types';

/**
 * Converts a query's BigQuery-typed parameters into DuckDB values of the declared types.
 * Values are checked here, so a malformed date fails with the parameter's name instead of
 * a DuckDB conversion error, and it fails the same way on both engines.
 */

export interface DuckdbParams {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
}

/** Binds the parameters `used` by the SQL text; each needs a value and a declared type. */
export function duckdbParams(query: SqlQuery, used: readonly string[]): DuckdbParams {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const name of used) {
    if (!Object.prototype.hasOwnProperty.call(query.params, name)) {
      throw new WarehouseError(`Query ${query.name} uses @${name} but gives it no value.`, 'missing-param');
    }
    const type = query.types[name];
    if (type === undefined) {
      throw new WarehouseError(`Query ${query.name} gives @${name} no declared type; declare it in types (BigQuery needs it for NULL and empty arrays).`, 'missing-param-type');
    }
    const label = `@${name} of query ${query.name}`;
    values[name] = toDuckdbValue(query.params[name], type, label);
    types[name] = duckdbType(type);
  }
  return { values, types };
}

export function duckdbType(type: ParamType): DuckDBType {
  if (typeof type === 'object') return LIST(duckdbType(type.array));
  switch (type) {
    case 'STRING':
      return VARCHAR;
    case 'INT64':
      return BIGINT;
    case 'FLOAT64':
      return DOUBLE;
    case 'BOOL':
      return BOOLEAN;
    case 'DATE':
      return DATE;
    case 'TIMESTAMP':
      return TIMESTAMPTZ;
  }
}

function toDuckdbValue(value: ParamValue | undefined, type: ParamType, label: string): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (typeof type === 'object') {
    if (!Array.isArray(value)) throw invalidParam(label, value, `an array of ${type.array}`);
    return listValue(value.map((item, i) => toScalar(item, type.array, `${label} (element ${i})`)));
  }
  if (Array.isArray(value)) throw invalidParam(label, value, type);
  return toScalar(value, type, label);
}

function toScalar(value: ParamValue | undefined, type: ScalarParamType, label: string): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return value;
      break;
    case 'INT64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) return BigInt(value);
      break;
    case 'FLOAT64':
      if (typeof value === 'number') return value;
      break;
    case 'BOOL':
      if (typeof value === 'boolean') return value;
      break;
    case 'DATE': {
      const days = dateDays(value);
      if (days !== null) return dateValue(days);
      break;
    }
    case 'TIMESTAMP': {
      const micros = timestampMicros(value);
      if (micros !== null) return timestampTZValue(micros);
      break;
    }
  }
  throw invalidParam(label, value, type);
}

const DAY_MS = 86_400_000;

function dateDays(value: ParamValue): number | null {
  const date = parseDate(value);
  return date === null ? null : Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** Microseconds since the epoch; the rules are the BigQuery path's too (temporalValues.ts). */
export function timestampMicros(value: ParamValue): bigint | null {
  return parseTimestampMicros(value);
}
