import { isoFromMicros, parseTimestampMicros } from '../temporalValues';
import type { Row } from '../types';

/*
 * Rows from the BigQuery client in the shapes `types.ts` promises for every engine, so a
 * caller cannot tell the engines apart: DATE → `YYYY-MM-DD`, TIMESTAMP → ISO-8601 with `Z`
 * (milliseconds always, microseconds when present, as the embedded engine writes them),
 * NUMERIC → number, arrays → arrays, NULL → null. The client wraps values in its own
 * classes (BigQueryDate, BigQueryTimestamp, Big...); the schema says which is which, so
 * nothing here depends on those classes.
 */

export interface SchemaField {
  name: string;
  type: string;
  mode?: string;
  fields?: SchemaField[];
}

export function normaliseBigQueryRow(row: Record<string, unknown>, fields: readonly SchemaField[]): Row {
  const out: Row = {};
  for (const field of fields) out[field.name] = normaliseField(row[field.name], field);
  return out;
}

function normaliseField(value: unknown, field: SchemaField): unknown {
  if (value === null || value === undefined) return field.mode === 'REPEATED' ? [] : null;
  if (field.mode === 'REPEATED') {
    const element = { ...field, mode: 'NULLABLE' };
    return Array.isArray(value) ? value.map((item) => normaliseField(item, element)) : [normaliseField(value, element)];
  }
  switch (field.type) {
    case 'DATE':
    case 'TIME':
    case 'GEOGRAPHY':
      return wrapped(value);
    case 'TIMESTAMP':
    case 'DATETIME': {
      // A DATETIME has no zone; the embedded engine reads it as UTC, and so do we.
      const text = wrapped(value);
      const micros = parseTimestampMicros(text);
      return micros === null ? text : isoFromMicros(micros);
    }
    case 'INTEGER':
    case 'INT64':
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return typeof value === 'number' ? value : Number(String(wrapped(value)));
    case 'BOOLEAN':
    case 'BOOL':
      return typeof value === 'boolean' ? value : String(value).toLowerCase() === 'true';
    case 'BYTES':
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
    case 'RECORD':
    case 'STRUCT':
      return typeof value === 'object' ? normaliseBigQueryRow(value as Record<string, unknown>, field.fields ?? []) : value;
    default:
      return wrapped(value);
  }
}

/** The text inside the client's value classes (`BigQueryDate { value }` and kin). */
function wrapped(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'value' in value) return value.value;
  return value;
}
