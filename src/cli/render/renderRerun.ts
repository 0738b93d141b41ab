import type { RerunImpact } from '../../core/rerun/rerunImpact';
import { rerunLines } from '../../core/rerun/rerunSummary';
import { formatCount, shortSha } from '../../core/report/format';
import { textTable } from './textTable';

export function renderRerun(r: RerunImpact & { recorded: true }): string {
  const out: string[] = [];
  const scope = r.models ? ` of ${r.models.join(', ')}` : '';
  out.push(`Re-runs${scope}, game dates ${r.window.from}..${r.window.to} (replaced rows marked by ${r.markedBy.join(', ')})`);
  for (const n of r.notRecorded) out.push(`Not recorded: ${n}`);
  out.push('');
  if (r.perModel.length === 0) {
    out.push(`No row${scope} in this window is marked replaced: nothing was re-run, or the re-run did not mark what it replaced.`);
    return out.join('\n');
  }
  for (const m of r.perModel) {
    const { headline, details } = rerunLines(m);
    out.push(headline);
    for (const d of details) out.push(`  ${d}`);
    out.push('');
  }
  if (r.largestChanges.length) {
    out.push(`Largest changes (${r.largestChanges.length}):`);
    const num = (v: number | null) => (v === null ? 'n/a' : String(v));
    out.push(
      textTable(
        ['model', 'date', 'entity', 'old', 'new', 'line', 'actual', 'builds'],
        r.largestChanges.map((c) => [
          c.model,
          c.date,
          c.entity,
          num(c.old),
          num(c.new),
          c.oldLine === c.newLine ? num(c.newLine) : `${num(c.oldLine)} → ${num(c.newLine)}`,
          c.actual === null ? 'not graded' : num(c.actual),
          `${c.oldCommit ? shortSha(c.oldCommit) : '?'} → ${c.newCommit ? shortSha(c.newCommit) : '?'}`,
        ]),
      ),
    );
  } else {
    const regenerated = r.perModel.reduce((s, m) => s + m.regenerated, 0);
    if (regenerated > 0) out.push(`No prediction changed on any of the ${formatCount(regenerated)} regenerated keys.`);
  }
  return out.join('\n').trimEnd();
}
