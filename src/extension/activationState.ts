import * as vscode from 'vscode';
import type { ServerStatus } from '../shared/protocol';

/**
 * What the views' welcome messages key on (`pipelineLens.state` in package.json
 * viewsWelcome): each state has a message saying what to do about it.
 */
export type ActivationState = 'restricted' | 'starting' | 'noFolder' | 'noConfig' | 'configError' | 'ready' | 'serverFailed';

export function setActivationState(state: ActivationState): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', 'pipelineLens.state', state);
}

export function stateFromStatus(status: ServerStatus): ActivationState {
  if (!vscode.workspace.workspaceFolders?.length) return 'noFolder';
  if (status.workspaces.length === 0) return 'noConfig';
  if (status.workspaces.every((w) => w.problem)) return 'configError';
  return 'ready';
}
