import { invalidParam } from '../paramErrors';
import { tokenize } from '../bigqueryTokens';
import { checkedScalar, declaredParams } from '../declaredParams';
import { bigqueryTimestampText } from '../temporalValues';
import { WarehouseError, type ParamType, type ParamValue, type ScalarParamType, type SqlQuery } from '../types';

/*
 * A query's parameters as BigQuery's REST API takes them (`parameterMode: named`), built
 * here rather than by the client: its builder guesses types from values, sends NULLs
 * inconsistently, and leaks a `types` field into the job. Every parameter carries its
 * declared type, so a NULL DATE or an empty ARRAY<STRING> is typed as BigQuery requires.
 * Values are checked as on the embedded engine, with the same messages (declaredParams.ts).
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
  return declaredParams(query, used).map(({ name, type, value, label }) => ({ name, parameterType: parameterType(type), parameterValue: parameterValue(value, type, label) }));
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
  const checked = checkedScalar(value, type, label);
  switch (checked.type) {
    case 'STRING':
    case 'INT64':
    case 'DATE':
      return checked.value;
    case 'FLOAT64': {
      const n = checked.value;
      return Number.isNaN(n) ? 'NaN' : Number.isFinite(n) ? String(n) : n > 0 ? 'Infinity' : '-Infinity';
    }
    case 'BOOL':
      return String(checked.value);
    case 'TIMESTAMP':
      return bigqueryTimestampText(checked.value);
  }
}
