import * as vscode from 'vscode';
import type { RunQueryResult } from '../../shared/protocol';
import type { CtxInit } from '../ctx';
import { exportResults } from '../queries/exportResults';
import type { FromQueryResults, QueryResultsView, ToQueryResults } from './queryResultsMessages';
import { webviewHtml, webviewOptions } from './webviewHtml';

const VIEW_TYPE = 'pipelineLens.queryResults';

/** The grid of a query's rows, paged in the page; one panel, reused by every run. */
export class QueryResultsPanel implements vscode.Disposable {
  private static current: QueryResultsPanel | undefined;
  private readonly panel: vscode.WebviewPanel;
  private ready: Promise<void>;
  private markReady!: () => void;
  private view: QueryResultsView | null = null;
  private readonly subscriptions: vscode.Disposable[] = [];

  static async show(ctx: CtxInit, title: string, result: RunQueryResult): Promise<QueryResultsPanel> {
    const panel = QueryResultsPanel.current ?? new QueryResultsPanel(ctx);
    QueryResultsPanel.current = panel;
    panel.panel.title = `Results: ${title}`;
    panel.panel.reveal(vscode.ViewColumn.Beside, true);
    const pageSize = Math.max(10, vscode.workspace.getConfiguration('pipelineLens').get<number>('queryResults.pageSize', 100));
    panel.view = { title, result, pageSize };
    await panel.ready;
    await panel.post({ type: 'data', view: panel.view });
    return panel;
  }

  static open(): QueryResultsPanel | undefined {
    return QueryResultsPanel.current;
  }

  private constructor(private readonly ctx: CtxInit) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const root = ctx.extension.extensionUri;
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Query Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(root));
    this.panel.iconPath = vscode.Uri.joinPath(root, 'media', 'pipeline-lens.svg');
    this.panel.webview.html = webviewHtml(this.panel.webview, root, 'queryResults', 'Query Results');
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((message: FromQueryResults) => void this.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(message: FromQueryResults): Promise<void> {
    if (message.type === 'ready') {
      this.markReady();
      // A hidden webview loses its page; the new page asks again.
      if (this.view) await this.post({ type: 'data', view: this.view });
    } else if (message.type === 'export' && this.view) {
      try {
        await exportResults(this.view.result, message.format, this.view.title);
      } catch (error) {
        this.ctx.output.error(`Export failed: ${(error as Error).message}`);
        void vscode.window.showErrorMessage(`Pipeline Lens: export failed: ${(error as Error).message}`);
      }
    }
  }

  private async post(message: ToQueryResults): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (QueryResultsPanel.current === this) QueryResultsPanel.current = undefined;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
