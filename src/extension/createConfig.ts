import * as vscode from 'vscode';
import { CONFIG_TEMPLATES, templateText } from './configTemplates';
import { confirmedWrite } from './confirmedWrite';

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
  const written = await confirmedWrite({
    target: vscode.Uri.joinPath(folder, 'pipeline-lens.json'),
    existing: { open: 'Pipeline Lens: this folder already has a pipeline-lens.json; opened it.' },
    text: async () => {
      const template = args?.template
        ? CONFIG_TEMPLATES.find((t) => t.id === args.template)
        : await vscode.window
            .showQuickPick(
              CONFIG_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
              { placeHolder: "Where do the pipeline's tables live?" },
            )
            .then((p) => p?.template);
      return template && templateText(template);
    },
  });
  if (written?.written) {
    void vscode.window.showInformationMessage('Pipeline Lens: edit the tables, columns and services to match your pipeline; docs/configuration.md lists every key.');
  }
  return written?.uri;
}
