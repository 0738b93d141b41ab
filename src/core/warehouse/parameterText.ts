import { parseDate, parseTimestampMicros } from './temporalValues';
import type { ScalarParamType } from './types';

/*
 * A query parameter typed by a person, as text: the CLI's `--param name=value` and the
 * editor's prompt for `@name` read it by the same rule, so a value means the same thing in
 * both. The rule (also in docs/cli.md, "Query parameters"):
 *
 *   2026-01-09                    DATE       (a real calendar day)
 *   2026-01-30T07:41:00Z          TIMESTAMP  (date and time; `T` or a space; no zone = UTC)
 *   42, -7, 0                     INT64      (no leading zero: `007` stays text)
 *   0.5, -1.25, .5                FLOAT64
 *   true, false                   BOOL       (any case)
 *   anything else                 STRING
 *
 * A type can always be forced (`name:STRING=2026` on the command line, `STRING:2026` in the
 * editor), and text shaped like a date or a time that names none (`2026-02-30`) is an
 * error rather than a STRING: a typo in a date should not silently compare as text.
 */

export const PARAMETER_TYPES: readonly ScalarParamType[] = ['STRING', 'INT64', 'FLOAT64', 'BOOL', 'DATE', 'TIMESTAMP'];

export interface TypedParameter {
  type: ScalarParamType;
  /** INT64 beyond 2^53 stays text: a JavaScript number would round it. */
  value: string | number | boolean;
}

export type ParameterReading = TypedParameter | { problem: string };

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|UTC|[+-]\d{2}(:?\d{2})?)?$/i;
const INTEGER = /^-?(0|[1-9]\d*)$/;
const DECIMAL = /^-?(\d+\.\d+|\.\d+)$/;
const BOOLEAN = /^(true|false)$/i;

/** The type and value the text stands for, by the rule above. */
export function inferParameter(text: string): ParameterReading {
  const trimmed = text.trim();
  if (DATE_SHAPE.test(trimmed)) return parameterOfType('DATE', trimmed);
  if (TIMESTAMP_SHAPE.test(trimmed)) return parameterOfType('TIMESTAMP', trimmed);
  if (INTEGER.test(trimmed)) return parameterOfType('INT64', trimmed);
  if (DECIMAL.test(trimmed)) return parameterOfType('FLOAT64', trimmed);
  if (BOOLEAN.test(trimmed)) return parameterOfType('BOOL', trimmed);
  return { type: 'STRING', value: text };
}

/** The text read as `type`; a problem says what the type accepts. STRING keeps the text exactly. */
export function parameterOfType(type: ScalarParamType, text: string): ParameterReading {
  const trimmed = text.trim();
  switch (type) {
    case 'STRING':
      return { type, value: text };
    case 'INT64': {
      if (!/^-?\d{1,19}$/.test(trimmed)) return { problem: `"${text}" is not an INT64 (a whole number such as 42)` };
      const n = Number(trimmed);
      return { type, value: Number.isSafeInteger(n) ? n : trimmed };
    }
    case 'FLOAT64': {
      const n = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(n)) return { problem: `"${text}" is not a FLOAT64 (a number such as 0.5)` };
      return { type, value: n };
    }
    case 'BOOL':
      return BOOLEAN.test(trimmed) ? { type, value: trimmed.toLowerCase() === 'true' } : { problem: `"${text}" is not a BOOL (true or false)` };
    case 'DATE':
      return parseDate(trimmed) !== null ? { type, value: trimmed } : { problem: `"${text}" is not a DATE (a calendar day, YYYY-MM-DD)` };
    case 'TIMESTAMP':
      return parseTimestampMicros(trimmed) !== null
        ? { type, value: trimmed }
        : { problem: `"${text}" is not a TIMESTAMP (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM], e.g. 2026-01-30T07:41:00Z)` };
  }
}

/** `DATE`, `date` → `DATE`; null for a name that is no parameter type. */
export function parameterType(name: string): ScalarParamType | null {
  const upper = name.toUpperCase();
  return (PARAMETER_TYPES as readonly string[]).includes(upper) ? (upper as ScalarParamType) : null;
}

/**
 * What a person typed for one parameter whose name is already known (the editor's prompt):
 * `value` (type by the rule) or `TYPE:value` (type forced, e.g. `STRING:2026`).
 */
export function parseParameterValue(text: string): ParameterReading {
  const forced = /^([A-Za-z0-9]+):(.*)$/s.exec(text.trim());
  const type = forced ? parameterType(forced[1]) : null;
  return type ? parameterOfType(type, forced![2]) : inferParameter(text);
}

export interface ParameterAssignment {
  name: string;
  parameter: TypedParameter;
}

/**
 * `name=value` (type by the rule) or `name:TYPE=value` (type forced), as `--param` takes
 * it; a problem names what was wrong and the form that works.
 */
export function parseParameterAssignment(spec: string): ParameterAssignment | { problem: string } {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z0-9]+))?=(.*)$/s.exec(spec);
  if (!match) return { problem: `"${spec}" is not name=value or name:TYPE=value (TYPE: ${PARAMETER_TYPES.join(', ')})` };
  const [, name, typeName, raw] = match;
  let reading: ParameterReading;
  if (typeName === undefined) {
    reading = inferParameter(raw);
    if ('problem' in reading) return { problem: `${name}: ${reading.problem}; to pass it as text, write ${name}:STRING=${raw}` };
  } else {
    const type = parameterType(typeName);
    if (type === null) return { problem: `${name}: ${typeName} is not a parameter type; use one of ${PARAMETER_TYPES.join(', ')}` };
    reading = parameterOfType(type, raw);
    if ('problem' in reading) return { problem: `${name}: ${reading.problem}` };
  }
  return { name, parameter: reading };
}
