import { ResolvedShas } from '../git/shaResolver';
import type { ThresholdsConfig } from '../config/types';
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
  /** For periods: after − before. */
  comparison: { hitRate: ProportionDifference; mae: MeanDifference; split: string; splitKind: 'commit' | 'date' } | null;
  /** Rows whose figures rest on little grading: below the grading threshold, or too few graded rows to compare. */
  warnings: string[];
}

export class MetricsInputError extends Error {}

/** Hit rate, MAE and the rest for one model, by build, by date, or before/after a commit or instant. */
export async function modelMetrics(
  workspace: Workspace,
  model: string,
  by: MetricsBreakdown,
  options: { window?: DateWindow; splitAt?: string } = {},
): Promise<MetricsReport> {
  const window = options.window ?? (await workspace.defaultWindow());
  if (by === 'period' && !options.splitAt) throw new MetricsInputError('--by period needs --split-at with a commit SHA or a date/timestamp (e.g. 2026-01-09 or 2026-01-30T19:10:00Z).');
  const warehouse = await workspace.warehouse();
  const rows = (await warehouse.query(modelCommitDateQuery(workspace.config, { window, models: [model] }))).rows;
  if (rows.length === 0) throw new MetricsInputError(await unknownModelMessage(workspace, model, window));
  const git = await workspace.git();
  const resolved = await ResolvedShas.resolve(git, rows.map((r) => r.commit_sha as string | null));

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
    const split = options.splitAt!;
    const splitCommit = /^[0-9a-f]{4,40}$/i.test(split) ? (await git.resolve([split])).get(split) : null;
    let side: (commit: string | null, day: string) => 'before' | 'after' | null;
    let splitKind: 'commit' | 'date';
    if (splitCommit && splitCommit.status === 'found') {
      const target = splitCommit.commit.sha;
      const tips = new Set([target, ...rows.map((r) => resolved.full(r.commit_sha as string | null)).filter((s): s is string => !!s)]);
      const index = await git.ancestryIndex([...tips]);
      side = (commit) => (commit ? (index.contains(commit, target) ? 'after' : 'before') : null);
      splitKind = 'commit';
    } else {
      const instant = Date.parse(split.length === 10 ? `${split}T00:00:00Z` : split);
      if (Number.isNaN(instant)) {
        throw new MetricsInputError(`--split-at ${split} is neither a commit of this repository nor a date/timestamp (use a SHA, 2026-01-09 or 2026-01-30T19:10:00Z).`);
      }
      const day = new Date(instant).toISOString().slice(0, 10);
      side = (_commit, d) => (d < day ? 'before' : 'after');
      splitKind = 'date';
    }
    let unknownBuildRows = 0;
    for (const r of rows) {
      const commit = resolved.full(r.commit_sha as string | null);
      const s = side(commit, String(r.day));
      if (s === null) {
        unknownBuildRows += Number(r.predictions);
        continue;
      }
      add(s, String(r.day), sumsFromRow(r));
    }
    const before = sliceMetrics(groups.get('before')?.sums ?? EMPTY_SUMS);
    const after = sliceMetrics(groups.get('after')?.sums ?? EMPTY_SUMS);
    comparison = {
      hitRate: compareProportions(before.hitRate, after.hitRate),
      mae: compareMeans({ mean: before.mae, std: before.stdError, n: before.graded }, { mean: after.mae, std: after.stdError, n: after.graded }),
      split,
      splitKind,
    };
    if (unknownBuildRows > 0 && splitKind === 'commit') {
      groups.set('unknown build', { firstDay: '', lastDay: '', sums: { ...EMPTY_SUMS, predictions: unknownBuildRows } });
    }
  } else {
    for (const r of rows) {
      const raw = (r.commit_sha as string | null) ?? '(none)';
      const info = resolved.commit(raw);
      if (by === 'commit') add(info?.sha ?? raw, String(r.day), sumsFromRow(r), info ? { sha: info.sha, subject: info.subject, committedAt: info.committedAt } : null);
      else add(String(r.day), String(r.day), sumsFromRow(r));
    }
  }

  const result: MetricsRow[] = [...groups.entries()].map(([key, g]) => ({
    key,
    label: by === 'commit' ? (g.commit ? `${key.slice(0, 8)} ${g.commit.subject}` : `${key} (not in local history)`) : key,
    firstDay: g.firstDay,
    lastDay: g.lastDay,
    metrics: sliceMetrics(g.sums),
    ...(by === 'commit' ? { commit: g.commit ?? null } : {}),
  }));
  const order = { before: 0, after: 1, 'unknown build': 2 } as Record<string, number>;
  result.sort((a, b) => (by === 'period' ? (order[a.key] ?? 3) - (order[b.key] ?? 3) : a.firstDay.localeCompare(b.firstDay) || a.key.localeCompare(b.key)));
  return { model, by, window, rows: result, comparison, warnings: gradingWarnings(result, workspace.config.thresholds) };
}

/** Says which models the window does hold, so a mistyped id is one step from the right one. */
async function unknownModelMessage(workspace: Workspace, model: string, window: DateWindow): Promise<string> {
  const table = workspace.config.tables.predictions.table;
  const warehouse = await workspace.warehouse();
  const models = (await warehouse.query(modelsSummaryQuery(workspace.config, { window }))).rows
    .filter((r) => Number(r.predictions) > 0 && r.model !== null)
    .sort((a, b) => Number(b.predictions) - Number(a.predictions));
  const head = `No predictions of model "${model}" in ${window.from}..${window.to} (table ${table}).`;
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
