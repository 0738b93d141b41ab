import * as vscode from 'vscode';

export const SCHEME = 'pipeline-lens';

/**
 * Read-only documents the commands open (a provenance report, a diff, a verification):
 * text the server produced, shown in an ordinary editor without touching the disk.
 */
export class VirtualDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  register(): vscode.Disposable {
    return vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(SCHEME, this), this.changes);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows `text` as `path` (its extension picks the language: `.md`, `.diff`). */
  async show(path: string, text: string, language?: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${path}` });
    this.contents.set(uri.toString(), text);
    this.changes.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (language && document.languageId !== language) document = await vscode.languages.setTextDocumentLanguage(document, language);
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}
