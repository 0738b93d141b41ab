/*
 * DATE and TIMESTAMP text as both engines read and write it, without loading either
 * engine: the BigQuery path must not pull in the DuckDB binding, and the embedded engine
 * uses the same rules, so both read and write times alike.
 */

/** `YYYY-MM-DD` of a real calendar day, from text or a Date; null otherwise. */
export function parseDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2024-02-30 over into March; BigQuery rejects it, so do we.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return value;
}

/**
 * Microseconds since the epoch from a Date or an ISO-8601 / BigQuery timestamp string
 * (`2024-03-01 12:30:00.123456 UTC`, `...T12:30:00Z`, `...+02:00`). Without a zone the time
 * is UTC, as in BigQuery. Digits past the microsecond are dropped.
 */
export function parseTimestampMicros(value: unknown): bigint | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : BigInt(value.getTime()) * 1000n;
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || check.getUTCMinutes() !== Number(mi)) return null;
  let offsetMinutes = 0;
  if (!/^(Z|UTC)$/i.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const micros = BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1000n + micros;
}

/**
 * `2024-01-01T00:00:00.000Z` as Date.toISOString writes it, with three more digits when
 * the value has microseconds: the form every engine's rows use (see types.ts).
 */
export function isoFromMicros(micros: bigint): string {
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const base = new Date(Number(ms)).toISOString();
  return rest === 0n ? base : `${base.slice(0, -1)}${rest.toString().padStart(3, '0')}Z`;
}

/** `2024-03-01 12:30:00.123456+00:00`: BigQuery's canonical TIMESTAMP text, microseconds kept. */
export function bigqueryTimestampText(micros: bigint): string {
  let seconds = micros / 1_000_000n;
  let fraction = micros % 1_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000n;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${base}.${fraction.toString().padStart(6, '0')}+00:00`;
}
