import { invalidParam } from '../paramErrors';
import { tokenize } from '../bigqueryTokens';
import { bigqueryTimestampText, parseDate, parseTimestampMicros } from '../temporalValues';
import { WarehouseError, type ParamType, type ParamValue, type ScalarParamType, type SqlQuery } from '../types';

/*
 * A query's parameters as BigQuery's REST API takes them (`parameterMode: named`), built
 * here rather than by the client: its builder guesses types from values, sends NULLs
 * inconsistently, and leaks a `types` field into the job. Every parameter carries its
 * declared type, so a NULL DATE or an empty ARRAY<STRING> is typed as BigQuery requires.
 * Values are checked the same way as on the embedded engine, with the same messages.
 */

export interface QueryParameterType {
  type: ScalarParamType | 'ARRAY';
  arrayType?: { type: ScalarParamType };
}

export interface QueryParameterValue {
  /** Absent for NULL. */
  value?: string;
  arrayValues?: Array<{ value?: string }>;
}

export interface QueryParameter {
  name: string;
  parameterType: QueryParameterType;
  parameterValue: QueryParameterValue;
}

/** Names of the `@name` parameters the SQL text uses (not `@@system` variables). */
export function usedParameters(sql: string): string[] {
  const names = tokenize(sql)
    .filter((t) => t.kind === 'param' && !t.text.startsWith('@@'))
    .map((t) => t.value);
  return [...new Set(names)];
}

/** The typed parameters of `query` that its SQL uses; each needs a value and a declared type. */
export function queryParameters(query: SqlQuery, used: readonly string[] = usedParameters(query.sql)): QueryParameter[] {
  return used.map((name) => {
    if (!Object.prototype.hasOwnProperty.call(query.params, name)) {
      throw new WarehouseError(`Query ${query.name} uses @${name} but gives it no value.`, 'missing-param');
    }
    const type = query.types[name];
    if (type === undefined) {
      throw new WarehouseError(`Query ${query.name} gives @${name} no declared type; declare it in types (BigQuery needs it for NULL and empty arrays).`, 'missing-param-type');
    }
    const label = `@${name} of query ${query.name}`;
    return { name, parameterType: parameterType(type), parameterValue: parameterValue(query.params[name], type, label) };
  });
}

function parameterType(type: ParamType): QueryParameterType {
  return typeof type === 'object' ? { type: 'ARRAY', arrayType: { type: type.array } } : { type };
}

function parameterValue(value: ParamValue | undefined, type: ParamType, label: string): QueryParameterValue {
  if (value === null || value === undefined) return {};
  if (typeof type === 'object') {
    if (!Array.isArray(value)) throw invalidParam(label, value, `ARRAY<${type.array}>`);
    // BigQuery arrays cannot hold NULL elements: say so here rather than in a job error.
    return {
      arrayValues: value.map((item, i) => {
        const element = `${label} (element ${i})`;
        if (item === null || item === undefined) throw new WarehouseError(`Parameter ${element} is null; BigQuery arrays cannot hold NULL.`, 'invalid-param');
        return { value: scalarText(item, type.array, element) };
      }),
    };
  }
  if (Array.isArray(value)) throw invalidParam(label, value, type);
  return { value: scalarText(value, type, label) };
}

function scalarText(value: ParamValue, type: ScalarParamType, label: string): string {
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return value;
      break;
    case 'INT64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) return value;
      break;
    case 'FLOAT64':
      if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
      break;
    case 'BOOL':
      if (typeof value === 'boolean') return String(value);
      break;
    case 'DATE': {
      const date = parseDate(value);
      if (date !== null) return date;
      break;
    }
    case 'TIMESTAMP': {
      const micros = parseTimestampMicros(value);
      if (micros !== null) return bigqueryTimestampText(micros);
      break;
    }
  }
  throw invalidParam(label, value, type);
}
