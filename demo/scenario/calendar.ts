/** The story's calendar: the season's game dates and the dates and times the incident record gives. */
export const FIRST_DATE = '2025-11-01';
export const LAST_DATE = '2026-02-02';
const NO_GAMES = new Set(['2025-11-27', '2025-12-24']);
export const WINDOW_START = '2026-01-27';
/** The feature store misses 12% of the expected players on this date (a completeness finding). */
export const INCOMPLETE_FEATURE_DATE = '2026-01-24';
/** catboost_v9 days with ~70% UNDER calls that hit ~54% (RED signal days). */
export const RED_DAYS = new Set(['2026-01-10', '2026-01-17', '2026-01-24']);
/** A daily run that failed for one model (BigQuery 503): no rows that day. */
export const FAILED_CELL = { system: 'zone_matchup_v1', date: '2025-12-18' };

export const BACKFILL_START_MS = Date.UTC(2026, 0, 30, 7, 41, 0);
export const BACKFILL_END_MS = Date.UTC(2026, 0, 30, 8, 37, 0);
export const BACKFILL_FIRST_DATE = '2026-01-09';
export const BACKFILL_LAST_DATE = '2026-01-28';
export const MANUAL_V9_RUN_MS = Date.UTC(2026, 1, 2, 20, 31, 12);
export const NOVEMBER_REGENERATED_MS = Date.UTC(2025, 11, 11, 9, 0, 0);

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function dayStart(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function gameDates(): string[] {
  const out: string[] = [];
  for (let d = FIRST_DATE; d <= LAST_DATE; d = addDays(d, 1)) if (!NO_GAMES.has(d)) out.push(d);
  return out;
}

export const inRange = (d: string, from: string, to: string) => d >= from && d <= to;
