import { sliceMetrics, sumsFromRow } from '../metrics/aggregate';
import { wilson, type Proportion } from '../metrics/wilson';
import { formatCount, formatPercent, formatRate } from '../report/format';
import { verifyDeployment } from '../verify/verifyDeployment';
import { featureCoverageQuery, featureStoreCompletenessQuery, modelsSummaryQuery } from '../warehouse/catalog';
import { shiftDate, type Workspace } from '../workspace';

export type CheckVerdict = 'ready' | 'not-ready' | 'unknown';

export type CheckKind = 'feature-store-rows' | 'critical-feature-coverage' | 'grading' | 'deployment';

export interface ReadinessCheck {
  kind: CheckKind;
  /** What was checked, e.g. "feature store rows for 2026-02-03". */
  subject: string;
  verdict: CheckVerdict;
  /** One sentence with the figures and their n, or why it could not be checked and what to set. */
  says: string;
  /** The figures behind it, for --json consumers. */
  data: Record<string, unknown>;
}

export interface Readiness {
  date: string;
  /** not-ready when any check fails; otherwise unknown when any could not be made; ready only when every check passed. */
  verdict: CheckVerdict;
  exitCode: 0 | 1 | 2;
  checks: ReadinessCheck[];
}

export const READINESS_EXIT_CODES: Record<CheckVerdict, 0 | 1 | 2> = { ready: 0, 'not-ready': 1, unknown: 2 };

/**
 * Before tonight's run for date D: are the inputs there and the code right? The feature
 * store has rows for the entities expected on D; the critical features (those with a
 * `minCoverage`) are covered on D's rows, per mode; the previous days are graded; every
 * service serves the code HEAD holds (the verification behind `verify`). Each check that
 * cannot be made says so and is unknown, never ready; one failing check does not stop the
 * others.
 */
export async function checkReadiness(workspace: Workspace, date: string, options: { gradingDays?: number } = {}): Promise<Readiness> {
  const gradingDays = options.gradingDays ?? workspace.config.readiness.gradingDays;
  const guarded = async (kind: CheckKind, subject: string, run: () => Promise<ReadinessCheck[]>): Promise<ReadinessCheck[]> => {
    try {
      return await run();
    } catch (error) {
      return [{ kind, subject, verdict: 'unknown', says: `could not be checked: ${(error as Error).message}`, data: {} }];
    }
  };
  const groups = await Promise.all([
    guarded('feature-store-rows', `feature store rows for ${date}`, () => featureStoreRows(workspace, date)),
    guarded('critical-feature-coverage', `critical-feature coverage on ${date}`, () => criticalCoverage(workspace, date)),
    guarded('grading', `grading of ${shiftDate(date, -gradingDays)}..${shiftDate(date, -1)}`, () => grading(workspace, date, gradingDays)),
    guarded('deployment', 'serving revisions', () => deployments(workspace)),
  ]);
  const checks = groups.flat();
  const verdict: CheckVerdict = checks.some((c) => c.verdict === 'not-ready') ? 'not-ready' : checks.every((c) => c.verdict === 'ready') ? 'ready' : 'unknown';
  return { date, verdict, exitCode: READINESS_EXIT_CODES[verdict], checks };
}

async function featureStoreRows(workspace: Workspace, date: string): Promise<ReadinessCheck[]> {
  const { config } = workspace;
  const subject = `feature store rows for ${date}`;
  if (!config.tables.featureStore || !config.tables.expected) {
    const missing = [!config.tables.featureStore && 'tables.featureStore', !config.tables.expected && 'tables.expected'].filter(Boolean).join(' and ');
    return [
      {
        kind: 'feature-store-rows',
        subject,
        verdict: 'unknown',
        says: `not checked: ${missing} not set in ${config.file}; set ${missing} to the table(s) that hold the features and who is expected on a date.`,
        data: {},
      },
    ];
  }
  const warehouse = await workspace.warehouse();
  const rows = (await warehouse.query(featureStoreCompletenessQuery(config, { from: date, to: date }))).rows;
  const expected = rows.reduce((s, r) => s + Number(r.expected), 0);
  const present = rows.reduce((s, r) => s + Number(r.with_features), 0);
  const threshold = config.thresholds.featureStoreCompleteness;
  const data = { expected, present, threshold };
  if (expected === 0) {
    return [
      {
        kind: 'feature-store-rows',
        subject,
        verdict: 'unknown',
        says: `${config.tables.expected.table} lists no entity for ${date}, so who should have features is not known (no games that day, or the expected list is not written yet).`,
        data,
      },
    ];
  }
  const share = present / expected;
  const enough = share >= threshold;
  return [
    {
      kind: 'feature-store-rows',
      subject,
      verdict: enough ? 'ready' : 'not-ready',
      says: `${formatCount(present)} of ${formatCount(expected)} expected entities have a row in ${config.tables.featureStore.table} (${formatPercent(share)}; minimum ${formatPercent(threshold, 0)}, thresholds.featureStoreCompleteness).`,
      data: { ...data, share },
    },
  ];
}

async function criticalCoverage(workspace: Workspace, date: string): Promise<ReadinessCheck[]> {
  const { config } = workspace;
  const subject = `critical-feature coverage on ${date}`;
  const critical = config.features.registry.filter((f) => f.minCoverage !== null);
  if (!config.tables.featureStore) {
    return [{ kind: 'critical-feature-coverage', subject, verdict: 'unknown', says: `not checked: tables.featureStore is not set in ${config.file}.`, data: {} }];
  }
  if (critical.length === 0) {
    return [
      {
        kind: 'critical-feature-coverage',
        subject,
        verdict: 'unknown',
        says: `not checked: no feature in features.registry of ${config.file} has a minCoverage; set minCoverage on the features a run cannot do without.`,
        data: {},
      },
    ];
  }
  const warehouse = await workspace.warehouse();
  const rows = (
    await warehouse.query(
      featureCoverageQuery(
        config,
        { from: date, to: date },
        critical.map((f) => f.index),
      ),
    )
  ).rows;
  if (rows.length === 0) {
    return [
      {
        kind: 'critical-feature-coverage',
        subject,
        verdict: 'unknown',
        says: `${config.tables.featureStore.table} has no row for ${date}: there is nothing to measure coverage on.`,
        data: { features: critical.map((f) => f.index) },
      },
    ];
  }
  const checks: ReadinessCheck[] = [];
  const modes = [...new Set(rows.map((r) => (r.mode === null || r.mode === undefined ? null : String(r.mode))))].sort();
  for (const mode of modes) {
    const results = critical.map((f) => {
      // The query splits each mode by the build that wrote the rows; coverage of a mode adds them up.
      const matching = rows.filter((r) => Number(r.feature_index) === f.index && (r.mode === null || r.mode === undefined ? null : String(r.mode)) === mode);
      const coverage: Proportion = wilson(
        matching.reduce((s, r) => s + Number(r.positive), 0),
        matching.reduce((s, r) => s + Number(r.row_count), 0),
      );
      return { index: f.index, name: f.name, minCoverage: f.minCoverage!, coverage, below: coverage.rate !== null && coverage.rate < f.minCoverage! };
    });
    const below = results.filter((r) => r.below);
    const where = mode === null ? '' : ` in ${mode} mode`;
    checks.push({
      kind: 'critical-feature-coverage',
      subject: `critical-feature coverage on ${date}${where}`,
      verdict: below.length ? 'not-ready' : 'ready',
      says: (below.length ? below : results)
        .map(
          (r) =>
            `${r.name} (${r.index}) is > 0 on ${formatRate(r.coverage)} of the rows${r.below ? `, below its minimum ${formatPercent(r.minCoverage, 0)}` : ` (minimum ${formatPercent(r.minCoverage, 0)})`}`,
        )
        .join('; ')
        .concat('.'),
      data: { mode, features: results.map((r) => ({ index: r.index, name: r.name, minCoverage: r.minCoverage, coverage: r.coverage })) },
    });
  }
  return checks;
}

async function grading(workspace: Workspace, date: string, days: number): Promise<ReadinessCheck[]> {
  const { config } = workspace;
  const window = { from: shiftDate(date, -days), to: shiftDate(date, -1) };
  const subject = `grading of ${window.from}..${window.to}`;
  const warehouse = await workspace.warehouse();
  const rows = (await warehouse.query(modelsSummaryQuery(config, { window }))).rows;
  const models = rows
    .map((r) => ({ model: String(r.model), metrics: sliceMetrics(sumsFromRow(r)) }))
    .filter((m) => m.metrics.predictions > 0)
    .sort((a, b) => a.model.localeCompare(b.model));
  const threshold = config.thresholds.gradingCoverage;
  if (models.length === 0) {
    return [
      {
        kind: 'grading',
        subject,
        verdict: 'unknown',
        says: `no predictions in ${config.tables.predictions.table} for ${window.from}..${window.to}: grading cannot be judged.`,
        data: { window, threshold, models: [] },
      },
    ];
  }
  const summary = models.map((m) => ({ model: m.model, predictions: m.metrics.predictions, graded: m.metrics.graded, coverage: m.metrics.gradingCoverage }));
  const short = summary.filter((m) => (m.coverage ?? 0) < threshold);
  const line = (m: (typeof summary)[number]) => `${m.model} ${formatCount(m.graded)}/${formatCount(m.predictions)} (${formatPercent(m.coverage)})`;
  return [
    {
      kind: 'grading',
      subject,
      verdict: short.length ? 'not-ready' : 'ready',
      says: short.length
        ? `${short.length} of ${models.length} models are graded below ${formatPercent(threshold, 0)} (thresholds.gradingCoverage): ${short.map(line).join(', ')}.`
        : `every model is graded to at least ${formatPercent(threshold, 0)}: ${summary.map(line).join(', ')}.`,
      data: { window, threshold, models: summary },
    },
  ];
}

async function deployments(workspace: Workspace): Promise<ReadinessCheck[]> {
  const { config } = workspace;
  if (config.services.length === 0) {
    return [
      {
        kind: 'deployment',
        subject: 'serving revisions',
        verdict: 'unknown',
        says: `no services in ${config.file}: which code a run would use is not known; add them under "services".`,
        data: {},
      },
    ];
  }
  const results = await Promise.all(config.services.map((s) => verifyDeployment(workspace, s.name, 'HEAD')));
  const VERDICT = { ok: 'ready', stale: 'not-ready', unknown: 'unknown' } as const;
  return results.map((r) => ({
    kind: 'deployment' as const,
    subject: `${r.service} serves HEAD's code`,
    verdict: VERDICT[r.verdict],
    says: `${r.verdict}: ${r.reason}${r.hint ? ` ${r.hint}` : ''}`,
    data: { service: r.service, verdict: r.verdict, deployed: r.deployed, target: r.target, missing: r.missing.map((m) => ({ sha: m.sha, subject: m.subject })) },
  }));
}
