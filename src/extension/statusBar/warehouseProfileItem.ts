import * as vscode from 'vscode';
import { Commands, type ServerStatus } from '../../shared/protocol';
import type { CtxInit } from '../ctx';
import { forgetStaleChoices, workspaceOf } from '../warehouseProfile';

/**
 * The warehouse profile the active file's workspace reads (`$(database) staging`), shown
 * only when its pipeline-lens.json names more than one; a click runs Select Warehouse Profile.
 */
export class WarehouseProfileItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pipelineLens.warehouseProfile', vscode.StatusBarAlignment.Left, 49);
  private readonly subscriptions: vscode.Disposable[] = [];
  private status: ServerStatus | null = null;

  constructor(private readonly ctx: CtxInit) {
    this.item.name = 'Pipeline Lens: warehouse profile';
    this.item.command = Commands.selectWarehouseProfile;
    this.subscriptions.push(
      ctx.onDidChangeStatus((status) => {
        this.status = status;
        this.update();
        void forgetStaleChoices(ctx.extension, status.workspaces);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
  }

  /** What the item shows now, or undefined while hidden (tests read it). */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  private update(): void {
    const workspace = this.status ? workspaceOf(this.status.workspaces, undefined) : undefined;
    if (!workspace || workspace.profiles.length < 2 || workspace.activeProfile === null) {
      this.visible = false;
      this.item.hide();
      return;
    }
    const active = workspace.profiles.find((p) => p.name === workspace.activeProfile);
    this.item.text = `$(database) ${workspace.activeProfile}`;
    this.item.tooltip = `Pipeline Lens reads the warehouse profile "${workspace.activeProfile}"${active ? ` (${active.kind}, ${active.detail}${active.isDefault ? ', the default' : ''})` : ''} of ${workspace.configFile}. Click to choose another.`;
    this.visible = true;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.item.dispose();
  }
}
