import type { GitRepository } from '../git/gitRepository';
import type { CommitProvenance } from '../provenance/commitProvenance';
import type { DateWindow } from '../warehouse/catalog';
import type { Workspace } from '../workspace';
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
 * Re-runs whose rows were written after each commit (in the gap before its deployment, or
 * after it), with whether the re-run's build contains the commit: "the backfill after the
 * fix ran without it" is the question. One re-run query for all commits, and one git walk
 * over the re-runs' builds.
 */
export async function rerunsAfterCommits(workspace: Workspace, provenances: CommitProvenance[], window: DateWindow, batchedGit?: GitRepository): Promise<CommitReruns> {
  const found = provenances.filter((p) => p.commit && p.services.some((s) => s.touchesService));
  if (found.length === 0) return { recorded: true, byCommit: new Map() };
  const impact = await rerunImpact(workspace, { window, changes: 0, git: batchedGit });
  if (!impact.recorded) return { recorded: false, reason: impact.reason };
  const builds = [...new Set(impact.perModel.flatMap((m) => m.builds.map((b) => b.new)).filter((b): b is string => b !== null))];
  const git = batchedGit ?? (await workspace.git());
  const index = builds.length ? await git.ancestryIndex(builds) : null;
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
