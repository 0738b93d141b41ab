import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Commands } from '../shared/protocol';
import { SERVER_ENV, SERVER_EXEC_ARGV } from '../shared/serverProcess';
import { ServerRestarts } from './serverRestarts';
import { initialSettings, withUserAllowedHosts } from './settings';
import { chosenProfiles } from './warehouseProfile';

/**
 * The language client: the server (dist/server.js, bundled next to this file) runs in its
 * own Node process over IPC and does all the work; VS Code syncs every file and untitled
 * document to it, since a commit SHA can sit in any of them.
 */
export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    // The client adds `env` to the extension host's own environment.
    run: { module, transport: TransportKind.ipc, options: { execArgv: SERVER_EXEC_ARGV, env: SERVER_ENV } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'], env: SERVER_ENV } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    outputChannel: output,
    errorHandler: new ServerRestarts(),
    // The commit graph of a large history takes seconds to walk: the server keeps it in the
    // extension's storage for this workspace (never in the repository) for the next session.
    // The warehouse profile chosen in an earlier session is read from the start.
    initializationOptions: { settings: initialSettings(), storagePath: (context.storageUri ?? context.globalStorageUri).fsPath, profiles: chosenProfiles(context) },
    synchronize: {
      // A config edit reloads its workspace; a commit, checkout or fetch moves the refs
      // the lenses are computed against.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/pipeline-lens.json'),
        vscode.workspace.createFileSystemWatcher('**/.git/HEAD'),
        vscode.workspace.createFileSystemWatcher('**/.git/packed-refs'),
        vscode.workspace.createFileSystemWatcher('**/.git/refs/**'),
        // A deepening or unshallowing fetch moves the boundary of a shallow clone, not a ref.
        vscode.workspace.createFileSystemWatcher('**/.git/shallow'),
      ],
    },
    // Only documents someone looks at are sent: opening a folder of logs should not ship
    // every file to the server.
    textSynchronization: { delayOpenNotifications: true },
    // Hovers link to our commands (show diff, copy SHA, verify); only those may run from them.
    markdown: { isTrusted: { enabledCommands: Object.values(Commands) }, supportHtml: false },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return (answers as unknown[]).map((answer, i) => (params.items[i]?.section === 'pipelineLens' ? withUserAllowedHosts(answer) : answer));
        },
      },
    },
  };
  return new LanguageClient('pipelineLens', 'Pipeline Lens', serverOptions, clientOptions);
}
