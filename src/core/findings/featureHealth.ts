import type { FeatureDefinition, ThresholdsConfig } from '../config/types';
import { formatCount, formatPercent } from '../report/format';
import type { Row } from '../warehouse/types';
import { SEVERITY_WEIGHT, type Finding } from './types';

interface DayPoint {
  day: string;
  rows: number;
  positive: number;
  zeros: number;
  mean: number | null;
}

interface Episode {
  from: string;
  to: string;
  /** Whether the series left the episode before the window ended. */
  recovered: boolean;
  during: DayPoint[];
  before: DayPoint[];
  after: DayPoint[];
}

const share = (points: DayPoint[], pick: (p: DayPoint) => number) => {
  const rows = points.reduce((s, p) => s + p.rows, 0);
  return rows === 0 ? null : points.reduce((s, p) => s + pick(p), 0) / rows;
};
const rowsOf = (points: DayPoint[]) => points.reduce((s, p) => s + p.rows, 0);

/** Maximal runs of consecutive days where `bad` holds, that were preceded by at least one good day. */
function episodes(points: DayPoint[], bad: (p: DayPoint) => boolean, minDays: number): Episode[] {
  const found: Episode[] = [];
  let start = -1;
  for (let i = 0; i <= points.length; i++) {
    const isBad = i < points.length && bad(points[i]);
    if (isBad && start < 0) start = i;
    if (!isBad && start >= 0) {
      if (start > 0 && i - start >= minDays) {
        const priorGood = points.slice(0, start).reverse();
        const cut = priorGood.findIndex(bad);
        found.push({
          from: points[start].day,
          to: points[i - 1].day,
          recovered: i < points.length,
          during: points.slice(start, i),
          before: (cut < 0 ? priorGood : priorGood.slice(0, cut)).reverse(),
          after: points.slice(i, points.length).filter((p) => !bad(p)),
        });
      }
      start = -1;
    }
  }
  return found;
}

/**
 * Zero-rate jumps (a feature that becomes almost all zeros is broken, whatever its values
 * look like) and coverage drops below a feature's minimum, per feature and mode.
 */
export function featureHealthFindings(rows: Row[], registry: FeatureDefinition[], thresholds: ThresholdsConfig): Finding[] {
  const series = new Map<string, { index: number; mode: string | null; points: DayPoint[] }>();
  for (const r of rows) {
    const index = Number(r.feature_index);
    const mode = r.mode === null || r.mode === undefined ? null : String(r.mode);
    const key = `${index}\u0000${mode}`;
    const s = series.get(key) ?? { index, mode, points: [] };
    s.points.push({ day: String(r.day), rows: Number(r.row_count), positive: Number(r.positive), zeros: Number(r.zeros), mean: r.mean === null ? null : Number(r.mean) });
    series.set(key, s);
  }
  const byIndex = new Map(registry.map((f) => [f.index, f]));
  const findings: Finding[] = [];
  for (const s of series.values()) {
    s.points.sort((a, b) => a.day.localeCompare(b.day));
    const feature = byIndex.get(s.index);
    const name = feature?.name ?? `feature ${s.index}`;
    const modeText = s.mode ? ` in ${s.mode} mode` : '';

    const zeroEpisodes = episodes(s.points, (p) => p.rows > 0 && p.zeros / p.rows >= thresholds.zeroRate, 2);
    const lastDay = s.points[s.points.length - 1]?.day;
    for (const e of zeroEpisodes) {
      const zeroDuring = share(e.during, (p) => p.zeros)!;
      const nonZeroBefore = share(e.before, (p) => p.rows - p.zeros);
      const nonZeroAfter = share(e.after, (p) => p.rows - p.zeros);
      const meanAfter = e.after.length ? e.after.reduce((sum, p) => sum + (p.mean ?? 0) * p.rows, 0) / rowsOf(e.after) : null;
      const days = e.during.length;
      findings.push({
        kind: 'feature-zero-rate',
        severity: 'high',
        // Below a significant metric shift (3500+): a broken input matters, but the shift is what users feel.
        score: SEVERITY_WEIGHT.high + 200 + Math.min(299, days * 3 + Math.log10(1 + rowsOf(e.during)) * 10),
        title: `${name} (index ${s.index}) was ${formatPercent(zeroDuring)} zeros${modeText} from ${e.from} to ${e.to}${
          e.recovered ? '' : e.to === lastDay ? ` (the last day with${modeText ? ` ${s.mode}` : ''} rows)` : ''
        }: broken for ${days} day(s)`,
        evidence: [
          `Zero rate ${formatPercent(zeroDuring)} over ${formatCount(rowsOf(e.during))} rows on ${days} day(s) (${e.from}..${e.to}); the threshold for a broken feature is ${formatPercent(thresholds.zeroRate, 0)}.`,
          nonZeroBefore === null ? 'No earlier days in the window to compare with.' : `Before: ${formatPercent(nonZeroBefore)} non-zero over ${formatCount(rowsOf(e.before))} rows.`,
          nonZeroAfter === null
            ? `No later${modeText ? ` ${s.mode}` : ''} rows show it recovered.`
            : `After: ${formatPercent(nonZeroAfter)} non-zero over ${formatCount(rowsOf(e.after))} rows${meanAfter === null ? '' : `, mean ${meanAfter.toFixed(2)}`}.`,
        ],
        subjects: { features: [s.index], dates: [e.from, e.to] },
        data: { index: s.index, name, mode: s.mode, from: e.from, to: e.to, recovered: e.recovered, zeroRate: zeroDuring, nonZeroBefore, nonZeroAfter },
      });
    }

    const min = feature?.minCoverage;
    if (min === null || min === undefined) continue;
    for (const e of episodes(s.points, (p) => p.rows > 0 && p.positive / p.rows < min, 2)) {
      // A feature that went to zeros is already reported as broken; its coverage drop says nothing more.
      if (zeroEpisodes.some((z) => z.from <= e.to && e.from <= z.to)) continue;
      const before = share(e.before, (p) => p.positive);
      const during = share(e.during, (p) => p.positive)!;
      if (before === null) continue;
      const drop = before - during;
      findings.push({
        kind: 'feature-coverage-drop',
        severity: drop >= 0.3 ? 'high' : 'medium',
        score: SEVERITY_WEIGHT[drop >= 0.3 ? 'high' : 'medium'] + Math.min(199, drop * 150 + Math.log10(1 + rowsOf(e.during)) * 10),
        title: `${name} (index ${s.index}) coverage fell${modeText} from ${formatPercent(before)} to ${formatPercent(during)} on ${e.from}${e.recovered ? ` until ${e.to}` : ''} (minimum ${formatPercent(min, 0)})`,
        evidence: [
          `Before: ${formatPercent(before)} of ${formatCount(rowsOf(e.before))} rows had ${name} > 0.`,
          `From ${e.from}${e.recovered ? ` to ${e.to}` : ''}: ${formatPercent(during)} of ${formatCount(rowsOf(e.during))} rows.`,
        ],
        subjects: { features: [s.index], dates: [e.from, e.to] },
        data: { index: s.index, name, mode: s.mode, from: e.from, to: e.to, recovered: e.recovered, before, during, minCoverage: min },
      });
    }
  }
  return findings;
}
