import type { Proportion } from '../metrics/wilson';

/** `15h53m`, `2d4h`, `45m`, `30s`; negative durations get a minus sign. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let s = Math.round(Math.abs(seconds));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  const secs = s - minutes * 60;
  if (days > 0) return `${sign}${days}d${hours}h`;
  if (hours > 0) return `${sign}${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${sign}${minutes}m`;
  return `${sign}${secs}s`;
}

/** A share the sources cannot give (null) is "not recorded", never a number. */
export function formatPercent(share: number | null, digits = 1): string {
  return share === null ? 'not recorded' : `${(share * 100).toFixed(digits)}%`;
}

/**
 * `58.5% [43.4, 72.2] n=41`: a rate is never shown without its interval and sample size.
 * Null is a rate the sources cannot give at all, which is not the same as none counted.
 */
export function formatRate(p: Proportion | null): string {
  if (p === null) return 'not recorded';
  if (p.rate === null) return 'no sample (n=0)';
  return `${(p.rate * 100).toFixed(1)}% [${(p.low * 100).toFixed(1)}, ${(p.high * 100).toFixed(1)}] n=${p.n}`;
}

/**
 * Direction accuracy with the graded rows it leaves out for having no line (NULL, or the
 * value the table stores for none), so a rate over fewer rows than were graded says why.
 */
export function formatDirection(m: { directionAccuracy: Proportion | null; directionExcluded?: number | null }): string {
  const excluded = m.directionExcluded ?? 0;
  return `${formatRate(m.directionAccuracy)}${m.directionAccuracy && excluded > 0 ? ` (${formatCount(excluded)} without a line left out)` : ''}`;
}

/** Difference of two rates in percentage points with its interval. */
export function formatPointDifference(d: { difference: number | null; low: number; high: number }): string {
  if (d.difference === null) return 'not comparable (a side has no sample)';
  const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return `${pts(d.difference)} pts [${pts(d.low)}, ${pts(d.high)}]`;
}

export function formatNumber(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? 'not recorded' : value.toFixed(digits);
}

/**
 * A figure over graded rows (MAE, bias, std of error): over no rows there is nothing to
 * compute, which is not the same as a figure the tables cannot give.
 */
export function formatMeasure(value: number | null, graded: number, digits = 2): string {
  if (value === null && graded === 0) return 'no graded rows';
  return formatNumber(value, digits);
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `2026-01-30 03:17 UTC`. */
export function formatTimestamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}
