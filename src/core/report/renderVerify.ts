import type { VerifyResult } from '../verify/verifyDeployment';
import { describeAge } from './age';
import { formatTimestamp, shortSha } from './format';

const MARK = { ok: '✓ OK', stale: '✗ STALE', unknown: '? UNKNOWN' } as const;

/** `dataLastDay`: the last day of the predictions table, when known, so ages read against old data. */
export function renderVerify(r: VerifyResult, dataLastDay: string | null = null): string {
  const out: string[] = [];
  out.push(`${MARK[r.verdict]}: ${r.reason}`);
  if (r.deployed) {
    out.push(
      `  deployed: ${r.deployed.revision} · ${r.deployed.commit ? shortSha(r.deployed.commit) : 'no commit recorded'} · ${formatTimestamp(r.deployed.createdAt)}${
        r.deployed.trafficPercent !== null ? ` · ${r.deployed.trafficPercent}% traffic` : ''
      }`,
    );
  }
  out.push(`  target:   ${r.target.rev}${r.target.sha ? ` (${shortSha(r.target.sha)})` : ''}`);
  if (r.missing.length) {
    out.push(`  missing from the deployment (${r.missing.length}):`);
    for (const m of r.missing) out.push(`    ${shortSha(m.sha)}  ${m.subject}  (${m.author}, ${describeAge(m.committedAt, m.ageSeconds, dataLastDay)})`);
  }
  out.push(`  ancestry: ${r.witnesses.ancestry.answer} — ${r.witnesses.ancestry.says}`);
  out.push(`  content:  ${r.witnesses.content.answer} — ${r.witnesses.content.says}`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  if (r.hint) out.push(`  → ${r.hint}`);
  if (r.verdict !== 'ok') out.push('  Do not run a backfill until this says OK.');
  return out.join('\n');
}
