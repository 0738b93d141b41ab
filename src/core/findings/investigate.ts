import type { PipelineLensConfig } from '../config/types';
import { cutMessage } from '../git/historyCut';
import { ResolvedShas } from '../git/shaResolver';
import { addSums, EMPTY_SUMS, sliceMetrics } from '../metrics/aggregate';
import { decomposeRate, type RateDecomposition } from '../metrics/rateDecomposition';
import { commitProvenance, type CommitProvenance } from '../provenance/commitProvenance';
import { formatTimestamp, shortSha } from '../report/format';
import {
  directionSkewQuery,
  featureCoverageQuery,
  featureSnapshotQuery,
  coverageByExpectedQuery,
  hitRateByModeQuery,
  featureStoreCompletenessQuery,
  modelCommitDateQuery,
  modelFeatureHealthQuery,
  rowsWrittenQuery,
  shiftLineageQuery,
  stageBuildsQuery,
  type DateWindow,
} from '../warehouse/catalog';
import type { CatalogQuery } from '../warehouse/columnNeeds';
import { WarehouseError, type Row } from '../warehouse/types';
import { shiftDate, type Workspace } from '../workspace';
import { runChecked, type ColumnFault } from '../warehouse/checkedQuery';
import { coverageGroups, withDecomposition, type ChangePoint } from './coverageDecomposition';
import { hitRateGroups, notDecomposedLine, runModeSource, type ShiftSides, withHitRateDecomposition } from './hitRateDecomposition';
import { deploymentGapFindings, type RowsWritten } from './deploymentGap';
import { directionSkewFindings } from './directionSkew';
import { featureHealth, type BrokenFeature } from './featureHealth';
import { featureStoreFindings } from './featureStoreCompleteness';
import { gradingCoverageFindings } from './gradingCoverage';
import { detectShifts, modelSeries, shiftFinding, type Shift } from './metricShift';
import { modelFamilyFindings } from './modelFamilies';
import { checkModelIdentity } from './modelIdentity';
import { shiftLineage, type ShiftLineage } from './shiftLineage';
import { inputCells, shiftInputs, type InputSeries, type ShiftInputs } from './shiftCauses';
import { stageRowsGapFindings, type StageRows } from './stageRowsGap';
import { rank, type Finding } from './types';

export interface Investigation {
  window: DateWindow;
  models: string[] | null;
  findings: Finding[];
  /** Parts that could not be checked, and why: what is missing, the config key, the type it must be. */
  skipped: string[];
}

/** Nothing to investigate: said in one line, like any input error. */
export class InvestigationInputError extends Error {}

/** How many models' shifts get their inputs examined; each costs a query or two. */
const EXPLAINED_SHIFTS = 3;

/**
 * Every detector over one window, ranked. Aggregation happens in the warehouse: the engine
 * receives at most one row per model, build and date (or feature, mode and date), never
 * prediction rows. A detector that cannot run (a column missing or of another type than it
 * needs) is reported as not checked, with the setting at fault, and the rest still run.
 */
export async function investigate(workspace: Workspace, options: { window?: DateWindow; models?: string[] } = {}): Promise<Investigation> {
  const window = options.window ?? (await workspace.defaultWindow());
  const models = options.models?.length ? options.models : undefined;
  const skipped: string[] = [];
  const warehouse = await workspace.warehouse();
  const git = await workspace.git();
  let config = workspace.config;

  const leftOutSaid = new Set<string>();
  const sayLeftOut = (what: string, faults: ColumnFault[]) => {
    for (const f of faults) {
      if (leftOutSaid.has(f.need.key)) continue;
      leftOutSaid.add(f.need.key);
      skipped.push(`${what} without ${f.need.key}: ${f.message}`);
    }
  };
  // Detectors stopped by the same setting share one line: `feature health, inputs of m1's rows: …`.
  const notCheckedFor = new Map<string, { what: string[]; at: number }>();
  const notChecked = (what: string, reason: string) => {
    const seen = notCheckedFor.get(reason);
    if (!seen) {
      notCheckedFor.set(reason, { what: [what], at: skipped.push(`${what}: ${reason}`) - 1 });
      return;
    }
    seen.what.push(what);
    skipped[seen.at] = `${seen.what.join(', ')}: ${reason}`;
  };
  /** Rows of a detector's query, or null (and a "not checked" line) when it cannot run. */
  const checked = async (what: string, build: (c: PipelineLensConfig) => CatalogQuery): Promise<Row[] | null> => {
    const result = await runChecked(warehouse, config, build, window);
    if (!result.ok) {
      notChecked(what, result.reason);
      return null;
    }
    sayLeftOut(what, result.leftOut);
    return result.rows;
  };

  // The results at the finest grain every other part sums up. A column it reads that the
  // warehouse lacks and the config may leave out is left out for the whole investigation.
  const core = await runChecked(warehouse, config, (c) => modelCommitDateQuery(c, { window, models }), window);
  let cells: Row[] | null = null;
  if (core.ok) {
    cells = core.rows;
    config = core.config;
    sayLeftOut('results by model, build and date', core.leftOut);
  } else if (core.error) {
    // Not a setting of one detector (no such table, no access): nothing about results can be said.
    throw core.error;
  } else skipped.push(`metric shifts, grading coverage and model families: ${core.reason}`);
  const view = config === workspace.config ? workspace : workspace.withConfig(config);

  if (cells && cells.length === 0) {
    throw new InvestigationInputError(
      `No predictions in ${config.tables.predictions.table} or grading in ${config.tables.graded.table} between ${window.from} and ${window.to}${
        models ? ` for ${models.join(', ')}` : ''
      }: the tables are empty or the window misses them. Check tables.* in ${config.file}, the model ids, or pass --from/--to.`,
    );
  }

  const registryIndices = config.features.registry.length ? config.features.registry.map((f) => f.index) : Array.from({ length: config.features.count }, (_, i) => i);
  const hasFeatures = !!config.tables.featureStore && registryIndices.length > 0;
  if (!config.tables.featureStore) skipped.push('feature health: no tables.featureStore in the config');
  else if (registryIndices.length === 0) skipped.push('feature health: features.count and features.registry name no feature to check');
  if (config.tables.featureStore && !config.tables.expected) {
    skipped.push('feature-store completeness and the population/within-group split of coverage drops: need tables.expected (who should have features on each date)');
  }
  const pc = config.tables.predictions.columns;
  if (!pc.predicted || !pc.line) {
    skipped.push(
      `direction skew: ${!pc.line ? 'tables.predictions.columns.line' : 'tables.predictions.columns.predicted'} is null; it needs the ${!pc.line ? 'line each prediction is compared with' : 'predicted value'} (a number)`,
    );
  }

  const [coverage, completeness, skew] = await Promise.all([
    hasFeatures ? checked('feature health', (c) => featureCoverageQuery(c, window, registryIndices)) : null,
    config.tables.featureStore && config.tables.expected ? checked('feature-store completeness', (c) => featureStoreCompletenessQuery(c, window)) : null,
    pc.predicted && pc.line ? checked('direction skew', (c) => directionSkewQuery(c, { window, models })) : null,
  ]);

  const provenances = await gapProvenances(view, window, skipped);
  const rowsWritten = await countUnrecordedRows(view, provenances, (what, build) => checked(what, build), skipped);

  const resolved = await ResolvedShas.resolve(
    git,
    [...(cells ?? []), ...(coverage ?? [])].map((r) => (r.commit_sha as string | null) ?? null),
  );
  const sha = (v: string | null) => resolved.full(v);
  const series = cells ? modelSeries(cells, sha) : [];
  const shifts = detectShifts(series, config.thresholds);
  const deploymentsByCommit = await deployedBuilds(view, git);

  const strongest = new Map<string, Shift>();
  for (const s of shifts) {
    const current = strongest.get(s.model);
    if (!current || Math.abs(s.hitRate.difference ?? 0) > Math.abs(current.hitRate.difference ?? 0)) strongest.set(s.model, s);
  }
  const explained = [...strongest.values()].sort((a, b) => Math.abs(b.hitRate.difference ?? 0) - Math.abs(a.hitRate.difference ?? 0)).slice(0, EXPLAINED_SHIFTS);
  const inputs = new Map<Shift, { inputs: ShiftInputs | null; notChecked: string | null }>();
  await Promise.all(
    explained.map(async (shift) => {
      const result = await explainShift(shift, config, window, registryIndices, sha, checked);
      inputs.set(shift, result);
    }),
  );

  const lineages = await shiftLineages(view, explained, window, git, checked, skipped);
  const modeSplits = await shiftModeSplits(config, shifts, window, sha, checked);

  const health = coverage ? featureHealth(coverage, config.features.registry, config.thresholds, sha) : [];
  tieHealthToShifts(health, explained, inputs);

  const backfillModes = config.tables.executionLog?.backfillModes ?? null;
  const gaps = deploymentGapFindings(provenances, { backfillModes, rowsWritten });
  // Runs that may have executed older code, but whose build's history is cut, are named
  // rather than silently left out of the gaps.
  const found = new Set(gaps.map((f) => `${(f.data.commit as { sha: string }).sha} ${String(f.data.service)}`));
  for (const p of provenances) {
    for (const s of p.services) {
      if (!p.commit || !p.historyCut || s.touchesService === false || s.undecidedRuns === 0 || found.has(`${p.commit.sha} ${s.service}`)) continue;
      skipped.push(`deployment gap of ${s.service} after ${shortSha(p.commit.sha)}: ${p.historyCut.message}`);
    }
  }
  const stageGaps = await stageRowGaps(view, provenances, (what, build) => checked(what, build), skipped);
  const findings: Finding[] = [
    ...gaps,
    ...stageGaps,
    ...shifts.map((shift) => {
      const deployed = shift.at === 'build' && shift.after.commit ? deploymentsByCommit.get(shift.after.commit) : undefined;
      const note = deployed
        ? `Build ${shortSha(shift.after.commit!)} was deployed to ${deployed.service} as ${deployed.revision} at ${formatTimestamp(deployed.createdAt)}.`
        : null;
      const explanation = inputs.get(shift);
      const finding = shiftFinding(shift, explanation?.inputs ?? null, note, explanation?.notChecked ?? null);
      const lineage = lineages.get(shift);
      if (lineage) {
        finding.evidence.push(...lineage.evidence);
        finding.data.lineage = { featureBuilds: lineage.featureBuilds, scorerBuilds: lineage.scorerBuilds, confounded: lineage.confounded, cells: lineage.cells };
        finding.subjects.commits = [...new Set([...(finding.subjects.commits ?? []), ...lineage.featureBuilds])];
      }
      const split = modeSplits.get(shift);
      const source = runModeSource(config);
      if (!source) return { ...finding, evidence: [...finding.evidence, notDecomposedLine()] };
      return split ? withHitRateDecomposition(finding, split.decomposition, split.sides, source) : finding;
    }),
    ...(await Promise.all(health.map((h) => decomposedCoverage(h, coverage ?? [], window, config, sha, deploymentsByCommit, checked)))),
  ];

  if (cells?.length) {
    const lastDay = cells.reduce((max, r) => (String(r.day) > max ? String(r.day) : max), '');
    const recent = { from: shiftDate(lastDay, -6), to: lastDay };
    const perModel = new Map<string, typeof EMPTY_SUMS>();
    for (const s of series) for (const c of s.cells) if (c.day >= recent.from && c.day <= recent.to) perModel.set(s.model, addSums(perModel.get(s.model) ?? EMPTY_SUMS, c.sums));
    findings.push(
      ...gradingCoverageFindings(
        [...perModel].map(([model, sums]) => ({ model, metrics: sliceMetrics(sums) })),
        recent,
        config.thresholds,
      ),
    );
  }
  if (completeness) findings.push(...featureStoreFindings(completeness, config.thresholds));
  if (skew) findings.push(...directionSkewFindings(skew, config.thresholds));
  findings.push(
    ...modelFamilyFindings(
      series
        .map((s) => {
          const active = s.cells
            .filter((c) => c.sums.predictions > 0)
            .map((c) => c.day)
            .sort();
          return { model: s.model, firstDay: active[0] ?? '', lastDay: active[active.length - 1] ?? '', predictions: s.cells.reduce((n, c) => n + c.sums.predictions, 0) };
        })
        .filter((a) => a.firstDay !== ''),
      config.modelFamilyPattern,
    ),
  );

  const modelsSeen = cells ? new Set(series.filter((s) => s.cells.some((c) => c.sums.predictions > 0)).map((s) => s.model)) : null;
  findings.push(...(await checkModelIdentity(config, { window, models }, modelsSeen, view.currentTime().toISOString(), checked, skipped)));

  return { window, models: models ?? null, findings: rank(findings), skipped };
}

/**
 * Each hit-rate shift's graded rows split by the run mode of their prediction: one query per
 * shift. A shift at a date compares the rows before and from its day; a shift between builds
 * compares each build's own rows, since a backfill on one build and daily runs on the next
 * can cover the same dates. Without a run mode there is nothing to split by, and each finding
 * says so; a query that fails leaves its shift undecomposed (and named in skipped by `checked`).
 */
async function shiftModeSplits(
  config: PipelineLensConfig,
  shifts: Shift[],
  window: DateWindow,
  sha: (v: string | null) => string | null,
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
): Promise<Map<Shift, { decomposition: RateDecomposition; sides: ShiftSides }>> {
  const found = new Map<Shift, { decomposition: RateDecomposition; sides: ShiftSides }>();
  if (!runModeSource(config)) return found;
  await Promise.all(
    shifts.map(async (shift) => {
      const first = shift.before.from < shift.after.from ? shift.before.from : shift.after.from;
      const last = shift.before.to > shift.after.to ? shift.before.to : shift.after.to;
      const range = { from: first < window.from ? window.from : first, to: last };
      const sides: ShiftSides =
        shift.at === 'build'
          ? { by: 'build', before: [shift.before.commit ?? null], after: [shift.after.commit ?? null], ...range }
          : { by: 'date', splitDay: shift.splitDay, ...range };
      const rows = await checked(`hit rate of ${shift.model} by run mode`, (c) => hitRateByModeQuery(c, [shift.model], range, shift.splitDay));
      if (!rows) return;
      const { before, after } = hitRateGroups(rows, sides, sha);
      found.set(shift, { decomposition: decomposeRate(before, after), sides });
    }),
  );
  return found;
}

/**
 * A coverage drop with a level before it, split into population and within-group change
 * over the expected list; other findings, and drops where the config names no expected
 * list, come back as they are.
 */
async function decomposedCoverage(
  h: BrokenFeature,
  coverage: Row[],
  window: DateWindow,
  config: PipelineLensConfig,
  sha: (v: string | null) => string | null,
  deployments: Map<string, NonNullable<ChangePoint['deployment']>>,
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
): Promise<Finding> {
  if (h.finding.kind !== 'feature-coverage-drop' || typeof h.finding.data.before !== 'number' || !config.tables.expected) return h.finding;
  const rows = await checked(`coverage decomposition of ${h.name}`, (c) => coverageByExpectedQuery(c, { from: window.from, to: h.to }, h.from, h.index, h.mode));
  if (!rows) return h.finding;
  const { before, after } = coverageGroups(rows);
  const ofMode = coverage.filter((r) => Number(r.feature_index) === h.index && (r.mode === null || r.mode === undefined ? null : String(r.mode)) === h.mode);
  const buildOn = (day: string) => {
    const r = ofMode.find((x) => String(x.day) === day && x.commit_sha !== null && x.commit_sha !== undefined);
    return r ? (sha(String(r.commit_sha)) ?? String(r.commit_sha)) : null;
  };
  const lastBefore = ofMode.reduce((max, r) => (String(r.day) < h.from && String(r.day) > max ? String(r.day) : max), '');
  const at = buildOn(h.from);
  const change: ChangePoint = { before: lastBefore ? buildOn(lastBefore) : null, at, deployment: at ? (deployments.get(at) ?? null) : null };
  const daysWhere = (test: (day: string) => boolean) => new Set(ofMode.map((r) => String(r.day)).filter(test)).size;
  const days = { before: daysWhere((d) => d < h.from), after: daysWhere((d) => d >= h.from && d <= h.to) };
  return withDecomposition(h.finding, h.name, decomposeRate(before, after), change, days);
}

/** Provenance of the commits that touched a service's code in the window: where deployment gaps are. */
async function gapProvenances(workspace: Workspace, window: DateWindow, skipped: string[]): Promise<CommitProvenance[]> {
  const config = workspace.config;
  const git = await workspace.git();
  const candidates: string[] = [];
  const head = await git.head();
  const shallow = await git.shallowState();
  for (const service of config.services) {
    try {
      const deployments = await workspace.deployments(service.name);
      const oldest = deployments.find((d) => d.commit);
      let base = oldest?.commit ? await git.revParse(oldest.commit) : null;
      if (!base && shallow.shallow && oldest) {
        // The oldest deployed commit is beyond the cut: start from the oldest one the clone
        // has, and say which gaps that leaves out.
        for (const d of deployments) {
          base = d.commit ? await git.revParse(d.commit) : null;
          if (base) {
            skipped.push(
              `deployment gaps of ${service.name} before ${d.revision}: ${cutMessage(shallow.boundary[0] ?? null, `what changed between its oldest deployment (${oldest.revision}, commit ${oldest.commit!.slice(0, 7)}, not in local history) and ${d.revision}`)}`,
            );
            break;
          }
        }
      }
      if (!base) {
        skipped.push(
          shallow.shallow
            ? `deployment gaps of ${service.name}: ${cutMessage(shallow.boundary[0] ?? null, 'what changed since its deployments: none of their commits is in local history')}`
            : `deployment gaps of ${service.name} (no deployed commit found in local history)`,
        );
        continue;
      }
      const commits = await git.commitsBetween(base, head, service.paths);
      candidates.push(...commits.filter((c) => c.committedAt.slice(0, 10) >= window.from).map((c) => c.sha));
    } catch (error) {
      skipped.push(`deployment gaps of ${service.name}: ${(error as Error).message}`);
    }
  }
  if (candidates.length === 0) return [];
  try {
    return await commitProvenance(workspace, [...new Set(candidates)], { window, withResults: false });
  } catch (error) {
    if (!(error instanceof WarehouseError) || error.reason === 'cancelled') throw error;
    skipped.push(`deployment gaps: ${error.message}`);
    return [];
  }
}

/**
 * Rows written by the runs on old code whose log does not record them, counted in the
 * predictions table by build, dates and the time the run took. Without a write time or a
 * build column there is no honest count: those stay "not recorded".
 */
async function countUnrecordedRows(
  workspace: Workspace,
  provenances: CommitProvenance[],
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
  skipped: string[],
): Promise<RowsWritten> {
  const counted: RowsWritten = new Map();
  const sessions = provenances.flatMap((p) => p.services.flatMap((s) => s.gapRuns)).filter((r) => r.rowsProduced === null);
  if (sessions.length === 0) return counted;
  const pc = workspace.config.tables.predictions.columns;
  const countable = sessions.filter((r) => r.commit && Date.parse(r.endedAt) > Date.parse(r.startedAt));
  if (!pc.commit || !pc.createdAt) {
    skipped.push(
      `rows written by runs on old code: the execution log records none (tables.executionLog.columns.rowsProduced), and counting them in the predictions table needs tables.predictions.columns.${
        pc.commit ? 'createdAt (when each row was written, a TIMESTAMP)' : 'commit (the build of each row)'
      }`,
    );
    return counted;
  }
  if (countable.length === 0) return counted;
  const unique = [...new Map(countable.map((r) => [`${r.commit}|${r.startedAt}|${r.endedAt}|${r.firstDate}|${r.lastDate}`, r])).values()];
  const rows = await checked('rows written by runs on old code', (c) =>
    rowsWrittenQuery(
      c,
      unique.map((r) => ({ commit: r.commit!, startedAt: r.startedAt, endedAt: r.endedAt, firstDate: r.firstDate, lastDate: r.lastDate })),
    ),
  );
  if (!rows) return counted;
  const bySession = new Map(rows.map((r) => [Number(r.session), Number(r.rows_written)]));
  unique.forEach((r, i) => {
    const count = bySession.get(i) ?? 0;
    for (const s of countable) {
      if (s.commit === r.commit && s.startedAt === r.startedAt && s.endedAt === r.endedAt && s.firstDate === r.firstDate && s.lastDate === r.lastDate) counted.set(s, count);
    }
  });
  return counted;
}

/**
 * Gaps of the stages whose runs the execution log does not record, read from the builds
 * their own table records. One query per such stage, one ancestry walk for all.
 */
async function stageRowGaps(
  workspace: Workspace,
  provenances: CommitProvenance[],
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
  skipped: string[],
): Promise<Finding[]> {
  const config = workspace.config;
  const logService = config.tables.executionLog?.service ?? null;
  const stages = config.services.filter((s) => s.table && s.name !== logService);
  const concerned = stages.filter((s) => provenances.some((p) => p.services.some((x) => x.service === s.name && x.touchesService)));
  if (concerned.length === 0) return [];
  const git = await workspace.git();
  if ((await git.shallowState()).shallow) {
    skipped.push(
      `deployment gaps of ${concerned.map((s) => s.name).join(', ')} from the builds their tables record: this clone is shallow, so which builds lack a commit is not proven; run git fetch --unshallow`,
    );
    return [];
  }
  const window = provenances[0].window;
  const rowsByStage = new Map<string, StageRows[]>();
  for (const stage of concerned) {
    const rows = await checked(`rows ${stage.name} wrote (tables.${stage.table})`, (c) => stageBuildsQuery(c, stage.table!, window));
    if (!rows) continue;
    rowsByStage.set(
      stage.name,
      rows
        .filter((r) => r.commit_sha !== null)
        .map((r) => ({ commit: String(r.commit_sha), mode: r.mode === null ? null : String(r.mode), day: String(r.day), rows: Number(r.rows_written) })),
    );
  }
  const builds = [...rowsByStage.values()].flatMap((rows) => rows.map((r) => r.commit));
  const resolved = await ResolvedShas.resolve(git, builds);
  const commits = provenances.flatMap((p) => (p.commit ? [p.commit.sha] : []));
  const tips = [...new Set([...builds.map((b) => resolved.full(b)).filter((b): b is string => b !== null), ...commits])];
  const index = await git.ancestryIndex(tips);
  // A build that is not in local history is not proven to lack anything: it is left out.
  const lacks = (build: string, commit: string) => {
    const full = resolved.full(build);
    return full !== null && index.knows(full) && !index.contains(full, commit);
  };
  const unknownBuilds = [...new Set(builds.filter((b) => resolved.full(b) === null))];
  if (unknownBuilds.length)
    skipped.push(
      `rows of ${unknownBuilds.length} build(s) recorded in stage tables that are not commits of this repository (${unknownBuilds
        .slice(0, 3)
        .map((b) => shortSha(b))
        .join(', ')}): left out of the stages' deployment gaps`,
    );
  return stageRowsGapFindings(provenances, config.services, rowsByStage, lacks, { backfillModes: config.tables.executionLog?.backfillModes ?? null });
}

/**
 * Each explained shift's rows by the feature build they read and the scorer build that made
 * them (tables.predictions.featureJoin), one query per shift: which build is behind it.
 */
async function shiftLineages(
  workspace: Workspace,
  shifts: Shift[],
  window: DateWindow,
  git: Awaited<ReturnType<Workspace['git']>>,
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
  skipped: string[],
): Promise<Map<Shift, ShiftLineage>> {
  const config = workspace.config;
  const found = new Map<Shift, ShiftLineage>();
  const store = config.tables.featureStore;
  if (!store || shifts.length === 0) return found;
  if (!store.columns.commit) return found;
  if (!config.tables.predictions.featureJoin) {
    skipped.push(
      'lineage of shifts to the feature build: tables.predictions.featureJoin is not set (the predictions columns that name the feature row each prediction read, and daysBefore)',
    );
    return found;
  }
  const featureStage = config.services.find((s) => s.table === 'featureStore')?.name ?? null;
  await Promise.all(
    shifts.map(async (shift) => {
      const range = { from: shift.before.from < window.from ? window.from : shift.before.from, to: shift.after.to };
      const rows = await checked(`lineage of ${shift.model}'s rows to feature builds`, (c) => shiftLineageQuery(c, shift.model, range, shift.splitDay));
      if (!rows) return;
      const resolved = await ResolvedShas.resolve(
        git,
        rows.flatMap((r) => [r.scorer_commit as string | null, r.feature_commit as string | null]),
      );
      found.set(
        shift,
        shiftLineage(shift, rows, (v) => resolved.full(v), config.thresholds.minSample, featureStage),
      );
    }),
  );
  return found;
}

async function deployedBuilds(workspace: Workspace, git: Awaited<ReturnType<Workspace['git']>>) {
  const byCommit = new Map<string, { service: string; revision: string; createdAt: string }>();
  const lists = await Promise.all(workspace.config.services.map(async (s) => ({ service: s.name, list: await workspace.deployments(s.name).catch(() => []) })));
  const shas = await ResolvedShas.resolve(
    git,
    lists.flatMap((d) => d.list.map((x) => x.commit)),
  );
  for (const { service, list } of lists) {
    for (const d of list) {
      const full = shas.full(d.commit);
      if (full && !byCommit.has(full)) byCommit.set(full, { service, revision: d.revision, createdAt: d.createdAt });
    }
  }
  return byCommit;
}

/** The inputs of a shift's rows on both sides: feature-store features and the values recorded with each prediction. */
async function explainShift(
  shift: Shift,
  config: PipelineLensConfig,
  window: DateWindow,
  indices: number[],
  sha: (v: string | null) => string | null,
  checked: (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise<Row[] | null>,
): Promise<{ inputs: ShiftInputs | null; notChecked: string | null }> {
  const range = { from: shift.before.from < window.from ? window.from : shift.before.from, to: shift.after.to };
  const pc = config.tables.predictions;
  const notChecked: string[] = [];
  const [features, snapshot] = await Promise.all([
    config.tables.featureStore && indices.length
      ? checked(`inputs of ${shift.model}'s rows`, (c) => modelFeatureHealthQuery(c, shift.model, range, shift.splitDay, indices))
      : null,
    pc.columns.featureSnapshot && pc.featureSnapshotKeys.length
      ? checked(`values recorded with ${shift.model}'s predictions`, (c) => featureSnapshotQuery(c, shift.model, range, shift.splitDay))
      : null,
  ]);
  if (config.tables.featureStore && indices.length && !features) notChecked.push('the feature store (see "Not checked" below)');
  const names = new Map(config.features.registry.map((f) => [f.index, f.name]));
  const series: InputSeries[] = [];
  if (features) {
    for (const [key, cells] of inputCells(features, 'feature_index', sha)) {
      const index = Number(key);
      series.push({ source: 'featureStore', label: names.get(index) ?? `feature ${index}`, index, cells });
    }
  }
  if (snapshot) {
    const byName = new Map(config.features.registry.map((f) => [f.name, f.index]));
    for (const [key, cells] of inputCells(snapshot, 'snapshot_key', sha)) {
      series.push({ source: 'snapshot', label: `${pc.columns.featureSnapshot}.${key}`, index: byName.get(key) ?? null, cells });
    }
  }
  if (series.length === 0) return { inputs: null, notChecked: notChecked.length ? notChecked.join('; ') : null };
  return { inputs: shiftInputs(shift, series, config.thresholds), notChecked: notChecked.length ? notChecked.join('; ') : null };
}

/** A broken feature says, from the rows, whether it is a candidate cause of each shift examined, or why not. */
function tieHealthToShifts(health: BrokenFeature[], shifts: Shift[], inputs: Map<Shift, { inputs: ShiftInputs | null }>): void {
  for (const h of health) {
    for (const shift of shifts) {
      const examined = inputs.get(shift)?.inputs;
      if (!examined) continue;
      const drop = (shift.hitRate.difference ?? 0) < 0 ? 'drop' : 'rise';
      const at = shift.at === 'build' ? `with build ${shift.after.commit ? shortSha(shift.after.commit) : 'unknown'}` : `from ${shift.splitDay}`;
      const cause = examined.causes.find((c) => c.source === 'featureStore' && c.index === h.index);
      const dismissal = examined.dismissals.find((d) => d.source === 'featureStore' && d.index === h.index);
      if (cause) h.finding.evidence.push(`On ${shift.model}'s own rows it is a candidate cause of the ${drop} ${at}: ${cause.text}`);
      else if (dismissal) h.finding.evidence.push(`On ${shift.model}'s own rows, checked in every mode: ${dismissal.text}`);
    }
  }
}
