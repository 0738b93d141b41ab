import type { VerifyResult } from '../verify/verifyDeployment';
import { describeAge } from './age';
import { formatDuration, formatTimestamp, shortSha } from './format';

const MARK = { ok: '✓ OK', stale: '✗ STALE', unknown: '? UNKNOWN' } as const;

/**
 * Verify speaks of the deployments as they are now, so its ages run to now, and each says
 * what it runs from (`2026-01-30 19:10 UTC, 311d0h ago`): read beside a report on
 * old data, a bare "311d ago" could be taken for a distance in the data. `dataLastDay`: the
 * last day of the predictions table, when known, so a missing commit's age reads against old
 * data instead; `now` is when the verdict was reached.
 */
export function renderVerify(r: VerifyResult, dataLastDay: string | null = null, now: Date = new Date()): string {
  const out: string[] = [];
  out.push(`${MARK[r.verdict]}: ${r.reason}`);
  if (r.deployed) {
    out.push(
      `  deployed: ${r.deployed.revision} · ${r.deployed.commit ? shortSha(r.deployed.commit) : 'no commit recorded'} · ${formatTimestamp(r.deployed.createdAt)}, ${formatDuration((now.getTime() - Date.parse(r.deployed.createdAt)) / 1000)} ago${
        r.deployed.trafficPercent !== null ? ` · ${r.deployed.trafficPercent}% traffic` : ''
      }`,
    );
  }
  out.push(`  target:   ${r.target.rev}${r.target.sha ? ` (${shortSha(r.target.sha)})` : ''}`);
  if (r.missing.length) {
    out.push(`  missing from the deployment (${r.missing.length}):`);
    for (const m of r.missing)
      out.push(`    ${shortSha(m.sha)}  ${m.subject}  (${m.author}, committed ${formatTimestamp(m.committedAt)}, ${describeAge(m.committedAt, m.ageSeconds, dataLastDay)})`);
  }
  out.push(`  ancestry: ${r.witnesses.ancestry.answer} — ${r.witnesses.ancestry.says}`);
  out.push(`  content:  ${r.witnesses.content.answer} — ${r.witnesses.content.says}`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  if (r.hint) out.push(`  → ${r.hint}`);
  if (r.verdict !== 'ok') out.push('  Do not run a backfill until this says OK.');
  return out.join('\n');
}
