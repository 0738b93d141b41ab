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
    primaryModels: own.get('primaryModels'),
    credentials: { allowedHosts: userAllowedHosts() },
  };
  if (!settings.gitPath) {
    const gitPath = vscode.workspace.getConfiguration('git').get<string | string[]>('path');
    settings.gitPath = Array.isArray(gitPath) ? gitPath[0] : gitPath;
  }
  return settings;
}

/**
 * The `pipelineLens` section as the server pulls it, with the hosts allowed credentials
 * taken from the user's own settings only. The setting is machine-scoped, so VS Code
 * already ignores it in a workspace's settings; this keeps it so whatever the scope
 * resolution does, since a cloned repository's .vscode/settings.json must never widen it.
 */
export function withUserAllowedHosts(section: unknown): unknown {
  if (section === null || typeof section !== 'object') return section;
  const current = section as Record<string, unknown>;
  const credentials = (current.credentials ?? {}) as Record<string, unknown>;
  return { ...current, credentials: { ...credentials, allowedHosts: userAllowedHosts() } };
}

function userAllowedHosts(): string[] {
  const inspected = vscode.workspace.getConfiguration('pipelineLens').inspect<string[]>('credentials.allowedHosts');
  return Array.isArray(inspected?.globalValue) ? inspected.globalValue : [];
}
