import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DeploymentsData } from '../deploymentsData';
import { DEPLOYMENTS_VIEW, DeploymentsTreeProvider, type DeploymentsNode } from './deploymentsTree';
import { FINDINGS_VIEW, FindingsTreeProvider, type FindingsNode } from './findingsTree';
import { MODELS_VIEW, ModelsTreeProvider, type ModelsNode } from './modelsTree';

/** The three trees of the Pipeline Lens container, registered once the server runs. */
export interface PipelineViews {
  models: ModelsTreeProvider;
  deployments: DeploymentsTreeProvider;
  findings: FindingsTreeProvider;
  modelsView: vscode.TreeView<ModelsNode>;
  deploymentsView: vscode.TreeView<DeploymentsNode>;
  findingsView: vscode.TreeView<FindingsNode>;
  /** Drops every view's data; each asks the server again when shown. */
  refresh(): void;
}

export function registerViews(client: LanguageClient, deployments: DeploymentsData, subscriptions: vscode.Disposable[]): PipelineViews {
  const models = new ModelsTreeProvider(client);
  const deploymentsTree = new DeploymentsTreeProvider(deployments);
  const findings = new FindingsTreeProvider(client);
  const modelsView = vscode.window.createTreeView(MODELS_VIEW, { treeDataProvider: models, showCollapseAll: true });
  const deploymentsView = vscode.window.createTreeView(DEPLOYMENTS_VIEW, { treeDataProvider: deploymentsTree, showCollapseAll: true });
  const findingsView = vscode.window.createTreeView(FINDINGS_VIEW, { treeDataProvider: findings, showCollapseAll: true });
  subscriptions.push(models, deploymentsTree, findings, modelsView, deploymentsView, findingsView);
  return {
    models,
    deployments: deploymentsTree,
    findings,
    modelsView,
    deploymentsView,
    findingsView,
    refresh() {
      models.refresh();
      findings.refresh();
      deployments.invalidate();
    },
  };
}
