import type { ServiceConfig } from '../config/types';
import type { CommitProvenance } from '../provenance/commitProvenance';
import { formatCount, formatTimestamp, shortSha } from '../report/format';
import { isBackfill } from './deploymentGap';
import { SEVERITY_WEIGHT, type Finding } from './types';

/** Rows a stage wrote on one build, mode and date, as its own table records them. */
export interface StageRows {
  commit: string;
  mode: string | null;
  day: string;
  rows: number;
}

/** Subjects of commits meant to repair something, as the run-based gap reads them. */
const FIX_SUBJECT = /\b(fix|fixes|fixed|hotfix|revert|bug)\b/i;

/**
 * The deployment gap of a stage whose runs no execution log records (a feature-store
 * processor): rows its table dates strictly after the commit's day and before its
 * deployment's day, written by a build that lacks the commit. The table holds dates, not
 * write times, so the commit's and the deployment's own days are left out: those rows may
 * have been written on either side.
 *
 * `lacks(build, commit)` is true only when history proves the build lacks the commit.
 */
export function stageRowsGapFindings(
  provenances: CommitProvenance[],
  stages: ServiceConfig[],
  rowsByStage: Map<string, StageRows[]>,
  lacks: (build: string, commit: string) => boolean,
  options: { backfillModes?: string[] | null } = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const p of provenances) {
    if (!p.commit) continue;
    const c = p.commit;
    for (const s of p.services) {
      const stage = stages.find((x) => x.name === s.service);
      const rows = rowsByStage.get(s.service);
      if (!stage?.table || !rows || !s.touchesService || s.gapRuns.length || s.status === 'unknown') continue;
      const after = c.committedAt.slice(0, 10);
      const before = s.firstDeployment ? s.firstDeployment.createdAt.slice(0, 10) : null;
      const gap = rows.filter((r) => r.day > after && (before === null || r.day < before) && lacks(r.commit, c.sha));
      if (gap.length === 0) continue;
      const total = gap.reduce((n, r) => n + r.rows, 0);
      const days = [...new Set(gap.map((r) => r.day))].sort();
      const builds = [...new Set(gap.map((r) => r.commit))];
      const modes = [...new Set(gap.map((r) => r.mode).filter((m): m is string => m !== null))];
      const backfill = gap.filter((r) => isBackfill(r, options.backfillModes ?? null));
      const isFix = FIX_SUBJECT.test(c.subject);
      const severity = backfill.length ? 'critical' : isFix ? 'high' : 'medium';
      const score = SEVERITY_WEIGHT[severity] + Math.min(999, Math.log10(1 + total) * 100 + (isFix ? 100 : 0) + backfill.reduce((n, r) => n + r.rows, 0) / 100);
      const range = days.length === 1 ? days[0] : `${days[0]}..${days[days.length - 1]}`;
      // Inferred deployments are a first day in the table, not a deploy time: said as such.
      const deployment = s.inferredFrom
        ? s.firstDeployment
          ? `a build of ${s.service} with it first wrote on ${s.firstDeployment.createdAt.slice(0, 10)} (inferred)`
          : `no build of ${s.service} with it has written yet (inferred)`
        : s.firstDeployment
          ? `${s.service} got it at ${formatTimestamp(s.firstDeployment.createdAt)}`
          : `${s.service} still lacks it${s.serving ? ` (serving ${s.serving.revision})` : ''}`;
      const title = `${s.service} wrote ${formatCount(total)} rows of tables.${stage.table} for ${range}${modes.length ? ` (${modes.join(', ')} mode)` : ''} on build ${builds
        .map((b) => shortSha(b))
        .join(', ')}, after ${isFix ? 'fix' : 'commit'} ${shortSha(c.sha)} (${formatTimestamp(c.committedAt)}); ${deployment}`;
      const evidence = [
        `Commit ${shortSha(c.sha)} "${c.subject}" by ${c.author} at ${formatTimestamp(c.committedAt)} changes ${s.service}'s paths.`,
        ...days.map((d) => {
          const of = gap.filter((r) => r.day === d);
          return `${d}: ${of.map((r) => `${formatCount(r.rows)} rows${r.mode ? ` in ${r.mode} mode` : ''} on build ${shortSha(r.commit)}`).join(', ')}, a build without the commit.`;
        }),
        s.inferredFrom
          ? `${s.service} has no deployment record: its deployments are inferred from ${s.inferredFrom}${s.firstDeployment ? `, and a build with the commit first appears on ${s.firstDeployment.createdAt.slice(0, 10)}` : ''}.`
          : s.firstDeployment
            ? `Deployed to ${s.service} as ${s.firstDeployment.revision} at ${formatTimestamp(s.firstDeployment.createdAt)}.`
            : `Not deployed to ${s.service} yet${s.serving ? `: ${s.serving.revision} serves, ${s.behindBy ?? 'an unknown number of'} commit(s) behind it` : ''}.`,
        `Counted in ${stage.table === 'featureStore' ? 'the feature store' : `tables.${stage.table}`} by the build each row records; rows dated on the commit's or the deployment's own day are left out (the table holds dates, not write times).`,
      ];
      findings.push({
        kind: 'deployment-gap',
        severity,
        score,
        title,
        evidence,
        subjects: { commits: [c.sha, ...builds], services: [s.service], dates: days },
        data: {
          commit: { sha: c.sha, subject: c.subject, committedAt: c.committedAt },
          service: s.service,
          table: stage.table,
          deployment: s.firstDeployment,
          rows: gap,
          rowsOnOldCode: total,
        },
      });
    }
  }
  return findings;
}
