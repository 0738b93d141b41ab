import type { CommitProvenance } from '../provenance/commitProvenance';
import type { RunSession } from '../provenance/runSessions';
import { formatCount, formatDuration, formatTimestamp, shortSha } from '../report/format';
import { SEVERITY_WEIGHT, type Finding } from './types';

/** Mode names that mean "a person regenerated past results", whatever the pipeline calls them. */
const BACKFILL_MODE = /backfill|rerun|re-run|replay|manual|reprocess/i;
/** Subjects of commits meant to repair something: running old code after one is the costly case. */
const FIX_SUBJECT = /\b(fix|fixes|fixed|hotfix|revert|bug)\b/i;

export const isBackfill = (session: RunSession) => session.mode !== null && BACKFILL_MODE.test(session.mode);

/**
 * Runs that executed between a commit and the deployment of a build containing it. A backfill
 * in that gap regenerated results with the very code the commit was meant to replace.
 */
export function deploymentGapFindings(provenances: CommitProvenance[]): Finding[] {
  const findings: Finding[] = [];
  for (const p of provenances) {
    if (!p.commit) continue;
    for (const s of p.services) {
      if (!s.touchesService || s.gapRuns.length === 0) continue;
      const backfills = s.gapRuns.filter(isBackfill);
      const rows = s.gapRuns.reduce((sum, r) => sum + (r.rowsProduced ?? 0), 0);
      const backfillRows = backfills.reduce((sum, r) => sum + (r.rowsProduced ?? 0), 0);
      const isFix = FIX_SUBJECT.test(p.commit.subject);
      const severity = backfills.length ? 'critical' : isFix ? 'high' : 'medium';
      const score = SEVERITY_WEIGHT[severity] + Math.min(999, Math.log10(1 + rows) * 100 + (isFix ? 100 : 0) + backfillRows / 100);
      const deployed = s.firstDeployment;
      const c = p.commit;
      const lead = backfills[0] ?? s.gapRuns[0];
      const leadText = `${lead.mode ?? 'run'} of ${lead.firstDate === lead.lastDate ? lead.firstDate : `${lead.firstDate}..${lead.lastDate}`} ran ${formatTimestamp(lead.startedAt).slice(11, 16)}–${lead.endedAt.slice(11, 16)} on older build ${
        lead.commit ? shortSha(lead.commit) : 'unknown'
      }${lead.rowsProduced === null ? '' : ` (${formatCount(lead.rowsProduced)} rows)`}`;
      const after = `${formatDuration((Date.parse(lead.startedAt) - Date.parse(c.committedAt)) / 1000)} after ${isFix ? 'fix ' : 'commit '}${shortSha(c.sha)} (${formatTimestamp(c.committedAt)})`;
      // Earlier revisions whose history is cut may have had it: only "by then" is proven.
      const deployment = deployed
        ? s.earlierUnknown.length
          ? `${s.service} had it by ${formatTimestamp(deployed.createdAt).slice(11, 16)}`
          : `${s.service} got it at ${formatTimestamp(deployed.createdAt).slice(11, 16)}, ${formatDuration(deployed.delaySeconds)} after the commit`
        : s.status === 'unknown'
          ? `whether ${s.service} has it is unknown`
          : `${s.service} still lacks it`;
      const others = s.gapRuns.length > 1 ? `; ${formatCount(rows)} rows in all from ${s.gapRuns.length} run sessions on old code` : '';
      const title = `${leadText[0].toUpperCase()}${leadText.slice(1)}, ${after}; ${deployment}${others}`;
      const evidence = [
        `Commit ${shortSha(c.sha)} "${c.subject}" by ${c.author} at ${formatTimestamp(c.committedAt)}.`,
        ...s.gapRuns.map(
          (r) =>
            `${r.mode ?? 'run'} ${formatTimestamp(r.startedAt)}–${r.endedAt.slice(11, 16)} on build ${r.commit ? shortSha(r.commit) : 'unknown'}${
              r.revision ? ` (${r.revision})` : ''
            }, ${r.firstDate === r.lastDate ? `date ${r.firstDate}` : `dates ${r.firstDate}..${r.lastDate}`}, ${r.rowsProduced === null ? 'rows not recorded' : `${formatCount(r.rowsProduced)} rows`}${
              r.runs > 1 ? ` in ${r.runs} runs` : ''
            }.`,
        ),
        deployed
          ? s.earlierUnknown.length
            ? `In ${s.service} as ${deployed.revision} by ${formatTimestamp(deployed.createdAt)}, at most ${formatDuration(deployed.delaySeconds)} after the commit (${s.earlierUnknown.join(', ')} may have had it earlier).`
            : `Deployed to ${s.service} as ${deployed.revision} at ${formatTimestamp(deployed.createdAt)}, ${formatDuration(deployed.delaySeconds)} after the commit.`
          : s.status === 'unknown'
            ? `Deployment to ${s.service}: ${s.problem ?? 'unknown'}.`
            : `Not deployed to ${s.service} yet.`,
        ...(p.historyCut ? [`${p.historyCut.message[0].toUpperCase()}${p.historyCut.message.slice(1)}.`] : []),
      ];
      findings.push({
        kind: 'deployment-gap',
        severity,
        score,
        title,
        evidence,
        subjects: {
          commits: [c.sha, ...new Set(s.gapRuns.flatMap((r) => (r.commit ? [r.commit] : [])))],
          services: [s.service],
          dates: [...new Set(s.gapRuns.flatMap((r) => [r.firstDate, r.lastDate]))],
        },
        data: {
          commit: { sha: c.sha, subject: c.subject, committedAt: c.committedAt },
          service: s.service,
          deployment: deployed,
          gapRuns: s.gapRuns,
          rowsOnOldCode: rows,
        },
      });
    }
  }
  return findings;
}
