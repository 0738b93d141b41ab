import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ServerStatus } from '../shared/protocol';
import type { DeploymentsData } from './deploymentsData';
import type { PipelineViews } from './views/pipelineViews';
import type { VirtualDocuments } from './virtualDocuments';

/** What every part of the extension can use, started or not. */
export interface Ctx {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
}

/**
 * The extension once its language server runs: a type rather than a null check, so code that
 * needs the client (commands, tree views, webviews, the status bar) cannot run before it exists.
 */
export interface CtxInit extends Ctx {
  client: LanguageClient;
  documents: VirtualDocuments;
  views: PipelineViews;
  /** Services, revisions and verdicts, shared by the Deployments view and the status bar. */
  deployments: DeploymentsData;
  /** The server's status, each time it changes (a workspace loaded or failed, data arrived). */
  onDidChangeStatus: vscode.Event<ServerStatus>;
}
