import { cutMessage } from '../git/historyCut';
import { ResolvedShas } from '../git/shaResolver';
import { addSums, EMPTY_SUMS, sliceMetrics } from '../metrics/aggregate';
import { commitProvenance } from '../provenance/commitProvenance';
import { formatDuration, formatTimestamp, shortSha } from '../report/format';
import {
  directionSkewQuery,
  featureCoverageQuery,
  featureStoreCompletenessQuery,
  modelCommitDateQuery,
  modelFeatureCoverageQuery,
  type DateWindow,
} from '../warehouse/catalog';
import type { Row } from '../warehouse/types';
import { shiftDate, type Workspace } from '../workspace';
import { deploymentGapFindings } from './deploymentGap';
import { directionSkewFindings } from './directionSkew';
import { featureHealthFindings } from './featureHealth';
import { featureStoreFindings } from './featureStoreCompleteness';
import { gradingCoverageFindings } from './gradingCoverage';
import { daysBetween, detectShifts, modelSeries, shiftFinding, type FeatureMovement, type Shift } from './metricShift';
import { modelFamilyFindings } from './modelFamilies';
import { rank, type Finding } from './types';

export interface Investigation {
  window: DateWindow;
  models: string[] | null;
  findings: Finding[];
  /** Parts that could not be checked, and why (a missing table, an unreadable deployment source). */
  skipped: string[];
}

/** Nothing to investigate: said in one line, like any input error. */
export class InvestigationInputError extends Error {}

/** How many models' shifts get their inputs examined; each costs one query. */
const EXPLAINED_SHIFTS = 3;

/**
 * Every detector over one window, ranked. Aggregation happens in the warehouse: the engine
 * receives at most one row per model, build and date, never prediction rows.
 */
export async function investigate(workspace: Workspace, options: { window?: DateWindow; models?: string[] } = {}): Promise<Investigation> {
  const config = workspace.config;
  const window = options.window ?? (await workspace.defaultWindow());
  const models = options.models?.length ? options.models : undefined;
  const skipped: string[] = [];
  const warehouse = await workspace.warehouse();
  const git = await workspace.git();

  const registryIndices = config.features.registry.length
    ? config.features.registry.map((f) => f.index)
    : Array.from({ length: config.features.count }, (_, i) => i);
  const optional = async (what: string, available: boolean, run: () => Promise<Row[]>): Promise<Row[]> => {
    if (!available) {
      skipped.push(what);
      return [];
    }
    return run();
  };
  const [cells, coverage, completeness, skew] = await Promise.all([
    warehouse.query(modelCommitDateQuery(config, { window, models })).then((r) => r.rows),
    optional('feature coverage (no tables.featureStore or features.count)', !!config.tables.featureStore && registryIndices.length > 0, () =>
      warehouse.query(featureCoverageQuery(config, window, registryIndices)).then((r) => r.rows),
    ),
    optional('feature-store completeness (needs tables.featureStore and tables.expected)', !!config.tables.featureStore && !!config.tables.expected, () =>
      warehouse.query(featureStoreCompletenessQuery(config, window)).then((r) => r.rows),
    ),
    warehouse.query(directionSkewQuery(config, { window, models })).then((r) => r.rows),
  ]);

  if (cells.length === 0) {
    throw new InvestigationInputError(
      `No predictions in ${config.tables.predictions.table} or grading in ${config.tables.graded.table} between ${window.from} and ${window.to}${
        models ? ` for ${models.join(', ')}` : ''
      }: the tables are empty or the window misses them. Check tables.* in ${config.file}, the model ids, or pass --from/--to.`,
    );
  }

  // Commits that touched a service's code since its oldest recorded deployment: candidates for gaps.
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
            skipped.push(`deployment gaps of ${service.name} before ${d.revision}: ${cutMessage(shallow.boundary[0] ?? null, `what changed between its oldest deployment (${oldest.revision}, commit ${oldest.commit!.slice(0, 7)}, not in local history) and ${d.revision}`)}`);
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
  const provenances = candidates.length ? await commitProvenance(workspace, [...new Set(candidates)], { window }) : [];

  const resolved = await ResolvedShas.resolve(git, cells.map((r) => r.commit_sha as string | null));
  const series = modelSeries(cells, (v) => resolved.full(v));
  const shifts = detectShifts(series, config.thresholds);
  const deploymentsByCommit = new Map<string, { service: string; revision: string; createdAt: string }>();
  const deploymentLists = await Promise.all(config.services.map(async (s) => ({ service: s.name, list: await workspace.deployments(s.name).catch(() => []) })));
  const deployedShas = await ResolvedShas.resolve(git, deploymentLists.flatMap((d) => d.list.map((x) => x.commit)));
  for (const { service, list } of deploymentLists) {
    for (const d of list) {
      const full = deployedShas.full(d.commit);
      if (full && !deploymentsByCommit.has(full)) deploymentsByCommit.set(full, { service, revision: d.revision, createdAt: d.createdAt });
    }
  }

  const strongest = new Map<string, Shift>();
  for (const s of shifts) {
    const current = strongest.get(s.model);
    if (!current || Math.abs(s.hitRate.difference ?? 0) > Math.abs(current.hitRate.difference ?? 0)) strongest.set(s.model, s);
  }
  const explained = [...strongest.values()].sort((a, b) => Math.abs(b.hitRate.difference ?? 0) - Math.abs(a.hitRate.difference ?? 0)).slice(0, EXPLAINED_SHIFTS);
  const movements = new Map<Shift, FeatureMovement[]>();
  if (config.tables.featureStore && registryIndices.length) {
    await Promise.all(
      explained.map(async (shift) => {
        // The week before the split against the later side: the comparison a person makes by hand.
        const from = shiftDate(shift.splitDay, -8) > shift.before.from ? shiftDate(shift.splitDay, -8) : shift.before.from;
        const rows = (await warehouse.query(modelFeatureCoverageQuery(config, shift.model, { from, to: shift.after.to }, shift.splitDay, registryIndices))).rows;
        const names = new Map(config.features.registry.map((f) => [f.index, f.name]));
        const byIndex = new Map<number, FeatureMovement>();
        for (const r of rows) {
          const index = Number(r.feature_index);
          const m = byIndex.get(index) ?? { index, name: names.get(index) ?? `feature ${index}`, before: { rows: 0, positive: 0 }, after: { rows: 0, positive: 0 } };
          const side = r.period === 'before' ? m.before : m.after;
          side.rows += Number(r.row_count);
          side.positive += Number(r.positive);
          byIndex.set(index, m);
        }
        movements.set(shift, [...byIndex.values()]);
      }),
    );
  }

  const health = featureHealthFindings(coverage, config.features.registry, config.thresholds);
  const episodeStart = new Map<number, string>();
  for (const f of health) {
    const index = Number(f.data.index);
    const from = String(f.data.from);
    if (!episodeStart.has(index) || from < episodeStart.get(index)!) episodeStart.set(index, from);
  }
  const gaps = deploymentGapFindings(provenances);
  // Runs that may have executed older code, but whose build's history is cut, are named
  // rather than silently left out of the gaps.
  const found = new Set(gaps.map((f) => `${(f.data.commit as { sha: string }).sha} ${f.data.service}`));
  for (const p of provenances) {
    for (const s of p.services) {
      if (!p.commit || !p.historyCut || s.touchesService === false || s.undecidedRuns === 0 || found.has(`${p.commit.sha} ${s.service}`)) continue;
      skipped.push(`deployment gap of ${s.service} after ${shortSha(p.commit.sha)}: ${p.historyCut.message}`);
    }
  }
  const findings: Finding[] = [
    ...gaps,
    ...shifts.map((shift) => {
      const deployed = shift.at === 'build' && shift.after.commit ? deploymentsByCommit.get(shift.after.commit) : undefined;
      const note = deployed
        ? `Build ${shortSha(shift.after.commit!)} was deployed to ${deployed.service} as ${deployed.revision} at ${formatTimestamp(deployed.createdAt)}.`
        : null;
      const moved = (movements.get(shift) ?? []).map((m) => ({ ...m, episodeFrom: episodeStart.get(m.index) }));
      return shiftFinding(shift, moved, note);
    }),
  ];

  const drops = shifts.filter((s) => (s.hitRate.difference ?? 0) < 0);
  for (const f of health) {
    const from = String(f.data.from);
    for (const shift of drops) {
      const lag = daysBetween(shift.splitDay, from);
      if (lag > 2) f.evidence.push(`Began ${formatDuration(lag * 86400)} after ${shift.model}'s drop on ${shift.splitDay}: it cannot have caused that drop.`);
    }
  }
  findings.push(...health);

  if (cells.length) {
    const lastDay = cells.reduce((max, r) => (String(r.day) > max ? String(r.day) : max), '');
    const recent = { from: shiftDate(lastDay, -6), to: lastDay };
    const perModel = new Map<string, typeof EMPTY_SUMS>();
    for (const s of series) for (const c of s.cells) if (c.day >= recent.from && c.day <= recent.to) perModel.set(s.model, addSums(perModel.get(s.model) ?? EMPTY_SUMS, c.sums));
    findings.push(...gradingCoverageFindings([...perModel].map(([model, sums]) => ({ model, metrics: sliceMetrics(sums) })), recent, config.thresholds));
  }
  findings.push(...featureStoreFindings(completeness, config.thresholds));
  findings.push(...directionSkewFindings(skew, config.thresholds));
  findings.push(
    ...modelFamilyFindings(
      series.map((s) => {
        const active = s.cells.filter((c) => c.sums.predictions > 0).map((c) => c.day).sort();
        return { model: s.model, firstDay: active[0] ?? '', lastDay: active[active.length - 1] ?? '', predictions: s.cells.reduce((n, c) => n + c.sums.predictions, 0) };
      }).filter((a) => a.firstDay !== ''),
      config.modelFamilyPattern,
    ),
  );

  return { window, models: models ?? null, findings: rank(findings), skipped };
}
