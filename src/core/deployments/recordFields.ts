import { DeploymentError } from './types';

/*
 * The two fields of a deployment record that decide a verdict and that a permissive parser
 * reads wrongly: when the revision was created and the commit it was built from. Every
 * source (file, warehouse table, Cloud Run, gcloud, execution log) reads them through
 * here, so that one record cannot mean one thing in a file and another in a table.
 */

/** What `createdAt` must look like, as every error says it. */
export const INSTANT_FORM = 'an ISO 8601 date and time with its UTC offset, e.g. 2026-01-30T19:10:00Z or 2026-01-30T11:10:00-08:00';

/** Shorter prefixes name several commits in any repository of some size, and four hex digits can name a commit that was never deployed. */
export const MIN_COMMIT_DIGITS = 7;

// Date, time to the minute at least, and an offset: `Z`, `±HH`, `±HHMM`, `±HH:MM` or BigQuery's ` UTC`.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * ISO-8601 UTC text (`Date.toISOString`) of a date and time that says its offset; null for
 * anything else. Without an offset the same text is a different instant on every machine
 * (`new Date` reads it in the local zone), and `new Date("5")` is a date in 2001, so
 * neither is read at all.
 */
export function parseInstant(text: string): string | null {
  const match = INSTANT.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(local);
  // Date.UTC rolls 2026-02-30 over into March.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (!/^(Z|UTC)$/i.test(zone)) {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || '0')];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(local - offsetMinutes * 60_000).toISOString();
}

/**
 * The instant a record gives in `field`, as ISO-8601 UTC. `where` names the record (file
 * and record number, table and row, revision name); anything but a date-time with an
 * offset, or a Date from a typed warehouse column, is an error naming it.
 */
export function recordedInstant(value: unknown, where: string, field: string): string {
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return value.toISOString();
  } else if (typeof value === 'string') {
    const instant = parseInstant(value);
    if (instant) return instant;
    if (/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value.trim())) {
      throw new DeploymentError(`${where} has ${field} ${JSON.stringify(value)}, which has no UTC offset: it would be read in each machine's own time zone. Use ${INSTANT_FORM}.`);
    }
  }
  if (value === null || value === undefined || value === '') throw new DeploymentError(`${where} has no ${field}; use ${INSTANT_FORM}.`);
  throw new DeploymentError(`${where} has ${field} ${JSON.stringify(value instanceof Date ? String(value) : value)}, which is not a date-time; use ${INSTANT_FORM}.`);
}

/**
 * The commit a record gives in `field`, lower-cased, or null when the record gives none
 * (null or absent: verification then says the revision does not record its commit). A
 * value that is not hex, or a prefix shorter than MIN_COMMIT_DIGITS, is an error naming the
 * record.
 */
export function recordedCommit(value: unknown, where: string, field: string): string | null {
  if (value === null || value === undefined) return null;
  const accepted = `a git SHA: the full 40 hex digits (e.g. $(git rev-parse HEAD)) or a prefix of at least ${MIN_COMMIT_DIGITS}`;
  if (typeof value !== 'string' || !/^[0-9a-f]{1,40}$/i.test(value)) {
    throw new DeploymentError(`${where} has ${field} ${JSON.stringify(value)}, which is not a git SHA; record ${accepted}.`);
  }
  if (value.length < MIN_COMMIT_DIGITS) {
    throw new DeploymentError(
      `${where} has ${field} "${value}", a prefix of ${value.length} hex digit${value.length === 1 ? '' : 's'}: too short to name one commit; record ${accepted}.`,
    );
  }
  return value.toLowerCase();
}
