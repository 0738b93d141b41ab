import * as vscode from 'vscode';
import type { Finding, Severity } from '../../core/findings/types';
import { shortSha } from '../../core/report/format';
import { headline, shortLabel } from '../../core/report/shortLabel';
import { Commands, FindingsRequest, type FindingsResult } from '../../shared/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';
import { classifyProblem, errorItem, messageOf, setViewProblem } from './viewProblems';

/** Where a finding points: each subject is a row that jumps to it. */
type Subject =
  | { kind: 'commit'; sha: string }
  | { kind: 'model'; model: string }
  | { kind: 'date'; date: string; models: string[] }
  | { kind: 'feature'; index: number }
  | { kind: 'service'; service: string };

export type FindingsNode =
  | { kind: 'finding'; finding: Finding; rank: number }
  | { kind: 'evidence'; finding: Finding; text: string; index: number }
  | { kind: 'subject'; finding: Finding; subject: Subject }
  | { kind: 'skipped'; text: string }
  | { kind: 'error'; message: string };

export const FINDINGS_VIEW = 'pipelineLens.findings';

const SEVERITY_ICON: Record<Severity, [string, string]> = {
  critical: ['error', 'charts.red'],
  high: ['warning', 'charts.orange'],
  medium: ['info', 'charts.yellow'],
  low: ['circle-outline', 'charts.blue'],
};

/** A row's label fits the default sidebar; the rest of the sentence is its description and tooltip. */
const LABEL_CHARS = 40;

/** At most this many dates of one finding get a row of their own; the rest are in its evidence. */
const MAX_DATES = 5;

/**
 * The engine's ranked findings (the CLI's `investigate`), each expandable to its evidence
 * and to the commits, models, dates, features and services it concerns; those rows jump to
 * the commit's provenance, the chart, or the verification.
 */
export class FindingsTreeProvider implements vscode.TreeDataProvider<FindingsNode>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<FindingsNode | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  private data: Promise<FindingsResult> | null = null;

  constructor(private readonly client: LanguageClient) {}

  refresh(): void {
    this.data = null;
    this.changes.fire(undefined);
  }

  result(): Promise<FindingsResult> {
    this.data ??= this.client.sendRequest(FindingsRequest.type, {});
    return this.data;
  }

  async getChildren(node?: FindingsNode): Promise<FindingsNode[]> {
    if (!node) {
      try {
        const result = await vscode.window.withProgress({ location: { viewId: FINDINGS_VIEW } }, () => this.result());
        await setViewProblem('findings', null);
        return [
          ...result.findings.map((finding, i): FindingsNode => ({ kind: 'finding', finding, rank: i + 1 })),
          ...result.skipped.map((text): FindingsNode => ({ kind: 'skipped', text })),
        ];
      } catch (error) {
        this.data = null;
        const message = messageOf(error);
        const problem = classifyProblem(message);
        await setViewProblem('findings', problem);
        return problem ? [] : [{ kind: 'error', message }];
      }
    }
    if (node.kind !== 'finding') return [];
    const f = node.finding;
    return [
      ...f.evidence.map((text, index): FindingsNode => ({ kind: 'evidence', finding: f, text, index })),
      ...subjects(f).map((subject): FindingsNode => ({ kind: 'subject', finding: f, subject })),
    ];
  }

  getTreeItem(node: FindingsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'error':
        return errorItem('Findings', node.message);
      case 'skipped': {
        const { head, rest } = shortLabel(`Not checked: ${node.text}`, LABEL_CHARS);
        const item = new vscode.TreeItem(head);
        item.description = rest;
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        item.tooltip = `Not checked: ${node.text}`;
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const item = new vscode.TreeItem(headline(f.title), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `finding:${node.rank}:${f.kind}`;
        item.description = f.severity;
        const [icon, colour] = SEVERITY_ICON[f.severity];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(colour));
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${node.rank}. [${f.severity}]** `);
        md.appendText(f.title);
        md.appendMarkdown('\n\n');
        for (const line of f.evidence) {
          md.appendMarkdown('- ');
          md.appendText(line);
          md.appendMarkdown('\n');
        }
        item.tooltip = md;
        item.contextValue = f.subjects.commits?.length ? 'finding.hasCommit' : 'finding';
        return item;
      }
      case 'evidence': {
        const { head, rest } = shortLabel(node.text, LABEL_CHARS);
        const item = new vscode.TreeItem(head);
        item.description = rest;
        item.id = `evidence:${node.finding.title}:${node.index}`;
        item.iconPath = new vscode.ThemeIcon('debug-stackframe-dot');
        item.tooltip = node.text;
        return item;
      }
      case 'subject':
        return subjectItem(node.finding, node.subject);
    }
  }

  dispose(): void {
    this.changes.dispose();
  }
}

function subjects(f: Finding): Subject[] {
  const s = f.subjects;
  const models = s.models ?? [];
  return [
    ...(s.commits ?? []).map((sha): Subject => ({ kind: 'commit', sha })),
    ...models.map((model): Subject => ({ kind: 'model', model })),
    ...(s.dates ?? []).slice(0, MAX_DATES).map((date): Subject => ({ kind: 'date', date, models })),
    ...(s.features ?? []).map((index): Subject => ({ kind: 'feature', index })),
    ...(s.services ?? []).map((service): Subject => ({ kind: 'service', service })),
  ];
}

function subjectItem(f: Finding, s: Subject): vscode.TreeItem {
  const item = new vscode.TreeItem('');
  switch (s.kind) {
    case 'commit':
      item.label = `Commit ${shortSha(s.sha)}`;
      item.description = 'show provenance';
      item.iconPath = new vscode.ThemeIcon('git-commit');
      item.command = { command: Commands.showCommitProvenance, title: 'Show Commit Provenance', arguments: [{ sha: s.sha }] };
      item.contextValue = 'findingCommit';
      break;
    case 'model':
      item.label = `Model ${s.model}`;
      item.description = 'show timeline';
      item.iconPath = new vscode.ThemeIcon('graph-line');
      item.command = { command: Commands.openTimeline, title: 'Show Timeline', arguments: [{ models: [s.model], sha: f.subjects.commits?.[0] }] };
      break;
    case 'date':
      item.label = `Date ${s.date}`;
      item.description = 'show on the timeline';
      item.iconPath = new vscode.ThemeIcon('calendar');
      item.command = { command: Commands.openTimeline, title: 'Show Timeline', arguments: [{ models: s.models.length ? s.models : undefined, date: s.date }] };
      break;
    case 'feature':
      item.label = `Feature ${s.index}`;
      item.description = 'chart its coverage';
      item.iconPath = new vscode.ThemeIcon('symbol-array');
      item.command = { command: Commands.openTimeline, title: 'Show Timeline', arguments: [{ models: f.subjects.models, features: [s.index] }] };
      break;
    case 'service':
      item.label = `Service ${s.service}`;
      item.description = 'verify deployment';
      item.iconPath = new vscode.ThemeIcon('server');
      item.command = { command: Commands.verifyService, title: 'Verify Deployment Before Backfill', arguments: [{ service: s.service }] };
      break;
  }
  item.id = `subject:${f.title}:${s.kind}:${JSON.stringify(s)}`;
  return item;
}
