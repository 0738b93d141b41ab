import * as vscode from 'vscode';
import { statementRanges } from '../../core/sql/statements';
import { Commands } from '../../shared/protocol';
import type { QueryCommandArgs } from './runQuery';

/**
 * "▶ Run · Dry run" above each statement of a SQL file, as database tools do: Run is the
 * default action, and a file of several queries runs one statement at a time.
 */
export class StatementLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('pipelineLens', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    const name = document.isUntitled ? document.uri.path : vscode.workspace.asRelativePath(document.uri);
    const ranges = statementRanges(document.getText());
    return ranges.flatMap((r, i) => {
      const range = new vscode.Range(document.positionAt(r.start), document.positionAt(r.start));
      const args: QueryCommandArgs = {
        sql: document.getText(new vscode.Range(document.positionAt(r.start), document.positionAt(r.end))),
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

export function registerStatementLenses(): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider([{ language: 'bqsql' }, { language: 'sql' }], new StatementLenses());
}
