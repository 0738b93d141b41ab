import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DeploymentsRequest, type DeploymentsResult } from '../shared/protocol';

/**
 * The deployments overview (services, revisions, verdicts against HEAD), asked of the
 * server once and shared by the Deployments view and the status bar until something
 * changes (a refresh, a commit, a checkout). The verdict behind it is the CLI's.
 */
export class DeploymentsData implements vscode.Disposable {
  private current: Promise<DeploymentsResult> | null = null;
  private readonly changes = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changes.event;

  constructor(private readonly client: LanguageClient) {}

  get(): Promise<DeploymentsResult> {
    if (!this.current) {
      const load = this.client.sendRequest(DeploymentsRequest.type, {});
      this.current = load;
      // A failure is not kept: the next look asks again.
      load.catch(() => {
        if (this.current === load) this.current = null;
      });
    }
    return this.current;
  }

  invalidate(): void {
    this.current = null;
    this.changes.fire();
  }

  dispose(): void {
    this.changes.dispose();
  }
}
