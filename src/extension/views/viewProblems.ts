import * as vscode from 'vscode';

import { classifyProblem, type ViewProblem } from './problemKinds';

export { classifyProblem };

export async function setViewProblem(view: 'models' | 'deployments' | 'findings', problem: ViewProblem): Promise<void> {
  await vscode.commands.executeCommand('setContext', `pipelineLens.${view}.problem`, problem ?? '');
}

/** A tree row standing for a failure the welcome messages do not cover: its text, and a way to the log. */
export function errorItem(what: string, message: string): vscode.TreeItem {
  const item = new vscode.TreeItem(`${what}: ${message}`, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = `${message}\n\nRun "Pipeline Lens: Refresh" to try again; the Pipeline Lens output has details.`;
  item.command = { command: 'pipelineLens.showOutput', title: 'Show Output' };
  item.contextValue = 'error';
  return item;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
