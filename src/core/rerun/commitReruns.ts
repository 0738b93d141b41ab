import type { GitRepository } from '../git/gitRepository';
import type { CommitProvenance } from '../provenance/commitProvenance';
import { rerunLastWritesQuery, type DateWindow } from '../warehouse/catalog';
import type { Workspace } from '../workspace';
import { replacedRowMarker } from './replacedRows';
import { rerunImpact, type ModelRerun } from './rerunImpact';

export interface CommitRerun {
  rerun: ModelRerun;
  /**
   * When the re-run wrote its rows: before the commit's first deployment (in its gap), after
   * it, with the commit not deployed (every record read says so), or unknown because a
   * deployment record could not be read.
   */
  when: 'before-deployment' | 'after-deployment' | 'not-deployed' | 'deployment-unknown';
  /** With `deployment-unknown`: the services whose deployment record could not be read. */
  unreadServices?: string[];
  /** Whether the builds that wrote the re-run's rows contain the commit. */
  builds: 'contain it' | 'lack it' | 'some contain it' | 'unknown';
}

export type CommitReruns = { recorded: true; byCommit: Map<string, CommitRerun[]> } | { recorded: false; reason: string };

/**
 * Per model, when its re-runs in the window last wrote a standing row (`rerunMade.last` of
 * rerun-impact); null when the table marks no replaced row, so which rows re-runs replaced
 * is not recorded. Without a write-time column no re-run has a write time: an empty map.
 * One query, lighter than rerun-impact's pairing: start it beside other work.
 */
export async function rerunLastWrites(workspace: Workspace, window: DateWindow): Promise<Map<string, string> | null> {
  if (!replacedRowMarker(workspace.config)) return null;
  if (!workspace.config.tables.predictions.columns.createdAt) return new Map();
  const warehouse = await workspace.warehouse();
  const rows = (await warehouse.query(rerunLastWritesQuery(workspace.config, window))).rows;
  return new Map(
    rows.flatMap((r) => (r.model === null || r.model === undefined || r.last_write === null || r.last_write === undefined ? [] : [[String(r.model), String(r.last_write)]])),
  );
}

/**
 * Re-runs whose rows were written after each commit (in the gap before its deployment, or
 * after it), with whether the re-run's build contains the commit: "the backfill after the
 * fix ran without it" is the question. First when each model's re-runs last wrote
 * (`lastWrites`, which the caller may have started beside its git work), then the re-run
 * pairing for the models written to at or after the earliest commit only, and one git walk
 * over their re-runs' builds; none of it when no re-run came after the commits.
 */
export async function rerunsAfterCommits(
  workspace: Workspace,
  provenances: CommitProvenance[],
  window: DateWindow,
  batchedGit?: GitRepository,
  lastWrites?: Promise<Map<string, string> | null>,
): Promise<CommitReruns> {
  const found = provenances.filter((p) => p.commit && p.services.some((s) => s.touchesService));
  if (found.length === 0) return { recorded: true, byCommit: new Map() };
  const writes = await (lastWrites ?? rerunLastWrites(workspace, window));
  const earliest = Math.min(...found.map((p) => Date.parse(p.commit!.committedAt)));
  // A model is left out only when its last write is known to be before every commit, the
  // test applied to each commit below; anything unreadable goes to the pairing.
  const models = writes ? [...writes].filter(([, last]) => !(Date.parse(last) < earliest)).map(([model]) => model) : undefined;
  if (models?.length === 0) return { recorded: true, byCommit: new Map(found.map((p) => [p.commit!.sha, []])) };
  const impact = await rerunImpact(workspace, { window, changes: 0, git: batchedGit, models });
  if (!impact.recorded) return { recorded: false, reason: impact.reason };
  const builds = [...new Set(impact.perModel.flatMap((m) => m.builds.map((b) => b.new)).filter((b): b is string => b !== null))];
  const git = batchedGit ?? (await workspace.git());
  // Only containment and `knows` of these builds are asked: the commits' own walk, joined
  // with whatever of the builds it did not reach, answers them as a walk of the builds would.
  const index = builds.length ? await git.ancestryIncluding(builds) : null;
  const byCommit = new Map<string, CommitRerun[]>();
  for (const p of found) {
    const commit = p.commit!;
    const deployedAt = p.services
      .filter((s) => s.touchesService && s.firstDeployment)
      .map((s) => s.firstDeployment!.createdAt)
      .sort()[0];
    // Without a deployment found, "not deployed" needs every touched service's record read.
    const unread = p.services.filter((s) => s.touchesService && s.status === 'unknown').map((s) => s.service);
    const reruns: CommitRerun[] = [];
    for (const m of impact.perModel) {
      if (!m.rerunMade || Date.parse(m.rerunMade.last) < Date.parse(commit.committedAt)) continue;
      const writers = [...new Set(m.builds.filter((b) => b.regenerated + (b.added ?? 0) > 0).map((b) => b.new))];
      const answers = writers.map((b) => (b === null || !index?.knows(b) ? null : index.contains(b, commit.sha)));
      const verdict: CommitRerun['builds'] =
        answers.length === 0 || answers.includes(null) ? 'unknown' : answers.every(Boolean) ? 'contain it' : answers.some(Boolean) ? 'some contain it' : 'lack it';
      if (!deployedAt && unread.length) {
        reruns.push({ rerun: m, when: 'deployment-unknown', unreadServices: unread, builds: verdict });
        continue;
      }
      const when: CommitRerun['when'] = !deployedAt ? 'not-deployed' : Date.parse(m.rerunMade.first) < Date.parse(deployedAt) ? 'before-deployment' : 'after-deployment';
      reruns.push({ rerun: m, when, builds: verdict });
    }
    byCommit.set(commit.sha, reruns);
  }
  return { recorded: true, byCommit };
}

/** When the re-run wrote its rows relative to the commit's deployment, in words ("re-run …"). */
export function rerunTiming(r: CommitRerun): string {
  switch (r.when) {
    case 'before-deployment':
      return 'before its deployment';
    case 'after-deployment':
      return 'after its deployment';
    case 'not-deployed':
      return 'while it is not deployed';
    case 'deployment-unknown':
      return `at a time its deployment is unknown (the deployment record of ${(r.unreadServices ?? []).join(', ')} was not read)`;
  }
}
