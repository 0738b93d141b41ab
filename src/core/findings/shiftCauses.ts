import type { ThresholdsConfig } from '../config/types';
import { formatCount, formatPercent, shortSha } from '../report/format';
import type { Row } from '../warehouse/types';
import type { Shift } from './metricShift';
import { coverage, emptyShare, formatValue, frozenValue, statsFromRow, sumStats, variesWithin, type ValueStats } from './valueStats';

/*
 * What the inputs of a model's own rows did across a shift in its results. A cause is tied
 * by rows: an input broken on the rows of the worse side (the regressed build, or the dates
 * after the change) more than on the better side's is a candidate, whatever day its
 * breakage began; one broken as much on the better side is dismissed, saying on how many
 * rows, builds and modes that was checked.
 */

export interface InputCell {
  /** The build of the prediction the row fed (full SHA where git knows it). */
  commit: string | null;
  period: 'before' | 'after';
  mode: string | null;
  day: string;
  stats: ValueStats;
}

/** An input of the model: a feature-store feature, or a value recorded with each prediction. */
export interface InputSeries {
  source: 'featureStore' | 'snapshot';
  /** How findings name it: the registry name, or `column.key` for a recorded value. */
  label: string;
  /** The feature's index when the registry knows it. */
  index: number | null;
  cells: InputCell[];
}

export interface Cause {
  source: InputSeries['source'];
  input: string;
  index: number | null;
  kind: 'empty' | 'frozen' | 'coverage';
  /** Share of the worse side's rows where the input was broken (or, for coverage, its coverage). */
  worse: { rows: number; share: number; modes: string[] };
  better: { rows: number; share: number };
  frozenAt: number | null;
  text: string;
}

export interface Dismissal {
  source: InputSeries['source'];
  input: string;
  index: number | null;
  text: string;
}

export interface ShiftInputs {
  causes: Cause[];
  dismissals: Dismissal[];
  /** What was compared: rows, builds and modes on each side. */
  checked: string | null;
}

/** A broken share this much higher on the worse side makes an input a candidate. */
const CAUSE_MARGIN = 0.2;
/** A coverage this much different between the sides is worth a line. */
const COVERAGE_MOVE = 0.05;

export function inputCells(rows: Row[], key: 'feature_index' | 'snapshot_key', sha: (value: string | null) => string | null): Map<string, InputCell[]> {
  const out = new Map<string, InputCell[]>();
  for (const r of rows) {
    const k = String(r[key]);
    const raw = r.commit_sha === null || r.commit_sha === undefined ? null : String(r.commit_sha);
    const list = out.get(k) ?? [];
    list.push({
      commit: raw === null ? null : (sha(raw) ?? raw),
      period: r.period === 'before' ? 'before' : 'after',
      mode: r.mode === null || r.mode === undefined ? null : String(r.mode),
      day: String(r.day),
      stats: statsFromRow(r),
    });
    out.set(k, list);
  }
  return out;
}

interface Side {
  label: string;
  cells: InputCell[];
}

function sides(shift: Shift, cells: InputCell[]): { after: Side; before: Side } {
  if (shift.at === 'build') {
    const label = (c: string | null | undefined) => `build ${c ? shortSha(c) : 'unknown'}`;
    return {
      after: { label: label(shift.after.commit), cells: cells.filter((c) => c.commit === (shift.after.commit ?? null)) },
      before: { label: label(shift.before.commit), cells: cells.filter((c) => c.commit === (shift.before.commit ?? null)) },
    };
  }
  return {
    after: { label: `the rows from ${shift.splitDay}`, cells: cells.filter((c) => c.period === 'after') },
    before: { label: `the rows before ${shift.splitDay}`, cells: cells.filter((c) => c.period === 'before') },
  };
}

/** Rows of a side that held one value on every row, in modes where the value never varied within a day. */
function frozenRows(side: InputCell[]): { rows: number; value: number | null } {
  const byMode = new Map<string, InputCell[]>();
  for (const c of side) byMode.set(String(c.mode), [...(byMode.get(String(c.mode)) ?? []), c]);
  let rows = 0;
  let value: number | null = null;
  for (const cells of byMode.values()) {
    const total = sumStats(cells.map((c) => c.stats));
    const frozen = frozenValue(total);
    if (frozen === null) continue;
    rows += total.rows;
    value = frozen;
  }
  return { rows, value };
}

const modesOf = (cells: InputCell[]) => [...new Set(cells.flatMap((c) => (c.mode === null ? [] : [c.mode])))].sort();
/** ` (daily, backfill)`: the modes rows came from, when the store records modes. */
const inModes = (modes: string[]) => (modes.length ? ` (${modes.join(', ')})` : '');

export function shiftInputs(shift: Shift, series: InputSeries[], thresholds: ThresholdsConfig): ShiftInputs {
  const fell = (shift.hitRate.difference ?? 0) < 0;
  const causes: Cause[] = [];
  const dismissals: Dismissal[] = [];
  const allCells = series.flatMap((s) => s.cells);
  if (allCells.length === 0) return { causes, dismissals, checked: null };
  const overall = sides(shift, allCells);
  const worseOverall = fell ? overall.after : overall.before;
  const betterOverall = fell ? overall.before : overall.after;
  for (const s of series) {
    const { after, before } = sides(shift, s.cells);
    const worse = fell ? after : before;
    const better = fell ? before : after;
    const W = sumStats(worse.cells.map((c) => c.stats));
    const B = sumStats(better.cells.map((c) => c.stats));
    if (W.rows === 0 || B.rows === 0) continue;
    const where = s.source === 'snapshot' ? `${s.label} (recorded with each prediction)` : s.label;
    const frozenW = frozenRows(worse.cells);
    const frozenB = frozenRows(better.cells);
    const betterVaries = variesWithin(better.cells.map((c) => c.stats));
    const emptyW = emptyShare(W)!;
    const emptyB = emptyShare(B)!;
    const frozenShareW = frozenW.value !== null && betterVaries ? frozenW.rows / W.rows : 0;
    const frozenShareB = frozenB.value !== null ? frozenB.rows / B.rows : 0;
    const modes = modesOf(worse.cells);
    const rowsText = (side: Side, stats: ValueStats) => `${side.label}'s ${formatCount(stats.rows)} rows`;
    if (emptyW - emptyB >= CAUSE_MARGIN) {
      causes.push({
        source: s.source,
        input: s.label,
        index: s.index,
        kind: 'empty',
        worse: { rows: W.rows, share: emptyW, modes },
        better: { rows: B.rows, share: emptyB },
        frozenAt: null,
        text: `${where}: ${formatPercent(emptyW)} zeros or NULL on ${rowsText(worse, W)}${inModes(modes)} vs ${formatPercent(emptyB)} on ${rowsText(better, B)}: broken on the rows ${
          fell ? 'that did worse' : 'that did better'
        }; a candidate cause.`,
      });
      continue;
    }
    if (frozenShareW - frozenShareB >= CAUSE_MARGIN) {
      causes.push({
        source: s.source,
        input: s.label,
        index: s.index,
        kind: 'frozen',
        worse: { rows: W.rows, share: frozenShareW, modes },
        better: { rows: B.rows, share: frozenShareB },
        frozenAt: frozenW.value,
        text: `${where}: frozen at ${formatValue(frozenW.value!)} on ${formatPercent(frozenShareW)} of ${rowsText(worse, W)}${inModes(modes)}, where it varies on ${rowsText(better, B)}: a default in place of the input; a candidate cause.`,
      });
      continue;
    }
    const covW = coverage(W)!;
    const covB = coverage(B)!;
    const covBefore = fell ? covB : covW;
    const covAfter = fell ? covW : covB;
    const moved = `${s.source === 'snapshot' ? where : s.label} coverage ${(covBefore * 100).toFixed(1)}% (n=${fell ? B.rows : W.rows}) → ${(covAfter * 100).toFixed(1)}% (n=${fell ? W.rows : B.rows})`;
    if (covB - covW >= COVERAGE_MOVE) {
      causes.push({
        source: s.source,
        input: s.label,
        index: s.index,
        kind: 'coverage',
        worse: { rows: W.rows, share: covW, modes },
        better: { rows: B.rows, share: covB },
        frozenAt: null,
        text: `${moved}: moved with the hit rate; a candidate cause.`,
      });
      continue;
    }
    if (covW - covB >= COVERAGE_MOVE) {
      dismissals.push({
        source: s.source,
        input: s.label,
        index: s.index,
        text: `${moved}: ${covAfter > covBefore ? 'higher' : 'lower'} in the ${fell ? 'worse' : 'better'} period, so it does not explain the ${fell ? 'drop' : 'rise'}.`,
      });
      continue;
    }
    const brokenW = Math.max(emptyW, frozenShareW);
    // Broken (or constant) where results were worse, and as much where they were better.
    if (brokenW >= thresholds.zeroRate || frozenW.value !== null) {
      const how = emptyW >= frozenShareW ? `${formatPercent(emptyW)} zeros or NULL` : `frozen at ${formatValue(frozenW.value!)}`;
      const howBetter = emptyW >= frozenShareW ? formatPercent(emptyB) : frozenB.value !== null ? `frozen at ${formatValue(frozenB.value)}` : 'varying';
      dismissals.push({
        source: s.source,
        input: s.label,
        index: s.index,
        text: `${where}: ${how} on ${rowsText(worse, W)}${inModes(modes)}, and ${howBetter} on ${rowsText(better, B)}${inModes(modesOf(better.cells))}: no different where results were ${
          fell ? 'better' : 'worse'
        }, so it does not explain the ${fell ? 'drop' : 'rise'}.`,
      });
    }
  }
  causes.sort((a, b) => b.worse.share - b.better.share - (a.worse.share - a.better.share));
  // Every input of one source covers the same rows; the first one counts them.
  const count = (worse: boolean, source: InputSeries['source']) => {
    const split = sides(shift, series.find((s) => s.source === source)!.cells);
    const cells = (worse === fell ? split.after : split.before).cells;
    return { rows: sumStats(cells.map((c) => c.stats)).rows, modes: modesOf(cells) };
  };
  const parts = [...new Set(series.map((s) => s.source))].map((source) => {
    const a = count(true, source);
    const b = count(false, source);
    // Feature rows carry their own build: they are counted by the predictions that read them.
    const [what, of] = source === 'snapshot' ? ['values recorded with the predictions', 'of'] : ['feature-store rows read by the predictions', 'for'];
    return `${what}: ${formatCount(a.rows)} ${of} ${worseOverall.label}${inModes(a.modes)} and ${formatCount(b.rows)} ${of} ${betterOverall.label}${inModes(b.modes)}`;
  });
  const inputs = series.length;
  return { causes, dismissals, checked: `Checked ${inputs} input(s) of ${shift.model}'s own rows in every mode: ${parts.join('; ')}.` };
}
