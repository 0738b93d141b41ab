import { hitRateDecompositionReport, hitRateGroups, runModeSource } from '../findings/hitRateDecomposition';
import type { GitRepository } from '../git/gitRepository';
import { ResolvedShas } from '../git/shaResolver';
import { decomposeRate } from '../metrics/rateDecomposition';
import { hitRateByModeQuery, type DateWindow } from '../warehouse/catalog';
import { runForView } from '../warehouse/checkedQuery';
import type { Workspace } from '../workspace';
import type { CommitProvenance } from './commitProvenance';

/*
 * The `commit` report compares, per model, the builds containing a commit with the build its
 * deployment replaced. Those builds' rows often share dates (a backfill on the old build after
 * the new one went out), so the change is decomposed over each side's own rows, never at a
 * date: which part is the mix of run modes and which the hit rate within each mode.
 */

/** One model's comparison decomposed: the evidence lines and the `decomposition` data, or why not. */
export interface ModelModeSplit {
  model: string;
  lines: string[];
  decomposition: Record<string, unknown> | null;
}

export type CommitModeSplits = { checked: true; byCommit: Map<string, ModelModeSplit[]> } | { checked: false; reason: string };

/**
 * The decomposition of each model's containing-vs-replaced change, for every commit asked
 * about: one warehouse query over the window for all of them, none when no run mode is
 * configured (then `reason` names the settings).
 */
export async function commitModeSplits(workspace: Workspace, provenances: CommitProvenance[], window: DateWindow, batchedGit?: GitRepository): Promise<CommitModeSplits> {
  const config = workspace.config;
  const source = runModeSource(config);
  if (!source) {
    return {
      checked: false,
      reason:
        'no run mode is configured (tables.predictions.columns.mode, or tables.predictions.modeFrom "featureJoin" for the feature row\'s), so mix and within-mode change are not told apart',
    };
  }
  const compared = provenances.flatMap((p) =>
    p.commit ? p.models.filter((m) => m.replaced.commit && m.containingBuilds.length && m.containing.graded > 0 && m.replaced.graded > 0).map((m) => ({ p, m })) : [],
  );
  const byCommit = new Map<string, ModelModeSplit[]>();
  if (compared.length === 0) return { checked: true, byCommit };
  const models = [...new Set(compared.map((c) => c.m.model))].sort();
  const warehouse = await workspace.warehouse();
  const result = await runForView(warehouse, config, (c) => hitRateByModeQuery(c, models, window, window.from), window, 'results by run mode');
  if (!result.answered) return { checked: false, reason: result.notChecked.join('; ') };
  const git = batchedGit ?? (await workspace.git());
  const resolved = await ResolvedShas.resolve(
    git,
    result.rows.map((r) => (r.commit_sha === null || r.commit_sha === undefined ? null : String(r.commit_sha))),
  );
  for (const { p, m } of compared) {
    const sides = { by: 'build' as const, before: [m.replaced.commit], after: m.containingBuilds, ...window };
    const { before, after } = hitRateGroups(
      result.rows.filter((r) => String(r.model) === m.model),
      sides,
      (raw) => resolved.full(raw),
    );
    const report = hitRateDecompositionReport(decomposeRate(before, after), sides, source);
    const split: ModelModeSplit =
      'notDecomposed' in report ? { model: m.model, lines: [report.notDecomposed], decomposition: null } : { model: m.model, lines: report.lines, decomposition: report.data };
    const sha = p.commit!.sha;
    byCommit.set(sha, [...(byCommit.get(sha) ?? []), split]);
  }
  return { checked: true, byCommit };
}
