import type { CommitProvenance, ModelProvenance, ServiceProvenance } from '../core/provenance/commitProvenance';
import type { PartState } from '../core/provenance/documentProvenance';
import type { RunSession } from '../core/provenance/runSessions';
import { formatDuration, formatRate } from '../core/report/format';

export interface LensParts {
  deployments: PartState;
  runs: PartState;
  results: PartState;
}

const SEPARATOR = ' · ';
/** VS Code's abbreviation, and the one people paste. */
const SHORT = 7;

/**
 * The lens above a line with a commit, readable at a glance: deployed or not per service,
 * runs that executed older code in between, and the result of the builds containing it,
 * e.g. `✓ prediction-worker 19:10 (+15h53m) · ⚠ 1 backfill ran on older code · catboost_v8 58.5% [43.4, 72.2] n=41`.
 */
export function lensTitle(p: CommitProvenance, parts: LensParts, prefix = '', primaryModels: string[] = []): string {
  const pieces: string[] = [];
  if (!p.commit) return `${prefix}${p.problem ?? 'not a commit of this repository'}`;
  // A boundary commit of a shallow clone: which services it changed is itself unknown.
  if (p.files === null) return `${prefix}? ${p.historyCut?.message ?? 'the files this commit changed are unknown'}`;
  // Said once, at the end: every piece before it states only what the known history proves.
  const cut = p.historyCut ? `⚠ ${p.historyCut.message}` : null;
  const touched = p.services.filter((s) => s.touchesService);
  if (p.services.length === 0) pieces.push('no services in pipeline-lens.json');
  else if (touched.length === 0) pieces.push(noStageTitle(p));
  else if (parts.deployments.state === 'loading') pieces.push('⋯ deployments loading');
  else for (const s of touched) pieces.push(serviceTitle(s, p.commit.committedAt));

  const gap = touched.flatMap((s) => s.gapRuns);
  if (touched.length && parts.runs.state === 'loading') pieces.push('⋯ runs loading');
  else if (gap.length) pieces.push(`⚠ ${describeRuns(gap)} ran on older code`);

  // Results of builds containing a commit that changed no service say nothing about it, and
  // which revisions contain it does not matter either: the cut changes nothing here.
  if (touched.length === 0) return prefix + pieces.join(SEPARATOR);
  if (parts.results.state === 'loading') pieces.push('⋯ results loading');
  else if (parts.results.state === 'ready') {
    const headline = headlineModel(p.models, primaryModels);
    if (headline) {
      const others = p.models.filter((m) => m !== headline && m.containing.graded > 0).length;
      pieces.push(`${headline.model} ${formatRate(headline.containing.hitRate)}${others ? ` (+${others} model${others === 1 ? '' : 's'})` : ''}`);
    }
  }
  if (cut) pieces.push(cut);
  return prefix + pieces.join(SEPARATOR);
}

/** Never a ✓: a commit outside every stage's paths is in no build that anything records. */
export function noStageTitle(p: Pick<CommitProvenance, 'nearestStage'>): string {
  const near = p.nearestStage;
  return `○ touches no configured stage${near ? ` (nearest by path: ${near.service}, ${near.glob})` : ''}`;
}

function serviceTitle(s: ServiceProvenance, committedAt: string): string {
  if (s.inferredFrom) return inferredTitle(s);
  if (s.status === 'deployed' && s.firstDeployment) {
    const at = s.firstDeployment.createdAt;
    const when = at.slice(0, 10) === committedAt.slice(0, 10) ? at.slice(11, 16) : `${at.slice(0, 10)} ${at.slice(11, 16)}`;
    // An earlier revision may have had it (history cut): the delay is an upper bound.
    if (s.earlierUnknown.length) return `✓ ${s.service} by ${when}`;
    return `✓ ${s.service} ${when} (+${formatDuration(s.firstDeployment.delaySeconds)})`;
  }
  if (s.status === 'not-deployed') {
    if (s.servingUnknown) return `✗ not in ${s.service} (serving revision unknown)`;
    if (!s.serving) return `✗ ${s.service} has no deployment`;
    const distance = s.behindBy ? `, ${behind(s.behindBy)}` : s.behindPending ? ', ⋯ distance loading' : '';
    return `✗ not in ${s.service} (deployed: ${deployedName(s.serving)}${distance})`;
  }
  // What the known history does prove still reads: a count is only ever given when exact.
  if (s.serving && s.behindBy) return `? ${s.service} unknown (deployed: ${deployedName(s.serving)}, ${behind(s.behindBy)})`;
  return `? ${s.service} unknown`;
}

/**
 * Deployments inferred from a build column: the day a build containing the commit first
 * wrote, never a time or a delay (a day-level first appearance can precede the commit's own
 * time that day), and never "serving".
 */
function inferredTitle(s: ServiceProvenance): string {
  if (s.status === 'deployed' && s.firstDeployment) return `✓ ${s.service} first seen ${s.firstDeployment.createdAt.slice(0, 10)} (inferred)`;
  if (s.status === 'not-deployed') return `✗ no build of ${s.service} with it seen (inferred)`;
  return `? ${s.service} unknown (inferred)`;
}

function deployedName(serving: NonNullable<ServiceProvenance['serving']>): string {
  return serving.commit ? serving.commit.slice(0, SHORT) : serving.revision;
}

function behind(n: number): string {
  return `${n} commit${n === 1 ? '' : 's'} behind`;
}

/** `1 backfill`, `1 backfill + 2 daily runs`: what a person calls the runs, by mode. */
export function describeRuns(runs: RunSession[]): string {
  const byMode = new Map<string, number>();
  for (const r of runs) byMode.set(r.mode ?? '', (byMode.get(r.mode ?? '') ?? 0) + 1);
  return [...byMode.entries()]
    .map(([mode, n]) => {
      // Modes that are nouns already (backfill, rerun) read as they are; others qualify "run".
      if (/^(backfill|.*run)$/i.test(mode)) return `${n} ${mode}${n === 1 ? '' : 's'}`;
      return `${n} ${mode ? `${mode} ` : ''}run${n === 1 ? '' : 's'}`;
    })
    .join(' + ');
}

/**
 * The model a lens and a hover lead with: the first of the team's primary models
 * (`pipelineLens.primaryModels`) with graded rows in the builds containing the commit, else
 * the one with most graded rows, the model the team reads most. Ranking by the largest move
 * instead would put a thinly graded model first, whose move is mostly noise.
 */
export function headlineModel(models: ModelProvenance[], primaryModels: string[] = []): ModelProvenance | null {
  return leadingModels(models, primaryModels, 1)[0] ?? null;
}

/**
 * The models a hover shows, at most `limit`: the team's primary models with graded rows, in
 * the order configured, or when none of them has any, the most graded models.
 */
export function leadingModels(models: ModelProvenance[], primaryModels: string[] = [], limit = 3): ModelProvenance[] {
  const graded = models.filter((m) => m.containing.graded > 0);
  const primaries = [...new Set(primaryModels)].flatMap((name) => graded.filter((m) => m.model === name));
  if (primaries.length) return primaries.slice(0, limit);
  // A stable sort: among equally graded models the warehouse's order stands.
  return [...graded].sort((a, b) => b.containing.graded - a.containing.graded).slice(0, limit);
}
