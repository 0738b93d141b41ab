import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { formatTimestamp, shortSha } from '../../core/report/format';
import { Commands, TreeRequest, type TreeArtifact, type TreeCommit, type TreeDate, type TreeModel, type TreeResult, type ViewThresholds } from '../../shared/protocol';
import { escapeMarkdown } from '../../core/report/markdown';
import { judge, judgementIcon, metricsTooltip, rateDescription, rateLabel } from './metricsText';
import { classifyProblem, errorItem, messageOf, setViewProblem } from './viewProblems';

export type ModelsNode =
  | { kind: 'model'; model: TreeModel; thresholds: ViewThresholds }
  | { kind: 'build'; model: TreeModel; build: TreeCommit; previous: TreeCommit | null; thresholds: ViewThresholds }
  | { kind: 'date'; model: TreeModel; build: TreeCommit; day: TreeDate; thresholds: ViewThresholds }
  | { kind: 'artifact'; model: TreeModel; build: TreeCommit; artifact: TreeArtifact }
  | { kind: 'skipped'; text: string }
  | { kind: 'error'; message: string };

export const MODELS_VIEW = 'pipelineLens.models';

/**
 * Models → the builds (commits) that produced their predictions → game dates, each with hit
 * rate (interval and n), MAE and grading coverage, coloured by the config's thresholds.
 * One tree request answers the whole tree; it is asked again on refresh.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  private data: Promise<TreeResult> | null = null;

  constructor(private readonly client: LanguageClient) {}

  refresh(): void {
    this.data = null;
    this.changes.fire(undefined);
  }

  /** The tree's data (asked once, shared by every level). */
  result(): Promise<TreeResult> {
    this.data ??= this.client.sendRequest(TreeRequest.type, {});
    return this.data;
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    if (!node) {
      try {
        const result = await vscode.window.withProgress({ location: { viewId: MODELS_VIEW } }, () => this.result());
        await setViewProblem('models', null);
        if (result.models.length === 0) {
          await vscode.commands.executeCommand('setContext', 'pipelineLens.models.empty', true);
          return [];
        }
        await vscode.commands.executeCommand('setContext', 'pipelineLens.models.empty', false);
        return [
          ...result.models.map((model): ModelsNode => ({ kind: 'model', model, thresholds: result.thresholds })),
          // Without the deployments the builds cannot say whether they were deployed: say so.
          ...result.skipped.map((text): ModelsNode => ({ kind: 'skipped', text })),
        ];
      } catch (error) {
        this.data = null;
        const message = messageOf(error);
        const problem = classifyProblem(message);
        await setViewProblem('models', problem);
        return problem ? [] : [{ kind: 'error', message }];
      }
    }
    if (node.kind === 'model') {
      // Newest build first: the one a person asks about is usually the latest.
      const builds = node.model.commits;
      return builds.map((build, i) => ({ kind: 'build' as const, model: node.model, build, previous: i > 0 ? builds[i - 1] : null, thresholds: node.thresholds })).reverse();
    }
    if (node.kind === 'build') {
      const artifacts = (node.build.artifacts ?? []).map((artifact): ModelsNode => ({ kind: 'artifact', model: node.model, build: node.build, artifact }));
      return [...artifacts, ...node.build.dates.map((day): ModelsNode => ({ kind: 'date', model: node.model, build: node.build, day, thresholds: node.thresholds }))];
    }
    return [];
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'error':
        return errorItem('Models', node.message);
      case 'skipped': {
        const item = new vscode.TreeItem(`Not shown: ${node.text}`);
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        item.tooltip = node.text;
        return item;
      }
      case 'model': {
        const m = node.model;
        const item = new vscode.TreeItem(rateLabel(m.model, m.metrics), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `model:${m.model}`;
        item.description = `${rateDescription(m.metrics)} · ${m.commits.length} build${m.commits.length === 1 ? '' : 's'}`;
        item.iconPath = judgementIcon('symbol-class', judge(m.metrics, node.thresholds));
        item.tooltip = metricsTooltip(m.model, m.metrics, node.thresholds);
        item.contextValue = 'model';
        return item;
      }
      case 'build': {
        const b = node.build;
        const sha = shortSha(b.commit);
        const item = new vscode.TreeItem(rateLabel(sha, b.metrics), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `build:${node.model.model}:${b.commit}`;
        const deployed = deploymentText(b);
        item.description = `${rateDescription(b.metrics)} · ${b.subject ? `${b.subject} · ` : ''}${b.firstDate}..${b.lastDate} · ${deployed}`;
        item.iconPath = judgementIcon('git-commit', judge(b.metrics, node.thresholds));
        const extra = [
          `Build \`${b.commit}\`${b.committedAt ? `, committed ${formatTimestamp(b.committedAt)}` : ''}${b.subject ? `: ${escapeMarkdown(b.subject)}` : ''}`,
          `Predictions for game dates ${b.firstDate}..${b.lastDate}`,
          b.deployedAs.length
            ? `Deployed as ${b.deployedAs
                .map(
                  (d) =>
                    `${d.revision} (${d.service}, ${d.inferred ? `first seen ${d.createdAt.slice(0, 10)}, inferred from its table` : formatTimestamp(d.createdAt)}${d.serving ? ', serving now' : ''})`,
                )
                .join(', ')}`
            : 'No revision was built from exactly this commit.',
        ];
        item.tooltip = metricsTooltip(`${node.model.model} · ${sha}`, b.metrics, node.thresholds, extra);
        item.contextValue = node.previous ? 'build.hasPrevious' : 'build';
        return item;
      }
      case 'artifact': {
        const a = node.artifact;
        const item = new vscode.TreeItem(a.artifact ? `model file ${a.artifact.split('/').pop()}` : 'model file not recorded');
        item.id = `artifact:${node.model.model}:${node.build.commit}:${a.artifact ?? ''}`;
        const r = a.registry;
        const standing = !a.artifact
          ? 'the rows record no artifact'
          : !r
            ? 'not in the registry'
            : r.registered && r.model === node.model.model
              ? 'registered'
              : r.registered
                ? `registered for ${r.model}`
                : `a non-registered version of ${r.model}`;
        const offline =
          r && Object.keys(r.metrics).length
            ? ` · offline ${Object.entries(r.metrics)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}`
            : '';
        item.description = `${standing}${offline} · ${a.rows === null ? 'rows not recorded' : `${a.rows} rows`}`;
        item.tooltip = [
          a.artifact ?? 'No artifact recorded',
          r?.experiment ? `Experiment ${r.experiment}` : null,
          `${node.model.model} build ${shortSha(node.build.commit)}: ${standing}`,
        ]
          .filter(Boolean)
          .join('\n');
        item.iconPath = new vscode.ThemeIcon(!a.artifact || !r || !(r.registered && r.model === node.model.model) ? 'warning' : 'package');
        item.contextValue = 'artifact';
        return item;
      }
      case 'date': {
        const d = node.day;
        const item = new vscode.TreeItem(rateLabel(d.date, d.metrics), vscode.TreeItemCollapsibleState.None);
        item.id = `date:${node.model.model}:${node.build.commit}:${d.date}`;
        item.description = rateDescription(d.metrics);
        item.iconPath = judgementIcon('calendar', judge(d.metrics, node.thresholds));
        item.tooltip = metricsTooltip(`${node.model.model} · ${shortSha(node.build.commit)} · ${d.date}`, d.metrics, node.thresholds);
        item.contextValue = 'date';
        item.command = {
          command: Commands.openTimeline,
          title: 'Show Timeline',
          arguments: [{ models: [node.model.model], date: d.date, sha: node.build.commit }],
        };
        return item;
      }
    }
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    this.changes.dispose();
  }
}

function deploymentText(b: TreeCommit): string {
  if (b.deployedAs.length === 0) return 'not deployed';
  const serving = b.deployedAs.find((d) => d.serving);
  const first = b.deployedAs[0];
  return serving ? `serving as ${serving.revision}` : `deployed ${first.revision}${first.inferred ? ' (inferred)' : ''}`;
}

/** What a context action on a models-tree row is about. */
export function rowSubject(node: ModelsNode | undefined): { model?: string; commit?: string; date?: string } {
  if (!node || node.kind === 'error' || node.kind === 'skipped') return {};
  if (node.kind === 'model') return { model: node.model.model };
  if (node.kind === 'build' || node.kind === 'artifact') return { model: node.model.model, commit: node.build.commit };
  return { model: node.model.model, commit: node.build.commit, date: node.day.date };
}
