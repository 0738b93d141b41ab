import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { serviceCommits } from '../../core/git/serviceCommits';
import { wilson } from '../../core/metrics/wilson';
import { runSessionsOf, seriesByDate } from '../../core/report/loadChartTimeline';
import { runForView } from '../../core/warehouse/checkedQuery';
import { featureCoverageQuery, modelByDateQuery, runsQuery, type DateWindow } from '../../core/warehouse/catalog';
import type { FeatureCoverageParams, FeatureCoverageResult, TimelineParams, TimelineResult } from '../../shared/protocol';
import { isAbort } from '../cancellation';
import type { ServerContext } from '../serverContext';
import { inWorkspace, viewThresholds } from './workspaceRequest';

/** The timeline chart: each model's results by date, with the deployments, runs and commits of the window. */
export function timeline(context: ServerContext, params: TimelineParams, token: CancellationToken): Promise<TimelineResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const config = workspace.config;
    const window: DateWindow = params.window ?? (await workspace.defaultWindow(signal));
    const warehouse = await workspace.warehouse();
    const skipped: string[] = [];
    const [byDate, runRows, listings, lookup, commits] = await Promise.all([
      runForView(warehouse, config, (c) => modelByDateQuery(c, { window, models: params.models }), window, 'results', signal).then((r) => {
        skipped.push(...r.notChecked);
        return r.rows;
      }),
      config.tables.executionLog
        ? runForView(warehouse, config, (c) => runsQuery(c, `${window.from}T00:00:00Z`, `${window.to}T23:59:59.999Z`), window, 'runs', signal)
            .then((r) => {
              skipped.push(...r.notChecked);
              return r.rows;
            })
            .catch((error: unknown) => {
              if (isAbort(error)) throw error;
              skipped.push(`runs: ${(error as Error).message}`);
              return [];
            })
        : Promise.resolve([]),
      workspace.provenance.deploymentListings(signal),
      workspace.provenance.shaLookup(signal),
      serviceCommits(config, window, (args) => workspace.gitText(args)).catch((error: unknown) => {
        skipped.push(`commits: ${(error as Error).message}`);
        return [];
      }),
    ]);
    const deployments = [];
    for (const [service, listing] of listings) {
      if ('error' in listing) {
        skipped.push(`deployments of ${service}: ${listing.error}`);
        continue;
      }
      for (const d of listing.list) deployments.push({ service, revision: d.revision, commit: lookup.full(d.commit) ?? d.commit, createdAt: d.createdAt });
    }
    return {
      window,
      series: seriesByDate(byDate),
      deployments: deployments.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      runs: runSessionsOf(runRows, config),
      commits,
      features: config.tables.featureStore ? config.features.registry.map((f) => ({ index: f.index, name: f.name })) : [],
      thresholds: viewThresholds(workspace),
      skipped,
    };
  });
}

/** One feature on one date, all modes added together. */
interface DaySums {
  rows: number;
  positive: number;
  zeros: number;
}

/** The feature coverage lines of the timeline chart. */
export function featureCoverage(context: ServerContext, params: FeatureCoverageParams, token: CancellationToken): Promise<FeatureCoverageResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const config = workspace.config;
    if (!config.tables.featureStore) throw new ResponseError(ErrorCodes.InvalidRequest, `${config.file} names no tables.featureStore, so there is no feature coverage to chart.`);
    const window = params.window ?? (await workspace.defaultWindow(signal));
    const indices = [...new Set(params.features)].filter((i) => Number.isInteger(i) && i >= 0 && i < Math.max(config.features.count, 1));
    if (indices.length === 0) return { window, series: [] };
    const rows = (await (await workspace.warehouse()).query(featureCoverageQuery(config, window, indices), { signal })).rows;
    // The query splits by mode; a chart of coverage per date adds the modes together.
    const byFeature = new Map<number, Map<string, DaySums>>();
    for (const r of rows) {
      const index = Number(r.feature_index);
      const days = byFeature.get(index) ?? new Map<string, DaySums>();
      const day = days.get(String(r.day)) ?? { rows: 0, positive: 0, zeros: 0 };
      day.rows += Number(r.row_count ?? 0);
      day.positive += Number(r.positive ?? 0);
      day.zeros += Number(r.zeros ?? 0);
      days.set(String(r.day), day);
      byFeature.set(index, days);
    }
    const names = new Map(config.features.registry.map((f) => [f.index, f.name]));
    return {
      window,
      series: indices.map((index) => ({
        index,
        name: names.get(index) ?? `feature ${index}`,
        days: [...(byFeature.get(index) ?? new Map<string, DaySums>()).entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([date, d]) => ({ date, coverage: wilson(d.positive, d.rows), zeros: d.zeros })),
      })),
    };
  });
}
