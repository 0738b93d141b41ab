import * as vscode from 'vscode';

/** What happens when the target is there already. */
export type ExistingFile =
  /** Open it as it is and write nothing, saying `message`. */
  | { open: string }
  /** Replace it only when the person confirms `question` (given the files that exist) in a modal dialog. */
  | { confirmReplace: string | ((existing: vscode.Uri[]) => string) };

/** A file written with the target (a note's chart). */
export interface BesideFile {
  target: vscode.Uri;
  /** Asked for after the target's text; undefined writes nothing here (there is nothing to put in it). */
  content: () => string | undefined;
}

export interface ConfirmedWrite {
  target: vscode.Uri;
  existing: ExistingFile;
  /** The text to write, asked for only once the target is free or confirmed; undefined when the person cancelled. */
  text: () => Promise<string | undefined> | string | undefined;
  /**
   * Files that go with the target, written before it. One that exists needs the same
   * confirmation as the target (with `confirmReplace`; `open` looks at the target only).
   */
  beside?: BesideFile[];
  show?: vscode.TextDocumentShowOptions;
}

/**
 * Writes a file into the workspace and opens it, never replacing an existing one without
 * the person's word: a write must not happen unconfirmed. Resolves to the file and whether
 * it was written, or undefined when the person declined or cancelled.
 */
export async function confirmedWrite({ target, existing, text, beside = [], show }: ConfirmedWrite): Promise<{ uri: vscode.Uri; written: boolean } | undefined> {
  if ('open' in existing && (await fileExists(target))) {
    void vscode.window.showInformationMessage(existing.open);
    await vscode.window.showTextDocument(target, show);
    return { uri: target, written: false };
  }
  const present: vscode.Uri[] = [];
  for (const uri of [target, ...beside.map((b) => b.target)]) if (await fileExists(uri)) present.push(uri);
  if (present.length && 'confirmReplace' in existing) {
    const question = typeof existing.confirmReplace === 'string' ? existing.confirmReplace : existing.confirmReplace(present);
    const choice = await vscode.window.showWarningMessage(question, { modal: true }, 'Replace');
    if (choice !== 'Replace') return undefined;
  }
  const content = await text();
  if (content === undefined) return undefined;
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
  for (const file of beside) {
    const besideContent = file.content();
    if (besideContent !== undefined) await vscode.workspace.fs.writeFile(file.target, new TextEncoder().encode(besideContent));
  }
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
