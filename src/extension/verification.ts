import * as vscode from 'vscode';
import { shortSha } from '../core/report/format';
import { Commands, OwningServicesRequest, StatusRequest, VerifyRequest, type VerdictText, type VerifyCommandArgs, type VerifyResponse } from '../shared/protocol';
import type { CtxInit } from './ctx';

/**
 * Verify Deployment Before Backfill: the server's verify request runs the engine's
 * verifyDeployment, the code behind `pipeline-lens verify`, so the verdict is the CLI's.
 * The notification gives the verdict and what to do; the output channel gets the CLI's text,
 * which the server renders.
 */
export async function verifyCommand(ctx: CtxInit, args?: VerifyCommandArgs): Promise<(VerifyResponse & VerdictText) | undefined> {
  const service = args?.service ?? (await pickService(ctx));
  if (!service) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Verifying that ${service} runs HEAD's code…`, cancellable: true },
    (_progress, token) => ctx.client.sendRequest(VerifyRequest.type, { scope: args?.scope, service }, token),
  );
  ctx.output.info(`Verify ${service} (same verdict as \`pipeline-lens verify --service ${service}\`):\n${result.text}`);
  void announce(ctx, result);
  return result;
}

/** The service owning the active file, the only service, or the one a person picks. */
async function pickService(ctx: CtxInit): Promise<string | undefined> {
  const status = await ctx.client.sendRequest(StatusRequest.type);
  const services = [...new Set(status.workspaces.flatMap((w) => w.services))];
  if (services.length === 0) {
    void vscode.window.showWarningMessage('Pipeline Lens: pipeline-lens.json names no services to verify; add one under "services".');
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const owners = active ? (await ctx.client.sendRequest(OwningServicesRequest.type, { uri: active.toString() })).services : [];
  if (owners.length === 1) return owners[0];
  if (services.length === 1) return services[0];
  const picked = await vscode.window.showQuickPick(
    services.map((s) => ({ label: s, description: owners.includes(s) ? 'holds the active file' : undefined })).sort((a, b) => Number(!!b.description) - Number(!!a.description)),
    { placeHolder: 'Service to verify against HEAD before a backfill' },
  );
  return picked?.label;
}

async function announce(ctx: CtxInit, r: VerifyResponse): Promise<void> {
  if (r.verdict === 'ok') {
    const choice = await vscode.window.showInformationMessage(`${r.service}: ok — ${r.reason}`, 'Details');
    if (choice) ctx.output.show(true);
    return;
  }
  if (r.verdict === 'unknown') {
    const choice = await vscode.window.showErrorMessage(`${r.service}: unknown — ${r.reason}${r.hint ? ` ${r.hint}` : ''} Do not run a backfill until this says ok.`, 'Details');
    if (choice) ctx.output.show(true);
    return;
  }
  const listed = r.missing
    .slice(0, 3)
    .map((m) => `${shortSha(m.sha)} "${m.subject}"`)
    .join(', ');
  const more = r.missing.length > 3 ? ` and ${r.missing.length - 3} more` : '';
  // Diverged, or nothing missing yet the files differ (a merge dropped a change): the reason says it.
  const message =
    r.diverged || r.missing.length === 0
      ? `${r.service}: stale — ${r.reason}`
      : `${r.service}: stale — ${r.missing.length} commit${r.missing.length === 1 ? '' : 's'} not deployed: ${listed}${more}. A backfill now would run the old code.`;
  const actions = ['Show', ...(r.deployCommand ? ['Copy Deploy Command'] : []), 'Details'];
  const choice = await vscode.window.showWarningMessage(message, ...actions);
  if (choice === 'Show') await showMissing(r);
  else if (choice === 'Copy Deploy Command' && r.deployCommand) {
    await vscode.env.clipboard.writeText(r.deployCommand);
    void vscode.window.setStatusBarMessage(`Copied: ${r.deployCommand}`, 4000);
  } else if (choice === 'Details') ctx.output.show(true);
}

async function showMissing(r: VerifyResponse): Promise<void> {
  let sha: string | undefined = r.missing[0]?.sha;
  if (r.missing.length > 1) {
    const picked = await vscode.window.showQuickPick(
      r.missing.map((m) => ({ label: shortSha(m.sha), description: m.subject, detail: `${m.author}, ${m.committedAt.slice(0, 16).replace('T', ' ')} UTC`, sha: m.sha })),
      { placeHolder: `Commits ${r.service} lacks` },
    );
    sha = picked?.sha;
  }
  if (sha) await vscode.commands.executeCommand(Commands.showCommitProvenance, { sha });
}
