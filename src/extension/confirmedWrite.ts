import * as vscode from 'vscode';

/** What happens when the target is there already. */
export type ExistingFile =
  /** Open it as it is and write nothing, saying `message`. */
  | { open: string }
  /** Replace it only when the person confirms `question` in a modal dialog. */
  | { confirmReplace: string };

export interface ConfirmedWrite {
  target: vscode.Uri;
  existing: ExistingFile;
  /** The text to write, asked for only once the target is free or confirmed; undefined when the person cancelled. */
  text: () => Promise<string | undefined> | string | undefined;
  show?: vscode.TextDocumentShowOptions;
}

/**
 * Writes a file into the workspace and opens it, never replacing an existing one without
 * the person's word: a write must not happen unconfirmed. Resolves to the file and whether
 * it was written, or undefined when the person declined or cancelled.
 */
export async function confirmedWrite({ target, existing, text, show }: ConfirmedWrite): Promise<{ uri: vscode.Uri; written: boolean } | undefined> {
  if (await fileExists(target)) {
    if ('open' in existing) {
      void vscode.window.showInformationMessage(existing.open);
      await vscode.window.showTextDocument(target, show);
      return { uri: target, written: false };
    }
    const choice = await vscode.window.showWarningMessage(existing.confirmReplace, { modal: true }, 'Replace');
    if (choice !== 'Replace') return undefined;
  }
  const content = await text();
  if (content === undefined) return undefined;
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  await vscode.window.showTextDocument(target, show);
  return { uri: target, written: true };
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
