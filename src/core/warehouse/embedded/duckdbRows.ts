import { isoFromMicros } from '../temporalValues';
import {
  DuckDBArrayValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { Row } from '../types';

/**
 * DuckDB values in the shapes `types.ts` promises for every engine: DATE → `YYYY-MM-DD`,
 * TIMESTAMP → ISO-8601 with `Z`, integers and decimals → number, lists → arrays. The
 * package's own JS conversion throws on infinite dates and gives bigints, hence this one.
 */
export function normaliseRow(row: Record<string, DuckDBValue>): Row {
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) out[name] = normaliseValue(value);
  return out;
}

export function normaliseValue(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    return value;
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof DuckDBDateValue) return value.isFinite ? isoDate(value.days) : value.toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return value.isFinite ? isoFromMicros(value.micros) : value.toString();
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) {
    return value.isFinite ? isoFromMicros(value.millis * 1000n) : value.toString();
  }
  if (value instanceof DuckDBTimestampSecondsValue) {
    return value.isFinite ? isoFromMicros(value.seconds * 1_000_000n) : value.toString();
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    return value.isFinite ? isoFromMicros(value.nanos / 1000n) : value.toString();
  }
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(normaliseValue);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value.entries)) out[key] = normaliseValue(entry);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    return value.entries.map((entry) => ({ key: normaliseValue(entry.key), value: normaliseValue(entry.value) }));
  }
  // INTERVAL, TIME, BLOB, UUID...: their SQL text is the least surprising form.
  return String(value);
}

function isoDate(days: number): string {
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return new DuckDBDateValue(days).toString();
  return date.toISOString().slice(0, 10);
}
