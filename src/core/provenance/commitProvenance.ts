import type { ServiceConfig } from '../config/types';
import { servingNow } from '../deployments/servingRevision';
import type { Deployment } from '../deployments/types';
import { pathMatcher } from '../git/pathMatcher';
import { ResolvedShas } from '../git/shaResolver';
import type { AncestryIndex, CommitInfo, Resolution } from '../git/types';
import { addSums, EMPTY_SUMS, type MetricSums, sliceMetrics, sumsFromRow } from '../metrics/aggregate';
import { compareProportions, type ProportionDifference } from '../metrics/compareProportions';
import type { SliceMetrics } from '../metrics/types';
import { modelByCommitQuery, runsQuery, type DateWindow } from '../warehouse/catalog';
import type { Row } from '../warehouse/types';
import type { Workspace } from '../workspace';
import { groupRunSessions, toRunRecord, type RunRecord, type RunSession } from './runSessions';

export interface DeploymentRef {
  revision: string;
  commit: string | null;
  createdAt: string;
  trafficPercent: number | null;
}

export interface ServiceProvenance {
  service: string;
  /** Whether the commit changes any of the service's paths. */
  touchesService: boolean;
  status: 'deployed' | 'not-deployed' | 'unknown';
  /** First revision (by creation time) whose build contains the commit. */
  firstDeployment: (DeploymentRef & { delaySeconds: number }) | null;
  /** Revision serving now. */
  serving: DeploymentRef | null;
  /** The revision the first deployment replaced, or the serving one when the commit is not deployed. */
  replaced: DeploymentRef | null;
  /** When not deployed: commits the serving build lacks up to and including this one. */
  behindBy: number | null;
  /** Runs of the service between the commit and its first deployment, on builds without it. */
  gapRuns: RunSession[];
  /** Why the status is unknown, or what could not be checked. */
  problem: string | null;
}

export interface ModelProvenance {
  model: string;
  /** Rows produced by exactly this build. */
  build: SliceMetrics;
  /** Rows produced by any build containing the commit. */
  containing: SliceMetrics;
  /** Rows produced by the build the commit's first deployment replaced (or the serving build, if not deployed). */
  replaced: SliceMetrics & { commit: string | null };
  /** Rows produced by all builds lacking the commit, in the window. */
  lacking: SliceMetrics;
  /** containing − replaced hit rate. */
  hitRateChange: ProportionDifference;
}

export interface CommitProvenance {
  /** The SHA as it was asked for. */
  query: string;
  resolution: 'found' | 'ambiguous' | 'unknown';
  candidates: string[];
  /** Set when the SHA is not found: what to do about it. */
  problem: string | null;
  commit: CommitInfo | null;
  files: string[];
  services: ServiceProvenance[];
  models: ModelProvenance[];
  window: DateWindow;
}

const ref = (d: Deployment): DeploymentRef => ({ revision: d.revision, commit: d.commit, createdAt: d.createdAt, trafficPercent: d.trafficPercent });

/** Anything that maps SHA strings as records hold them (often abbreviated) to full SHAs. */
export interface ShaLookup {
  full(value: string | null | undefined): string | null;
}

export type DeploymentListing = { list: Deployment[] } | { error: string };

/**
 * Everything provenance is assembled from. Gathering it costs git processes and warehouse
 * queries; assembling it costs neither, so callers that keep these parts cached (the
 * language server) share the assembly with the one-shot path below.
 */
export interface ProvenanceInputs {
  /** The SHAs as asked for, in order. */
  queries: string[];
  resolutions: Map<string, Resolution>;
  shallow: boolean;
  window: DateWindow;
  /** Files each found commit changed, keyed by full SHA. */
  files: Map<string, string[]>;
  services: ServiceConfig[];
  deployments: Map<string, DeploymentListing>;
  runs: RunRecord[];
  /** The service the execution log records runs of. */
  logService: string | null;
  /** Rows of `modelByCommitQuery` over the window. */
  metricRows: Row[];
  lookup: ShaLookup;
  ancestry: AncestryIndex;
  /** ISO-8601: the end of a gap for commits not deployed yet. */
  now: string;
}

/**
 * Provenance of many SHAs at once. The number of git processes and warehouse queries does
 * not depend on how many SHAs are asked for: one resolve, one diff listing, one runs query,
 * one metrics query, one resolve of what those returned, one ancestry walk.
 */
export async function commitProvenance(workspace: Workspace, shas: string[], options: { window?: DateWindow; withResults?: boolean } = {}): Promise<CommitProvenance[]> {
  const git = await workspace.git();
  const shallow = await git.isShallow();
  const window = options.window ?? (await workspace.defaultWindow());
  const resolutions = await git.resolve(shas);
  const found = [...resolutions.values()].flatMap((r) => (r.status === 'found' ? [r.commit] : []));
  const files = found.length ? await git.filesChanged(found.map((c) => c.sha)) : new Map<string, string[]>();

  const services = workspace.config.services;
  const deploymentLists = new Map<string, DeploymentListing>();
  await Promise.all(
    services.map(async (s) => {
      try {
        deploymentLists.set(s.name, { list: await workspace.deployments(s.name) });
      } catch (error) {
        deploymentLists.set(s.name, { error: (error as Error).message });
      }
    }),
  );

  const now = workspace.currentTime().toISOString();
  const log = workspace.config.tables.executionLog;
  const earliestCommit = found.reduce<string | null>((min, c) => (min === null || c.committedAt < min ? c.committedAt : min), null);
  const warehouse = found.length ? await workspace.warehouse() : null;
  const [runRows, metricRows] = await Promise.all([
    warehouse && log && earliestCommit ? warehouse.query(runsQuery(workspace.config, earliestCommit, now)).then((r) => r.rows) : Promise.resolve([] as Row[]),
    // Callers that only need deployments and runs (the gap detector) leave the results out.
    warehouse && options.withResults !== false ? warehouse.query(modelByCommitQuery(workspace.config, { window })).then((r) => r.rows) : Promise.resolve([] as Row[]),
  ]);
  const runs = runRows.map(toRunRecord);

  const deploymentCommits = [...deploymentLists.values()].flatMap((v) => ('list' in v ? v.list.map((d) => d.commit) : []));
  const resolved = await ResolvedShas.resolve(git, [...deploymentCommits, ...runs.map((r) => r.commit), ...metricRows.map((r) => r.commit_sha as string | null)]);
  const tips = new Set<string>(found.map((c) => c.sha));
  for (const v of [...deploymentCommits, ...runs.map((r) => r.commit), ...metricRows.map((r) => r.commit_sha as string | null)]) {
    const full = resolved.full(v);
    if (full) tips.add(full);
  }
  const ancestry = tips.size ? await git.ancestryIndex([...tips]) : EMPTY_ANCESTRY;

  return assembleProvenance({
    queries: shas,
    resolutions,
    shallow,
    window,
    files,
    services,
    deployments: deploymentLists,
    runs,
    logService: log?.service ?? null,
    metricRows,
    lookup: resolved,
    ancestry,
    now,
  });
}

// Compiled once per service's glob list: provenance of a thousand commits would otherwise
// compile the same globs a thousand times.
const matchers = new WeakMap<string[], (path: string) => boolean>();
function matcherFor(paths: string[]): (path: string) => boolean {
  let matcher = matchers.get(paths);
  if (!matcher) {
    matcher = pathMatcher(paths);
    matchers.set(paths, matcher);
  }
  return matcher;
}

const EMPTY_ANCESTRY: AncestryIndex = { contains: () => false, knows: () => false, countBetween: () => 0 };

/** Provenance of each SHA asked for, from parts already gathered; no git, no warehouse. */
export function assembleProvenance(inputs: ProvenanceInputs): CommitProvenance[] {
  const { resolutions, window, files, services, deployments, runs, logService, metricRows, lookup, ancestry, now } = inputs;
  return inputs.queries.map((query) => {
    const resolution = resolutions.get(query) ?? { status: 'unknown' as const };
    if (resolution.status !== 'found') {
      return {
        query,
        resolution: resolution.status,
        candidates: resolution.status === 'ambiguous' ? resolution.candidates : [],
        problem:
          resolution.status === 'ambiguous'
            ? `${query} is ambiguous: it starts ${resolution.candidates.length} commits (${resolution.candidates.map((c) => c.slice(0, 10)).join(', ')}); give more characters.`
            : missingCommit(query, inputs.shallow),
        commit: null,
        files: [],
        services: [],
        models: [],
        window,
      };
    }
    const commit = resolution.commit;
    const changed = files.get(commit.sha) ?? [];
    const touched = services.filter((s) => changed.some(matcherFor(s.paths)));
    const relevant = touched.length ? touched : services;
    const serviceResults = relevant.map((s) =>
      serviceProvenance(s, commit, deployments.get(s.name) ?? { error: `No deployments were read for ${s.name}.` }, touched.includes(s), runs, logService, lookup, ancestry, now),
    );
    const primary = serviceResults.find((s) => s.touchesService) ?? serviceResults[0] ?? null;
    return {
      query,
      resolution: 'found' as const,
      candidates: [],
      problem: null,
      commit,
      files: changed,
      services: serviceResults,
      models: modelProvenance(commit, primary, metricRows, lookup, ancestry),
      window,
    };
  });
}

function missingCommit(sha: string, shallow: boolean): string {
  return shallow
    ? `${sha} is not in local history, and this clone is shallow: run \`git fetch --unshallow\` (or \`git fetch --deepen=500\`) and try again.`
    : `${sha} is not a commit of this repository: check the SHA, or run \`git fetch --all\` if it was pushed from elsewhere.`;
}

function serviceProvenance(
  service: ServiceConfig,
  commit: CommitInfo,
  deployments: DeploymentListing,
  touchesService: boolean,
  runs: RunRecord[],
  logService: string | null,
  resolved: ShaLookup,
  ancestry: AncestryIndex,
  now: string,
): ServiceProvenance {
  const base = { service: service.name, touchesService, firstDeployment: null, serving: null, replaced: null, behindBy: null, gapRuns: [] as RunSession[] };
  if ('error' in deployments) return { ...base, status: 'unknown', problem: deployments.error };
  const list = deployments.list;
  const contains = (d: Deployment): boolean | null => {
    const full = resolved.full(d.commit);
    return full ? ancestry.contains(full, commit.sha) : null;
  };
  const first = list.find((d) => contains(d) === true) ?? null;
  const serving = servingNow(list);
  const unknownRevisions = list.filter((d) => contains(d) === null);

  const gapEnd = first?.createdAt ?? now;
  const gapRuns =
    logService === service.name
      ? groupRunSessions(
          runs.filter((r) => {
            if (r.startedAt <= commit.committedAt || r.startedAt >= gapEnd) return false;
            const full = resolved.full(r.commit);
            return !full || !ancestry.contains(full, commit.sha);
          }),
        )
      : [];

  let behindBy: number | null = null;
  if (!first && serving) {
    const servingFull = resolved.full(serving.commit);
    if (servingFull) behindBy = ancestry.countBetween(servingFull, commit.sha);
  }
  const before = first ? list.filter((d) => d.createdAt < first.createdAt && contains(d) === false) : [];
  const replaced = first ? before[before.length - 1] ?? null : serving;
  const problem =
    !first && unknownRevisions.length
      ? `${unknownRevisions.length} revision(s) of ${service.name} name no commit known to local history (${unknownRevisions
          .slice(0, 3)
          .map((d) => d.revision)
          .join(', ')}); they may contain it.`
      : null;
  return {
    ...base,
    status: first ? 'deployed' : problem ? 'unknown' : 'not-deployed',
    firstDeployment: first ? { ...ref(first), delaySeconds: (Date.parse(first.createdAt) - Date.parse(commit.committedAt)) / 1000 } : null,
    serving: serving ? ref(serving) : null,
    replaced: replaced ? ref(replaced) : null,
    behindBy,
    gapRuns,
    problem,
  };
}

function modelProvenance(commit: CommitInfo, primary: ServiceProvenance | null, rows: Row[], resolved: ShaLookup, ancestry: AncestryIndex): ModelProvenance[] {
  const replacedFull = resolved.full(primary?.replaced?.commit ?? null);
  const byModel = new Map<string, { build: MetricSums; containing: MetricSums; replaced: MetricSums; lacking: MetricSums }>();
  for (const row of rows) {
    const model = String(row.model);
    const entry = byModel.get(model) ?? { build: EMPTY_SUMS, containing: EMPTY_SUMS, replaced: EMPTY_SUMS, lacking: EMPTY_SUMS };
    const full = resolved.full(row.commit_sha as string | null);
    const sums = sumsFromRow(row);
    if (full === commit.sha) entry.build = addSums(entry.build, sums);
    if (full && ancestry.contains(full, commit.sha)) entry.containing = addSums(entry.containing, sums);
    else if (full) entry.lacking = addSums(entry.lacking, sums);
    if (full && replacedFull && full === replacedFull) entry.replaced = addSums(entry.replaced, sums);
    byModel.set(model, entry);
  }
  return [...byModel.entries()]
    .filter(([, e]) => e.containing.predictions + e.containing.graded + e.replaced.predictions + e.replaced.graded > 0)
    .map(([model, e]) => {
      const containing = sliceMetrics(e.containing);
      const replaced = sliceMetrics(e.replaced);
      return {
        model,
        build: sliceMetrics(e.build),
        containing,
        replaced: { ...replaced, commit: replacedFull ?? null },
        lacking: sliceMetrics(e.lacking),
        hitRateChange: compareProportions(replaced.hitRate, containing.hitRate),
      };
    })
    .sort((a, b) => a.model.localeCompare(b.model));
}
