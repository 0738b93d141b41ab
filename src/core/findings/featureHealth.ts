import type { FeatureDefinition, ThresholdsConfig } from '../config/types';
import { formatCount, formatPercent, shortSha } from '../report/format';
import type { Row } from '../warehouse/types';
import { SEVERITY_WEIGHT, type Finding } from './types';
import { coverage, emptyShare, formatValue, frozenValue, meanOf, statsFromRow, sumStats, variesWithin, varies, type ValueStats } from './valueStats';

/*
 * Broken inputs, judged without waiting for a good day first: each feature's rows are taken
 * per build that wrote them and mode, and a stretch of days where they are empty (zeros or
 * NULLs), frozen at one value, or below the registry's expected coverage is held against
 * the same feature in other builds and modes on the same dates, then on other dates, then
 * against the registry. A feature broken from the first day of a mode or of a build is
 * found, and one that is always zero by nature (a rare flag) is not.
 */

export type BrokenKind = 'empty' | 'frozen' | 'low';

interface Cell {
  day: string;
  mode: string | null;
  build: string | null;
  stats: ValueStats;
}

interface Segment {
  index: number;
  kind: BrokenKind;
  /** For frozen segments: the value every row held. */
  value: number | null;
  mode: string | null;
  builds: Array<string | null>;
  from: string;
  to: string;
  cells: Cell[];
}

/** A broken stretch of a feature, with what it was judged against: for tying it to regressions. */
export interface BrokenFeature {
  index: number;
  name: string;
  kind: BrokenKind;
  mode: string | null;
  builds: Array<string | null>;
  from: string;
  to: string;
  finding: Finding;
}

const MIN_DAYS = 2;

function state(s: ValueStats, feature: FeatureDefinition | undefined, thresholds: ThresholdsConfig): { kind: BrokenKind; value: number | null } | null {
  const empty = emptyShare(s);
  if (empty !== null && empty >= thresholds.zeroRate) return { kind: 'empty', value: null };
  const frozen = frozenValue(s);
  if (frozen !== null) return { kind: 'frozen', value: frozen };
  const min = feature?.minCoverage;
  const cov = coverage(s);
  if (min !== null && min !== undefined && cov !== null && cov < min) return { kind: 'low', value: null };
  return null;
}

const sameState = (a: { kind: BrokenKind; value: number | null } | null, b: { kind: BrokenKind; value: number | null } | null) =>
  a !== null && b !== null && a.kind === b.kind && a.value === b.value;

/**
 * Broken features, one finding per feature, mode and stretch of days (builds that follow
 * each other in one mode are one stretch), with the builds, modes and rows affected.
 * `sha` maps a build as the store records it to a full SHA where git knows it.
 */
export function featureHealth(rows: Row[], registry: FeatureDefinition[], thresholds: ThresholdsConfig, sha: (value: string | null) => string | null = (v) => v): BrokenFeature[] {
  const byFeature = new Map<number, Cell[]>();
  for (const r of rows) {
    const index = Number(r.feature_index);
    const list = byFeature.get(index) ?? [];
    const raw = r.commit_sha === null || r.commit_sha === undefined ? null : String(r.commit_sha);
    list.push({
      day: String(r.day),
      mode: r.mode === null || r.mode === undefined ? null : String(r.mode),
      build: raw === null ? null : (sha(raw) ?? raw),
      stats: statsFromRow(r),
    });
    byFeature.set(index, list);
  }
  const features = new Map(registry.map((f) => [f.index, f]));
  const found: BrokenFeature[] = [];
  for (const [index, cells] of [...byFeature].sort(([a], [b]) => a - b)) {
    const feature = features.get(index);
    const segments = mergeAcrossBuilds(segmentsOf(index, cells, feature, thresholds), cells);
    for (const segment of segments) {
      const judged = judge(segment, cells, feature, thresholds);
      if (judged) found.push(judged);
    }
  }
  return found;
}

/** Maximal runs of days, per build and mode, in one broken state. */
function segmentsOf(index: number, cells: Cell[], feature: FeatureDefinition | undefined, thresholds: ThresholdsConfig): Segment[] {
  const groups = new Map<string, Cell[]>();
  for (const c of cells) {
    const key = `${c.build}\u0000${c.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const segments: Segment[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.day.localeCompare(b.day));
    let run: Cell[] = [];
    let runState: ReturnType<typeof state> = null;
    const close = () => {
      if (runState && (run.length >= MIN_DAYS || run.length === group.length)) {
        segments.push({ index, kind: runState.kind, value: runState.value, mode: run[0].mode, builds: [run[0].build], from: run[0].day, to: run[run.length - 1].day, cells: run });
      }
      run = [];
      runState = null;
    };
    for (const c of group) {
      const s = state(c.stats, feature, thresholds);
      if (!sameState(s, runState)) close();
      if (s) {
        runState = s;
        run.push(c);
      }
    }
    close();
  }
  return segments.sort((a, b) => a.from.localeCompare(b.from));
}

/** One mode's stretch that passed from one build to the next without a healthy day between is one stretch. */
function mergeAcrossBuilds(segments: Segment[], cells: Cell[]): Segment[] {
  const merged: Segment[] = [];
  for (const s of segments) {
    const prev = merged.find(
      (m) =>
        m.mode === s.mode &&
        m.kind === s.kind &&
        m.value === s.value &&
        m.to < s.from &&
        !m.builds.includes(s.builds[0]) &&
        !cells.some((c) => c.mode === s.mode && c.day > m.to && c.day < s.from),
    );
    if (prev) {
      prev.to = s.to;
      prev.builds.push(...s.builds);
      prev.cells.push(...s.cells);
    } else merged.push({ ...s, builds: [...s.builds], cells: [...s.cells] });
  }
  return merged;
}

function judge(segment: Segment, cells: Cell[], feature: FeatureDefinition | undefined, thresholds: ThresholdsConfig): BrokenFeature | null {
  const inSegment = new Set(segment.cells);
  const days = new Set(segment.cells.map((c) => c.day));
  const sameDateCells = cells.filter((c) => !inSegment.has(c) && days.has(c.day));
  const otherDateCells = cells.filter((c) => !days.has(c.day));
  const sameDates = sumStats(sameDateCells.map((c) => c.stats));
  const otherDates = sumStats(otherDateCells.map((c) => c.stats));
  const during = sumStats(segment.cells.map((c) => c.stats));
  const min = feature?.minCoverage ?? null;
  const healthy = (s: ValueStats) => s.rows > 0 && (emptyShare(s) ?? 1) < thresholds.zeroRate;
  let confirmed: boolean;
  if (segment.kind === 'empty') confirmed = healthy(sameDates) || healthy(otherDates) || min !== null;
  // A value shared by every row of a day is normal for a date-level input (a weekday, a
  // season flag); frozen is broken only where the feature varies between rows of one day.
  else if (segment.kind === 'frozen') confirmed = sameDateCells.some((c) => varies(c.stats)) || variesWithin(otherDateCells.map((c) => c.stats));
  else confirmed = min !== null;
  if (!confirmed) return null;

  const name = feature?.name ?? `feature ${segment.index}`;
  const modeText = segment.mode ? ` in ${segment.mode} mode` : '';
  const builds = segment.builds.filter((b): b is string => b !== null);
  const buildText = builds.length ? ` (${builds.length === 1 ? 'build' : 'builds'} ${builds.map(shortSha).join(', ')})` : '';
  const modeCells = cells.filter((c) => c.mode === segment.mode);
  const lastModeDay = modeCells.reduce((max, c) => (c.day > max ? c.day : max), '');
  const before = sumStats(modeCells.filter((c) => c.day < segment.from).map((c) => c.stats));
  const after = sumStats(modeCells.filter((c) => c.day > segment.to).map((c) => c.stats));
  const recovered = segment.to < lastModeDay;
  const dayCount = days.size;
  const comparison = (label: string, s: ValueStats) =>
    s.rows === 0
      ? `${label}: no rows to compare with.`
      : `${label}: ${formatPercent(emptyShare(s))} zeros or NULL, coverage ${formatPercent(coverage(s))}${varies(s) ? '' : ', every value the same'} over ${formatCount(s.rows)} rows.`;
  const evidence: string[] = [];
  let title: string;
  let kind: Finding['kind'];
  let severity: Finding['severity'] = 'high';
  let score: number;
  const data: Record<string, unknown> = {
    index: segment.index,
    name,
    mode: segment.mode,
    builds,
    from: segment.from,
    to: segment.to,
    days: dayCount,
    rows: during.rows,
    recovered,
    sameDates: summary(sameDates),
    otherDates: summary(otherDates),
  };
  if (segment.kind === 'empty') {
    kind = 'feature-zero-rate';
    const share = emptyShare(during)!;
    const what = during.nulls > during.zeros ? 'NULL' : 'zeros';
    title = `${name} (index ${segment.index}) was ${formatPercent(share)} ${what}${modeText} from ${segment.from} to ${segment.to}${buildText}${
      recovered ? '' : ` (the last day with${segment.mode ? ` ${segment.mode}` : ''} rows)`
    }: broken for ${dayCount} day(s)`;
    evidence.push(
      `${formatCount(during.zeros)} zeros and ${formatCount(during.nulls)} NULLs in ${formatCount(during.rows)} rows on ${dayCount} day(s) (${segment.from}..${segment.to}); the threshold for a broken feature is ${formatPercent(thresholds.zeroRate, 0)}.`,
    );
    // Below a significant metric shift (3500+): a broken input matters, but the shift is what users feel.
    score = SEVERITY_WEIGHT.high + 200 + Math.min(299, dayCount * 3 + Math.log10(1 + during.rows) * 10);
    Object.assign(data, {
      zeroRate: during.zeros / during.rows,
      nullRate: during.nulls / during.rows,
      nonZeroBefore: before.rows ? 1 - emptyShare(before)! : null,
      nonZeroAfter: after.rows ? 1 - emptyShare(after)! : null,
    });
  } else if (segment.kind === 'frozen') {
    kind = 'feature-frozen';
    title = `${name} (index ${segment.index}) was frozen at ${formatValue(segment.value!)}${modeText} from ${segment.from} to ${segment.to}${buildText}: every one of ${formatCount(
      during.rows - during.nulls,
    )} values the same, where other rows vary`;
    evidence.push(`Every non-NULL value of ${formatCount(during.rows)} rows on ${dayCount} day(s) is ${formatValue(segment.value!)}: a default written in place of the input.`);
    score = SEVERITY_WEIGHT.high + 200 + Math.min(299, dayCount * 3 + Math.log10(1 + during.rows) * 10);
    Object.assign(data, { value: segment.value });
  } else {
    kind = 'feature-coverage-drop';
    const during_ = coverage(during)!;
    const prior = coverage(before);
    const drop = (prior ?? min!) - during_;
    severity = drop >= 0.3 ? 'high' : 'medium';
    title =
      prior !== null && prior >= min!
        ? `${name} (index ${segment.index}) coverage fell${modeText} from ${formatPercent(prior)} to ${formatPercent(during_)} on ${segment.from}${recovered ? ` until ${segment.to}` : ''}${buildText} (minimum ${formatPercent(min, 0)})`
        : `${name} (index ${segment.index}) coverage was ${formatPercent(during_)}${modeText} from ${segment.from} to ${segment.to}${buildText}, below its minimum of ${formatPercent(min, 0)}`;
    if (prior !== null) evidence.push(`Before: ${formatPercent(prior)} of ${formatCount(before.rows)} rows had ${name} > 0.`);
    evidence.push(`From ${segment.from}${recovered ? ` to ${segment.to}` : ''}: ${formatPercent(during_)} of ${formatCount(during.rows)} rows.`);
    score = SEVERITY_WEIGHT[severity] + Math.min(199, Math.max(0, drop) * 150 + Math.log10(1 + during.rows) * 10);
    Object.assign(data, { before: prior, during: during_, minCoverage: min });
  }
  evidence.push(comparison('Other builds and modes on the same dates', sameDates));
  if (segment.kind !== 'low') evidence.push(comparison('The same feature on other dates', otherDates));
  if (segment.kind !== 'low') {
    if (after.rows > 0) {
      const mean = meanOf(after);
      evidence.push(`After: ${formatPercent(coverage(after))} non-zero over ${formatCount(after.rows)} rows${mean === null ? '' : `, mean ${mean.toFixed(2)}`}.`);
    } else evidence.push(`No later${segment.mode ? ` ${segment.mode}` : ''} rows show it recovered.`);
  }
  const finding: Finding = {
    kind,
    severity,
    score,
    title,
    evidence,
    subjects: { features: [segment.index], dates: [segment.from, segment.to], ...(builds.length ? { commits: builds } : {}) },
    data,
  };
  return { index: segment.index, name, kind: segment.kind, mode: segment.mode, builds: segment.builds, from: segment.from, to: segment.to, finding };
}

function summary(s: ValueStats) {
  return { rows: s.rows, emptyShare: emptyShare(s), coverage: coverage(s), varies: s.rows > 0 ? varies(s) : null };
}
