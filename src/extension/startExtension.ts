import * as vscode from 'vscode';
import { DidChangeStatusNotification, StatusRequest, type ServerStatus } from '../shared/protocol';
import { setActivationState, stateFromStatus } from './activationState';
import type { StartedApi } from './api';
import { createClient } from './client';
import type { CommandRunner } from './commandRegistration';
import { commandRunner } from './commands';
import type { Ctx, CtxInit } from './ctx';
import { showDemoOnFirstStart } from './demoFirstStart';
import { DeploymentsData } from './deploymentsData';
import { registerStatementLenses } from './queries/statementLenses';
import { DeploymentStatusItem } from './statusBar/deploymentStatusItem';
import { DryRunStatusItem } from './statusBar/dryRunStatusItem';
import { WarehouseProfileItem } from './statusBar/warehouseProfileItem';
import { registerViews } from './views/pipelineViews';
import { VirtualDocuments } from './virtualDocuments';
import { QueryResultsPanel } from './webviews/queryResultsPanel';
import { ReportPanel } from './webviews/reportPanel';
import { TimelinePanel } from './webviews/timelinePanel';

/** The extension once its language server runs: what activation's commands and `started` resolve to. */
export interface StartedExtension {
  api: StartedApi;
  run: CommandRunner;
  stop(): Promise<void>;
}

/**
 * The second bundle (dist/startExtension.js), loaded once activation has returned: the
 * language client and everything that talks to the server (views, commands, status bar,
 * webviews). The engine (git, DuckDB, BigQuery) lives in the server process it starts.
 */
export async function startExtension(ctx: Ctx): Promise<StartedExtension> {
  await setActivationState('starting');
  const documents = new VirtualDocuments();
  const client = createClient(ctx.extension, ctx.output);
  const subscriptions = ctx.extension.subscriptions;
  const deployments = new DeploymentsData(client);
  const views = registerViews(client, deployments, subscriptions);
  const statusChanges = new vscode.EventEmitter<ServerStatus>();
  const init: CtxInit = { ...ctx, client, documents, views, deployments, onDidChangeStatus: statusChanges.event };
  subscriptions.push(documents.register(), deployments, statusChanges);
  const run = commandRunner(init);
  try {
    await client.start();
  } catch (error) {
    ctx.output.error(`The Pipeline Lens server did not start: ${(error as Error).message}`);
    await setActivationState('serverFailed');
    void vscode.window.showErrorMessage('Pipeline Lens: the language server did not start; see the Pipeline Lens output.');
  }
  // Before watchStatus: the first status must reach it.
  const profileStatus = new WarehouseProfileItem(init);
  watchStatus(init, statusChanges);
  const deploymentStatus = new DeploymentStatusItem(init);
  const dryRunStatus = new DryRunStatusItem(init);
  subscriptions.push(profileStatus, deploymentStatus, dryRunStatus, registerStatementLenses(client));
  void showDemoOnFirstStart(ctx.extension, ctx.output);
  return {
    api: {
      client,
      logFolder: ctx.extension.logUri,
      views,
      deploymentStatus,
      dryRunStatus,
      profileStatus,
      timeline: () => TimelinePanel.open(),
      queryResults: () => QueryResultsPanel.open(),
      report: () => ReportPanel.open(),
    },
    run,
    stop: () => client.stop(),
  };
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
