import * as vscode from 'vscode';

/**
 * The settings the server starts with. After that it pulls them itself (workspace/configuration)
 * when they change. `git.path`, the built-in git extension's setting, is the fallback for
 * which git to run, so a machine configured for one is configured for both.
 */
export function initialSettings(): Record<string, unknown> {
  const own = vscode.workspace.getConfiguration('pipelineLens');
  const settings: Record<string, unknown> = {
    codeLens: own.get('codeLens'),
    hover: own.get('hover'),
    maxFileSize: own.get('maxFileSize'),
    debounceMs: own.get('debounceMs'),
    gitPath: own.get('gitPath'),
  };
  if (!settings.gitPath) {
    const gitPath = vscode.workspace.getConfiguration('git').get<string | string[]>('path');
    settings.gitPath = Array.isArray(gitPath) ? gitPath[0] : gitPath;
  }
  return settings;
}
