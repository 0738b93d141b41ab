import { invalidParam } from '../paramErrors';
import { checkedScalar, declaredParams } from '../declaredParams';
import { parseTimestampMicros } from '../temporalValues';
import { BIGINT, BOOLEAN, DATE, DOUBLE, LIST, TIMESTAMPTZ, VARCHAR, dateValue, listValue, timestampTZValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { ParamType, ParamValue, ScalarParamType, SqlQuery } from '../types';

/**
 * Converts a query's BigQuery-typed parameters into DuckDB values of the declared types.
 * Values are checked first (declaredParams.ts), so a malformed date fails with the
 * parameter's name instead of a DuckDB conversion error, and the same way on both engines.
 */

export interface DuckdbParams {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
}

/** Binds the parameters `used` by the SQL text; each needs a value and a declared type. */
export function duckdbParams(query: SqlQuery, used: readonly string[]): DuckdbParams {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const { name, type, value, label } of declaredParams(query, used)) {
    values[name] = toDuckdbValue(value, type, label);
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
  const checked = checkedScalar(value, type, label);
  switch (checked.type) {
    case 'STRING':
    case 'FLOAT64':
    case 'BOOL':
      return checked.value;
    case 'INT64':
      return BigInt(checked.value);
    case 'DATE':
      return dateValue(Date.parse(`${checked.value}T00:00:00Z`) / DAY_MS);
    case 'TIMESTAMP':
      return timestampTZValue(checked.value);
  }
}

const DAY_MS = 86_400_000;

/** Microseconds since the epoch; the rules are the BigQuery path's too (temporalValues.ts). */
export function timestampMicros(value: ParamValue): bigint | null {
  return parseTimestampMicros(value);
}
