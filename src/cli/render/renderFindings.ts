import type { Investigation } from '../../core/findings/investigate';

export function renderInvestigation(result: Investigation, context: { configFile: string; warehouse: string }): string {
  const out: string[] = [];
  out.push(`Pipeline Lens investigation of ${result.window.from}..${result.window.to}${result.models ? ` (models: ${result.models.join(', ')})` : ''}`);
  out.push(`config ${context.configFile} · warehouse ${context.warehouse}`);
  out.push('');
  if (result.findings.length === 0) out.push('No findings: every detector ran and found nothing above its thresholds.');
  result.findings.forEach((f, i) => {
    out.push(`${i + 1}. [${f.severity}] ${f.title}`);
    for (const line of f.evidence) out.push(`     - ${line}`);
    out.push('');
  });
  for (const s of result.skipped) out.push(`Not checked: ${s}.`);
  return out.join('\n').trimEnd();
}
