import type { ServiceConfig } from '../config/types';
import { inferredFrom } from '../deployments/buildColumnDeploymentSource';
import { servingAt, servingSet } from '../deployments/servingSet';
import type { Deployment } from '../deployments/types';
import type { GitRepository } from '../git/gitRepository';
import { cutMessage, CutNotes, HistoryCut, isCut, type CutAt, type CutNote } from '../git/historyCut';
import { pathMatcher } from '../git/pathMatcher';
import { ResolvedShas } from '../git/shaResolver';
import type { AncestryIndex, CommitInfo, Resolution } from '../git/types';
import { addSums, EMPTY_SUMS, type MetricSums, sliceMetrics, sumsFromRow } from '../metrics/aggregate';
import { compareProportions, type ProportionDifference } from '../metrics/compareProportions';
import type { SliceMetrics } from '../metrics/types';
import { modelByCommitQuery, runsQuery, type DateWindow } from '../warehouse/catalog';
import { runForView } from '../warehouse/checkedQuery';
import type { Row } from '../warehouse/types';
import type { Workspace } from '../workspace';
import { nearestStage, type NearestStage } from './nearestStage';
import { groupRunSessions, toRunRecord, type RunRecord, type RunSession } from './runSessions';

export interface DeploymentRef {
  revision: string;
  commit: string | null;
  createdAt: string;
  trafficPercent: number | null;
}

export interface ServiceProvenance {
  service: string;
  /** Whether the commit changes any of the service's paths; null when its changes are unknown (a boundary commit of a shallow clone). */
  touchesService: boolean | null;
  status: 'deployed' | 'not-deployed' | 'unknown';
  /** First revision (by creation time) whose build contains the commit. */
  firstDeployment: (DeploymentRef & { delaySeconds: number }) | null;
  /**
   * Earlier revisions that may contain the commit too: their history is cut (shallow
   * clone), so the first deployment is the first known to contain it, and may be later
   * than the real one.
   */
  earlierUnknown: string[];
  /** Revision serving now (with a traffic split, the one with the largest share); null when none is deployed or it is not known. */
  serving: DeploymentRef | null;
  /** Why the revision serving now is not known, when revisions exist but the records cannot say which serves. */
  servingUnknown: string | null;
  /** The revision the first deployment replaced, or the serving one when the commit is not deployed. */
  replaced: DeploymentRef | null;
  /** When not deployed: commits the serving build lacks up to and including this one. */
  behindBy: number | null;
  /**
   * Set on an answer given before the graph of every ref was read when `behindBy` needs that
   * graph (the commit lies outside every deployed revision's history): the count comes later.
   */
  behindPending?: true;
  /** Runs of the service between the commit and its first deployment, on builds without it. */
  gapRuns: RunSession[];
  /** Runs in that interval whose build may or may not contain the commit: its history is cut (shallow clone). */
  undecidedRuns: number;
  /** Why the status is unknown, or what could not be checked. */
  problem: string | null;
  /** Where the service's deployments are inferred from when it has no deployment record (a build column's first appearance); null for a real record. */
  inferredFrom: string | null;
}

export interface ModelProvenance {
  model: string;
  /** Rows produced by exactly this build. */
  build: SliceMetrics;
  /** Rows produced by any build containing the commit. */
  containing: SliceMetrics;
  /** The builds (full SHAs) whose rows `containing` counts. */
  containingBuilds: string[];
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
  /** Files the commit changed; null when unknown (a boundary commit of a shallow clone: its parents are not in the repository). */
  files: string[] | null;
  services: ServiceProvenance[];
  models: ModelProvenance[];
  window: DateWindow;
  /** What this answer cannot tell because the clone is shallow; null when nothing depends on cut history. */
  historyCut: CutNote | null;
  /** Parts not checked (or checked without a setting), each naming the config key and why. */
  notChecked?: string[];
  /** When the commit touches no configured stage: the stage whose paths come closest, if any shares a folder with it. */
  nearestStage: NearestStage | null;
  /** Why results by build are not given for this commit (a stage whose builds the prediction rows do not record), else null. */
  resultsNotApplicable: string | null;
}

/** Without the column naming each row's build, no row can be tied to a commit. */
export const NO_BUILD_COLUMN = 'results by build: not checked: tables.predictions.columns.commit is null (results by build need the column naming the build that wrote each row)';

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
  /** Ancestry, with the answers that depend on history a shallow clone cut off withheld. */
  ancestry: HistoryCut;
  /** ISO-8601: the end of a gap for commits not deployed yet. */
  now: string;
  /** Parts the sources could not answer, naming the setting (see runForView). */
  notChecked?: string[];
}

/**
 * Provenance of many SHAs at once. The number of git processes and warehouse queries does
 * not depend on how many SHAs are asked for: one resolve, one diff listing, one runs query,
 * one metrics query, one resolve of what those returned, one ancestry walk.
 */
export async function commitProvenance(
  workspace: Workspace,
  shas: string[],
  options: { window?: DateWindow | Promise<DateWindow>; withResults?: boolean; git?: GitRepository } = {},
): Promise<CommitProvenance[]> {
  // The commits asked about, their files and the builds the records name are read through one
  // `cat-file --batch`: the caller's, when it asks git more in the same conversation.
  if (options.git) return gatherProvenance(workspace, options.git, shas, options);
  return (await workspace.git()).batched((git) => gatherProvenance(workspace, git, shas, options));
}

async function gatherProvenance(
  workspace: Workspace,
  git: GitRepository,
  shas: string[],
  options: { window?: DateWindow | Promise<DateWindow>; withResults?: boolean },
): Promise<CommitProvenance[]> {
  const shallow = await git.shallowState();
  // The window is needed only by the warehouse queries: the git work does not wait for it.
  const windowRead = Promise.resolve(options.window ?? workspace.defaultWindow());
  windowRead.catch(() => undefined);

  const services = workspace.config.services;
  const deploymentLists = new Map<string, DeploymentListing>();
  const deploymentsRead = Promise.all(
    services.map(async (s) => {
      try {
        deploymentLists.set(s.name, { list: await workspace.deployments(s.name) });
      } catch (error) {
        deploymentLists.set(s.name, { error: (error as Error).message });
      }
    }),
  ).then(() => [...deploymentLists.values()].flatMap((v) => ('list' in v ? v.list.map((d) => d.commit) : [])));
  const [resolutions, deploymentCommits, deployed] = await Promise.all([git.resolve(shas), deploymentsRead, deploymentsRead.then((commits) => ResolvedShas.resolve(git, commits))]);
  const found = [...resolutions.values()].flatMap((r) => (r.status === 'found' ? [r.commit] : []));
  // The walk is the longest step: it starts from the deployed revisions and the commits asked
  // about while the warehouse is read, and is extended only for builds the records name
  // outside that history.
  const firstTips = [...found.map((c) => c.sha), ...deploymentCommits.flatMap((v) => deployed.full(v) ?? [])];
  const walk = firstTips.length ? git.growingAncestry([...firstTips, ...shallow.boundary]) : null;
  const files = found.length ? await git.filesChanged(found.map((c) => c.sha)) : new Map<string, string[]>();
  const window = await windowRead;

  const now = workspace.currentTime().toISOString();
  const log = workspace.config.tables.executionLog;
  const earliestCommit = found.reduce<string | null>((min, c) => (min === null || c.committedAt < min ? c.committedAt : min), null);
  const warehouse = found.length ? await workspace.warehouse() : null;
  const config = workspace.config;
  const none = { rows: [] as Row[], notChecked: [] as string[] };
  const [runPart, metricPart] = await Promise.all([
    warehouse && log && earliestCommit
      ? runForView(warehouse, config, (c) => runsQuery(c, earliestCommit, now), { from: earliestCommit.slice(0, 10), to: now.slice(0, 10) }, 'runs in the gap')
      : Promise.resolve(none),
    // Callers that only need deployments and runs (the gap detector) leave the results out.
    warehouse && options.withResults !== false ? runForView(warehouse, config, (c) => modelByCommitQuery(c, { window }), window, 'results by build') : Promise.resolve(none),
  ]);
  const runRows = runPart.rows;
  const metricRows = metricPart.rows;
  const notChecked = [...runPart.notChecked, ...metricPart.notChecked];
  if (warehouse && options.withResults !== false && !config.tables.predictions.columns.commit) notChecked.push(NO_BUILD_COLUMN);
  const runs = runRows.map(toRunRecord);

  const resolved = await ResolvedShas.resolve(git, [...deploymentCommits, ...runs.map((r) => r.commit), ...metricRows.map((r) => r.commit_sha as string | null)]);
  const tips = new Set<string>(found.map((c) => c.sha));
  for (const v of [...deploymentCommits, ...runs.map((r) => r.commit), ...metricRows.map((r) => r.commit_sha as string | null)]) {
    const full = resolved.full(v);
    if (full) tips.add(full);
  }
  const tipList = [...tips, ...shallow.boundary];
  const ancestry = new HistoryCut(tips.size ? await (walk ? walk.index(tipList) : git.ancestryIndex(tipList)) : EMPTY_ANCESTRY, shallow);

  return assembleProvenance({
    queries: shas,
    resolutions,
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
    notChecked,
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

const EMPTY_ANCESTRY: AncestryIndex = { contains: () => false, knows: () => false, countBetween: () => 0, countAncestryPath: () => 0 };

/** Provenance of each SHA asked for, from parts already gathered; no git, no warehouse. */
export function assembleProvenance(inputs: ProvenanceInputs): CommitProvenance[] {
  const { resolutions, window, files, services, deployments, runs, logService, metricRows, lookup, ancestry, now } = inputs;
  return inputs.queries.map((query) => {
    const resolution = resolutions.get(query) ?? { status: 'unknown' as const };
    if (resolution.status !== 'found') {
      const notes = new CutNotes();
      if (resolution.status === 'unknown' && ancestry.shallow) notes.add({ cutAt: ancestry.anyBoundary }, `whether ${query} is a commit of this repository`);
      return {
        query,
        resolution: resolution.status,
        candidates: resolution.status === 'ambiguous' ? resolution.candidates : [],
        problem:
          resolution.status === 'ambiguous'
            ? `${query} is ambiguous: it starts ${resolution.candidates.length} commits (${resolution.candidates.map((c) => c.slice(0, 10)).join(', ')}); give more characters.`
            : missingCommit(query, ancestry.shallow),
        commit: null,
        files: [],
        services: [],
        models: [],
        window,
        historyCut: notes.note(),
        notChecked: [],
        nearestStage: null,
        resultsNotApplicable: null,
      };
    }
    const commit = resolution.commit;
    const notes = new CutNotes();
    // git diffs a boundary commit against nothing, as if it added every file: its changes are unknown.
    const boundary = ancestry.isBoundary(commit.sha);
    if (boundary) notes.add({ cutAt: commit.sha }, 'which files this commit changed (its parents are not in this clone)');
    const changed = boundary ? null : (files.get(commit.sha) ?? []);
    const touched = changed ? services.filter((s) => changed.some(matcherFor(s.paths))) : [];
    const relevant = touched.length ? touched : services;
    const serviceResults = relevant.map((s) =>
      serviceProvenance(
        s,
        commit,
        deployments.get(s.name) ?? { error: `No deployments were read for ${s.name}.` },
        changed ? touched.includes(s) : null,
        runs,
        logService,
        lookup,
        ancestry,
        now,
        notes,
      ),
    );
    const primary = serviceResults.find((s) => s.touchesService) ?? serviceResults[0] ?? null;
    // Prediction rows record the scorer's build, not the feature build they read: for a stage
    // stamping another table, "builds containing the commit" would mean scorer builds that
    // merely descend from it, which says nothing about the rows this stage wrote.
    const primaryConfig = services.find((s) => s.name === primary?.service);
    const resultsByThisBuild = !primaryConfig?.table || primaryConfig.table !== 'featureStore';
    return {
      query,
      resolution: 'found' as const,
      candidates: [],
      problem: null,
      commit,
      files: changed,
      services: serviceResults,
      // Results of builds containing a commit are about it only when it changed a service.
      models: resultsByThisBuild ? modelProvenance(commit, primary, metricRows, lookup, ancestry, touched.length ? notes : new CutNotes()) : [],
      window,
      historyCut: notes.note(),
      notChecked: inputs.notChecked ?? [],
      nearestStage: changed && touched.length === 0 ? nearestStage(changed, services) : null,
      resultsNotApplicable: resultsByThisBuild
        ? null
        : `${primaryConfig.name} stamps tables.${primaryConfig.table}; prediction rows record the scorer's build, so results by builds containing this commit would not be about the rows ${primaryConfig.name} wrote.`,
    };
  });
}

function missingCommit(sha: string, shallow: boolean): string {
  return shallow
    ? `${sha} is not in local history, and this clone is shallow: run \`git fetch --unshallow\` (or \`git fetch --deepen=500\`) and try again.`
    : `${sha} is not a commit of this repository: check the SHA, or run \`git fetch --all\` if it was pushed from elsewhere.`;
}

/** Up to three revision names, and how many more. */
function revisionNames(list: Deployment[]): string {
  const names = list.slice(0, 3).map((d) => d.revision);
  return list.length > 3 ? `${names.join(', ')} and ${list.length - 3} more` : names.join(', ');
}

function serviceProvenance(
  service: ServiceConfig,
  commit: CommitInfo,
  deployments: DeploymentListing,
  touchesService: boolean | null,
  runs: RunRecord[],
  logService: string | null,
  resolved: ShaLookup,
  ancestry: HistoryCut,
  now: string,
  notes: CutNotes,
): ServiceProvenance {
  const base = {
    service: service.name,
    touchesService,
    firstDeployment: null,
    earlierUnknown: [],
    serving: null,
    servingUnknown: null,
    replaced: null,
    behindBy: null,
    gapRuns: [] as RunSession[],
    undecidedRuns: 0,
    inferredFrom: inferredFrom(service.deployments),
  };
  if ('error' in deployments) return { ...base, status: 'unknown', problem: deployments.error };
  const list = deployments.list;
  const answers = new Map<Deployment, boolean | CutAt | null>();
  /** true or false when proven; a cut when history a shallow clone lacks decides; null when the revision names no local commit. */
  const contains = (d: Deployment): boolean | CutAt | null => {
    if (!answers.has(d)) {
      const full = resolved.full(d.commit);
      answers.set(d, full ? ancestry.contains(full, commit.sha) : null);
    }
    return answers.get(d)!;
  };
  const first = list.find((d) => contains(d) === true) ?? null;
  const set = list.length ? servingSet(list, service, new Date(now)) : null;
  const serving = set?.known ? set.revisions[0] : null;
  const servingUnknown = set && !set.known ? set.reason : null;

  const earlierCut = first ? list.slice(0, list.indexOf(first)).filter((d) => isCut(contains(d))) : [];
  if (first && earlierCut.length) {
    notes.add(
      contains(earlierCut[0]) as CutAt,
      `whether an earlier revision of ${service.name} (${revisionNames(earlierCut)}) already had this commit, so ${first.revision} may not be the first`,
    );
  }

  const gapEnd = first?.createdAt ?? now;
  let undecidedRuns = 0;
  let runsCutAt: CutAt | null = null;
  // A log with a stage column holds every stage's runs: each stage reads only its own.
  const stageRuns = runs.some((r) => r.stage !== null) ? runs.filter((r) => r.stage === service.name) : logService === service.name ? runs : [];
  const gapRuns = stageRuns.length
    ? groupRunSessions(
        stageRuns.filter((r) => {
          if (r.startedAt <= commit.committedAt || r.startedAt >= gapEnd) return false;
          const full = resolved.full(r.commit);
          // Outside a shallow clone a build missing from local history counts as older code;
          // in one, it is as likely beyond the cut.
          const has = full ? ancestry.contains(full, commit.sha) : ancestry.shallow ? { cutAt: ancestry.anyBoundary } : false;
          if (isCut(has)) {
            undecidedRuns += 1;
            runsCutAt ??= has;
            return false;
          }
          return !has;
        }),
      )
    : [];
  if (runsCutAt) {
    notes.add(runsCutAt, `whether ${undecidedRuns} run${undecidedRuns === 1 ? '' : 's'} of ${service.name} between the commit and ${first ? 'its deployment' : 'now'} had it`);
  }

  // What the first deployment replaced: the newest revision before it that lacks the commit.
  // Revisions created at the same instant from different builds leave it open, not picked by list order.
  const prior = first
    ? servingAt(
        list.filter((d) => d.createdAt < first.createdAt && contains(d) === false),
        first.createdAt,
      )
    : null;
  const priorTie = prior && 'tied' in prior && new Set(prior.tied.map((d) => resolved.full(d.commit) ?? d.commit)).size > 1 ? prior.tied : null;
  const replaced = first ? (prior === null || priorTie ? null : 'tied' in prior ? prior.tied[0] : prior.revision) : serving;

  let problem: string | null = priorTie
    ? `Revisions ${priorTie.map((d) => d.revision).join(', ')} of ${service.name} were created at the same instant (${priorTie[0].createdAt}) from different builds: which one the first deployment replaced is not known, so its results are not compared.`
    : null;
  if (!first) {
    const undecided = list.filter((d) => contains(d) === null || isCut(contains(d)));
    if (undecided.length && ancestry.shallow) {
      const cut = undecided.map(contains).find(isCut) ?? { cutAt: ancestry.anyBoundary };
      const cutOnes = undecided.filter((d) => isCut(contains(d)));
      const missing = undecided.filter((d) => contains(d) === null);
      const reasons = [
        cutOnes.length ? `${revisionNames(cutOnes)} with ${cutOnes.length === 1 ? 'its' : 'their'} history cut` : null,
        missing.length ? `${revisionNames(missing)} with ${missing.length === 1 ? 'its commit' : 'their commits'} not in local history` : null,
      ];
      const what = `whether ${service.name} contains this commit (${reasons.filter(Boolean).join('; ')})`;
      notes.add(cut, what);
      problem = cutMessage(cut.cutAt, what);
    } else if (undecided.length) {
      problem = `${undecided.length} revision(s) of ${service.name} name no commit known to local history (${revisionNames(undecided)}); they may contain it.`;
    }
  }
  let behindBy: number | null = null;
  if (!first && serving) {
    const servingFull = resolved.full(serving.commit);
    if (servingFull) {
      const count = ancestry.countBetween(servingFull, commit.sha);
      if (isCut(count)) notes.add(count, `how many commits behind this one the serving build of ${service.name} (${servingFull.slice(0, 7)}) is`);
      else behindBy = count;
    }
  }
  return {
    ...base,
    status: first ? 'deployed' : problem ? 'unknown' : 'not-deployed',
    firstDeployment: first ? { ...ref(first), delaySeconds: (Date.parse(first.createdAt) - Date.parse(commit.committedAt)) / 1000 } : null,
    earlierUnknown: earlierCut.map((d) => d.revision),
    serving: serving ? ref(serving) : null,
    servingUnknown,
    replaced: replaced ? ref(replaced) : null,
    behindBy,
    gapRuns,
    undecidedRuns,
    problem,
  };
}

function modelProvenance(commit: CommitInfo, primary: ServiceProvenance | null, rows: Row[], resolved: ShaLookup, ancestry: HistoryCut, notes: CutNotes): ModelProvenance[] {
  const replacedFull = resolved.full(primary?.replaced?.commit ?? null);
  const byModel = new Map<string, { build: MetricSums; containing: MetricSums; containingBuilds: Set<string>; replaced: MetricSums; lacking: MetricSums }>();
  const undecidedBuilds = new Set<string>();
  let undecidedRows = 0;
  let cutAt: CutAt | null = null;
  for (const row of rows) {
    const model = String(row.model);
    const entry = byModel.get(model) ?? { build: EMPTY_SUMS, containing: EMPTY_SUMS, containingBuilds: new Set<string>(), replaced: EMPTY_SUMS, lacking: EMPTY_SUMS };
    const recorded = row.commit_sha as string | null;
    const full = resolved.full(recorded);
    const sums = sumsFromRow(row);
    // In a shallow clone a build missing from local history may be beyond the cut: its rows
    // are neither "containing" nor "lacking".
    const has = full ? ancestry.contains(full, commit.sha) : recorded && ancestry.shallow ? { cutAt: ancestry.anyBoundary } : null;
    if (full === commit.sha) entry.build = addSums(entry.build, sums);
    if (has === true) {
      entry.containing = addSums(entry.containing, sums);
      entry.containingBuilds.add(full!);
    } else if (has === false) entry.lacking = addSums(entry.lacking, sums);
    else if (isCut(has)) {
      undecidedBuilds.add(full ?? String(recorded));
      undecidedRows += sums.predictions;
      cutAt ??= has;
    }
    if (full && replacedFull && full === replacedFull) entry.replaced = addSums(entry.replaced, sums);
    byModel.set(model, entry);
  }
  if (cutAt) {
    const n = undecidedBuilds.size;
    notes.add(
      cutAt,
      `whether ${n} build${n === 1 ? '' : 's'} with ${undecidedRows} prediction${undecidedRows === 1 ? '' : 's'} in the window contain${n === 1 ? 's' : ''} it (left out of the results)`,
    );
  }
  return [...byModel.entries()]
    .filter(([, e]) => e.containing.predictions + e.containing.graded + e.replaced.predictions + e.replaced.graded > 0)
    .map(([model, e]) => {
      const containing = sharedSlice(e.containing);
      const replaced = sharedSlice(e.replaced);
      return {
        model,
        build: sharedSlice(e.build),
        containing,
        containingBuilds: [...e.containingBuilds].sort(),
        replaced: { ...replaced, commit: replacedFull ?? null },
        lacking: sharedSlice(e.lacking),
        hitRateChange: compareProportions(replaced.hitRate, containing.hitRate),
      };
    })
    .sort((a, b) => a.model.localeCompare(b.model));
}

/**
 * Commits between the same two deployments read the same rows, so their slices are equal: a
 * document's 1,000 lenses held 44,000 metric objects for a few hundred distinct ones. Each
 * is made once and shared, frozen so that no reader can change another commit's figures.
 */
const slices = new Map<string, SliceMetrics>();
const MAX_SHARED_SLICES = 4096;

function sharedSlice(s: MetricSums): SliceMetrics {
  const key = [s.predictions, s.graded, s.correct, s.absErrorSum, s.errorSum, s.errorSqSum, s.directionN, s.directionHits, s.directionExcluded, s.highEdgeN, s.highEdgeHits].join(
    ' ',
  );
  let slice = slices.get(key);
  if (!slice) {
    const made = sliceMetrics(s);
    for (const p of [made.hitRate, made.directionAccuracy, made.highEdgeHitRate]) if (p) Object.freeze(p);
    slice = Object.freeze(made);
    if (slices.size >= MAX_SHARED_SLICES) slices.clear();
    slices.set(key, slice);
  }
  return slice;
}
