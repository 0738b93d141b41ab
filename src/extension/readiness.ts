import * as vscode from 'vscode';
import { ReadinessRequest, type ReadinessCommandArgs, type ReadinessResponse } from '../shared/protocol';
import type { CtxInit } from './ctx';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Check Readiness for a Date: the server's readiness request runs the engine's
 * checkReadiness, the code behind `pipeline-lens check --date`, so the verdict is the CLI's.
 * The notification gives the verdict and the first failing check; the output channel gets
 * the CLI's text, which the server renders.
 */
export async function readinessCommand(ctx: CtxInit, args?: ReadinessCommandArgs): Promise<ReadinessResponse | undefined> {
  const date =
    args?.date ??
    (await vscode.window.showInputBox({
      title: 'Pipeline Lens: Check Readiness for a Date',
      prompt: 'The date about to be run (YYYY-MM-DD)',
      value: new Date().toISOString().slice(0, 10),
      validateInput: (text) => (DATE.test(text.trim()) ? null : 'Give a date as YYYY-MM-DD, e.g. 2026-02-03.'),
    }));
  if (!date) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking readiness for ${date.trim()}…`, cancellable: true },
    (_progress, token) => ctx.client.sendRequest(ReadinessRequest.type, { scope: args?.scope, date: date.trim() }, token),
  );
  ctx.output.info(`Readiness for ${result.date} (same verdict as \`pipeline-lens check --date ${result.date}\`):\n${result.text}`);
  void announce(ctx, result);
  return result;
}

async function announce(ctx: CtxInit, r: ReadinessResponse): Promise<void> {
  const first = r.checks.find((c) => c.verdict === 'not-ready') ?? r.checks.find((c) => c.verdict === 'unknown');
  let choice: string | undefined;
  if (r.verdict === 'ready') choice = await vscode.window.showInformationMessage(`${r.date}: ready — all ${r.checks.length} checks passed.`, 'Details');
  else if (r.verdict === 'not-ready') choice = await vscode.window.showWarningMessage(`${r.date}: not ready — ${first!.subject}: ${first!.says}`, 'Details');
  else choice = await vscode.window.showErrorMessage(`${r.date}: unknown — ${first!.subject}: ${first!.says} Nothing unknown counts as ready.`, 'Details');
  if (choice) ctx.output.show(true);
}
