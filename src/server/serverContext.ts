import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentScans } from './documentScans';
import type { ServerLogger } from './logger';
import type { ServerSettings } from './settings';
import type { WorkspaceEntry, WorkspaceRegistry } from './workspaceRegistry';
import type { ServerWorkspace } from './serverWorkspace';

/** What the feature handlers share: open documents, workspaces, settings, logging. */
export interface ServerContext {
  documents: TextDocuments<TextDocument>;
  registry: WorkspaceRegistry;
  scans: DocumentScans;
  settings(): ServerSettings;
  logger: ServerLogger;
  /** A lens or hover was answered before the warehouse did: refresh lenses when it does. */
  servedPartial(workspace: ServerWorkspace): void;
}

/** The usable workspace for a document, or null (no config, or a config that failed to load). */
export function workspaceFor(context: ServerContext, uri: string): ServerWorkspace | null {
  const entry: WorkspaceEntry | null = context.registry.forScope(uri);
  return entry?.workspace ?? null;
}

/** Whether a document is small enough to be worth scanning (the maxFileSize setting). */
export function withinSizeLimit(context: ServerContext, document: TextDocument): boolean {
  return document.getText().length <= context.settings().maxFileSize;
}
