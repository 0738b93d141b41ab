import * as vscode from 'vscode';
import { formatBytes } from '../../core/report/bytes';
import { PlanQueryRequest, RunQueryRequest, type PlanQueryResult, type QueryParameterValue, type RunQueryResult } from '../../shared/protocol';
import type { CtxInit } from '../ctx';
import { QueryResultsPanel } from '../webviews/queryResultsPanel';
import { askForParameters } from './queryParameters';

export interface QueryCommandArgs {
  /** SQL to run instead of the active editor's. */
  sql?: string;
  title?: string;
  /** Values for its `@name` parameters; the ones missing are asked for. */
  parameters?: Record<string, QueryParameterValue>;
  /** Document the SQL belongs to (which workspace answers). */
  scope?: string;
}

interface QuerySource {
  sql: string;
  title: string;
  scope?: string;
}

const SQL_LANGUAGES = new Set(['sql', 'bqsql']);

/** The active SQL editor's selection, or its whole text. */
export function activeSql(args?: QueryCommandArgs): QuerySource | undefined {
  if (args?.sql) return { sql: args.sql, title: args.title ?? 'query', scope: args.scope };
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const document = editor.document;
  if (!SQL_LANGUAGES.has(document.languageId) && !/\.(b?q?sql)$/i.test(document.fileName)) return undefined;
  const name = document.isUntitled ? document.uri.path : vscode.workspace.asRelativePath(document.uri);
  const selected = !editor.selection.isEmpty ? document.getText(editor.selection) : '';
  return selected.trim()
    ? { sql: selected, title: `selection of ${name}`, scope: document.uri.toString() }
    : { sql: document.getText(), title: name, scope: document.uri.toString() };
}

/** The plan, after asking for any parameters it lacks; undefined when the person cancels. */
async function planWithParameters(
  ctx: CtxInit,
  source: QuerySource,
  given: Record<string, QueryParameterValue> = {},
): Promise<{ plan: PlanQueryResult; parameters: Record<string, QueryParameterValue> } | undefined> {
  let parameters = given;
  let plan = await ctx.client.sendRequest(PlanQueryRequest.type, { scope: source.scope, sql: source.sql, parameters, subject: source.title });
  if (plan.missingParameters.length) {
    const asked = await askForParameters(ctx.client, plan.missingParameters, ctx.extension.workspaceState);
    if (!asked) return undefined;
    parameters = { ...parameters, ...asked };
    plan = await ctx.client.sendRequest(PlanQueryRequest.type, { scope: source.scope, sql: source.sql, parameters, subject: source.title });
  }
  return { plan, parameters };
}

function noSql(): undefined {
  void vscode.window.showWarningMessage('Pipeline Lens: open a SQL file (or select the SQL to run) first.');
  return undefined;
}

/**
 * Run Query: the statement is planned first (a BigQuery dry run); a write runs only after a
 * modal naming its statement type, table and estimated bytes, and never on the read-only
 * embedded engine. The rows open in the results panel.
 */
export async function runQuery(ctx: CtxInit, args?: QueryCommandArgs): Promise<RunQueryResult | undefined> {
  const source = activeSql(args);
  if (!source?.sql.trim()) return noSql();
  const planned = await planWithParameters(ctx, source, args?.parameters);
  if (!planned?.plan.plan) return undefined;
  const { plan, parameters } = planned;
  let writeConfirmed = false;
  if (plan.plan!.kind !== 'query') {
    const what = describeStatement(plan);
    if (plan.refusal !== null) {
      // The CLI's words, from the one place they are written (the server's guard).
      const lens = plan.plan!.statementType === 'SCRIPT' ? ' Each statement of a SQL file has its own ▶ Run lens.' : '';
      void vscode.window.showErrorMessage(`Pipeline Lens: ${plan.refusal}${lens}`);
      return undefined;
    }
    const choice = await vscode.window.showWarningMessage(
      `Run ${what}?`,
      {
        modal: true,
        detail: `It changes data in ${plan.warehouseDescription}. Estimated bytes: ${plan.plan!.bytesProcessed === null ? 'not estimated' : formatBytes(plan.plan!.bytesProcessed)}${
          plan.maximumBytesBilled !== null ? ` (cap ${formatBytes(plan.maximumBytesBilled)})` : ''
        }. Pipeline Lens cannot undo it.`,
      },
      `Run ${plan.plan!.statementType}`,
    );
    if (!choice) return undefined;
    writeConfirmed = true;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running ${source.title} on ${plan.warehouseDescription}…`, cancellable: true },
    (_progress, token) => ctx.client.sendRequest(RunQueryRequest.type, { scope: source.scope, sql: source.sql, parameters, writeConfirmed, maxRows: maxRows() }, token),
  );
  ctx.output.info(
    `Ran ${source.title}: ${result.statementType}, ${result.totalRows} rows, ${result.bytesProcessed === null ? 'bytes not reported' : formatBytes(result.bytesProcessed)}, ${result.durationMs} ms.`,
  );
  await QueryResultsPanel.show(ctx, source.title, result);
  return result;
}

/** Dry Run Query: what the statement is, what it reads and would scan; nothing runs. */
export async function dryRunQuery(ctx: CtxInit, args?: QueryCommandArgs): Promise<PlanQueryResult | undefined> {
  const source = activeSql(args);
  if (!source?.sql.trim()) return noSql();
  const planned = await planWithParameters(ctx, source, args?.parameters);
  if (!planned?.plan.plan) return undefined;
  const { plan } = planned;
  const p = plan.plan!;
  const scan =
    plan.warehouse === 'embedded'
      ? 'the embedded engine reads local files and estimates no bytes (nothing is billed)'
      : `would process ${p.bytesProcessed === null ? 'an unknown number of bytes' : formatBytes(p.bytesProcessed)}${plan.maximumBytesBilled !== null ? ` (cap ${formatBytes(plan.maximumBytesBilled)}${p.bytesProcessed !== null && p.bytesProcessed > plan.maximumBytesBilled ? ': over it, so it would be refused' : ''})` : ''}`;
  const writes =
    p.kind !== 'query'
      ? plan.warehouse === 'embedded'
        ? ' It changes data, which the read-only embedded warehouse refuses.'
        : ' It changes data: Run Query asks for confirmation first.'
      : '';
  const message = `Dry run of ${source.title}: ${describeStatement(plan)}; ${scan}.${writes}`;
  ctx.output.info(`${message}${p.referencedTables.length ? ` Tables read: ${p.referencedTables.join(', ')}.` : ''}`);
  void vscode.window.showInformationMessage(message);
  return plan;
}

function describeStatement(plan: PlanQueryResult): string {
  const p = plan.plan!;
  if (p.statementType === 'SCRIPT') return `a script of several statements${p.targets.length ? ` on ${p.targets.join(', ')}` : ''}`;
  const article = /^[AEIOU]/.test(p.statementType) ? 'an' : 'a';
  return `${article} ${p.statementType}${p.targets.length ? ` on ${p.targets.join(', ')}` : ''}`;
}

function maxRows(): number {
  return vscode.workspace.getConfiguration('pipelineLens').get<number>('queryResults.maxRows', 10_000);
}
