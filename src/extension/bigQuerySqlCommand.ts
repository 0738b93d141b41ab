import * as vscode from 'vscode';
import { BIGQUERY_SQL, isUnderFolder, sqlAssociationPattern, withSqlAssociation } from './sqlFileAssociation';

export interface BigQuerySqlArgs {
  /** Workspace-relative folder whose `.sql` files become BigQuery SQL; '' for the whole workspace. Without it, asks. */
  folder?: string;
}

const MAX_FILES = 2000;

/**
 * "Open .sql Files as BigQuery SQL": writes a `files.associations` entry in the workspace's
 * settings for the folder chosen, and switches the `.sql` files already open under it.
 */
export async function openSqlAsBigQuery(args: BigQuerySqlArgs = {}): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.[0];
  if (!root) {
    void vscode.window.showWarningMessage('Open .sql Files as BigQuery SQL needs a workspace folder: open the folder holding pipeline-lens.json first.');
    return;
  }
  const folder = typeof args.folder === 'string' ? args.folder : await pickFolder(root);
  if (folder === undefined) return;
  const config = vscode.workspace.getConfiguration('files', root.uri);
  const current = config.inspect<Record<string, string>>('associations')?.workspaceValue;
  const next = withSqlAssociation(current, folder);
  if (next) await config.update('associations', next, vscode.ConfigurationTarget.Workspace);
  for (const document of vscode.workspace.textDocuments) {
    if (document.languageId === BIGQUERY_SQL || document.uri.scheme !== 'file') continue;
    if (isUnderFolder(vscode.workspace.asRelativePath(document.uri, false), folder)) await vscode.languages.setTextDocumentLanguage(document, BIGQUERY_SQL);
  }
  void vscode.window.showInformationMessage(
    `.sql files ${folder ? `under ${folder}/` : 'of this workspace'} now open as BigQuery SQL (files.associations: "${sqlAssociationPattern(folder)}": "${BIGQUERY_SQL}" in the workspace settings).`,
  );
}

/** The whole workspace, or one of the folders that hold `.sql` files. */
async function pickFolder(root: vscode.WorkspaceFolder): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(root, '**/*.sql'), '**/node_modules/**', MAX_FILES);
  const folders = [...new Set(files.map((f) => vscode.workspace.asRelativePath(f, false).split('/').slice(0, -1).join('/')).filter((f) => f !== ''))].sort();
  const items = [
    { label: 'Every .sql file of this workspace', description: sqlAssociationPattern(''), folder: '' },
    ...folders.map((f) => ({ label: `${f}/`, description: sqlAssociationPattern(f), folder: f })),
  ];
  const choice = await vscode.window.showQuickPick(items, { placeHolder: 'Which .sql files are BigQuery SQL? Other .sql files keep their language.' });
  return choice?.folder;
}
