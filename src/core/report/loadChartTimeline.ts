import type { PipelineLensConfig } from '../config/types';
import { isBackfill } from '../findings/deploymentGap';
import { GitRunner } from '../git/gitRunner';
import { serviceCommits } from '../git/serviceCommits';
import { sliceMetrics, sumsFromRow } from '../metrics/aggregate';
import { groupRunSessions, toRunRecord } from '../provenance/runSessions';
import { modelByDateQuery, runsQuery, type DateWindow } from '../warehouse/catalog';
import { runForView } from '../warehouse/checkedQuery';
import type { Row } from '../warehouse/types';
import type { Workspace } from '../workspace';
import type { ChartTimeline, TimelineDeployment, TimelineRun } from './chartTimeline';

/** Each model's results by game date (models and dates in order), from the rows of the by-date query. */
export function seriesByDate(rows: Row[]): ChartTimeline['series'] {
  const series = new Map<string, ChartTimeline['series'][number]['days']>();
  for (const r of rows) {
    const list = series.get(String(r.model)) ?? [];
    list.push({ date: String(r.day), metrics: sliceMetrics(sumsFromRow(r)) });
    series.set(String(r.model), list);
  }
  return [...series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([model, days]) => ({ model, days: days.sort((a, b) => a.date.localeCompare(b.date)) }));
}

/** Run sessions from the execution log's rows; a session is a backfill by the gap detector's own rule, so a marker says backfill exactly where a finding would. */
export function runSessionsOf(rows: Row[], config: PipelineLensConfig): TimelineRun[] {
  return groupRunSessions(rows.map(toRunRecord)).map((r) => ({ ...r, backfill: isBackfill(r, config.tables.executionLog?.backfillModes ?? null) }));
}

/**
 * The hit-rate chart's data read from the sources in one go, for a command without the
 * language server's caches (the CLI's handoff note): the same results, runs, deployments and
 * commits as the timeline. A part that cannot be read is left out and said in `skipped`.
 */
export async function loadChartTimeline(workspace: Workspace, window: DateWindow, signal?: AbortSignal): Promise<{ timeline: ChartTimeline; skipped: string[] }> {
  const config = workspace.config;
  const warehouse = await workspace.warehouse();
  const skipped: string[] = [];
  const results = await runForView(warehouse, config, (c) => modelByDateQuery(c, { window }), window, 'results', signal);
  skipped.push(...results.notChecked);
  let runs: TimelineRun[] = [];
  if (config.tables.executionLog) {
    try {
      const read = await runForView(warehouse, config, (c) => runsQuery(c, `${window.from}T00:00:00Z`, `${window.to}T23:59:59.999Z`), window, 'runs', signal);
      skipped.push(...read.notChecked);
      runs = runSessionsOf(read.rows, config);
    } catch (error) {
      skipped.push(`runs: ${(error as Error).message}`);
    }
  }
  const deployments: TimelineDeployment[] = [];
  for (const service of config.services) {
    try {
      for (const d of await workspace.deployments(service.name)) deployments.push({ service: service.name, revision: d.revision, commit: d.commit, createdAt: d.createdAt });
    } catch (error) {
      skipped.push(`deployments of ${service.name}: ${(error as Error).message}`);
    }
  }
  const git = new GitRunner(config.repository);
  const commits = await serviceCommits(config, window, (args) => git.text(args)).catch((error: unknown) => {
    skipped.push(`commits: ${(error as Error).message}`);
    return [];
  });
  return {
    timeline: {
      window,
      series: seriesByDate(results.rows),
      deployments: deployments.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      runs,
      commits,
      thresholds: { hitRate: config.thresholds.hitRate },
    },
    skipped,
  };
}
