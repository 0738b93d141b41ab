import * as vscode from 'vscode';
import { InvestigationReportRequest, type FindingsResult } from '../shared/protocol';
import type { CtxInit } from './ctx';
import { ReportPanel } from './webviews/reportPanel';

/**
 * Investigate: the engine's ranked findings (the CLI's `investigate`), asked afresh, as a
 * report the server renders: every finding with its evidence and links to the provenance,
 * the timeline and the verification, under the hit-rate chart; the Findings view shows the
 * same answer.
 */
export async function investigate(ctx: CtxInit): Promise<FindingsResult> {
  ctx.views.findings.refresh();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Investigating: deployment gaps, metric shifts, features, grading…' },
    () => ctx.views.findings.result(),
  );
  const report = await ctx.client.sendRequest(InvestigationReportRequest.type, { findings: result });
  await ReportPanel.show(ctx, report);
  ctx.output.info(`Investigation of ${result.window.from}..${result.window.to}: ${result.findings.length} finding(s), ${result.skipped.length} part(s) not checked.`);
  return result;
}
