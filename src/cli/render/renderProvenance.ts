import type { CommitProvenance } from '../../core/provenance/commitProvenance';
import { formatCount, formatDuration, formatNumber, formatPercent, formatPointDifference, formatRate, formatTimestamp, shortSha } from '../../core/report/format';
import { textTable } from './textTable';

export function renderProvenance(p: CommitProvenance): string {
  if (!p.commit) return `${p.query}: ${p.problem}`;
  const c = p.commit;
  const out: string[] = [];
  out.push(`commit ${c.sha}`);
  out.push(`  ${c.subject}`);
  out.push(`  ${c.author} · committed ${formatTimestamp(c.committedAt)} · ${p.files === null ? 'files changed unknown' : `${p.files.length} file(s) changed`}`);
  out.push('');
  if (p.historyCut) out.push(`⚠ ${p.historyCut.message}`, '');
  if (p.files !== null && p.services.length && !p.services.some((s) => s.touchesService)) {
    const near = p.nearestStage;
    out.push(`○ touches no configured stage${near ? ` (nearest by path: ${near.service}, whose paths include "${near.glob}"; this commit changed ${near.file})` : ''}`, '');
  }
  for (const s of p.services) {
    const head = `${s.service}${s.touchesService === null ? ' (unknown whether the commit touches its paths)' : s.touchesService ? '' : ' (commit touches none of its paths)'}`;
    if (s.status === 'deployed' && s.firstDeployment && s.earlierUnknown.length) {
      out.push(
        `✓ ${head}: in ${s.firstDeployment.revision} by ${formatTimestamp(s.firstDeployment.createdAt)} (at most +${formatDuration(s.firstDeployment.delaySeconds)} after the commit; earlier revisions ${s.earlierUnknown.join(', ')} unknown)`,
      );
    } else if (s.status === 'deployed' && s.firstDeployment) {
      out.push(`✓ ${head}: first in ${s.firstDeployment.revision} at ${formatTimestamp(s.firstDeployment.createdAt)} (+${formatDuration(s.firstDeployment.delaySeconds)} after the commit)`);
    } else if (s.status === 'not-deployed') {
      const serving = s.serving
        ? `serving ${s.serving.revision} (${s.serving.commit ? shortSha(s.serving.commit) : 'commit unknown'})`
        : s.servingUnknown
          ? `serving revision unknown (${s.servingUnknown})`
          : 'nothing deployed';
      out.push(`✗ ${head}: not deployed; ${serving}${s.behindBy !== null ? `, ${s.behindBy} commit(s) behind this one` : ''}`);
    } else {
      const serving = s.serving && s.behindBy ? `; serving ${s.serving.revision} (${s.serving.commit ? shortSha(s.serving.commit) : 'commit unknown'}) is ${s.behindBy} commit(s) behind this one` : '';
      out.push(`? ${head}: unknown — ${s.problem}${serving}`);
    }
    if (s.gapRuns.length) {
      out.push(`  ⚠ ${s.gapRuns.length} run session(s) on older code between the commit and the deployment:`);
      for (const r of s.gapRuns) {
        out.push(
          `    ${r.mode ?? 'run'} ${formatTimestamp(r.startedAt)}–${r.endedAt.slice(11, 16)} on ${r.commit ? shortSha(r.commit) : 'unknown build'}${r.revision ? ` (${r.revision})` : ''}: ${r.firstDate === r.lastDate ? `date ${r.firstDate}` : `dates ${r.firstDate}..${r.lastDate}`}, ${
            r.rowsProduced === null ? 'rows not recorded' : `${formatCount(r.rowsProduced)} rows`
          }`,
        );
      }
    }
  }
  if (p.resultsNotApplicable) out.push('', `Results by build are not shown: ${p.resultsNotApplicable}`);
  if (p.models.length && p.files !== null) {
    out.push('');
    out.push(`Results per model (${p.window.from}..${p.window.to}): builds containing this commit vs the build it replaced`);
    out.push(
      textTable(
        ['model', 'containing: hit rate', 'preds', 'MAE', 'replaced: hit rate', 'preds', 'MAE', 'change'],
        p.models.map((m) => [
          m.model,
          formatRate(m.containing.hitRate),
          formatCount(m.containing.predictions),
          formatNumber(m.containing.mae),
          formatRate(m.replaced.hitRate),
          formatCount(m.replaced.predictions),
          formatNumber(m.replaced.mae),
          formatPointDifference(m.hitRateChange),
        ]),
      ),
    );
    const thisBuild = p.models.filter((m) => m.build.predictions > 0);
    if (thisBuild.length) {
      out.push('');
      out.push(`Rows produced by exactly ${shortSha(c.sha)}: ${thisBuild.map((m) => `${m.model} ${formatRate(m.build.hitRate)} (${formatPercent(m.build.gradingCoverage)} graded)`).join('; ')}`);
    }
  }
  return out.join('\n');
}
