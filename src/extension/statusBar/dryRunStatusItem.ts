import * as vscode from 'vscode';
import { formatBytes } from '../../core/report/bytes';
import { Commands, PlanQueryRequest } from '../../shared/protocol';
import type { CtxInit } from '../ctx';
import { rememberedParameters } from '../queries/queryParameters';

const SQL_LANGUAGES = new Set(['sql', 'bqsql']);

/**
 * What the active SQL file would scan: BigQuery's dry-run estimate (free, reads nothing),
 * asked again a quiet moment after each edit; `embedded` on the local engine, which does
 * not estimate. Parameters use the values typed at the last run.
 */
export class DryRunStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pipelineLens.dryRun', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private cancel: vscode.CancellationTokenSource | undefined;
  /** The last dry run failed: the next status change (a workspace finished loading) tries again. */
  private failed = false;

  constructor(private readonly ctx: CtxInit) {
    this.item.name = 'Pipeline Lens: dry-run bytes';
    this.item.command = Commands.dryRunQuery;
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      ctx.onDidChangeStatus(() => this.failed && this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule(this.delay());
      }),
    );
    this.schedule(0);
  }

  get text(): string | undefined {
    return this.item.text;
  }

  private delay(): number {
    return vscode.workspace.getConfiguration('pipelineLens').get<number>('statusBar.dryRunDelayMs', 1000);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), ms);
  }

  async update(): Promise<void> {
    this.cancel?.cancel();
    const document = vscode.window.activeTextEditor?.document;
    const enabled = vscode.workspace.getConfiguration('pipelineLens').get<boolean>('statusBar.dryRun', true);
    if (!document || !enabled || !(SQL_LANGUAGES.has(document.languageId) || /\.b?q?sql$/i.test(document.fileName)) || !document.getText().trim()) {
      this.item.hide();
      return;
    }
    const source = new vscode.CancellationTokenSource();
    this.cancel = source;
    this.failed = false;
    try {
      const plan = await this.ctx.client.sendRequest(
        PlanQueryRequest.type,
        { scope: document.uri.toString(), sql: document.getText(), parameters: rememberedParameters(this.ctx.extension.workspaceState) },
        source.token,
      );
      if (source.token.isCancellationRequested) return;
      if (plan.warehouse === 'embedded') {
        this.item.text = '$(database) embedded';
        this.item.tooltip = `${plan.warehouseDescription}: local files, no bytes estimate and nothing billed.${plan.plan && plan.plan.kind !== 'query' ? ` This ${plan.plan.statementType} would be refused: the embedded warehouse is read-only.` : ''}`;
      } else if (!plan.plan) {
        this.item.text = '$(database) parameters needed';
        this.item.tooltip = `Give ${plan.missingParameters.map((p) => `@${p}`).join(', ')} once (Run Query or Dry Run Query asks), and the estimate appears.`;
      } else {
        const bytes = plan.plan.bytesProcessed;
        const over = bytes !== null && plan.maximumBytesBilled !== null && bytes > plan.maximumBytesBilled;
        this.item.text = `$(database) ${bytes === null ? 'unknown' : formatBytes(bytes)}${over ? ' (over cap)' : ''}`;
        this.item.tooltip = `Dry run on ${plan.warehouseDescription}: ${plan.plan.statementType}${bytes === null ? '' : `, would process ${formatBytes(bytes)}`}${
          plan.maximumBytesBilled !== null ? `; cap ${formatBytes(plan.maximumBytesBilled)}` : ''
        }.`;
        this.item.backgroundColor = over ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      }
      this.item.show();
    } catch (error) {
      if (source.token.isCancellationRequested) return;
      this.failed = true;
      this.item.text = '$(database) dry run failed';
      this.item.tooltip = (error as Error).message;
      this.item.show();
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.cancel?.cancel();
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.item.dispose();
  }
}
