import * as vscode from 'vscode';
import type { RunQueryResult } from '../../shared/protocol';
import { toCsv, toJson } from './resultsFormat';

/** Asks where, then writes the rows the panel holds. */
export async function exportResults(result: RunQueryResult, format: 'csv' | 'json', title: string): Promise<vscode.Uri | undefined> {
  const base = title.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'results';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.${format}`) : undefined,
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    saveLabel: `Export ${format.toUpperCase()}`,
  });
  if (!target) return undefined;
  const text = format === 'csv' ? toCsv(result) : toJson(result);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  const cut = result.rows.length < result.totalRows ? ` (the first ${result.rows.length} of ${result.totalRows}; raise pipelineLens.queryResults.maxRows for more)` : '';
  void vscode.window.showInformationMessage(`Exported ${result.rows.length} rows to ${vscode.workspace.asRelativePath(target)}${cut}.`);
  return target;
}
