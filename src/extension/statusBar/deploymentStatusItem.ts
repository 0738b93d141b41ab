import * as vscode from 'vscode';
import { Commands, OwningServicesRequest } from '../../shared/protocol';
import type { CtxInit } from '../ctx';

/**
 * The deployment state of the service whose paths hold the active file:
 * `prediction-worker ✓`, or `prediction-worker: 2 commits not deployed`. Hidden for files
 * no service owns. The verdict is the Deployments view's (the CLI's verify).
 */
export class DeploymentStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pipelineLens.deployment', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  private generation = 0;
  /** The last look failed: the next status change (a workspace finished loading) tries again. */
  private failed = false;

  constructor(private readonly ctx: CtxInit) {
    this.item.name = "Pipeline Lens: deployment of this file's service";
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      ctx.deployments.onDidChange(() => void this.update()),
      ctx.onDidChangeStatus(() => this.failed && void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('pipelineLens.statusBar') && void this.update()),
    );
    void this.update();
  }

  /** What the item shows now (tests read it). */
  get text(): string | undefined {
    return this.item.text;
  }

  async update(): Promise<void> {
    const generation = ++this.generation;
    this.failed = false;
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file' || !vscode.workspace.getConfiguration('pipelineLens').get<boolean>('statusBar.deployment', true)) {
      this.item.hide();
      return;
    }
    try {
      const { services } = await this.ctx.client.sendRequest(OwningServicesRequest.type, { uri: uri.toString() });
      if (generation !== this.generation) return;
      if (services.length === 0) {
        this.item.hide();
        return;
      }
      const overview = await this.ctx.deployments.get();
      if (generation !== this.generation) return;
      const states = services.map((name) => overview.services.find((s) => s.service === name)).filter((s) => s !== undefined);
      const parts = states.map((s) => {
        const v = s.verification;
        if (v.verdict === 'ok') return `${s.service} ✓`;
        if (v.verdict === 'stale') return v.missing.length ? `${s.service}: ${v.missing.length} commit${v.missing.length === 1 ? '' : 's'} not deployed` : `${s.service}: stale`;
        return `${s.service}: unverified`;
      });
      const worst = states.some((s) => s.verification.verdict !== 'ok');
      this.item.text = `$(${worst ? 'warning' : 'cloud'}) ${parts.join(' · ')}`;
      this.item.backgroundColor = worst ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.tooltip = new vscode.MarkdownString(
        states
          .map((s) => {
            const v = s.verification;
            const witnesses = (['ancestry', 'content'] as const).map((name) => `${name}: ${v.witnesses[name].answer} — ${v.witnesses[name].says}`).join('  \n');
            return `**${s.service}**: ${v.verdict}. ${escapeMarkdown(v.reason)}\n\n${escapeMarkdown(witnesses)}`;
          })
          .join('\n\n') + '\n\nClick to verify before a backfill.',
      );
      this.item.command = { command: Commands.verifyService, title: 'Verify Deployment Before Backfill', arguments: [{ service: services[0] }] };
      this.item.show();
    } catch (error) {
      if (generation !== this.generation) return;
      this.failed = true;
      this.item.text = '$(question) deployment unknown';
      this.item.tooltip = `Pipeline Lens could not check the deployment: ${(error as Error).message}`;
      this.item.command = Commands.showOutput;
      this.item.show();
    }
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.item.dispose();
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[*_`[\]]/g, '\\$&');
}
