import type { CancellationToken } from 'vscode-languageserver/node';
import type { ServiceConfig } from '../../core/config/types';
import { inferredFrom } from '../../core/deployments/buildColumnDeploymentSource';
import { servingSet } from '../../core/deployments/servingSet';
import type { DeploymentListing } from '../../core/provenance/commitProvenance';
import { addSums, EMPTY_SUMS, sliceMetrics, sumsFromRow, type MetricSums } from '../../core/metrics/aggregate';
import { artifactsByBuildQuery, modelCommitDateQuery } from '../../core/warehouse/catalog';
import { runForView } from '../../core/warehouse/checkedQuery';
import type { Row } from '../../core/warehouse/types';
import type { RowSqlParams, RowSqlResult, TreeArtifact, TreeCommit, TreeDeployment, TreeResult, UnreadDeploymentRecord, WindowOption, WorkspaceScope } from '../../shared/protocol';
import { rowSql } from '../rowSql';
import type { ServerContext } from '../serverContext';
import { inWorkspace, viewThresholds } from './workspaceRequest';

/** A commit's results, in all and by date. */
interface CommitSums {
  sums: MetricSums;
  dates: Map<string, MetricSums>;
}

/** The models view: each model's results by the commit that produced them and by date, with the revisions each commit was deployed as. */
export function modelsTree(context: ServerContext, params: WorkspaceScope & WindowOption, token: CancellationToken): Promise<TreeResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const window = params.window ?? (await workspace.defaultWindow(signal));
    const config = workspace.config;
    const recordsArtifacts = config.tables.predictions.columns.artifact !== null || !!(config.tables.executionLog?.columns.artifact && config.tables.executionLog.columns.model);
    const skipped: string[] = [];
    const [results, lookup, listings, artifactRows] = await Promise.all([
      workspace.warehouse().then((w) => runForView(w, workspace.config, (c) => modelCommitDateQuery(c, { window }), window, 'results', signal)),
      workspace.provenance.shaLookup(signal),
      workspace.provenance.deploymentListings(signal),
      recordsArtifacts
        ? workspace
            .warehouse()
            .then((w) => w.query(artifactsByBuildQuery(config, window, workspace.currentTime().toISOString()), { signal }))
            .then((r) => r.rows)
            .catch((error: Error): Row[] | null => {
              if (signal?.aborted) throw error;
              skipped.push(`model artifacts: ${error.message}`);
              return null;
            })
        : Promise.resolve(null),
    ]);
    const rows = results.rows;
    skipped.unshift(...results.notChecked);
    if (!workspace.config.tables.predictions.columns.commit)
      skipped.push('results by build: not checked: tables.predictions.columns.commit is null (results by build need the column naming the build that wrote each row)');
    const registry = new Map<string, TreeArtifact['registry']>();
    for (const e of config.models) {
      registry.set(e.artifact, { model: e.model, registered: true, experiment: e.experiment, metrics: e.metrics });
      for (const v of e.versions) registry.set(v.artifact, { model: e.model, registered: false, experiment: v.experiment, metrics: v.metrics });
    }
    const artifactsOf = new Map<string, TreeArtifact[]>();
    for (const r of artifactRows ?? []) {
      const raw = (r.commit_sha as string | null) ?? '(none)';
      const key = `${String(r.model)}|${lookup.full(raw) ?? raw}`;
      const artifact = r.artifact === null || r.artifact === undefined || r.artifact === '' ? null : String(r.artifact);
      artifactsOf.set(key, [
        ...(artifactsOf.get(key) ?? []),
        { artifact, rows: r.row_count === null || r.row_count === undefined ? null : Number(r.row_count), registry: artifact ? (registry.get(artifact) ?? null) : null },
      ]);
    }
    const deployedAs = new Map<string, TreeDeployment[]>();
    const unread = unreadRecords(config.services, listings, config.file);
    for (const [service, listing] of listings) {
      if ('error' in listing) {
        skipped.push(`deployments of ${service}: ${listing.error}`);
        continue;
      }
      const set = listing.list.length ? servingSet(listing.list, workspace.service(service), workspace.currentTime()) : null;
      const serving = new Set(set?.known ? set.revisions : []);
      const inferred = inferredFrom(workspace.service(service).deployments) !== null;
      for (const d of listing.list) {
        const full = lookup.full(d.commit) ?? d.commit;
        if (!full) continue;
        const list = deployedAs.get(full) ?? [];
        list.push({ service, revision: d.revision, createdAt: d.createdAt, serving: serving.has(d), ...(inferred ? { inferred } : {}) });
        deployedAs.set(full, list);
      }
    }
    const fulls = new Map<string, string | null>();
    for (const r of rows) {
      const raw = r.commit_sha as string | null;
      if (raw && !fulls.has(raw)) fulls.set(raw, lookup.full(raw));
    }
    const details = await workspace.provenance.commitDetails(
      [...fulls.values()].filter((v): v is string => !!v),
      signal,
    );
    const models = new Map<string, { sums: MetricSums; commits: Map<string, CommitSums> }>();
    for (const r of rows) {
      const model = String(r.model);
      const raw = (r.commit_sha as string | null) ?? '(none)';
      const commit = fulls.get(raw) ?? raw;
      const day = String(r.day);
      const sums = sumsFromRow(r);
      const m = models.get(model) ?? { sums: EMPTY_SUMS, commits: new Map<string, CommitSums>() };
      m.sums = addSums(m.sums, sums);
      const c = m.commits.get(commit) ?? { sums: EMPTY_SUMS, dates: new Map<string, MetricSums>() };
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
                deployment: { state: deployedAs.has(commit) ? 'deployed' : unread.length ? 'not-read' : 'not-deployed', unread },
                artifacts: artifactRows ? (artifactsOf.get(`${model}|${commit}`) ?? []) : null,
              };
            })
            .sort((a, b) => a.firstDate.localeCompare(b.firstDate) || a.commit.localeCompare(b.commit)),
        })),
    };
  });
}

/**
 * The deployment records a build's "not deployed" would rest on but that could not be read.
 * With no service configured there is no record at all: that is unread too, never "not deployed".
 */
function unreadRecords(services: ServiceConfig[], listings: Map<string, DeploymentListing>, configFile: string): UnreadDeploymentRecord[] {
  if (services.length === 0) return [{ service: '(none)', key: 'services', reason: `no service is configured; add services[] with a deployments source to ${configFile}` }];
  return services.flatMap((service, i): UnreadDeploymentRecord[] => {
    const listing = listings.get(service.name);
    if (listing && 'list' in listing) return [];
    return [{ service: service.name, key: `services[${i}].deployments`, reason: listing?.error ?? 'the record was not read' }];
  });
}

/** The catalog query behind a row of the models view, as SQL a person can edit and run. */
export function treeRowSql(context: ServerContext, params: RowSqlParams, token: CancellationToken): Promise<RowSqlResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => rowSql(workspace, params, params.window ?? (await workspace.defaultWindow(signal))));
}
