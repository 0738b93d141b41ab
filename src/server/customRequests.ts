import type { CancellationToken } from 'vscode-languageserver/node';
import { investigate } from '../core/findings/investigate';
import { isFullSha } from '../core/git/revisions';
import { addSums, EMPTY_SUMS, sliceMetrics, sumsFromRow, type MetricSums } from '../core/metrics/aggregate';
import { commitProvenance } from '../core/provenance/commitProvenance';
import { raceAbort } from '../core/provenance/trackedLoad';
import { groupRunSessions, toRunRecord } from '../core/provenance/runSessions';
import { verifyDeployment } from '../core/verify/verifyDeployment';
import { checkReadiness } from '../core/readiness/readiness';
import { parseDate } from '../core/warehouse/temporalValues';
import { modelByDateQuery, modelCommitDateQuery, runsQuery, type DateWindow } from '../core/warehouse/catalog';
import { wilson } from '../core/metrics/wilson';
import { featureCoverageQuery } from '../core/warehouse/catalog';
import type {
  CommitDiffResult,
  CommitParams,
  CommitProvenanceResult,
  DeploymentsResult,
  FeatureCoverageParams,
  FeatureCoverageResult,
  FindingsParams,
  FindingsResult,
  OwningServicesParams,
  RowSqlParams,
  RowSqlResult,
  ServerStatus,
  TimelineParams,
  TimelineResult,
  TreeCommit,
  TreeDeployment,
  TreeResult,
  VerifyParams,
  VerifyResponse,
  ViewThresholds,
  WindowOption,
  WorkspaceScope,
} from '../shared/protocol';
import { servingSet } from '../core/deployments/servingSet';
import { pathMatcher } from '../core/git/pathMatcher';
import { relative, sep } from 'node:path';
import { deploymentsOverview } from './deploymentsOverview';
import { rowSql } from './rowSql';
import { serviceCommits } from './serviceCommits';
import { toPath } from './workspaceRegistry';
import { planEditorQuery, runEditorQuery } from './queryRequests';
import { generateDemoWorkspace } from './demoRequest';
import type { GenerateDemoParams, GenerateDemoResult, PlanQueryResult, QueryParams, ReadinessParams, ReadinessResponse, RunQueryParams, RunQueryResult } from '../shared/protocol';
import { cancelled, isAbort, toAbortSignal } from './cancellation';
import { provenanceMarkdown, rerunsMarkdown } from './provenanceMarkdown';
import { rerunsAfterCommits } from '../core/rerun/commitReruns';
import type { ServerContext } from './serverContext';
import type { ServerWorkspace } from './serverWorkspace';
import type { QueryCounter } from './countingWarehouse';
import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';

function viewThresholds(workspace: ServerWorkspace): ViewThresholds {
  const t = workspace.config.thresholds;
  return { hitRate: t.hitRate, gradingCoverage: t.gradingCoverage, featureCoverage: t.featureCoverage, minSample: t.minSample };
}

/** Largest diff sent to the client; a vendored-library commit can be hundreds of megabytes. */
const MAX_DIFF_CHARS = 2_000_000;

/**
 * The server side of the custom requests in src/shared/protocol.ts: thin wrappers over the
 * engine, each answering for the workspace its scope falls in.
 */
export class CustomRequests {
  constructor(
    private readonly context: ServerContext,
    private readonly counter: QueryCounter,
    private readonly gitCounter: { started: number },
  ) {}

  async status(): Promise<ServerStatus> {
    let gitProcesses = this.gitCounter.started;
    const workspaces = [];
    for (const entry of this.context.registry.all) {
      const w = entry.workspace;
      if (w) gitProcesses += await w.engineGitProcesses();
      const cache = w?.provenance.status();
      workspaces.push({
        root: entry.root,
        configFile: entry.configFile,
        problem: entry.problem,
        warehouse: w?.warehouseDescription() ?? null,
        services: w?.config.services.map((s) => s.name) ?? [],
        commitGraph: cache?.snapshot ?? 'none',
        commitsIndexed: cache?.commitsIndexed ?? 0,
        cachedCommitDetails: cache?.commitDetails ?? 0,
        deployments: cache?.deployments ?? 'none',
        runs: cache?.runs ?? 'none',
        results: cache?.results ?? 'none',
      });
    }
    return { pid: process.pid, workspaces, counters: { gitProcesses, warehouseQueries: this.counter.count } };
  }

  commitProvenance(params: CommitParams, token: CancellationToken): Promise<CommitProvenanceResult> {
    return this.run(params, token, async (workspace, signal) => {
      const lookup = await workspace.provenance.shaLookup(signal);
      const full = lookup.full(params.sha);
      let provenance;
      if (full) {
        const view = await workspace.provenance.provenance([full], { signal, waitMs: null });
        provenance = view.commits.get(full);
        if (provenance) {
          // The report a person opened may cost its own query: re-runs written after the commit.
          let rerunSection = '';
          if (view.window) {
            try {
              rerunSection = rerunsMarkdown(await raceAbort(rerunsAfterCommits(workspace, [provenance], view.window), signal), full);
            } catch (error) {
              if (isAbort(error)) throw error;
              rerunSection = rerunsMarkdown({ recorded: false, reason: (error as Error).message }, full);
            }
          }
          return {
            workspaceRoot: workspace.root,
            provenance: { ...provenance, query: params.sha },
            markdown: `# Commit ${full.slice(0, 8)}\n\n${provenanceMarkdown(provenance, view, { scope: params.scope, full: true, links: view.links.get(full) })}\n${rerunSection ? `\n${rerunSection}` : ''}`,
          };
        }
      }
      // Not reachable from any ref (or ambiguous): the engine's one-shot path says why.
      [provenance] = await raceAbort(commitProvenance(workspace, [params.sha]), signal);
      const ready = { state: 'ready' as const };
      return {
        workspaceRoot: workspace.root,
        provenance,
        markdown: `# Commit ${params.sha}\n\n${provenanceMarkdown(provenance, { deployments: ready, runs: ready, results: ready }, { scope: params.scope, full: true })}\n`,
      };
    });
  }

  commitDiff(params: CommitParams, token: CancellationToken): Promise<CommitDiffResult> {
    return this.run(params, token, async (workspace, signal) => {
      const full = (await workspace.provenance.shaLookup(signal)).full(params.sha) ?? (isFullSha(params.sha) ? params.sha : null);
      if (!full) throw new ResponseError(ErrorCodes.InvalidParams, `${params.sha} is not a commit of ${workspace.root} (or names several); give more characters.`);
      let text = await raceAbort(workspace.gitText(['show', '--no-color', '--no-ext-diff', '--stat', '--patch', '--format=fuller', full]), signal);
      if (text.length > MAX_DIFF_CHARS) text = `${text.slice(0, MAX_DIFF_CHARS)}\n\n… cut at ${MAX_DIFF_CHARS.toLocaleString('en-US')} characters; run \`git show ${full}\` for the rest.\n`;
      return { title: `${full.slice(0, 8)}.diff`, text };
    });
  }

  tree(params: WorkspaceScope & WindowOption, token: CancellationToken): Promise<TreeResult> {
    return this.run(params, token, async (workspace, signal) => {
      const window = params.window ?? (await workspace.defaultWindow());
      const [rows, lookup, listings] = await Promise.all([
        workspace.warehouse().then((w) => w.query(modelCommitDateQuery(workspace.config, { window }), { signal })).then((r) => r.rows),
        workspace.provenance.shaLookup(signal),
        workspace.provenance.deploymentListings(signal),
      ]);
      const skipped: string[] = [];
      const deployedAs = new Map<string, TreeDeployment[]>();
      for (const [service, listing] of listings) {
        if ('error' in listing) {
          skipped.push(`deployments of ${service}: ${listing.error}`);
          continue;
        }
        const set = listing.list.length ? servingSet(listing.list, workspace.service(service), workspace.currentTime()) : null;
        const serving = new Set(set?.known ? set.revisions : []);
        for (const d of listing.list) {
          const full = lookup.full(d.commit) ?? d.commit;
          if (!full) continue;
          const list = deployedAs.get(full) ?? [];
          list.push({ service, revision: d.revision, createdAt: d.createdAt, serving: serving.has(d) });
          deployedAs.set(full, list);
        }
      }
      const fulls = new Map<string, string | null>();
      for (const r of rows) {
        const raw = r.commit_sha as string | null;
        if (raw && !fulls.has(raw)) fulls.set(raw, lookup.full(raw));
      }
      const details = await workspace.provenance.commitDetails([...fulls.values()].filter((v): v is string => !!v), signal);
      const models = new Map<string, { sums: MetricSums; commits: Map<string, { sums: MetricSums; dates: Map<string, MetricSums> }> }>();
      for (const r of rows) {
        const model = String(r.model);
        const raw = (r.commit_sha as string | null) ?? '(none)';
        const commit = fulls.get(raw) ?? raw;
        const day = String(r.day);
        const sums = sumsFromRow(r);
        const m = models.get(model) ?? { sums: EMPTY_SUMS, commits: new Map() };
        m.sums = addSums(m.sums, sums);
        const c = m.commits.get(commit) ?? { sums: EMPTY_SUMS, dates: new Map() };
        c.sums = addSums(c.sums, sums);
        c.dates.set(day, addSums(c.dates.get(day) ?? EMPTY_SUMS, sums));
        m.commits.set(commit, c);
        models.set(model, m);
      }
      return {
        window,
        thresholds: viewThresholds(workspace),
        skipped,
        models: [...models.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([model, m]) => ({
            model,
            metrics: sliceMetrics(m.sums),
            commits: [...m.commits.entries()]
              .map(([commit, c]): TreeCommit => {
                const days = [...c.dates.keys()].sort();
                const info = details.get(commit)?.commit ?? null;
                return {
                  commit,
                  subject: info?.subject ?? null,
                  committedAt: info?.committedAt ?? null,
                  firstDate: days[0],
                  lastDate: days[days.length - 1],
                  metrics: sliceMetrics(c.sums),
                  dates: days.map((date) => ({ date, metrics: sliceMetrics(c.dates.get(date)!) })),
                  deployedAs: (deployedAs.get(commit) ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
                };
              })
              .sort((a, b) => a.firstDate.localeCompare(b.firstDate) || a.commit.localeCompare(b.commit)),
          })),
      };
    });
  }

  findings(params: FindingsParams, token: CancellationToken): Promise<FindingsResult> {
    return this.run(params, token, async (workspace, signal) => {
      const result = await raceAbort(investigate(workspace, { window: params.window, models: params.models }), signal);
      return { window: result.window, findings: result.findings, skipped: result.skipped };
    });
  }

  timeline(params: TimelineParams, token: CancellationToken): Promise<TimelineResult> {
    return this.run(params, token, async (workspace, signal) => {
      const config = workspace.config;
      const window: DateWindow = params.window ?? (await workspace.defaultWindow());
      const warehouse = await workspace.warehouse();
      const skipped: string[] = [];
      const [byDate, runRows, listings, lookup, commits] = await Promise.all([
        warehouse.query(modelByDateQuery(config, { window, models: params.models }), { signal }).then((r) => r.rows),
        config.tables.executionLog
          ? warehouse
              .query(runsQuery(config, `${window.from}T00:00:00Z`, `${window.to}T23:59:59.999Z`), { signal })
              .then((r) => r.rows)
              .catch((error: unknown) => {
                if (isAbort(error)) throw error;
                skipped.push(`runs: ${(error as Error).message}`);
                return [];
              })
          : Promise.resolve([]),
        workspace.provenance.deploymentListings(signal),
        workspace.provenance.shaLookup(signal),
        serviceCommits(workspace, window).catch((error: unknown) => {
          skipped.push(`commits: ${(error as Error).message}`);
          return [];
        }),
      ]);
      const series = new Map<string, Array<{ date: string; metrics: ReturnType<typeof sliceMetrics> }>>();
      for (const r of byDate) {
        const list = series.get(String(r.model)) ?? [];
        list.push({ date: String(r.day), metrics: sliceMetrics(sumsFromRow(r)) });
        series.set(String(r.model), list);
      }
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
        series: [...series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([model, days]) => ({ model, days: days.sort((a, b) => a.date.localeCompare(b.date)) })),
        deployments: deployments.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
        runs: groupRunSessions(runRows.map(toRunRecord)),
        commits,
        features: config.tables.featureStore ? config.features.registry.map((f) => ({ index: f.index, name: f.name })) : [],
        thresholds: viewThresholds(workspace),
        skipped,
      };
    });
  }

  featureCoverage(params: FeatureCoverageParams, token: CancellationToken): Promise<FeatureCoverageResult> {
    return this.run(params, token, async (workspace, signal) => {
      const config = workspace.config;
      if (!config.tables.featureStore) throw new ResponseError(ErrorCodes.InvalidRequest, `${config.file} names no tables.featureStore, so there is no feature coverage to chart.`);
      const window = params.window ?? (await workspace.defaultWindow());
      const indices = [...new Set(params.features)].filter((i) => Number.isInteger(i) && i >= 0 && i < Math.max(config.features.count, 1));
      if (indices.length === 0) return { window, series: [] };
      const rows = (await (await workspace.warehouse()).query(featureCoverageQuery(config, window, indices), { signal })).rows;
      // The query splits by mode; a chart of coverage per date adds the modes together.
      const byFeature = new Map<number, Map<string, { rows: number; positive: number; zeros: number }>>();
      for (const r of rows) {
        const index = Number(r.feature_index);
        const days = byFeature.get(index) ?? new Map();
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
          days: [...(byFeature.get(index) ?? new Map()).entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([date, d]) => ({ date, coverage: wilson(d.positive, d.rows), zeros: d.zeros })),
        })),
      };
    });
  }

  rowSql(params: RowSqlParams, token: CancellationToken): Promise<RowSqlResult> {
    return this.run(params, token, async (workspace) => rowSql(workspace, params, params.window ?? (await workspace.defaultWindow())));
  }

  deployments(params: WorkspaceScope, token: CancellationToken): Promise<DeploymentsResult> {
    return this.run(params, token, (workspace, signal) => raceAbort(deploymentsOverview(workspace), signal));
  }

  async owningServices(params: OwningServicesParams): Promise<{ services: string[] }> {
    await this.context.registry.loaded;
    const entry = this.context.registry.forScope(params.uri);
    const path = toPath(params.uri);
    const workspace = entry?.workspace;
    if (!workspace || !path) return { services: [] };
    const rel = relative(workspace.config.repository, path);
    if (rel.startsWith('..') || rel === '') return { services: [] };
    const repoPath = rel.split(sep).join('/');
    return { services: workspace.config.services.filter((s) => pathMatcher(s.paths)(repoPath)).map((s) => s.name) };
  }

  planQuery(params: QueryParams, token: CancellationToken): Promise<PlanQueryResult> {
    return this.run(params, token, (workspace, signal) => planEditorQuery(workspace, params, signal));
  }

  runQuery(params: RunQueryParams, token: CancellationToken): Promise<RunQueryResult> {
    return this.run(params, token, (workspace, signal) => runEditorQuery(workspace, params, signal));
  }

  async generateDemo(params: GenerateDemoParams): Promise<GenerateDemoResult> {
    try {
      return await generateDemoWorkspace(params);
    } catch (error) {
      throw new ResponseError(ErrorCodes.InternalError, (error as Error).message);
    }
  }

  verify(params: VerifyParams, token: CancellationToken): Promise<VerifyResponse> {
    return this.run(params, token, async (workspace, signal) => {
      const result = await raceAbort(verifyDeployment(workspace, params.service, params.target ?? 'HEAD'), signal);
      return { ...result, deployCommand: workspace.config.services.find((s) => s.name === params.service)?.deployCommand ?? null };
    });
  }

  checkReadiness(params: ReadinessParams, token: CancellationToken): Promise<ReadinessResponse> {
    if (parseDate(params.date) === null) throw new ResponseError(ErrorCodes.InvalidParams, `${JSON.stringify(params.date)} is not a date; give YYYY-MM-DD, e.g. 2026-02-03.`);
    return this.run(params, token, (workspace, signal) => raceAbort(checkReadiness(workspace, params.date, { gradingDays: params.gradingDays }), signal));
  }

  private async run<T>(params: WorkspaceScope, token: CancellationToken, task: (workspace: ServerWorkspace, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    await this.context.registry.loaded;
    const entry = this.context.registry.forScope(params.scope);
    if (!entry) throw new ResponseError(ErrorCodes.InvalidRequest, 'No pipeline-lens.json in this workspace: create one (see docs/configuration.md) or open the demo workspace.');
    if (!entry.workspace) throw new ResponseError(ErrorCodes.InvalidRequest, entry.problem ?? `${entry.configFile} could not be loaded.`);
    const signal = toAbortSignal(token);
    try {
      return await task(entry.workspace, signal);
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw cancelled();
      if (error instanceof ResponseError) throw error;
      throw new ResponseError(ErrorCodes.InternalError, (error as Error).message);
    }
  }
}
