import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands, StatementRangesRequest } from '../../shared/protocol';
import type { QueryCommandArgs } from './runQuery';

/**
 * "▶ Run · Dry run" above each statement of a SQL file, as database tools do: Run is the
 * default action, and a file of several queries runs one statement at a time. The server
 * splits the statements with the engine's tokenizer, the one its guard reads them with.
 */
export class StatementLenses implements vscode.CodeLensProvider {
  constructor(private readonly client: LanguageClient) {}

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('pipelineLens', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    const name = document.isUntitled ? document.uri.path : vscode.workspace.asRelativePath(document.uri);
    const text = document.getText();
    const version = document.version;
    const ranges = await this.client.sendRequest(StatementRangesRequest.type, { sql: text }, token).catch(() => null);
    // An edit made meanwhile asks again; the offsets are of the text sent.
    if (!ranges || token.isCancellationRequested || document.version !== version) return [];
    return ranges.flatMap((r, i) => {
      const range = new vscode.Range(document.positionAt(r.start), document.positionAt(r.start));
      const args: QueryCommandArgs = {
        sql: text.slice(r.start, r.end),
        title: ranges.length > 1 ? `${name} (statement ${i + 1})` : name,
        scope: document.uri.toString(),
      };
      return [
        new vscode.CodeLens(range, { title: '▶ Run', command: Commands.runQuery, arguments: [args], tooltip: 'Run this statement (a write asks first)' }),
        new vscode.CodeLens(range, { title: 'Dry run', command: Commands.dryRunQuery, arguments: [args], tooltip: 'What this statement would do and scan, without running it' }),
      ];
    });
  }
}

export function registerStatementLenses(client: LanguageClient): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider([{ language: 'bqsql' }, { language: 'sql' }], new StatementLenses(client));
}
