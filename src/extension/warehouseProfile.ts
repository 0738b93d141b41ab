import * as vscode from 'vscode';
import { SelectProfileRequest, StatusRequest, type SelectProfileResult, type WorkspaceStatus } from '../shared/protocol';
import type { CtxInit } from './ctx';

/**
 * Workspace state key: workspace root → the warehouse profile chosen there. Choosing a
 * profile is a view on the data, not a config change, so it is kept by the editor for this
 * workspace and never written to pipeline-lens.json or settings.json.
 */
const CHOSEN_PROFILES = 'pipelineLens.warehouseProfiles';

export interface SelectProfileArgs {
  /** The profile to read; omitted: asks. */
  profile?: string;
  /** A document URI or folder in the workspace; omitted: the active editor's. */
  scope?: string;
}

/** Profiles chosen in earlier sessions, sent to the server at start. */
export function chosenProfiles(context: vscode.ExtensionContext): Record<string, string> {
  return context.workspaceState.get<Record<string, string>>(CHOSEN_PROFILES, {});
}

async function remember(context: vscode.ExtensionContext, root: string, profile: string | null): Promise<void> {
  const { [root]: _previous, ...others } = chosenProfiles(context);
  await context.workspaceState.update(CHOSEN_PROFILES, profile === null ? others : { ...others, [root]: profile });
}

/**
 * A choice the server no longer reads (the config lost that profile; the server said so
 * once when it fell back to the default) is forgotten, so the next start does not repeat it.
 */
export async function forgetStaleChoices(context: vscode.ExtensionContext, workspaces: WorkspaceStatus[]): Promise<void> {
  const chosen = chosenProfiles(context);
  for (const w of workspaces) {
    const name = chosen[w.root];
    if (name !== undefined && w.profiles.length > 0 && !w.profiles.some((p) => p.name === name)) await remember(context, w.root, null);
  }
}

/** The workspace a scope (else the active editor) falls in, as the server's status lists it: deepest root first. */
export function workspaceOf(workspaces: WorkspaceStatus[], scope: string | undefined): WorkspaceStatus | undefined {
  const uri = scope ?? vscode.window.activeTextEditor?.document.uri.toString();
  const path = uri?.startsWith('file:') ? vscode.Uri.parse(uri).fsPath : uri;
  const holders = path
    ? workspaces.filter((w) => path === w.root || path.startsWith(w.root.endsWith('/') || w.root.endsWith('\\') ? w.root : `${w.root}${path.includes('\\') ? '\\' : '/'}`))
    : [];
  return holders.sort((a, b) => b.root.length - a.root.length)[0] ?? workspaces[0];
}

/**
 * Pipeline Lens: Select Warehouse Profile. Lists the profiles of the workspace's
 * pipeline-lens.json (kind and what tells them apart; the default marked), asks the server to
 * reopen the workspace through the one chosen, remembers it for this workspace and redraws
 * the views; lenses and hovers are refreshed by the server.
 */
export async function selectWarehouseProfile(ctx: CtxInit, args?: SelectProfileArgs): Promise<SelectProfileResult | undefined> {
  const status = await ctx.client.sendRequest(StatusRequest.type);
  const workspace = workspaceOf(status.workspaces, args?.scope);
  if (!workspace) {
    void vscode.window.showWarningMessage(
      'Pipeline Lens: no pipeline-lens.json in this workspace, so there is no warehouse profile to choose. Run "Pipeline Lens: Create Config".',
    );
    return undefined;
  }
  if (workspace.problem) {
    void vscode.window.showWarningMessage(`Pipeline Lens: ${workspace.configFile} cannot be used (${workspace.problem}); fix it, then choose a profile.`);
    return undefined;
  }
  let profile = args?.profile;
  if (profile === undefined) {
    const picked = await vscode.window.showQuickPick(
      workspace.profiles.map((p) => ({
        label: p.name,
        description: `${p.kind} · ${p.detail}${p.isDefault ? ' · default' : ''}`,
        detail: p.name === workspace.activeProfile ? 'Active now' : undefined,
        picked: p.name === workspace.activeProfile,
      })),
      { title: 'Pipeline Lens: Select Warehouse Profile', placeHolder: `Warehouse profiles of ${workspace.configFile}` },
    );
    if (!picked) return undefined;
    profile = picked.label;
  }
  const isDefault = workspace.profiles.find((p) => p.name === profile)?.isDefault ?? false;
  const result = await ctx.client.sendRequest(SelectProfileRequest.type, { scope: workspace.root, profile: isDefault ? null : profile });
  await remember(ctx.extension, result.root, isDefault || result.activeProfile !== profile ? null : result.activeProfile);
  ctx.output.info(`${result.root} reads the warehouse profile "${result.activeProfile}".`);
  if (result.notice) void vscode.window.showWarningMessage(`Pipeline Lens: ${result.notice}`);
  ctx.deployments.invalidate();
  ctx.views.refresh();
  return result;
}
