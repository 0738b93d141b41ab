import type { CommitLinks } from '../../core/git/remoteLinks';
import type { ModelModeSplit } from '../../core/provenance/commitModeSplits';
import type { CommitProvenance } from '../../core/provenance/commitProvenance';
import { rerunTiming, type CommitRerun } from '../../core/rerun/commitReruns';
import { rerunLines } from '../../core/rerun/rerunSummary';
import { formatCount, formatDuration, formatMeasure, formatPercent, formatPointDifference, formatRate, formatTimestamp, shortSha } from '../../core/report/format';
import { textTable } from './textTable';

/** What the commit report adds beside the provenance: links out, and re-runs after the commit. */
export interface ProvenanceExtras {
  links?: CommitLinks | null;
  /** Re-runs written after the commit; null when which rows were replaced is not recorded. */
  reruns?: CommitRerun[] | null;
  rerunsNotRecorded?: string | null;
  /** Each model's containing-vs-replaced change decomposed over run modes; null when not checked (`decompositionsNotChecked` says why). */
  decompositions?: ModelModeSplit[] | null;
  decompositionsNotChecked?: string | null;
}

export function renderProvenance(p: CommitProvenance, extras: ProvenanceExtras = {}): string {
  if (!p.commit) return `${p.query}: ${p.problem}`;
  const c = p.commit;
  const out: string[] = [];
  out.push(`commit ${c.sha}`);
  out.push(`  ${c.subject}`);
  out.push(`  ${c.author} · committed ${formatTimestamp(c.committedAt)} · ${p.files === null ? 'files changed unknown' : `${p.files.length} file(s) changed`}`);
  if (extras.links) {
    out.push(`  ${extras.links.commit}`);
    const pr = extras.links.pullRequest;
    if (pr) out.push(`  pull request #${pr.number}: ${pr.url}${pr.namedBy !== c.sha ? ` (merged by ${shortSha(pr.namedBy)})` : ''}`);
  }
  out.push('');
  if (p.historyCut) out.push(`⚠ ${p.historyCut.message}`, '');
  if (p.files !== null && p.services.length && !p.services.some((s) => s.touchesService)) {
    const near = p.nearestStage;
    out.push(`○ touches no configured stage${near ? ` (nearest by path: ${near.service}, whose paths include "${near.glob}"; this commit changed ${near.file})` : ''}`, '');
  }
  for (const s of p.services) {
    const head = `${s.service}${s.touchesService === null ? ' (unknown whether the commit touches its paths)' : s.touchesService ? '' : ' (commit touches none of its paths)'}`;
    if (s.inferredFrom) {
      // No deployment record: a first appearance in a table, by day; no delay, nothing serving.
      const said =
        s.status === 'deployed' && s.firstDeployment
          ? `✓ ${head}: first seen ${s.firstDeployment.createdAt.slice(0, 10)} in a build with it (${s.firstDeployment.commit ? shortSha(s.firstDeployment.commit) : s.firstDeployment.revision})`
          : s.status === 'not-deployed'
            ? `✗ ${head}: no build with it seen`
            : `? ${head}: unknown — ${s.problem}`;
      out.push(`${said}; deployments inferred from ${s.inferredFrom} (no deployment record)`);
    } else if (s.status === 'deployed' && s.firstDeployment && s.earlierUnknown.length) {
      out.push(
        `✓ ${head}: in ${s.firstDeployment.revision} by ${formatTimestamp(s.firstDeployment.createdAt)} (at most +${formatDuration(s.firstDeployment.delaySeconds)} after the commit; earlier revisions ${s.earlierUnknown.join(', ')} unknown)`,
      );
    } else if (s.status === 'deployed' && s.firstDeployment) {
      out.push(
        `✓ ${head}: first in ${s.firstDeployment.revision} at ${formatTimestamp(s.firstDeployment.createdAt)} (+${formatDuration(s.firstDeployment.delaySeconds)} after the commit)`,
      );
    } else if (s.status === 'not-deployed') {
      const serving = s.serving
        ? `serving ${s.serving.revision} (${s.serving.commit ? shortSha(s.serving.commit) : 'commit unknown'})`
        : s.servingUnknown
          ? `serving revision unknown (${s.servingUnknown})`
          : 'nothing deployed';
      out.push(`✗ ${head}: not deployed; ${serving}${s.behindBy !== null ? `, ${s.behindBy} commit(s) behind this one` : ''}`);
    } else {
      const serving =
        s.serving && s.behindBy
          ? `; serving ${s.serving.revision} (${s.serving.commit ? shortSha(s.serving.commit) : 'commit unknown'}) is ${s.behindBy} commit(s) behind this one`
          : '';
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
          formatMeasure(m.containing.mae, m.containing.graded),
          formatRate(m.replaced.hitRate),
          formatCount(m.replaced.predictions),
          formatMeasure(m.replaced.mae, m.replaced.graded),
          formatPointDifference(m.hitRateChange),
        ]),
      ),
    );
    const thisBuild = p.models.filter((m) => m.build.predictions > 0);
    if (thisBuild.length) {
      out.push('');
      out.push(
        `Rows produced by exactly ${shortSha(c.sha)}: ${thisBuild.map((m) => `${m.model} ${formatRate(m.build.hitRate)} (${formatPercent(m.build.gradingCoverage)} graded)`).join('; ')}`,
      );
    }
    out.push(...modeSection(extras));
  }
  if (p.notChecked?.length) out.push('');
  for (const line of p.notChecked ?? []) out.push(`Not checked: ${line.replace(/: not checked: /, ': ')}.`);
  out.push(...rerunSection(extras));
  return out.join('\n');
}

/** Each model's change told apart into run-mode mix and within-mode change, over each side's own rows. */
function modeSection(extras: ProvenanceExtras): string[] {
  if (extras.decompositionsNotChecked) return ['', `Results by run mode: not decomposed (${extras.decompositionsNotChecked})`];
  if (!extras.decompositions?.length) return [];
  const out = ['', 'Results by run mode (containing vs replaced):'];
  for (const split of extras.decompositions) {
    out.push(`  ${split.model}: ${split.lines[0]}`);
    for (const line of split.lines.slice(1)) out.push(`    ${line}`);
  }
  return out;
}

function rerunSection(extras: ProvenanceExtras): string[] {
  if (extras.rerunsNotRecorded) return ['', `Re-runs after this commit: not recorded (${extras.rerunsNotRecorded})`];
  if (!extras.reruns?.length) return [];
  const out = ['', 'Re-runs after this commit:'];
  for (const r of extras.reruns) {
    const { headline, details } = rerunLines(r.rerun);
    out.push(
      `  ${r.builds === 'lack it' ? '⚠ ' : ''}${headline}: re-run ${rerunTiming(r)}, by builds that ${r.builds === 'unknown' ? 'may or may not contain it (not in local history)' : r.builds.replace(' it', ' this commit')}`,
    );
    for (const d of details) out.push(`    ${d}`);
  }
  return out;
}
