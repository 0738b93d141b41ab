import * as vscode from 'vscode';
import type { MissingCommit } from '../../core/verify/verifyDeployment';
import { describeAge } from '../../core/report/age';
import { formatTimestamp, shortSha } from '../../core/report/format';
import { Commands, type ServiceDeployments, type ServiceRevision } from '../../shared/protocol';
import type { DeploymentsData } from '../deploymentsData';
import { classifyProblem, errorItem, messageOf, setViewProblem } from './viewProblems';

export type DeploymentsNode =
  // The data's last day rides along to the commits' ages (DeploymentsResult.dataLastDay).
  | { kind: 'service'; service: ServiceDeployments; dataLastDay: string | null }
  | { kind: 'undeployed'; service: ServiceDeployments; dataLastDay: string | null }
  | { kind: 'missing'; service: ServiceDeployments; commit: MissingCommit; dataLastDay: string | null }
  | { kind: 'revision'; service: ServiceDeployments; revision: ServiceRevision }
  | { kind: 'note'; text: string; tooltip?: string }
  | { kind: 'error'; message: string };

export const DEPLOYMENTS_VIEW = 'pipelineLens.deployments';

/**
 * Services → their revisions, newest first: the commit each was built from, when, its
 * traffic, how far it stands from HEAD; and, first, the commits touching the service that
 * the serving revision lacks (the verdict `pipeline-lens verify` gives, from the same code).
 */
export class DeploymentsTreeProvider implements vscode.TreeDataProvider<DeploymentsNode>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<DeploymentsNode | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly data: DeploymentsData) {
    this.subscription = data.onDidChange(() => this.changes.fire(undefined));
  }

  async getChildren(node?: DeploymentsNode): Promise<DeploymentsNode[]> {
    if (!node) {
      try {
        const result = await vscode.window.withProgress({ location: { viewId: DEPLOYMENTS_VIEW } }, () => this.data.get());
        await setViewProblem('deployments', null);
        if (result.services.length === 0)
          return [{ kind: 'note', text: 'No services in pipeline-lens.json', tooltip: 'Add services (name, paths, deployments) to pipeline-lens.json to verify them.' }];
        return result.services.map((service): DeploymentsNode => ({ kind: 'service', service, dataLastDay: result.dataLastDay ?? null }));
      } catch (error) {
        const message = messageOf(error);
        const problem = classifyProblem(message);
        await setViewProblem('deployments', problem);
        return problem ? [] : [{ kind: 'error', message }];
      }
    }
    if (node.kind === 'service') {
      const s = node.service;
      const children: DeploymentsNode[] = [];
      if (s.error) children.push({ kind: 'note', text: `Deployments unreadable: ${s.error}`, tooltip: s.error });
      if (s.inferredFrom) children.push({ kind: 'note', text: 'Deployments inferred (no deployment record)', tooltip: `Inferred from ${s.inferredFrom}.` });
      if (s.servingUnknown) children.push({ kind: 'note', text: 'Serving revision unknown', tooltip: s.servingUnknown });
      if (s.verification.missing.length) children.push({ kind: 'undeployed', service: s, dataLastDay: node.dataLastDay });
      children.push(...s.revisions.map((revision): DeploymentsNode => ({ kind: 'revision', service: s, revision })));
      return children;
    }
    if (node.kind === 'undeployed')
      return node.service.verification.missing.map((commit): DeploymentsNode => ({ kind: 'missing', service: node.service, commit, dataLastDay: node.dataLastDay }));
    return [];
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'error':
        return errorItem('Deployments', node.message);
      case 'note': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = node.tooltip;
        return item;
      }
      case 'service': {
        const s = node.service;
        const v = s.verification;
        const item = new vscode.TreeItem(s.service, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `service:${s.service}`;
        item.description =
          v.verdict === 'ok'
            ? '✓ up to date with HEAD'
            : v.verdict === 'stale'
              ? v.missing.length
                ? `${v.missing.length} commit${v.missing.length === 1 ? '' : 's'} not deployed`
                : 'deployed code differs from HEAD'
              : 'unknown: cannot verify';
        item.iconPath =
          v.verdict === 'ok'
            ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green'))
            : v.verdict === 'stale'
              ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange'))
              : new vscode.ThemeIcon('question', new vscode.ThemeColor('charts.red'));
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${s.service}**: ${v.verdict}\n\n`);
        md.appendText(v.reason);
        if (v.hint) md.appendMarkdown('\n\n').appendText(v.hint);
        md.appendMarkdown('\n\n').appendText(`ancestry: ${v.witnesses.ancestry.answer} — ${v.witnesses.ancestry.says}`);
        md.appendMarkdown('\n\n').appendText(`content: ${v.witnesses.content.answer} — ${v.witnesses.content.says}`);
        md.appendMarkdown(`\n\nPaths: ${s.paths.map((p) => `\`${p}\``).join(', ')}`);
        item.tooltip = md;
        item.contextValue = 'service';
        return item;
      }
      case 'undeployed': {
        const n = node.service.verification.missing.length;
        const item = new vscode.TreeItem(`Not deployed (${n})`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `undeployed:${node.service.service}`;
        item.description = 'commits touching the service that the serving revision lacks';
        item.iconPath = new vscode.ThemeIcon('git-pull-request-draft', new vscode.ThemeColor('charts.orange'));
        return item;
      }
      case 'missing': {
        const c = node.commit;
        const item = new vscode.TreeItem(`${shortSha(c.sha)} ${c.subject}`);
        item.id = `missing:${node.service.service}:${c.sha}`;
        item.description = `${c.author}, ${describeAge(c.committedAt, c.ageSeconds, node.dataLastDay)}`;
        item.iconPath = new vscode.ThemeIcon('git-commit', new vscode.ThemeColor('charts.orange'));
        item.tooltip = `${c.sha}\n${c.subject}\n${c.author}, committed ${formatTimestamp(c.committedAt)}\nNot in the serving revision of ${node.service.service}.`;
        item.command = { command: Commands.showCommitProvenance, title: 'Show Commit Provenance', arguments: [{ sha: c.sha }] };
        item.contextValue = 'commit';
        return item;
      }
      case 'revision': {
        const r = node.revision;
        const item = new vscode.TreeItem(r.revision);
        item.id = `revision:${node.service.service}:${r.revision}`;
        const inferred = node.service.inferredFrom;
        const parts = [r.commit ? shortSha(r.commit) : 'no commit recorded', inferred ? `first seen ${r.createdAt.slice(0, 10)} (inferred)` : formatTimestamp(r.createdAt)];
        if (r.trafficPercent !== null) parts.push(`${r.trafficPercent}% traffic`);
        parts.push(headDistance(r));
        item.description = parts.join(' · ');
        item.iconPath = r.serving ? new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('vm-outline');
        item.tooltip = `${r.revision}${r.serving ? ' (serving)' : ''}\ncommit ${r.commit ?? 'not recorded'}${r.subject ? `\n${r.subject}` : ''}\n${inferred ? `first seen ${r.createdAt.slice(0, 10)}, inferred from ${inferred}` : `created ${formatTimestamp(r.createdAt)}`}\n${r.historyCut ?? headDistance(r)}`;
        if (r.commit) {
          item.command = { command: Commands.showCommitProvenance, title: 'Show Commit Provenance', arguments: [{ sha: r.commit }] };
          item.contextValue = 'commit';
        }
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changes.dispose();
  }
}

function headDistance(r: ServiceRevision): string {
  if (r.historyCut) return 'distance to HEAD unknown: shallow clone';
  if (r.behindHead === null || r.aheadOfHead === null) return 'commit not in local history';
  if (r.behindHead === 0 && r.aheadOfHead === 0) return 'at HEAD';
  const parts = [];
  if (r.behindHead) parts.push(`${r.behindHead} behind`);
  if (r.aheadOfHead) parts.push(`${r.aheadOfHead} ahead of`);
  return `${parts.join(', ')} HEAD`;
}

/** The SHA a context action on a deployments row is about. */
export function deploymentsSha(node: DeploymentsNode | undefined): string | undefined {
  if (node?.kind === 'missing') return node.commit.sha;
  if (node?.kind === 'revision') return node.revision.commit ?? undefined;
  return undefined;
}
