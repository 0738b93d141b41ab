import * as vscode from 'vscode';
import { Commands, FeatureCoverageRequest, TimelineRequest, type TimelineCommandArgs } from '../../shared/protocol';
import type { CtxInit } from '../ctx';
import type { FromTimeline, TimelineFocus, TimelineRendered, ToTimeline } from './timelineMessages';
import { webviewHtml, webviewOptions } from './webviewHtml';

const VIEW_TYPE = 'pipelineLens.timeline';

/**
 * The timeline chart: hit rate per game date per model with its interval band, and markers
 * for the commits that touched a service, the deployments and the backfills. One panel,
 * reused: asking for another model or commit redraws it.
 */
export class TimelinePanel implements vscode.Disposable {
  private static current: TimelinePanel | undefined;
  private ready: Promise<void>;
  private markReady!: () => void;
  private lastRendered: TimelineRendered | null = null;
  /** What the page was last sent: a hidden webview loses its page, and the new page asks again. */
  private lastData: ToTimeline | null = null;
  private readonly renderedListeners = new Set<(r: TimelineRendered) => void>();
  private readonly subscriptions: vscode.Disposable[] = [];

  /** Shows the timeline for `args` (a new panel, or the open one redrawn) and resolves once its data is sent. */
  static async show(ctx: CtxInit, args: TimelineCommandArgs = {}): Promise<TimelinePanel> {
    const panel = TimelinePanel.current ?? new TimelinePanel(ctx);
    TimelinePanel.current = panel;
    panel.panel.reveal(undefined, false);
    await panel.load(args);
    return panel;
  }

  /** The open panel, if any (tests read what it drew). */
  static open(): TimelinePanel | undefined {
    return TimelinePanel.current;
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(private readonly ctx: CtxInit) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const root = ctx.extension.extensionUri;
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Pipeline Lens: Timeline', vscode.ViewColumn.Active, webviewOptions(root));
    this.panel.iconPath = vscode.Uri.joinPath(root, 'media', 'pipeline-lens.svg');
    this.panel.webview.html = webviewHtml(this.panel.webview, root, 'timeline', 'Pipeline Lens: Timeline');
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((message: FromTimeline) => void this.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Resolves with what the page drew next (or already drew, when `fresh` is false). */
  rendered(fresh = false): Promise<TimelineRendered> {
    if (this.lastRendered && !fresh) return Promise.resolve(this.lastRendered);
    return new Promise((resolve) => {
      const listener = (r: TimelineRendered) => {
        this.renderedListeners.delete(listener);
        resolve(r);
      };
      this.renderedListeners.add(listener);
    });
  }

  private async load(args: TimelineCommandArgs): Promise<void> {
    const focus: TimelineFocus = { models: args.models, sha: args.sha, date: args.date, features: args.features };
    const timeline = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Pipeline Lens: loading the timeline' }, () =>
      this.ctx.client.sendRequest(TimelineRequest.type, { scope: args.scope, models: undefined }),
    );
    await this.ready;
    this.lastRendered = null;
    this.lastData = { type: 'data', timeline, focus };
    await this.post(this.lastData);
  }

  private async receive(message: FromTimeline): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.markReady();
        if (this.lastData) await this.post(this.lastData);
        return;
      case 'openCommit':
        await vscode.commands.executeCommand(Commands.showCommitProvenance, { sha: message.sha });
        return;
      case 'featureCoverage':
        try {
          const coverage = await this.ctx.client.sendRequest(FeatureCoverageRequest.type, { features: message.features });
          await this.post({ type: 'coverage', coverage });
        } catch (error) {
          await this.post({ type: 'error', message: `Feature coverage: ${(error as Error).message}` });
        }
        return;
      case 'rendered':
        this.lastRendered = message.rendered;
        for (const listener of [...this.renderedListeners]) listener(message.rendered);
        return;
    }
  }

  private async post(message: ToTimeline): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
