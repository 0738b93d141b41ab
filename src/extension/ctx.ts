import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VirtualDocuments } from './virtualDocuments';

/** What every part of the extension can use, started or not. */
export interface Ctx {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
}

/**
 * The extension once its language server runs: a type rather than a null check, so code that
 * needs the client (commands now; tree views and webviews next) cannot run before it exists.
 */
export interface CtxInit extends Ctx {
  client: LanguageClient;
  documents: VirtualDocuments;
}
