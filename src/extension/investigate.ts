import * as vscode from 'vscode';
import type { Finding } from '../core/findings/types';
import { investigationMarkdown, type ReportLink } from '../core/report/investigationMarkdown';
import { commandLink, commandUri } from '../core/report/markdown';
import { Commands, TimelineRequest, type FindingsResult } from '../shared/protocol';
import type { CtxInit } from './ctx';
import { hitRateChart } from '../core/report/hitRateChart';
import { ReportPanel } from './webviews/reportPanel';

/**
 * Investigate: the engine's ranked findings (the CLI's `investigate`), asked afresh, as a
 * rendered report: every finding with its evidence and links to the provenance, the
 * timeline and the verification; the Findings view shows the same answer.
 */
export async function investigate(ctx: CtxInit): Promise<FindingsResult> {
  ctx.views.findings.refresh();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Investigating: deployment gaps, metric shifts, features, grading…' },
    () => ctx.views.findings.result(),
  );
  const report = investigationMarkdown(result, { links: findingLinks });
  const actions = `${commandLink('Export as handoff note', Commands.exportHandoffNote)} · ${commandLink('Show timeline', Commands.openTimeline)}`;
  // The actions go under the title, where a reader of a long report finds them; the chart under them, above the findings.
  const [title, ...rest] = report.split('\n');
  await ReportPanel.show(ctx, {
    title: `Investigation ${result.window.from} → ${result.window.to}`,
    lead: [title, '', actions].join('\n'),
    figure: await chartOf(ctx, result),
    markdown: rest.join('\n'),
  });
  ctx.output.info(`Investigation of ${result.window.from}..${result.window.to}: ${result.findings.length} finding(s), ${result.skipped.length} part(s) not checked.`);
  return result;
}

/** The timeline's hit-rate chart over the investigated window; a report without it still stands, saying why. */
async function chartOf(ctx: CtxInit, result: FindingsResult): Promise<string> {
  try {
    return hitRateChart(await ctx.client.sendRequest(TimelineRequest.type, { window: result.window }), {
      commitHref: (sha) => commandUri(Commands.showCommitProvenance, { sha }),
    });
  } catch (error) {
    return `<p class="hit-rate-none">Hit-rate chart not shown: ${escapeHtml((error as Error).message)} (Show timeline tries again).</p>`;
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
