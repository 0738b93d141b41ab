import { invalidParam } from './paramErrors';
import { parseDate, parseTimestampMicros } from './temporalValues';
import { WarehouseError, type ParamType, type ParamValue, type ScalarParamType, type SqlQuery } from './types';

/*
 * The checks every engine makes on a query's parameters before encoding them: each one the
 * SQL uses has a value and a declared type, and each value fits that type. One place, so
 * a malformed date fails with the same message on BigQuery and on the embedded engine;
 * each engine's encoder only turns the checked value into its own wire form.
 */

/** A parameter the SQL uses, with its value, declared type and the name errors give it. */
export interface DeclaredParam {
  name: string;
  type: ParamType;
  value: ParamValue | undefined;
  label: string;
}

/** The parameters `used` by the SQL text of `query`, each with a value and a declared type. */
export function declaredParams(query: SqlQuery, used: readonly string[]): DeclaredParam[] {
  return used.map((name) => {
    if (!Object.prototype.hasOwnProperty.call(query.params, name)) {
      throw new WarehouseError(`Query ${query.name} uses @${name} but gives it no value.`, 'missing-param');
    }
    const type = query.types[name];
    if (type === undefined) {
      throw new WarehouseError(`Query ${query.name} gives @${name} no declared type; declare it in types (BigQuery needs it for NULL and empty arrays).`, 'missing-param-type');
    }
    return { name, type, value: query.params[name], label: `@${name} of query ${query.name}` };
  });
}

/**
 * A non-NULL scalar that fits its type. INT64 stays decimal text so a value beyond 2^53
 * keeps its digits; DATE is YYYY-MM-DD of a real calendar day; TIMESTAMP is microseconds
 * since the epoch, which a Date would round to milliseconds.
 */
export type CheckedScalar =
  | { type: 'STRING'; value: string }
  | { type: 'INT64'; value: string }
  | { type: 'FLOAT64'; value: number }
  | { type: 'BOOL'; value: boolean }
  | { type: 'DATE'; value: string }
  | { type: 'TIMESTAMP'; value: bigint };

/** `value` read as `type`, or an invalid-param error naming `label`. */
export function checkedScalar(value: ParamValue, type: ScalarParamType, label: string): CheckedScalar {
  switch (type) {
    case 'STRING':
      if (typeof value === 'string') return { type, value };
      break;
    case 'INT64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { type, value: String(value) };
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) return { type, value };
      break;
    case 'FLOAT64':
      if (typeof value === 'number') return { type, value };
      break;
    case 'BOOL':
      if (typeof value === 'boolean') return { type, value };
      break;
    case 'DATE': {
      const date = parseDate(value);
      if (date !== null) return { type, value: date };
      break;
    }
    case 'TIMESTAMP': {
      const micros = parseTimestampMicros(value);
      if (micros !== null) return { type, value: micros };
      break;
    }
  }
  throw invalidParam(label, value, type);
}
