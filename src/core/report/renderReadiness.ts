import type { CheckVerdict, Readiness } from '../readiness/readiness';

const MARK: Record<CheckVerdict, string> = { ready: '✓', 'not-ready': '✗', unknown: '?' };
const HEADLINE: Record<CheckVerdict, string> = { ready: '✓ READY', 'not-ready': '✗ NOT READY', unknown: '? UNKNOWN' };
const ORDER: Record<CheckVerdict, number> = { 'not-ready': 0, unknown: 1, ready: 2 };

export function renderReadiness(r: Readiness): string {
  const failing = r.checks.filter((c) => c.verdict === 'not-ready').length;
  const unknown = r.checks.filter((c) => c.verdict === 'unknown').length;
  const why =
    r.verdict === 'ready'
      ? `all ${r.checks.length} checks passed`
      : r.verdict === 'not-ready'
        ? `${failing} of ${r.checks.length} checks failed${unknown ? `, ${unknown} could not be made` : ''}`
        : `${unknown} of ${r.checks.length} checks could not be made, and nothing unknown counts as ready`;
  const out = [`${HEADLINE[r.verdict]} for ${r.date}: ${why} (exit ${r.exitCode}).`];
  for (const c of [...r.checks].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict])) out.push(`  ${MARK[c.verdict]} ${c.subject}: ${c.says}`);
  if (r.verdict !== 'ready') out.push('  Do not start the run until this says READY.');
  return out.join('\n');
}
