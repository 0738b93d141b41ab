import type { Command } from 'commander';
import { warehouseProfileNames } from '../../core/config/warehouseProfiles';
import type { CredentialHosts } from '../../core/credentials/endpointPolicy';
import { compareProfiles, type FeatureSide, type ProfileComparison } from '../../core/profiles/compareProfiles';
import { formatCount, formatNumber, formatPercent, NO_SAMPLE, NOT_RECORDED } from '../../core/report/format';
import type { Workspace } from '../../core/workspace';
import { textTable } from '../render/textTable';

/** Exit codes of compare-profiles, for scripts: a proven difference outranks what could not be read. */
export const COMPARE_EXIT = { same: 0, differ: 1, unknown: 2 } as const;

export interface CompareProfilesHost {
  /** Opens the workspace as the global options say (its profile is ignored: both are named here). */
  open(): Workspace;
  credentialHosts(): CredentialHosts;
  usageError(message: string): Error;
  print(text: string): void;
  printJson(command: string, body: Record<string, unknown>): void;
  setExitCode(code: number): void;
}

export function exitCodeOf(c: ProfileComparison): number {
  if (c.differences > 0) return COMPARE_EXIT.differ;
  return c.notChecked.length > 0 ? COMPARE_EXIT.unknown : COMPARE_EXIT.same;
}

export function registerCompareProfiles(program: Command, host: CompareProfilesHost): void {
  program
    .command('compare-profiles')
    .description(
      'one date in two warehouse profiles (e.g. staging vs production), per feature: row counts, coverage, mean and NULL share, rows in one only; exit 0 same, 1 different, 2 not comparable',
    )
    .requiredOption('--date <date>', 'the date to compare (YYYY-MM-DD)')
    .option('--profiles <a,b>', 'two profiles from pipeline-lens.json "warehouses" (default: defaultWarehouse and the first other one)')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { date: string; profiles?: string; json?: boolean }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(options.date) || Number.isNaN(Date.parse(options.date)))
        throw host.usageError(`--date ${options.date} is not a date; use YYYY-MM-DD, e.g. 2026-01-31.`);
      const workspace = host.open();
      try {
        const config = workspace.config;
        const names = warehouseProfileNames(config);
        let pair: string[];
        if (options.profiles !== undefined) {
          pair = options.profiles.split(',').map((p) => p.trim());
          if (pair.length !== 2 || pair.some((p) => p === '') || pair[0] === pair[1]) {
            throw host.usageError(`--profiles ${options.profiles} must name two different profiles, e.g. --profiles production,staging (the profiles are ${names.join(', ')}).`);
          }
        } else {
          if (names.length < 2) {
            throw host.usageError(`${config.file} has one warehouse profile (${names[0]}); compare-profiles needs two: add them under "warehouses" (see docs/configuration.md).`);
          }
          pair = names.slice(0, 2);
        }
        const comparison = await compareProfiles(config, pair as [string, string], options.date, { credentialHosts: host.credentialHosts(), now: () => workspace.currentTime() });
        if (options.json) host.printJson('compare-profiles', { ...comparison, exitCode: exitCodeOf(comparison) });
        else host.print(renderComparison(comparison));
        host.setExitCode(exitCodeOf(comparison));
      } finally {
        await workspace.close();
      }
    });
}

// A share or mean over no rows (or no non-NULL value) has no sample; one the sources cannot give is not recorded.
const share = (v: number | null, s: FeatureSide) => (v !== null ? formatPercent(v) : s.rows === 0 ? NO_SAMPLE : NOT_RECORDED);
const mean = (s: FeatureSide) => (s.mean !== null ? formatNumber(s.mean, 3) : s.rows === 0 || s.nullShare === 1 ? NO_SAMPLE : NOT_RECORDED);
const side = (s: FeatureSide | null) => (s ? [formatCount(s.rows), share(s.coverage, s), mean(s), share(s.nullShare, s)] : ['none (absent)', NO_SAMPLE, NO_SAMPLE, NO_SAMPLE]);

export function renderComparison(c: ProfileComparison): string {
  const [a, b] = c.profiles;
  const lines = [`${c.date}: ${a} against ${b}`, `  ${a}: ${c.warehouses[0] ?? 'not opened'}`, `  ${b}: ${c.warehouses[1] ?? 'not opened'}`, ''];
  if (c.models) {
    const differing = c.models.filter((m) => m.differs);
    lines.push(differing.length ? `Predictions differ for ${differing.length} model(s):` : `Predictions: the same rows per model (${c.models.length} model(s)).`);
    if (differing.length) {
      lines.push(
        textTable(
          ['model', `${a} predictions`, `${a} graded`, `${b} predictions`, `${b} graded`],
          differing.map((m) => [m.model, formatCount(m.sides[0].predictions), formatCount(m.sides[0].graded), formatCount(m.sides[1].predictions), formatCount(m.sides[1].graded)]),
        ),
      );
    }
    lines.push('');
  }
  if (c.featureStore) {
    const fs = c.featureStore;
    lines.push(
      `Feature store: ${formatCount(fs.rows[0])} rows (${formatCount(fs.entities[0])} entities) in ${a}, ${formatCount(fs.rows[1])} (${formatCount(fs.entities[1])}) in ${b}.`,
    );
    fs.onlyIn.forEach((keys, i) => {
      if (fs.onlyInCount[i] === 0) return;
      lines.push(`  only in ${c.profiles[i]}: ${formatCount(fs.onlyInCount[i])} entities: ${keys.join(', ')}${fs.onlyInCount[i] > keys.length ? ', …' : ''}`);
    });
    lines.push('');
  }
  if (c.features) {
    const differing = c.features.filter((f) => f.differs.length > 0);
    lines.push(
      differing.length
        ? `Features that differ (${differing.length} of ${c.features.length}):`
        : `Features: all ${c.features.length} agree (rows, coverage, mean, NULL and zero shares).`,
    );
    if (differing.length) {
      lines.push(
        textTable(
          ['index', 'feature', 'differs in', `${a} rows`, 'coverage', 'mean', 'NULL', `${b} rows`, 'coverage', 'mean', 'NULL'],
          differing.map((f) => [String(f.index), f.name, f.differs.join(', '), ...side(f.sides[0]), ...side(f.sides[1])]),
        ),
      );
    }
    for (const f of c.features) {
      const [x, y] = f.sides;
      if (!x === !y) continue;
      lines.push(`  ${f.name} (index ${f.index}): present in ${x ? a : b} only; ${x ? b : a} has no row of it on ${c.date}.`);
    }
  }
  for (const n of c.notChecked) lines.push(`Not checked: ${n}`);
  lines.push(
    '',
    c.differences > 0
      ? `${c.differences} difference(s) (exit 1).`
      : c.notChecked.length
        ? 'No difference found, but not everything could be compared (exit 2).'
        : 'The profiles agree on this date (exit 0).',
  );
  return lines.join('\n');
}
