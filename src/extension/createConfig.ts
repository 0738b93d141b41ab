import * as vscode from 'vscode';
import { CONFIG_TEMPLATES, templateText } from './configTemplates';

/**
 * Create Config: writes pipeline-lens.json from a template into a workspace folder and opens
 * it (an existing one is opened, never overwritten). The server notices the new file and
 * starts serving the folder.
 */
export async function createConfig(args?: { template?: 'bigquery' | 'embedded'; folder?: string }): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0 && !args?.folder) {
    const choice = await vscode.window.showWarningMessage(
      "Pipeline Lens: open the folder of your pipeline's repository first; pipeline-lens.json goes at its root.",
      'Open Folder',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  let folder = args?.folder ? vscode.Uri.file(args.folder) : folders[0].uri;
  if (!args?.folder && folders.length > 1) {
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder that gets pipeline-lens.json' });
    if (!picked) return undefined;
    folder = picked.uri;
  }
  const target = vscode.Uri.joinPath(folder, 'pipeline-lens.json');
  if (await exists(target)) {
    void vscode.window.showInformationMessage('Pipeline Lens: this folder already has a pipeline-lens.json; opened it.');
    await vscode.window.showTextDocument(target);
    return target;
  }
  const template = args?.template
    ? CONFIG_TEMPLATES.find((t) => t.id === args.template)
    : await vscode.window
        .showQuickPick(
          CONFIG_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
          { placeHolder: "Where do the pipeline's tables live?" },
        )
        .then((p) => p?.template);
  if (!template) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(templateText(template)));
  await vscode.window.showTextDocument(target);
  void vscode.window.showInformationMessage('Pipeline Lens: edit the tables, columns and services to match your pipeline; docs/configuration.md lists every key.');
  return target;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
