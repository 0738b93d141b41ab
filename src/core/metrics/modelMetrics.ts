import type { PipelineLensConfig, ThresholdsConfig } from '../config/types';
import type { Row } from '../warehouse/types';
import { runChecked } from '../warehouse/checkedQuery';
import { ResolvedShas } from '../git/shaResolver';
import { formatCount, formatPercent } from '../report/format';
import { modelCommitDateQuery, modelsSummaryQuery, type DateWindow } from '../warehouse/catalog';
import type { Workspace } from '../workspace';
import { addSums, EMPTY_SUMS, type MetricSums, sliceMetrics, sumsFromRow } from './aggregate';
import { compareMeans, compareProportions, type MeanDifference, type ProportionDifference } from './compareProportions';
import type { SliceMetrics } from './types';

export type MetricsBreakdown = 'commit' | 'date' | 'period';

export interface MetricsRow {
  /** The commit (full SHA when known locally), the date, or `before` / `after`. */
  key: string;
  label: string;
  firstDay: string;
  lastDay: string;
  metrics: SliceMetrics;
  /** For commits: subject and time, when the commit is in local history. */
  commit?: { sha: string; subject: string; committedAt: string } | null;
}

export interface MetricsReport {
  model: string;
  by: MetricsBreakdown;
  window: DateWindow;
  rows: MetricsRow[];
  /** Figures left out because the tables cannot give them: the setting, and what was wrong. */
  notRecorded: string[];
  /** For periods: after − before. */
  /** `date` splits by the date predicted for, `time` by when each prediction was made, `commit` by builds containing it. */
  comparison: { hitRate: ProportionDifference; mae: MeanDifference; split: string; splitKind: 'commit' | 'date' | 'time' } | null;
  /** Rows whose figures rest on little grading: below the grading threshold, or too few graded rows to compare. */
  warnings: string[];
}

export class MetricsInputError extends Error {}

/** Hit rate, MAE and the rest for one model, by build, by date, or before/after a commit or instant. */
export async function modelMetrics(workspace: Workspace, model: string, by: MetricsBreakdown, options: { window?: DateWindow; splitAt?: string } = {}): Promise<MetricsReport> {
  const window = options.window ?? (await workspace.defaultWindow());
  if (by === 'period' && !options.splitAt)
    throw new MetricsInputError('--by period needs --split-at with a commit SHA or a date/timestamp (e.g. 2026-01-09 or 2026-01-30T19:10:00Z).');
  // A time (not just a date) splits by when each prediction was made, which needs the time it was written.
  const split = by === 'period' ? options.splitAt! : null;
  const instant = split && /^\d{4}-\d{2}-\d{2}T/.test(split) ? Date.parse(split) : null;
  if (instant !== null && Number.isNaN(instant)) throw new MetricsInputError(`--split-at ${split} is not a valid timestamp (use e.g. 2026-01-30T19:10:00Z).`);
  const createdAt = workspace.config.tables.predictions.columns.createdAt;
  if (instant !== null && !createdAt) {
    throw new MetricsInputError(
      `--split-at ${split} is a time, but tables.predictions.columns.createdAt is null in ${workspace.config.file}, so predictions cannot be split by when they were made. Give a date (e.g. ${split!.slice(0, 10)}) to split by the date predicted for, or set createdAt to the column holding each row's write time.`,
    );
  }
  const splitAt = instant !== null ? new Date(instant).toISOString() : undefined;
  const warehouse = await workspace.warehouse();
  const result = await runChecked(warehouse, workspace.config, (c) => modelCommitDateQuery(c, { window, models: [model], splitAt }), window);
  if (!result.ok) {
    if (splitAt && result.faults.some((f) => f.need.key === 'tables.predictions.columns.createdAt')) {
      throw new MetricsInputError(
        `--split-at ${split} splits by when predictions were made, which needs tables.predictions.columns.createdAt: ${result.reason}. Give a date to split by the date predicted for.`,
      );
    }
    throw result.error ?? new MetricsInputError(`Cannot compute the metrics of ${model}: ${result.reason}.`);
  }
  const rows = result.rows;
  const notRecorded = [...result.leftOut.map((f) => f.message), ...unrecordedFigures(result.config)];
  if (rows.length === 0) throw new MetricsInputError(await unknownModelMessage(workspace, result.config, model, window));
  const git = await workspace.git();
  const resolved = await ResolvedShas.resolve(
    git,
    rows.map((r) => r.commit_sha as string | null),
  );

  const groups = new Map<string, { firstDay: string; lastDay: string; sums: MetricSums; commit?: MetricsRow['commit'] }>();
  const add = (key: string, day: string, sums: MetricSums, commit?: MetricsRow['commit']) => {
    const g = groups.get(key) ?? { firstDay: day, lastDay: day, sums: EMPTY_SUMS, commit };
    if (day < g.firstDay) g.firstDay = day;
    if (day > g.lastDay) g.lastDay = day;
    g.sums = addSums(g.sums, sums);
    groups.set(key, g);
  };

  let comparison: MetricsReport['comparison'] = null;
  if (by === 'period') {
    const splitCommit = /^[0-9a-f]{4,40}$/i.test(split!) ? (await git.resolve([split!])).get(split!) : null;
    let side: (commit: string | null, day: string, row: Row) => 'before' | 'after' | null;
    let splitKind: 'commit' | 'date' | 'time';
    if (splitAt) {
      side = (_commit, _day, row) => (row.side === 'before' || row.side === 'after' ? row.side : null);
      splitKind = 'time';
    } else if (splitCommit && splitCommit.status === 'found') {
      const target = splitCommit.commit.sha;
      const tips = new Set([target, ...rows.map((r) => resolved.full(r.commit_sha as string | null)).filter((s): s is string => !!s)]);
      const index = await git.ancestryIndex([...tips]);
      side = (commit) => (commit ? (index.contains(commit, target) ? 'after' : 'before') : null);
      splitKind = 'commit';
    } else {
      const date = /^\d{4}-\d{2}-\d{2}$/.test(split!) ? Date.parse(`${split}T00:00:00Z`) : Number.NaN;
      if (Number.isNaN(date)) {
        throw new MetricsInputError(`--split-at ${split} is neither a commit of this repository nor a date/timestamp (use a SHA, 2026-01-09 or 2026-01-30T19:10:00Z).`);
      }
      // A date splits by the date predicted for.
      const day = new Date(date).toISOString().slice(0, 10);
      side = (_commit, d) => (d < day ? 'before' : 'after');
      splitKind = 'date';
    }
    const unknownKey = splitKind === 'time' ? 'unknown time' : 'unknown build';
    for (const r of rows) {
      const commit = resolved.full(r.commit_sha as string | null);
      const s = side(commit, String(r.day), r);
      add(s ?? unknownKey, String(r.day), sumsFromRow(r));
    }
    const before = sliceMetrics(groups.get('before')?.sums ?? EMPTY_SUMS);
    const after = sliceMetrics(groups.get('after')?.sums ?? EMPTY_SUMS);
    comparison = {
      hitRate: compareProportions(before.hitRate, after.hitRate),
      mae: compareMeans({ mean: before.mae, std: before.stdError, n: before.graded }, { mean: after.mae, std: after.stdError, n: after.graded }),
      split: split!,
      splitKind,
    };
  } else {
    for (const r of rows) {
      const raw = (r.commit_sha as string | null) ?? '(none)';
      const info = resolved.commit(raw);
      if (by === 'commit') add(info?.sha ?? raw, String(r.day), sumsFromRow(r), info ? { sha: info.sha, subject: info.subject, committedAt: info.committedAt } : null);
      else add(String(r.day), String(r.day), sumsFromRow(r));
    }
  }

  const report: MetricsRow[] = [...groups.entries()].map(([key, g]) => ({
    key,
    label: by === 'commit' ? (g.commit ? `${key.slice(0, 8)} ${g.commit.subject}` : `${key} (not in local history)`) : key,
    firstDay: g.firstDay,
    lastDay: g.lastDay,
    metrics: sliceMetrics(g.sums),
    ...(by === 'commit' ? { commit: g.commit ?? null } : {}),
  }));
  const order = { before: 0, after: 1, 'unknown build': 2, 'unknown time': 2 } as Record<string, number>;
  report.sort((a, b) => (by === 'period' ? (order[a.key] ?? 3) - (order[b.key] ?? 3) : a.firstDay.localeCompare(b.firstDay) || a.key.localeCompare(b.key)));
  return { model, by, window, rows: report, comparison, notRecorded, warnings: gradingWarnings(report, workspace.config.thresholds) };
}

/** Figures the config itself says the tables cannot give. */
function unrecordedFigures(config: PipelineLensConfig): string[] {
  const g = config.tables.graded.columns;
  const out: string[] = [];
  if (!g.line || !g.predicted)
    out.push(`direction accuracy and high-edge hit rate: tables.graded.columns.${!g.line ? 'line' : 'predicted'} is null (they need the line and the predicted value)`);
  const missingAs = config.tables.graded.lineMissingAs;
  if (g.line && g.predicted && missingAs !== undefined)
    out.push(`a line of ${missingAs} (tables.graded.lineMissingAs): no line; those graded rows are left out of direction accuracy and high-edge hit rate, and counted`);
  if (!g.actual || !g.predicted) out.push(`MAE, bias and std of error: tables.graded.columns.${!g.actual ? 'actual' : 'predicted'} is null`);
  return out;
}

/** Says which models the window does hold, so a mistyped id is one step from the right one. */
async function unknownModelMessage(workspace: Workspace, config: PipelineLensConfig, model: string, window: DateWindow): Promise<string> {
  const table = config.tables.predictions.table;
  const head = `No predictions of model "${model}" in ${window.from}..${window.to} (table ${table}).`;
  const listed = await runChecked(await workspace.warehouse(), config, (c) => modelsSummaryQuery(c, { window }), window);
  if (!listed.ok) return `${head} Check the model id or widen --from/--to (the models there could not be listed: ${listed.reason}).`;
  const models = listed.rows.filter((r) => Number(r.predictions) > 0 && r.model !== null).sort((a, b) => Number(b.predictions) - Number(a.predictions));
  if (models.length === 0) return `${head} No model has predictions in that window: widen it with --from/--to.`;
  const shown = models.slice(0, 20).map((r) => `${String(r.model)} (${formatCount(Number(r.predictions))})`);
  const more = models.length > shown.length ? `, and ${models.length - shown.length} more` : '';
  return `${head} Models with predictions there: ${shown.join(', ')}${more}. Give one of these to --model, or widen --from/--to.`;
}

/** A figure on thin grading is still printed, with a warning saying why it may not hold. */
function gradingWarnings(rows: MetricsRow[], thresholds: ThresholdsConfig): string[] {
  const warnings: string[] = [];
  for (const row of rows) {
    const m = row.metrics;
    // Rows of builds git cannot place carry their count alone, no grading to judge.
    if (m.predictions === 0 || row.key === 'unknown build') continue;
    const days = row.firstDay === row.lastDay ? row.firstDay : `${row.firstDay}..${row.lastDay}`;
    const name = `${row.key === row.label ? row.label : row.label.split(' ')[0]}${days ? ` (${days})` : ''}`;
    const coverage = m.gradingCoverage ?? 0;
    const thin = m.graded < thresholds.minSample;
    if (coverage >= thresholds.gradingCoverage && !thin) continue;
    const reasons: string[] = [];
    if (coverage < thresholds.gradingCoverage) reasons.push(`below the ${formatPercent(thresholds.gradingCoverage, 0)} grading threshold (thresholds.gradingCoverage)`);
    if (thin) reasons.push(`fewer than ${thresholds.minSample} graded rows (thresholds.minSample)`);
    warnings.push(
      `${name}: ${formatCount(m.graded)} of ${formatCount(m.predictions)} predictions graded (${formatPercent(m.gradingCoverage)}), ${reasons.join(' and ')}: its hit rate and errors describe the graded rows only${
        thin ? ', and its interval is wide' : ''
      }.`,
    );
  }
  return warnings;
}
