import * as vscode from 'vscode';
import { GenerateDemoRequest, type GenerateDemoResult } from '../shared/protocol';
import type { CtxInit } from './ctx';

export interface DemoCommandArgs {
  /** Where to write it; asked when omitted. */
  dir?: string;
  /** Open it as the workspace afterwards (default true; tests pass false). */
  open?: boolean;
}

/**
 * Open Demo Workspace: the server's bundled demo generator (the CLI's `demo`) writes a git
 * repository and an embedded warehouse reproducing a real incident, then the folder opens.
 * The generator only ever writes into an empty folder or one it made before.
 */
export async function openDemoWorkspace(ctx: CtxInit, args: DemoCommandArgs = {}): Promise<GenerateDemoResult | undefined> {
  const dir = args.dir ?? (await chooseFolder(ctx));
  if (!dir) return undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Generating the Pipeline Lens demo workspace (git history, deployments, warehouse)…' },
    () => ctx.client.sendRequest(GenerateDemoRequest.type, { dir }),
  );
  ctx.output.info(`Demo workspace written to ${result.root}.`);
  if (args.open !== false) {
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(result.root), { forceNewWindow: false });
  }
  return result;
}

async function chooseFolder(ctx: CtxInit): Promise<string | undefined> {
  const storage = vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'demo');
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(folder-library) In Pipeline Lens storage', description: storage.fsPath, detail: 'Replaced each time the demo is generated.', target: 'storage' as const },
      { label: '$(folder-opened) Choose a folder…', detail: 'A new or empty folder (or a demo folder made before, which is replaced).', target: 'pick' as const },
    ],
    { placeHolder: 'Where should the demo workspace go?' },
  );
  if (!choice) return undefined;
  if (choice.target === 'storage') return storage.fsPath;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Generate the demo here' });
  return picked?.[0]?.fsPath;
}
