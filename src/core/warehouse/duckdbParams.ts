import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  dateValue,
  listValue,
  timestampTZValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { WarehouseError, type ParamType, type ParamValue, type ScalarParamType, type SqlQuery } from './types';

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
      throw new WarehouseError(
        `Query ${query.name} gives @${name} no declared type; declare it in types (BigQuery needs it for NULL and empty arrays).`,
        'missing-param-type',
      );
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
    if (!Array.isArray(value)) throw invalid(label, value, `an array of ${type.array}`);
    return listValue(value.map((item, i) => toScalar(item, type.array, `${label} (element ${i})`)));
  }
  if (Array.isArray(value)) throw invalid(label, value, type);
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
  throw invalid(label, value, type);
}

function invalid(label: string, value: unknown, expected: string): WarehouseError {
  const shown = value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return new WarehouseError(`Parameter ${label} is ${shown}, which is not a valid ${expected}.`, 'invalid-param');
}

const DAY_MS = 86_400_000;

function dateDays(value: ParamValue): number | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : Math.floor(value.getTime() / DAY_MS);
  }
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC rolls 2024-02-30 over into March; BigQuery rejects it, so do we.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

/**
 * Microseconds since the epoch from a Date or an ISO-8601 / BigQuery timestamp string.
 * Without a zone the time is UTC, as in BigQuery. Digits past the millisecond are kept.
 */
export function timestampMicros(value: ParamValue): bigint | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : BigInt(value.getTime()) * 1000n;
  }
  if (typeof value !== 'string') return null;
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      value.trim(),
    );
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || check.getUTCMinutes() !== Number(mi)) {
    return null;
  }
  let offsetMinutes = 0;
  if (!/^(Z|UTC)$/i.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const micros = BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1000n + micros;
}
