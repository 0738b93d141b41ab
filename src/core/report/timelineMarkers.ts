/*
 * What the timeline marks on its chart (commits, fixes, deployments, backfills, a date) and
 * which models it draws first: pure data, shared by the timeline's page (chart.js) and the
 * investigation report's static chart.
 */
import type { ChartTimeline } from './chartTimeline';

/** What a chart marks and draws first when asked: models, a commit, a date. */
export interface MarkerFocus {
  models?: string[];
  sha?: string;
  date?: string;
}

export const DAY_MS = 86_400_000;
/** Models drawn when nobody chose: the ones with most graded rows (a chart of eight bands is unreadable). */
const DEFAULT_MODELS = 3;

export type MarkerKind = 'commit' | 'fix' | 'deployment' | 'backfill' | 'date';

export interface Marker {
  kind: MarkerKind;
  /** ms since epoch; a backfill spans from `at` to `until` (its game dates). */
  at: number;
  until?: number;
  label: string;
  detail: string;
  sha: string | null;
  focused: boolean;
}

export function initialModels(t: Pick<ChartTimeline, 'series'>, focus: MarkerFocus): Set<string> {
  const known = new Set(t.series.map((s) => s.model));
  const asked = (focus.models ?? []).filter((m) => known.has(m));
  if (asked.length) return new Set(asked);
  const graded = (days: ChartTimeline['series'][number]['days']) => days.reduce((sum, d) => sum + d.metrics.graded, 0);
  return new Set(
    [...t.series]
      .sort((a, b) => graded(b.days) - graded(a.days))
      .slice(0, DEFAULT_MODELS)
      .map((s) => s.model),
  );
}

/** A game date sits at noon UTC: a commit or deployment that day falls on the right side of it by its hour. */
export const dayValue = (date: string) => Date.parse(`${date}T12:00:00Z`);
const time = (iso: string) => Date.parse(iso);

export function markers(t: ChartTimeline, focus: MarkerFocus): Marker[] {
  const list: Marker[] = [];
  const focusSha = focus.sha?.toLowerCase();
  const isFocus = (sha: string | null) => !!(sha && focusSha && (sha.startsWith(focusSha) || focusSha.startsWith(sha)));
  for (const c of t.commits) {
    const fix = /^(fix|hotfix)\b|\bfix(es|ed)?\b/i.test(c.subject);
    list.push({
      kind: fix ? 'fix' : 'commit',
      at: time(c.committedAt),
      label: `${c.sha.slice(0, 8)} ${c.subject}`,
      detail: `${fix ? 'Fix' : 'Commit'} ${c.sha.slice(0, 8)} "${c.subject}" by ${c.author}, ${stamp(c.committedAt)}; touches ${c.services.join(', ')}`,
      sha: c.sha,
      focused: isFocus(c.sha),
    });
  }
  if (focusSha && !list.some((m) => m.focused)) {
    // The marked commit touched no service (or lies outside the window): say so rather than drop it.
    const d = t.deployments.find((x) => isFocus(x.commit));
    if (d?.commit)
      list.push({
        kind: 'commit',
        at: time(d.createdAt),
        label: d.commit.slice(0, 8),
        detail: `Commit ${d.commit.slice(0, 8)} (first deployed ${stamp(d.createdAt)})`,
        sha: d.commit,
        focused: true,
      });
  }
  for (const d of t.deployments) {
    list.push({
      kind: 'deployment',
      at: time(d.createdAt),
      label: d.revision,
      detail: `Deployed ${d.service} ${d.revision} from ${d.commit ? d.commit.slice(0, 8) : 'an unrecorded commit'}, ${stamp(d.createdAt)}`,
      sha: d.commit,
      focused: isFocus(d.commit),
    });
  }
  for (const r of t.runs) {
    if (!r.backfill) continue;
    // Named as the pipeline names the mode (backfill, rescore, rebuild…).
    const mode = r.mode ?? 'backfill';
    list.push({
      kind: 'backfill',
      at: dayValue(r.firstDate) - DAY_MS / 2,
      until: dayValue(r.lastDate) + DAY_MS / 2,
      label: `${mode} ${r.firstDate}..${r.lastDate}`,
      detail: `${mode.charAt(0).toUpperCase()}${mode.slice(1)} of game dates ${r.firstDate}..${r.lastDate}, run ${stamp(r.startedAt)}–${r.endedAt.slice(11, 16)} on ${r.commit ? r.commit.slice(0, 8) : 'an unknown build'}${r.revision ? ` (${r.revision})` : ''}, ${r.runs} run(s)`,
      sha: r.commit,
      focused: isFocus(r.commit),
    });
  }
  if (focus.date) list.push({ kind: 'date', at: dayValue(focus.date), label: focus.date, detail: `Game date ${focus.date}`, sha: null, focused: true });
  return list.sort((a, b) => a.at - b.at);
}

function stamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
