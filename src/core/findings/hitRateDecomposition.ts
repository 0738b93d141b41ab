import type { PipelineLensConfig } from '../config/types';
import type { GroupCount, RateDecomposition } from '../metrics/rateDecomposition';
import { shortSha } from '../report/format';
import type { Row } from '../warehouse/types';
import { groupData, groupLine, sideRate, signedPoints } from './decompositionLines';
import type { Finding } from './types';

/*
 * A hit-rate shift told apart into which runs are graded and how well each kind of run did:
 * a backfill that widens its population with harder rows lowers the hit rate without any
 * mode getting worse, and a regressed build lowers it with the same mix of runs. The groups
 * are the run mode each graded row's prediction was written in (or, for a pipeline that
 * records the mode on the feature store only, the mode of the feature row it read).
 */

/** Where the run mode is read, as the setting to name in evidence; null when none is configured. */
export function runModeSource(config: PipelineLensConfig): string | null {
  const p = config.tables.predictions;
  if (p.modeFrom === 'featureJoin') return 'tables.featureStore.columns.mode through tables.predictions.featureJoin';
  return p.columns.mode ? 'tables.predictions.columns.mode' : null;
}

/** The evidence line of a shift whose run mode is not configured, so that its absence is said rather than silent. */
export function notDecomposedLine(): string {
  return 'Hit-rate change not decomposed: no run mode is configured (tables.predictions.columns.mode, or tables.predictions.modeFrom "featureJoin" to read tables.featureStore.columns.mode on the feature row each prediction read), so mix and within-mode change cannot be told apart.';
}

/**
 * What the two sides of a decomposed shift are: graded rows before and from a day, or the
 * graded rows of some builds against those of others, whatever their dates (a backfill on
 * one build interleaves with daily runs on the next). A null build stands for rows that
 * record none.
 */
export type ShiftSides =
  { by: 'date'; splitDay: string; from: string; to: string } | { by: 'build'; before: Array<string | null>; after: Array<string | null>; from: string; to: string };

/**
 * Rows of hitRateByModeQuery as the two sides of a shift. By date, the query's period says the
 * side; by build, the build each graded row counts under (`fullSha` spells it as the sides
 * do), and rows of any other build are left out.
 */
export function hitRateGroups(rows: Row[], sides: ShiftSides, fullSha: (raw: string | null) => string | null): { before: GroupCount[]; after: GroupCount[] } {
  const sideOf = (r: Row): 'before' | 'after' | null => {
    if (sides.by === 'date') return r.period === 'before' ? 'before' : 'after';
    const raw = r.commit_sha === null || r.commit_sha === undefined ? null : String(r.commit_sha);
    const build = fullSha(raw) ?? raw;
    if (sides.before.includes(build)) return 'before';
    return sides.after.includes(build) ? 'after' : null;
  };
  const out: { before: GroupCount[]; after: GroupCount[] } = { before: [], after: [] };
  for (const r of rows) {
    const side = sideOf(r);
    if (side) out[side].push({ group: String(r.grp), n: Number(r.row_count), hits: Number(r.positive) });
  }
  return out;
}

const buildNames = (builds: Array<string | null>) => {
  const named = builds.map((b) => (b ? shortSha(b) : 'no recorded build'));
  return `${named.length === 1 ? 'build' : 'builds'} ${named.join(', ')}`;
};

/** A decomposition told as evidence lines and its `decomposition` data, or the one line saying why it cannot be. */
export function hitRateDecompositionReport(
  d: RateDecomposition,
  sides: ShiftSides,
  source: string,
): { lines: string[]; data: Record<string, unknown> } | { notDecomposed: string } {
  const compared =
    sides.by === 'date'
      ? `graded rows ${sides.from}..${sides.to} split at ${sides.splitDay}`
      : `the graded rows of ${buildNames(sides.before)} against those of ${buildNames(sides.after)} (each build's own rows, ${sides.from}..${sides.to}, not a split by date)`;
  if (d.before.n === 0 || d.after.n === 0 || d.change.difference === null) {
    return { notDecomposed: `Hit-rate change not decomposed: ${compared} leave one side without graded rows joined to a prediction (${source}).` };
  }
  // Modes with rows on one side only take their own rate on the other: their whole part is mix.
  const shared = d.groups.filter((g) => g.before.n > 0 && g.after.n > 0).length;
  const line = `By run mode (${source}), ${compared}: of the ${signedPoints(d.change.difference)}-point change (${sideRate(d.before)} → ${sideRate(d.after)}), mix ${signedPoints(
    d.mix,
  )} points (each mode's share of the graded rows changed) and within modes ${signedPoints(d.within)} points: mostly ${
    d.dominant === 'mix' ? 'a change in the mix of runs' : 'a change within modes'
  }.${shared === 0 ? ' No mode has graded rows on both sides, so the change within a mode cannot be measured: all of it is counted as mix.' : ''}`;
  const groups = d.groups.map((g) => groupLine(g, { rows: 'graded rows', measure: 'hit rate', mix: 'mix' }));
  return {
    lines: [line, ...groups],
    data: {
      groupedBy: 'mode',
      modeSource: source,
      comparedBy: sides.by,
      ...(sides.by === 'date' ? { splitDay: sides.splitDay } : { builds: { before: sides.before, after: sides.after } }),
      window: { from: sides.from, to: sides.to },
      before: { n: d.before.n, correct: d.before.successes, rate: d.before.rate, low: d.before.low, high: d.before.high },
      after: { n: d.after.n, correct: d.after.successes, rate: d.after.rate, low: d.after.low, high: d.after.high },
      change: d.change.difference,
      mix: d.mix,
      within: d.within,
      dominant: d.dominant,
      modesOnBothSides: shared,
      groups: d.groups.map((g) => groupData(g, 'correct')),
    },
  };
}

/** Adds the decomposition over run modes to a metric-shift finding, as evidence lines and `data.decomposition`. */
export function withHitRateDecomposition(finding: Finding, d: RateDecomposition, sides: ShiftSides, source: string): Finding {
  const report = hitRateDecompositionReport(d, sides, source);
  if ('notDecomposed' in report) return { ...finding, evidence: [...finding.evidence, report.notDecomposed] };
  return {
    ...finding,
    evidence: [...finding.evidence.slice(0, 3), ...report.lines, ...finding.evidence.slice(3)],
    data: { ...finding.data, decomposition: report.data },
  };
}
