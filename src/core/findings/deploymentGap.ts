import type { CommitProvenance } from '../provenance/commitProvenance';
import type { RunSession } from '../provenance/runSessions';
import { formatCount, formatDuration, formatTimestamp, shortSha } from '../report/format';
import { SEVERITY_WEIGHT, type Finding } from './types';

/** Mode names that mean "a person regenerated past results", whatever the pipeline calls them. */
const BACKFILL_MODE = /backfill|rerun|re-run|replay|manual|reprocess|rebuild|rescore|re-score|regenerat|recompute/i;
/** Subjects of commits meant to repair something: running old code after one is the costly case. */
const FIX_SUBJECT = /\b(fix|fixes|fixed|hotfix|revert|bug)\b/i;

/** Whether a run regenerated past dates: a mode the config lists, or (without a list) one named like it. */
export function isBackfill(session: { mode: string | null }, backfillModes: string[] | null = null): boolean {
  if (session.mode === null) return false;
  if (backfillModes) return backfillModes.some((m) => m.toLowerCase() === session.mode!.toLowerCase());
  return BACKFILL_MODE.test(session.mode);
}

/** Rows of run sessions the log did not record, counted in the predictions table instead. */
export type RowsWritten = Map<RunSession, number>;

/** A session's rows and where the figure comes from; null when nothing holds it. */
function rowsOf(session: RunSession, counted: RowsWritten): { rows: number; source: 'executionLog' | 'predictions' } | null {
  if (session.rowsProduced !== null) return { rows: session.rowsProduced, source: 'executionLog' };
  const n = counted.get(session);
  return n === undefined ? null : { rows: n, source: 'predictions' };
}

/**
 * Runs that executed between a commit and the deployment of a build containing it. A backfill
 * in that gap regenerated results with the very code the commit was meant to replace.
 */
export function deploymentGapFindings(provenances: CommitProvenance[], options: { backfillModes?: string[] | null; rowsWritten?: RowsWritten } = {}): Finding[] {
  const counted = options.rowsWritten ?? new Map<RunSession, number>();
  const backfill = (r: RunSession) => isBackfill(r, options.backfillModes ?? null);
  const findings: Finding[] = [];
  for (const p of provenances) {
    if (!p.commit) continue;
    for (const s of p.services) {
      if (!s.touchesService || s.gapRuns.length === 0) continue;
      const backfills = s.gapRuns.filter(backfill);
      const known = s.gapRuns.map((r) => rowsOf(r, counted));
      const unknownSessions = known.filter((k) => k === null).length;
      const rows = unknownSessions ? null : known.reduce((sum, k) => sum + k!.rows, 0);
      const knownRows = known.reduce((sum, k) => sum + (k?.rows ?? 0), 0);
      const backfillRows = backfills.reduce((sum, r) => sum + (rowsOf(r, counted)?.rows ?? 0), 0);
      const isFix = FIX_SUBJECT.test(p.commit.subject);
      const severity = backfills.length ? 'critical' : isFix ? 'high' : 'medium';
      const score = SEVERITY_WEIGHT[severity] + Math.min(999, Math.log10(1 + knownRows) * 100 + (isFix ? 100 : 0) + backfillRows / 100);
      const deployed = s.firstDeployment;
      const c = p.commit;
      const lead = backfills[0] ?? s.gapRuns[0];
      const leadRows = rowsOf(lead, counted);
      const dates = (r: RunSession) => (r.firstDate === r.lastDate ? r.firstDate : `${r.firstDate}..${r.lastDate}`);
      const leadText = `${lead.mode ?? 'run'} of ${dates(lead)} ran ${formatTimestamp(lead.startedAt).slice(11, 16)}–${lead.endedAt.slice(11, 16)} on older build ${
        lead.commit ? shortSha(lead.commit) : 'unknown'
      } (${leadRows === null ? 'rows not recorded' : `${formatCount(leadRows.rows)} rows`})`;
      const after = `${formatDuration((Date.parse(lead.startedAt) - Date.parse(c.committedAt)) / 1000)} after ${isFix ? 'fix ' : 'commit '}${shortSha(c.sha)} (${formatTimestamp(c.committedAt)})`;
      // Earlier revisions whose history is cut may have had it: only "by then" is proven.
      const deployment = deployed
        ? s.earlierUnknown.length
          ? `${s.service} had it by ${formatTimestamp(deployed.createdAt).slice(11, 16)}`
          : `${s.service} got it at ${formatTimestamp(deployed.createdAt).slice(11, 16)}, ${formatDuration(deployed.delaySeconds)} after the commit`
        : s.status === 'unknown'
          ? `whether ${s.service} has it is unknown`
          : `${s.service} still lacks it`;
      const others =
        s.gapRuns.length > 1
          ? rows === null
            ? `; ${s.gapRuns.length} run sessions on old code (rows of ${unknownSessions} not recorded)`
            : `; ${formatCount(rows)} rows in all from ${s.gapRuns.length} run sessions on old code`
          : '';
      const title = `${leadText[0].toUpperCase()}${leadText.slice(1)}, ${after}; ${deployment}${others}`;
      const rowsText = (r: RunSession) => {
        const k = rowsOf(r, counted);
        if (k === null) return 'rows not recorded';
        if (k.source === 'executionLog') return `${formatCount(k.rows)} rows`;
        return `${formatCount(k.rows)} rows (not in the execution log; counted in the predictions table: build ${shortSha(r.commit!)}, written ${r.startedAt.slice(11, 16)}–${r.endedAt.slice(11, 16)})`;
      };
      const evidence = [
        `Commit ${shortSha(c.sha)} "${c.subject}" by ${c.author} at ${formatTimestamp(c.committedAt)}.`,
        ...s.gapRuns.map(
          (r) =>
            `${r.mode ?? 'run'} ${formatTimestamp(r.startedAt)}–${r.endedAt.slice(11, 16)} on build ${r.commit ? shortSha(r.commit) : 'unknown'}${r.revision ? ` (${r.revision})` : ''}, ${
              r.firstDate === r.lastDate ? `date ${r.firstDate}` : `dates ${r.firstDate}..${r.lastDate}`
            }, ${rowsText(r)}${r.runs > 1 ? ` in ${r.runs} runs` : ''}.`,
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
          gapRuns: s.gapRuns.map((r) => {
            const k = rowsOf(r, counted);
            return { ...r, backfill: backfill(r), rowsWritten: k?.rows ?? null, rowsSource: k?.source ?? null };
          }),
          rowsOnOldCode: rows,
        },
      });
    }
  }
  return findings;
}
