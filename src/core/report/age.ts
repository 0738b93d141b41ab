import { formatDuration } from './format';

/**
 * Data that stopped more than this before today is "old": an age against today (`307d ago`)
 * then says more about the calendar than about the investigation, so ages are told against
 * the data's last day instead.
 */
const OLD_DATA_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

/**
 * How old something that happened `at` is, `ageSeconds` before now: `3d4h ago`, or with data
 * that ended well before today, `3 days before the data's last day, 2026-02-03`.
 */
export function describeAge(at: string, ageSeconds: number, dataLastDay: string | null = null): string {
  const now = Date.parse(at) + ageSeconds * 1000;
  const lastDay = dataLastDay ? Date.parse(`${dataLastDay}T00:00:00Z`) : NaN;
  // The last day counts until its end: data through yesterday is not old.
  if (!Number.isFinite(lastDay) || now - (lastDay + DAY_MS) <= OLD_DATA_MS) return `${formatDuration(ageSeconds)} ago`;
  const days = Math.round((Date.parse(`${at.slice(0, 10)}T00:00:00Z`) - lastDay) / DAY_MS);
  if (days === 0) return `on the data's last day, ${dataLastDay}`;
  const n = Math.abs(days);
  return `${n} day${n === 1 ? '' : 's'} ${days < 0 ? 'before' : 'after'} the data's last day, ${dataLastDay}`;
}
