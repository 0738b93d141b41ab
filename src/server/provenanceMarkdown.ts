import type { CommitProvenance, ModelProvenance, ServiceProvenance } from '../core/provenance/commitProvenance';
import { rangeKey, type PartState, type RerunState } from '../core/provenance/documentProvenance';
import { comparePaired, type PairedTable } from '../core/metrics/pairedProportions';
import type { DateWindow } from '../core/warehouse/catalog';
import { formatCount, formatDuration, formatMeasure, formatPercent, formatPointDifference, formatRate, formatTimestamp } from '../core/report/format';
import { Commands, type CommitCommandArgs, type TimelineCommandArgs, type VerifyCommandArgs } from '../shared/protocol';
import { commandLink, escapeMarkdown, webLink } from './commandLinks';
import type { CommitLinks } from '../core/git/remoteLinks';
import { rerunTiming, type CommitReruns } from '../core/rerun/commitReruns';
import { rerunLines } from '../core/rerun/rerunSummary';
import type { ModelRerun } from '../core/rerun/rerunImpact';
import { describeRuns, leadingModels, type LensParts } from './lensTitle';
import type { RunSession } from '../core/provenance/runSessions';

const SHORT = 7;

export interface MarkdownOptions {
  /** Document or folder the SHA was found in: command links carry it so the right workspace answers. */
  scope?: string;
  /** The full report (files changed, every model) rather than a hover. */
  full?: boolean;
  /** The commit's page on the remote and the pull request that merged it. */
  links?: CommitLinks | null;
  /** The models a hover leads with (`pipelineLens.primaryModels`); empty: the most graded. */
  primaryModels?: string[];
  /** What re-runs of each gap group's game dates replaced (keyed by `rangeKey`), as far as the hover could wait for it. */
  reruns?: Map<string, RerunState>;
}

/** Models a hover shows; the rest are one "More…" away, in the provenance panel. */
const HOVER_MODELS = 3;

/**
 * The hover on a SHA, and (with `full`) the provenance report the lens opens: the commit,
 * where it was deployed and when, the runs on older code in between, and the results of
 * the builds around it, each rate with its interval and sample size. A part that has not
 * arrived is named as loading or unavailable rather than left out silently.
 *
 * The hover is short enough not to scroll: a line per stage, the runs on older code, the
 * leading models, and "More…" into the full report; the tables are the report's.
 */
export function provenanceMarkdown(p: CommitProvenance, parts: LensParts, options: MarkdownOptions = {}): string {
  if (!p.commit) return escapeMarkdown(p.problem ?? `${p.query} is not a commit of this repository.`);
  const c = p.commit;
  const out: string[] = [];
  out.push(`**\`${c.sha.slice(0, SHORT)}\`** ${escapeMarkdown(c.subject)}  `);
  const files = p.files === null ? 'files changed: unknown' : `${p.files.length} file${p.files.length === 1 ? '' : 's'} changed`;
  out.push(`${escapeMarkdown(c.author)} · committed ${formatTimestamp(c.committedAt)} · ${files}${options.links ? `  ` : ''}`);
  if (options.links) {
    const host = new URL(options.links.commit).host;
    const pr = options.links.pullRequest;
    out.push([webLink(`Commit on ${host}`, options.links.commit), ...(pr ? [webLink(`Pull request #${pr.number}`, pr.url)] : [])].join(' · '));
  }
  out.push('');
  if (p.historyCut) out.push(`⚠ ${escapeMarkdown(p.historyCut.message)}`, '');

  let hiddenModels = 0;
  if (options.full) {
    out.push(...servicesSection(p.services, parts.deployments));
    out.push(...runsSection(p.services, parts.runs));
    out.push(...resultsSection(p, parts.results, true));
  } else {
    out.push(...stageLines(p.services, parts, options.reruns));
    const results = leadingModelLines(p, parts.results, options.primaryModels ?? []);
    out.push(...results.lines);
    hiddenModels = results.hidden;
  }
  // The same wording as the CLI's `commit`: each names the setting to fix.
  for (const note of p.notChecked ?? []) out.push(`_Not checked: ${escapeMarkdown(note.replace(/: not checked: /, ': '))}._`, '');

  if (options.full && p.files?.length) {
    out.push('**Files changed**', '');
    for (const f of p.files.slice(0, 200)) out.push(`- \`${f.replace(/`/g, '')}\``);
    if (p.files.length > 200) out.push(`- … ${p.files.length - 200} more`);
    out.push('');
  }

  const args: CommitCommandArgs = { sha: c.sha, scope: options.scope };
  const links = [
    // The models left out are counted on the link that shows them: a line saved in a hover that must not scroll.
    ...(options.full ? [] : [commandLink(hiddenModels ? `More… (${hiddenModels} more model${hiddenModels === 1 ? '' : 's'})` : 'More…', Commands.showCommitProvenance, args)]),
    commandLink('Show diff', Commands.showDiff, args),
    commandLink('Open timeline', Commands.openTimeline, { scope: options.scope, sha: c.sha } satisfies TimelineCommandArgs),
    commandLink('Copy SHA', Commands.copySha, args),
    ...p.services
      .filter((s) => s.touchesService)
      .map((s) => commandLink(`Verify ${s.service}`, Commands.verifyService, { scope: options.scope, service: s.service } satisfies VerifyCommandArgs)),
  ];
  out.push(links.join(' · '));
  return out.join('\n');
}

/** The runs on older code the short hover lists: a group per stage and mode, with the game dates it ran. */
export function gapGroups(services: ServiceProvenance[]): Array<{ service: string; runs: RunSession[]; dates: DateWindow }> {
  return services.filter((s) => s.touchesService && s.status !== 'unknown').flatMap((s) => byMode(s.gapRuns).map((runs) => ({ service: s.service, runs, dates: gapDates(runs) })));
}

/** One line per stage the commit may touch, then the runs on older code; untouched stages share a line. */
function stageLines(services: ServiceProvenance[], parts: LensParts, reruns?: Map<string, RerunState>): string[] {
  if (services.length === 0) return ['_No services in pipeline-lens.json: nothing to say about deployments._', ''];
  if (parts.deployments.state === 'loading') return ['_Deployments: loading…_', ''];
  const out: string[] = [];
  const touched = services.filter((s) => s.touchesService !== false);
  for (const s of touched) out.push(`${stageLine(s)}  `);
  const untouched = services.filter((s) => s.touchesService === false);
  if (untouched.length) out.push(`○ changes none of the paths of ${untouched.map((s) => `**${escapeMarkdown(s.service)}**`).join(', ')}  `);
  if (touched.some((s) => s.touchesService)) {
    const unavailable = runsUnavailable(parts.runs);
    if (parts.runs.state === 'absent' && parts.runs.notConfigured)
      // Without a log no run is known: silence would read as "nothing ran on older code".
      out.push(`Runs between the commit and its deployment: not recorded (pipeline-lens.json sets no ${parts.runs.notConfigured}).  `);
    else if (unavailable) out.push(...unavailable.filter((l) => l !== '').map((l) => `${l}  `));
    else
      for (const s of touched) {
        if (!s.touchesService) continue;
        // No deployment known, no gap to look in: saying nothing would read as "no run".
        if (s.status === 'unknown') out.push(`Runs between the commit and the deployment of ${escapeMarkdown(s.service)}: not checked (the deployment is unknown).  `);
        else
          for (const runs of byMode(s.gapRuns)) {
            out.push(`${gapLine(s.service, runs)}  `);
            const replaced = reruns ? supersededLine(runs, reruns.get(rangeKey(gapDates(runs)))) : null;
            if (replaced) out.push(`${replaced}  `);
          }
      }
  }
  out.push('');
  out.push(...inferredNotes(touched));
  return out;
}

function stageLine(s: ServiceProvenance): string {
  const name = `**${escapeMarkdown(s.service)}**${s.touchesService === null ? ' (unknown whether the commit changes its paths)' : ''}`;
  const first = s.firstDeployment;
  // A first appearance by day: no time and no delay to give.
  if (s.inferredFrom && s.status === 'deployed' && first) return `✓ ${name} first seen ${first.createdAt.slice(0, 10)} in ${escapeMarkdown(first.revision)} (inferred)`;
  if (s.inferredFrom && s.status === 'not-deployed') return `✗ ${name} no build with it seen (inferred)`;
  if (s.status === 'deployed' && first && s.earlierUnknown.length) {
    return `✓ ${name} deployed by ${formatTimestamp(first.createdAt)} in ${escapeMarkdown(first.revision)} (earlier revisions unknown: at most +${formatDuration(first.delaySeconds)})`;
  }
  if (s.status === 'deployed' && first)
    return `✓ ${name} deployed ${formatTimestamp(first.createdAt)} in ${escapeMarkdown(first.revision)}, +${formatDuration(first.delaySeconds)} after the commit`;
  if (s.status === 'not-deployed') return `✗ ${name} **not deployed** — ${servingText(s)}`;
  return `? ${name} unknown: ${escapeMarkdown(s.problem ?? 'no answer')}`;
}

/** Runs grouped by mode, in order of their first run: a backfill and the daily runs read apart. */
function byMode(runs: RunSession[]): RunSession[][] {
  const groups = new Map<string | null, RunSession[]>();
  for (const r of runs) groups.set(r.mode, [...(groups.get(r.mode) ?? []), r]);
  return [...groups.values()];
}

/** Runs of one mode on older code after the commit, as one line: how many, when, which game dates, how many rows. */
function gapLine(service: string, runs: RunSession[]): string {
  const start = runs.map((r) => r.startedAt).sort()[0];
  const end = runs.map((r) => r.endedAt).sort()[runs.length - 1];
  const when = `${formatTimestamp(start).replace(' UTC', '')}–${start.slice(0, 10) === end.slice(0, 10) ? end.slice(11, 16) : formatTimestamp(end).replace(' UTC', '')} UTC`;
  const first = runs.map((r) => r.firstDate).sort()[0];
  const last = runs.map((r) => r.lastDate).sort()[runs.length - 1];
  const dates = first === last ? `game date ${first}` : `game dates ${first} → ${last}`;
  const counts = runs.map((r) => r.rowsProduced);
  const rows = counts.some((n) => n === null) ? 'rows not recorded' : `${formatCount(counts.reduce((a: number, n) => a + n!, 0))} rows`;
  const failed = runs.reduce((a, r) => a + r.failedRuns, 0);
  return `⚠ ${escapeMarkdown(describeRuns(runs))} of ${escapeMarkdown(service)} ran on older code after the commit: ${when}, ${dates}, ${rows}${failed ? ` (${failed} failed)` : ''}`;
}

function gapDates(runs: RunSession[]): DateWindow {
  return { from: runs.map((r) => r.firstDate).sort()[0], to: runs.map((r) => r.lastDate).sort()[runs.length - 1] };
}

const SUPERSEDED_KEYS = 'tables.predictions.columns.active, .superseded or .supersededAt';

/**
 * Under a gap line: what those runs replaced, when they re-ran dates whose earlier rows they
 * superseded (a backfill): the figures of `rerun-impact` over the runs' game dates, for the
 * models whose replacing rows were written while the runs ran. Null when they replaced none.
 */
function supersededLine(runs: RunSession[], state: RerunState | undefined): string | null {
  if (!state) return null;
  if (state.state === 'loading') return '↳ rows it superseded: loading… (the warehouse has not answered yet)';
  if (state.state === 'failed') return `↳ rows it superseded: unavailable (${escapeMarkdown(state.error)})`;
  const impact = state.impact;
  if (!impact.recorded) return `↳ rows it superseded: not recorded (pipeline-lens.json sets none of ${SUPERSEDED_KEYS})`;
  const start = Date.parse(runs.map((r) => r.startedAt).sort()[0]);
  const end = Date.parse(runs.map((r) => r.endedAt).sort()[runs.length - 1]);
  const made = (m: ModelRerun) => (m.rerunMade ? { first: Date.parse(m.rerunMade.first), last: Date.parse(m.rerunMade.last) } : null);
  // Rows replaced while these runs ran are theirs; without write times the dates alone tie them.
  const models = impact.perModel.filter((m) => {
    const t = made(m);
    return t === null || (t.first <= end && t.last >= start);
  });
  if (models.length === 0) return null;
  const sum = (f: (m: ModelRerun) => number) => models.reduce((a, m) => a + f(m), 0);
  const names = models.length === 1 ? escapeMarkdown(models[0].model) : `${models.length} models`;
  const moved = `${formatCount(sum((m) => m.replacedRows))} rows of ${names} superseded: ${formatCount(sum((m) => m.regenerated))} keys regenerated, ${formatCount(sum((m) => m.deleted))} deleted without replacement`;
  const untimed = models.some((m) => made(m) === null);
  const outside = models.some((m) => {
    const t = made(m);
    return t !== null && (t.first < start || t.last > end);
  });
  const scope = untimed
    ? ' (rows record no write time, tables.predictions.columns.createdAt: every re-run of these dates is counted)'
    : outside
      ? ' (these dates were also re-run at other times, counted with it)'
      : '';
  return `↳ ${moved}; ${sameKeysText(models, impact.notRecorded)}${scope}`;
}

/** The hit rate on the same keys before and after, pooled over the models (a key is an entity, date and model): the change with its paired interval and n. */
function sameKeysText(models: ModelRerun[], notRecorded: string[]): string {
  const tables = models.map((m) => m.hits).filter((h): h is NonNullable<ModelRerun['hits']> => h !== null);
  if (tables.length === 0) {
    const why = notRecorded.find((n) => n.startsWith('hit rate on the same keys'));
    return `hit rate on the same keys: not recorded${why ? ` (${escapeMarkdown(why.replace(/^hit rate on the same keys: /, ''))})` : ''}`;
  }
  const pooled: PairedTable = { bothHit: 0, oldOnly: 0, newOnly: 0, neither: 0 };
  for (const t of tables) {
    pooled.bothHit += t.bothHit;
    pooled.oldOnly += t.oldOnly;
    pooled.newOnly += t.newOnly;
    pooled.neither += t.neither;
  }
  const paired = comparePaired(pooled);
  if (paired.n === 0) return 'hit rate on the same keys: not known (no regenerated key is graded yet)';
  return `hit rate on the same keys ${formatPercent(paired.old.rate)} → ${formatPercent(paired.new.rate)}, change ${formatPointDifference(paired.change)} (paired, n=${formatCount(paired.n)})`;
}

/** The leading models' hit rate in the builds containing the commit against the build it replaced. */
function leadingModelLines(p: CommitProvenance, state: PartState, primaryModels: string[]): { lines: string[]; hidden: number } {
  const unavailable = resultsUnavailable(p, state);
  if (unavailable) return { lines: unavailable, hidden: 0 };
  const models = modelsWithRows(p);
  const lead = leadingModels(models, primaryModels, HOVER_MODELS);
  if (lead.length === 0)
    return {
      hidden: models.length,
      lines: [
        `No graded rows yet by builds containing this commit (${models.length} model${models.length === 1 ? '' : 's'} with predictions in ${p.window.from} → ${p.window.to}).`,
        '',
      ],
    };
  const out = [`**Hit rate with it** · in the build it replaced · change (game dates ${p.window.from} → ${p.window.to})  `];
  for (const m of lead) {
    out.push(`**${escapeMarkdown(m.model)}** ${formatRate(m.containing.hitRate)} · ${formatRate(m.replaced.hitRate)} · ${formatPointDifference(m.hitRateChange)}  `);
  }
  out.push('');
  return { lines: out, hidden: models.length - lead.length };
}

function servingText(s: ServiceProvenance): string {
  if (s.serving) {
    return `serving ${escapeMarkdown(s.serving.revision)} (${s.serving.commit ? `\`${s.serving.commit.slice(0, SHORT)}\`` : 'commit unknown'})${s.behindBy ? `, ${s.behindBy} commit${s.behindBy === 1 ? '' : 's'} behind` : ''}`;
  }
  return s.servingUnknown ? `serving revision unknown: ${escapeMarkdown(s.servingUnknown)}` : 'no revision on record';
}

function servicesSection(services: ServiceProvenance[], state: PartState): string[] {
  if (services.length === 0) return ['_No services in pipeline-lens.json: nothing to say about deployments._', ''];
  if (state.state === 'loading') return ['_Deployments: loading…_', ''];
  const out = ['| service | first revision with it | deployed | after the commit |', '|---|---|---|---|'];
  for (const s of services) {
    const name = `${escapeMarkdown(s.service)}${s.touchesService === null ? ' (unknown whether the commit changes its paths)' : s.touchesService ? '' : ' (commit changes none of its paths)'}`;
    if (s.inferredFrom && s.status === 'deployed' && s.firstDeployment) {
      // A first appearance by day: no time and no delay to give.
      out.push(`| ${name} | ${escapeMarkdown(s.firstDeployment.revision)} (inferred) | first seen ${s.firstDeployment.createdAt.slice(0, 10)} | not recorded |`);
    } else if (s.inferredFrom && s.status === 'not-deployed') {
      out.push(`| ${name} | **no build with it seen** (inferred) | | |`);
    } else if (s.status === 'deployed' && s.firstDeployment && s.earlierUnknown.length) {
      // Earlier revisions may have had it (history cut): only "by then" is proven.
      out.push(
        `| ${name} | ${escapeMarkdown(s.firstDeployment.revision)} (earlier ones unknown) | by ${formatTimestamp(s.firstDeployment.createdAt)} | at most +${formatDuration(s.firstDeployment.delaySeconds)} |`,
      );
    } else if (s.status === 'deployed' && s.firstDeployment) {
      out.push(
        `| ${name} | ${escapeMarkdown(s.firstDeployment.revision)} | ${formatTimestamp(s.firstDeployment.createdAt)} | +${formatDuration(s.firstDeployment.delaySeconds)} |`,
      );
    } else if (s.status === 'not-deployed') {
      out.push(`| ${name} | **not deployed** — ${servingText(s)} | | |`);
    } else {
      const serving = s.serving && s.behindBy ? ` Serving ${escapeMarkdown(s.serving.revision)} is ${s.behindBy} commit${s.behindBy === 1 ? '' : 's'} behind it.` : '';
      out.push(`| ${name} | unknown: ${escapeMarkdown(s.problem ?? 'no answer')}${serving} | | |`);
    }
  }
  out.push('');
  out.push(...inferredNotes(services));
  return out;
}

/** Says, for each stage whose deployments are inferred, from what, and what that cannot tell. */
function inferredNotes(services: ServiceProvenance[]): string[] {
  return services
    .filter((s) => s.inferredFrom)
    .flatMap((s) => [
      `_Deployments of ${escapeMarkdown(s.service)} are inferred from ${escapeMarkdown(s.inferredFrom!)} (no deployment record): a build counts as deployed when it first wrote, and what serves now is not known._`,
      '',
    ]);
}

/** Why the runs in the gap are not listed (loading, failed), or null when they are known. */
export function runsUnavailable(state: PartState): string[] | null {
  if (state.state === 'loading') return ['_Runs between the commit and its deployment: loading…_', ''];
  if (state.state === 'failed') return [`_Runs between the commit and its deployment: unavailable (${escapeMarkdown(state.error)})._`, ''];
  if (state.state === 'absent') return [];
  return null;
}

function runsSection(services: ServiceProvenance[], state: PartState): string[] {
  const touched = services.filter((s) => s.touchesService);
  if (touched.length === 0) return [];
  const unavailable = runsUnavailable(state);
  if (unavailable) return unavailable;
  const runs = touched.flatMap((s) => s.gapRuns.map((r) => ({ service: s.service, ...r })));
  // A stage whose deployment is unknown has no gap to look in: "no run" would be a claim without a record.
  const unknown = touched.filter((s) => s.status === 'unknown').map((s) => escapeMarkdown(s.service));
  const notChecked = unknown.length ? `Runs between the commit and the deployment of ${unknown.join(', ')}: not checked (the deployment is unknown).` : null;
  if (runs.length === 0 && notChecked)
    return unknown.length === touched.length ? [notChecked, ''] : ['No run executed older code between the commit and the deployment of the other stages.', notChecked, ''];
  if (runs.length === 0) return ['No run executed older code between the commit and its deployment.', ''];
  const out = [`**⚠ Ran on older code between the commit and its deployment** (${runs.length})`, '', '| mode | when | game dates | rows | build |', '|---|---|---|---|---|'];
  for (const r of runs) {
    const when = `${formatTimestamp(r.startedAt).replace(' UTC', '')}–${r.endedAt.slice(11, 16)} UTC`;
    const dates = r.firstDate === r.lastDate ? r.firstDate : `${r.firstDate} → ${r.lastDate}`;
    const rows = r.rowsProduced === null ? 'not recorded' : formatCount(r.rowsProduced);
    const build = `${r.commit ? `\`${r.commit.slice(0, SHORT)}\`` : 'unknown'}${r.revision ? ` (${escapeMarkdown(r.revision)})` : ''}`;
    out.push(`| ${escapeMarkdown(r.mode ?? 'run')} | ${when} | ${dates} | ${rows}${r.failedRuns ? ` (${r.failedRuns} failed)` : ''} | ${build} |`);
  }
  out.push('');
  if (notChecked) out.push(notChecked, '');
  return out;
}

/**
 * Why there is no results table, as one paragraph (the hover and the full report say the
 * same), or null when there are models to show.
 */
export function resultsUnavailable(p: CommitProvenance, state: PartState): string[] | null {
  if (state.state === 'loading') return ['_Results by build: loading… (the warehouse has not answered yet)_', ''];
  if (state.state === 'failed') return [`_Results by build: unavailable — ${escapeMarkdown(state.error)}_`, ''];
  if (state.state === 'absent') return [];
  if (p.files === null) return ['Which services this commit changes is unknown, so results of the builds containing it are not shown.', ''];
  if (p.services.length && !p.services.some((s) => s.touchesService)) {
    const near = p.nearestStage;
    return [
      `This commit touches no configured stage${
        near ? ` (nearest by path: ${escapeMarkdown(near.service)}, whose paths include \`${near.glob}\`; it changed \`${near.file}\`)` : ''
      }, so the results of the builds containing it say nothing about it.`,
      '',
    ];
  }
  if (p.resultsNotApplicable) return [`Results by build are not shown: ${escapeMarkdown(p.resultsNotApplicable)}`, ''];
  if (modelsWithRows(p).length === 0) return [`No predictions by builds containing this commit in ${p.window.from} → ${p.window.to}.`, ''];
  return null;
}

/** Models with any row on either side of the commit; the others have nothing to compare. */
export function modelsWithRows(p: CommitProvenance): ModelProvenance[] {
  return p.models.filter((m) => m.build.predictions + m.containing.predictions + m.replaced.predictions > 0);
}

function resultsSection(p: CommitProvenance, state: PartState, full: boolean): string[] {
  const unavailable = resultsUnavailable(p, state);
  if (unavailable) return unavailable;
  const models = modelsWithRows(p);
  const replaced = p.models.find((m) => m.replaced.commit)?.replaced.commit ?? null;
  const shown = full ? models : models.slice(0, 8);
  const out = [
    `**Results by build** (game dates ${p.window.from} → ${p.window.to}; hit rate with 95% interval and graded n, MAE)`,
    '',
    `| model | rows built by \`${p.commit!.sha.slice(0, SHORT)}\` | builds containing it | build it replaced${replaced ? ` (\`${replaced.slice(0, SHORT)}\`)` : ''} | change |`,
    '|---|---|---|---|---|',
  ];
  for (const m of shown) out.push(`| ${escapeMarkdown(m.model)} | ${slice(m.build)} | ${slice(m.containing)} | ${slice(m.replaced)} | ${formatPointDifference(m.hitRateChange)} |`);
  if (shown.length < models.length) out.push(`| … ${models.length - shown.length} more models (open the provenance) | | | | |`);
  out.push('');
  return out;
}

function slice(m: ModelProvenance['build']): string {
  if (m.predictions === 0 && m.graded === 0) return '—';
  return `${formatRate(m.hitRate)} · MAE ${formatMeasure(m.mae, m.graded)} · ${formatCount(m.predictions)} preds`;
}

/** The report's section on re-runs written after the commit (the CLI's `commit` shows the same). */
export function rerunsMarkdown(reruns: CommitReruns, sha: string): string {
  if (!reruns.recorded) return `**Re-runs after this commit**: not recorded (${escapeMarkdown(reruns.reason)})\n`;
  const list = reruns.byCommit.get(sha) ?? [];
  if (list.length === 0) return '';
  const out = ['**Re-runs after this commit**', ''];
  for (const r of list) {
    const { headline, details } = rerunLines(r.rerun);
    const builds = r.builds === 'unknown' ? 'may or may not contain it (not in local history)' : r.builds.replace(' it', ' this commit');
    out.push(`- ${r.builds === 'lack it' ? '⚠ ' : ''}${escapeMarkdown(headline)}: re-run ${escapeMarkdown(rerunTiming(r))}, by builds that ${builds}`);
    for (const d of details) out.push(`  - ${escapeMarkdown(d)}`);
  }
  out.push('');
  return out.join('\n');
}
