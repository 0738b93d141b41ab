import type { CancellationToken } from 'vscode-languageserver/node';
import type { Finding } from '../../core/findings/types';
import { hitRateChart } from '../../core/report/hitRateChart';
import { investigationMarkdown, type ReportLink } from '../../core/report/investigationMarkdown';
import { commandLink, commandUri } from '../../core/report/markdown';
import { noteChart } from '../../core/report/noteChart';
import {
  Commands,
  type FindingsResult,
  type HandoffNoteParams,
  type HandoffNoteResult,
  type InvestigationReportParams,
  type InvestigationReportResult,
  type TimelineResult,
} from '../../shared/protocol';
import { cancelled } from '../cancellation';
import type { ServerContext } from '../serverContext';
import { timeline } from './timeline';

/*
 * The findings as the editor shows them: the report panel's content and the handoff note's
 * files, rendered here, beside the timeline they chart, so the editor client carries no
 * renderer and only shows the text or writes it where the person confirmed.
 */

/** The investigation report: the findings with their links, and the hit-rate chart over the investigated window. */
export async function investigationReport(context: ServerContext, params: InvestigationReportParams, token: CancellationToken): Promise<InvestigationReportResult> {
  const result = params.findings;
  const report = investigationMarkdown(result, { links: findingLinks });
  const actions = `${commandLink('Export as handoff note', Commands.exportHandoffNote)} · ${commandLink('Show timeline', Commands.openTimeline)}`;
  // The actions go under the title, where a reader of a long report finds them; the chart under them, above the findings.
  const [title, ...rest] = report.split('\n');
  const chart = await chartTimeline(context, result, token);
  const figure =
    'timeline' in chart
      ? hitRateChart(chart.timeline, { commitHref: (sha) => commandUri(Commands.showCommitProvenance, { sha }) })
      : `<p class="hit-rate-none">Hit-rate chart not shown: ${escapeHtml(chart.problem)} (Show timeline tries again).</p>`;
  return { title: `Investigation ${result.window.from} → ${result.window.to}`, lead: [title, '', actions].join('\n'), figure, markdown: rest.join('\n') };
}

/** The handoff note: the findings as a markdown file that traces its figures, and its chart as SVG to write beside it. */
export async function handoffNote(context: ServerContext, params: HandoffNoteParams, token: CancellationToken): Promise<HandoffNoteResult> {
  const result = params.findings;
  const chart = await chartTimeline(context, result, token);
  const { note, svg } = 'timeline' in chart ? noteChart(chart.timeline, params.chartFile) : noteChart(null, params.chartFile, `${chart.problem} (export again to retry)`);
  return { markdown: investigationMarkdown(result, { source: result.source, generatedAt: new Date().toISOString(), chart: note }), svg };
}

/** The timeline of the investigated window; a report or note without it still stands, saying why. */
async function chartTimeline(context: ServerContext, result: FindingsResult, token: CancellationToken): Promise<{ timeline: TimelineResult } | { problem: string }> {
  try {
    return { timeline: await timeline(context, { scope: result.workspaceRoot, window: result.window }, token) };
  } catch (error) {
    if (token.isCancellationRequested) throw cancelled();
    return { problem: (error as Error).message };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Where a finding's subjects are looked at more closely: the same jumps as the Findings view's rows. */
function findingLinks(f: Finding): ReportLink[] {
  const s = f.subjects;
  const links: ReportLink[] = [];
  for (const sha of (s.commits ?? []).slice(0, 3)) links.push({ title: `Provenance of ${sha.slice(0, 8)}`, command: Commands.showCommitProvenance, args: [{ sha }] });
  if (s.models?.length || s.features?.length || s.dates?.length) {
    links.push({
      title: s.features?.length ? 'Chart the features' : 'Show on the timeline',
      command: Commands.openTimeline,
      args: [{ models: s.models, sha: s.commits?.[0], date: s.dates?.[0], features: s.features }],
    });
  }
  for (const service of s.services ?? []) links.push({ title: `Verify ${service}`, command: Commands.verifyService, args: [{ service }] });
  return links;
}
