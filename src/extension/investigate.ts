import * as vscode from 'vscode';
import type { FindingsResult } from '../shared/protocol';
import type { CtxInit } from './ctx';
import { FINDINGS_VIEW } from './views/findingsTree';

/**
 * Investigate: the engine's ranked findings (the CLI's `investigate`) in the Findings view,
 * asked afresh, with the first of them in a notification.
 */
export async function investigate(ctx: CtxInit): Promise<FindingsResult> {
  ctx.views.findings.refresh();
  await vscode.commands.executeCommand(`${FINDINGS_VIEW}.focus`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Investigating: deployment gaps, metric shifts, features, grading…' },
    () => ctx.views.findings.result(),
  );
  const top = result.findings[0];
  const summary = top
    ? `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} in ${result.window.from}..${result.window.to}. First: [${top.severity}] ${top.title}`
    : `No findings in ${result.window.from}..${result.window.to}.${result.skipped.length ? ` Not checked: ${result.skipped.join('; ')}` : ''}`;
  ctx.output.info(summary);
  void vscode.window.showInformationMessage(summary);
  return result;
}
