import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DidChangeStatusNotification, StatusRequest, type ServerStatus } from '../shared/protocol';
import { setActivationState, stateFromStatus } from './activationState';
import type { PipelineLensApi, StartedApi } from './api';
import { registerCommands, registerRestrictedCommands } from './commands';
import type { Ctx, CtxInit } from './ctx';
import { showDemoOnFirstStart } from './demoFirstStart';
import { DeploymentsData } from './deploymentsData';
import { DeploymentStatusItem } from './statusBar/deploymentStatusItem';
import { DryRunStatusItem } from './statusBar/dryRunStatusItem';
import { registerViews } from './views/pipelineViews';
import { VirtualDocuments } from './virtualDocuments';
import { QueryResultsPanel } from './webviews/queryResultsPanel';
import { TimelinePanel } from './webviews/timelinePanel';

let client: LanguageClient | null = null;

/**
 * Activation stays cheap: a client, the views and a few commands. The engine (git, DuckDB,
 * BigQuery) lives in the server process, started here only in a trusted workspace; in
 * Restricted Mode the views show why nothing runs (viewsWelcome on isWorkspaceTrusted).
 */
export async function activate(context: vscode.ExtensionContext): Promise<PipelineLensApi> {
  const output = vscode.window.createOutputChannel('Pipeline Lens', { log: true });
  context.subscriptions.push(output);
  const ctx: Ctx = { extension: context, output };
  let resolveStarted!: (api: StartedApi) => void;
  const started = new Promise<StartedApi>((resolve) => (resolveStarted = resolve));

  if (!vscode.workspace.isTrusted) {
    output.info('Restricted Mode: the language server is not started; nothing is run until the workspace is trusted.');
    await setActivationState('restricted');
    const restricted = registerRestrictedCommands(ctx);
    const api = { restricted: true, started };
    context.subscriptions.push(
      ...restricted,
      vscode.workspace.onDidGrantWorkspaceTrust(async () => {
        for (const d of restricted) d.dispose();
        api.restricted = false;
        resolveStarted(await start(ctx));
      }),
    );
    return api;
  }
  // Not awaited: the server's start and its initialize round trip would otherwise count as
  // activation, and VS Code waits for activation before it shows anything of ours.
  start(ctx).then(resolveStarted, (error: unknown) => output.error(`Pipeline Lens did not start: ${(error as Error).message}`));
  void showDemoOnFirstStart(context, output);
  return { restricted: false, started };
}

async function start(ctx: Ctx): Promise<StartedApi> {
  await setActivationState('starting');
  // Required here rather than imported at the top: in Restricted Mode the client library is
  // never loaded at all.
  const { createClient } = require('./client') as typeof import('./client');
  const documents = new VirtualDocuments();
  const started = createClient(ctx.extension, ctx.output);
  client = started;
  const subscriptions = ctx.extension.subscriptions;
  const deployments = new DeploymentsData(started);
  const views = registerViews(started, deployments, subscriptions);
  const statusChanges = new vscode.EventEmitter<ServerStatus>();
  const init: CtxInit = { ...ctx, client: started, documents, views, deployments, onDidChangeStatus: statusChanges.event };
  subscriptions.push(documents.register(), deployments, statusChanges, ...registerCommands(init));
  try {
    await started.start();
  } catch (error) {
    ctx.output.error(`The Pipeline Lens server did not start: ${(error as Error).message}`);
    await setActivationState('serverFailed');
    void vscode.window.showErrorMessage('Pipeline Lens: the language server did not start; see the Pipeline Lens output.');
  }
  watchStatus(init, statusChanges);
  const deploymentStatus = new DeploymentStatusItem(init);
  const dryRunStatus = new DryRunStatusItem(init);
  subscriptions.push(deploymentStatus, dryRunStatus);
  return { client: started, views, deploymentStatus, dryRunStatus, timeline: () => TimelinePanel.open(), queryResults: () => QueryResultsPanel.open() };
}

/**
 * The server says when a workspace loads, fails or gets new data. A change in which
 * workspaces exist (a config created or fixed) redraws the views; a change in the commit
 * graph or the deployments re-asks the deployments overview.
 */
function watchStatus(ctx: CtxInit, changes: vscode.EventEmitter<ServerStatus>): void {
  let workspaces = '';
  let data = '';
  const apply = async (status: ServerStatus) => {
    await setActivationState(stateFromStatus(status));
    const nextWorkspaces = JSON.stringify(status.workspaces.map((w) => [w.root, w.problem]));
    const nextData = JSON.stringify(status.workspaces.map((w) => [w.commitsIndexed, w.deployments]));
    if (workspaces && nextWorkspaces !== workspaces) ctx.views.refresh();
    else if (data && nextData !== data) ctx.deployments.invalidate();
    workspaces = nextWorkspaces;
    data = nextData;
    changes.fire(status);
  };
  ctx.extension.subscriptions.push(ctx.client.onNotification(DidChangeStatusNotification.type, (status) => void apply(status)));
  ctx.client.sendRequest(StatusRequest.type).then(apply, (error: unknown) => ctx.output.warn(`No status from the server: ${(error as Error).message}`));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = null;
}
