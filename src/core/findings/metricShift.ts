import type { ThresholdsConfig } from '../config/types';
import { addSums, EMPTY_SUMS, type MetricSums, sliceMetrics, sumsFromRow } from '../metrics/aggregate';
import { compareProportions, type ProportionDifference } from '../metrics/compareProportions';
import type { SliceMetrics } from '../metrics/types';
import { formatNumber, formatPointDifference, formatRate, shortSha } from '../report/format';
import type { Row } from '../warehouse/types';
import type { ShiftInputs } from './shiftCauses';
import { SEVERITY_WEIGHT, type Finding } from './types';

/** One model's rows at the (commit, day) grain, commits already resolved to full SHAs. */
export interface ModelSeries {
  model: string;
  cells: Array<{ commit: string | null; day: string; sums: MetricSums }>;
}

export function modelSeries(rows: Row[], fullSha: (value: string | null) => string | null): ModelSeries[] {
  const byModel = new Map<string, ModelSeries>();
  for (const row of rows) {
    const model = String(row.model);
    const series = byModel.get(model) ?? { model, cells: [] };
    const raw = (row.commit_sha as string | null) ?? null;
    series.cells.push({ commit: fullSha(raw) ?? raw, day: String(row.day), sums: sumsFromRow(row) });
    byModel.set(model, series);
  }
  return [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model));
}

export interface BuildSlice {
  commit: string | null;
  firstDay: string;
  lastDay: string;
  metrics: SliceMetrics;
}

/** A model's builds in the order they first produced rows. */
export function buildsOf(series: ModelSeries): BuildSlice[] {
  const builds = new Map<string, { commit: string | null; firstDay: string; lastDay: string; sums: MetricSums }>();
  for (const cell of series.cells) {
    const key = cell.commit ?? '(none)';
    const b = builds.get(key) ?? { commit: cell.commit, firstDay: cell.day, lastDay: cell.day, sums: EMPTY_SUMS };
    if (cell.day < b.firstDay) b.firstDay = cell.day;
    if (cell.day > b.lastDay) b.lastDay = cell.day;
    b.sums = addSums(b.sums, cell.sums);
    builds.set(key, b);
  }
  return [...builds.values()]
    .sort((a, b) => a.firstDay.localeCompare(b.firstDay))
    .map((b) => ({ commit: b.commit, firstDay: b.firstDay, lastDay: b.lastDay, metrics: sliceMetrics(b.sums) }));
}

export function sliceByDays(series: ModelSeries, from: string, to: string): SliceMetrics {
  return sliceMetrics(series.cells.filter((c) => c.day >= from && c.day <= to).reduce((s, c) => addSums(s, c.sums), EMPTY_SUMS));
}

export interface Shift {
  model: string;
  at: 'build' | 'date';
  /** First day of the later side. */
  splitDay: string;
  before: SliceMetrics & { label: string; from: string; to: string; commit?: string | null };
  after: SliceMetrics & { label: string; from: string; to: string; commit?: string | null };
  hitRate: ProportionDifference;
}

/**
 * Hit-rate shifts per model: between consecutive builds, and at the single date that best
 * splits the series (a change point). Reported only when the 95% interval of the difference
 * excludes zero and both sides have the configured minimum of graded rows.
 */
export function detectShifts(series: ModelSeries[], thresholds: ThresholdsConfig): Shift[] {
  const shifts: Shift[] = [];
  for (const s of series) {
    const builds = buildsOf(s).filter((b) => b.metrics.graded >= thresholds.minSample);
    for (let i = 1; i < builds.length; i++) {
      const before = builds[i - 1];
      const after = builds[i];
      const diff = compareProportions(before.metrics.hitRate, after.metrics.hitRate);
      if (!diff.significant) continue;
      shifts.push({
        model: s.model,
        at: 'build',
        splitDay: after.firstDay,
        before: { ...before.metrics, label: `build ${before.commit ? shortSha(before.commit) : 'unknown'}`, from: before.firstDay, to: before.lastDay, commit: before.commit },
        after: { ...after.metrics, label: `build ${after.commit ? shortSha(after.commit) : 'unknown'}`, from: after.firstDay, to: after.lastDay, commit: after.commit },
        hitRate: diff,
      });
    }
    const changePoint = bestDateSplit(s, thresholds.minSample);
    if (changePoint && !shifts.some((x) => x.model === s.model && Math.abs(daysBetween(x.splitDay, changePoint.splitDay)) <= 2)) shifts.push(changePoint);
  }
  return shifts;
}

/** Each side of a date change point spans at least this many days: a day or two of noise is not a regime. */
const MIN_SIDE_DAYS = 5;

function bestDateSplit(series: ModelSeries, minSample: number): Shift | null {
  const days = [...new Set(series.cells.map((c) => c.day))].sort();
  if (days.length < 2 * MIN_SIDE_DAYS) return null;
  let best: { day: string; z: number } | null = null;
  const total = series.cells.reduce((s, c) => addSums(s, c.sums), EMPTY_SUMS);
  let running = EMPTY_SUMS;
  const byDay = new Map<string, MetricSums>();
  for (const c of series.cells) byDay.set(c.day, addSums(byDay.get(c.day) ?? EMPTY_SUMS, c.sums));
  for (let i = 1; i < days.length; i++) {
    running = addSums(running, byDay.get(days[i - 1])!);
    if (i < MIN_SIDE_DAYS || days.length - i < MIN_SIDE_DAYS) continue;
    const n1 = running.graded;
    const n2 = total.graded - n1;
    if (n1 < minSample || n2 < minSample) continue;
    const p1 = running.correct / n1;
    const p2 = (total.correct - running.correct) / n2;
    const p = total.correct / total.graded;
    const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
    const z = se > 0 ? Math.abs(p2 - p1) / se : 0;
    if (!best || z > best.z) best = { day: days[i], z };
  }
  if (!best) return null;
  const beforeTo = days[days.indexOf(best.day) - 1];
  const before = sliceByDays(series, days[0], beforeTo);
  const after = sliceByDays(series, best.day, days[days.length - 1]);
  const diff = compareProportions(before.hitRate, after.hitRate);
  if (!diff.significant) return null;
  return {
    model: series.model,
    at: 'date',
    splitDay: best.day,
    before: { ...before, label: 'before', from: days[0], to: beforeTo },
    after: { ...after, label: 'after', from: best.day, to: days[days.length - 1] },
    hitRate: diff,
  };
}

export function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400_000;
}

/** An error figure, or "not recorded" when graded rows exist but the tables hold no error for them. */
const error = (slice: SliceMetrics, value: number | null) => (value === null && slice.graded > 1 ? 'not recorded' : formatNumber(value));

export function shiftFinding(shift: Shift, inputs: ShiftInputs | null, deployNote: string | null, notChecked: string | null = null): Finding {
  const fell = (shift.hitRate.difference ?? 0) < 0;
  const pts = Math.abs(shift.hitRate.difference ?? 0) * 100;
  const severity = fell ? 'high' : 'medium';
  const evidence = [
    `Before (${shift.before.label}, ${shift.before.from}..${shift.before.to}): hit rate ${formatRate(shift.before.hitRate)}, MAE ${error(shift.before, shift.before.mae)}, std of error ${error(
      shift.before,
      shift.before.stdError,
    )}, ${shift.before.predictions} predictions.`,
    `After (${shift.after.label}, ${shift.after.from}..${shift.after.to}): hit rate ${formatRate(shift.after.hitRate)}, MAE ${error(shift.after, shift.after.mae)}, std of error ${error(
      shift.after,
      shift.after.stdError,
    )}, ${shift.after.predictions} predictions.`,
    `Difference ${formatPointDifference(shift.hitRate)} (95% interval excludes zero).`,
  ];
  if (deployNote) evidence.push(deployNote);
  for (const cause of inputs?.causes ?? []) evidence.push(cause.text);
  for (const dismissal of inputs?.dismissals ?? []) evidence.push(dismissal.text);
  if (inputs?.checked) evidence.push(inputs.checked);
  if (notChecked) evidence.push(`Inputs not checked: ${notChecked}.`);
  else if (fell && inputs && inputs.causes.length === 0) evidence.push('No input of these rows was broken more where results were worse: the cause is not in the checked inputs.');
  const modelTitle = `${shift.model} hit rate ${fell ? 'fell' : 'rose'} ${pts.toFixed(1)} pts ${shift.at === 'build' ? `with ${shift.after.label}` : `from ${shift.splitDay}`}`;
  return {
    kind: 'metric-shift',
    severity,
    // Drops rank above broken-feature findings of the same severity: a shift is what users feel.
    score: SEVERITY_WEIGHT[severity] + (fell ? 500 : 0) + Math.min(499, pts * 10 + Math.log10(1 + shift.after.graded) * 30),
    title: `${modelTitle}: ${formatRate(shift.before.hitRate)} → ${formatRate(shift.after.hitRate)}`,
    evidence,
    subjects: {
      models: [shift.model],
      dates: [shift.splitDay],
      commits: [shift.before.commit, shift.after.commit].filter((c): c is string => !!c),
      ...(inputs?.causes.some((c) => c.index !== null) ? { features: [...new Set(inputs.causes.flatMap((c) => (c.index === null ? [] : [c.index])))] } : {}),
    },
    data: {
      ...shift,
      candidateCauses: (inputs?.causes ?? []).map((c) => c.text),
      causes: inputs?.causes ?? [],
      dismissed: inputs?.dismissals ?? [],
      inputsChecked: inputs?.checked ?? null,
    },
  };
}
