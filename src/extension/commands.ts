import * as vscode from 'vscode';
import {
  CommitDiffRequest,
  CommitProvenanceRequest,
  Commands,
  RefreshNotification,
  RowSqlRequest,
  StatusReportRequest,
  type CommandId,
  type CommitCommandArgs,
  type ReadinessCommandArgs,
  type TimelineCommandArgs,
  type VerifyCommandArgs,
} from '../shared/protocol';
import { openSqlAsBigQuery, type BigQuerySqlArgs } from './bigQuerySqlCommand';
import { buildComparison } from './buildComparison';
import { createConfig } from './createConfig';
import type { CommandRunner } from './commandRegistration';
import type { CtxInit } from './ctx';
import { openDemoWorkspace, type DemoCommandArgs } from './demoWorkspace';
import { exportHandoffNote, type HandoffNoteArgs } from './handoffNote';
import { investigate } from './investigate';
import { dryRunQuery, runQuery, type QueryCommandArgs } from './queries/runQuery';
import { readinessCommand } from './readiness';
import { verifyCommand } from './verification';
import { selectWarehouseProfile, type SelectProfileArgs } from './warehouseProfile';
import { rowSubject, type ModelsNode } from './views/modelsTree';
import { ReportPanel } from './webviews/reportPanel';
import { TimelinePanel } from './webviews/timelinePanel';

type Factory = (ctx: CtxInit) => (...args: never[]) => unknown;

/**
 * Every command of the extension, in one table (rust-analyzer's layout): the id, declared
 * once in the shared protocol and in package.json, and the factory building its handler
 * from the started extension. Commands run from a tree's context menu get the tree's node
 * as their argument; `commitOf` and `timelineArgs` read what they need from either form.
 */
export const COMMANDS: Record<CommandId, Factory> = {
  [Commands.showCommitProvenance]: (ctx) => async (arg?: unknown) => {
    const target = commitOf(arg) ?? shaUnderCursor() ?? (await askForSha());
    if (!target) return undefined;
    const result = await ctx.client.sendRequest(CommitProvenanceRequest.type, target);
    await ReportPanel.show(ctx, { title: `Commit ${target.sha.slice(0, 8)}`, markdown: result.markdown });
    return result;
  },

  [Commands.showDiff]: (ctx) => async (arg?: unknown) => {
    const target = commitOf(arg) ?? shaUnderCursor() ?? (await askForSha());
    if (!target) return;
    const diff = await ctx.client.sendRequest(CommitDiffRequest.type, target);
    await ctx.documents.show(`diff/${diff.title}`, diff.text, 'diff');
  },

  [Commands.copySha]: () => async (arg?: unknown) => {
    const sha = commitOf(arg)?.sha;
    if (!sha) return;
    await vscode.env.clipboard.writeText(sha);
    void vscode.window.setStatusBarMessage(`Copied ${sha}`, 3000);
  },

  [Commands.openTimeline]: (ctx) => async (arg?: unknown) => TimelinePanel.show(ctx, timelineArgs(arg)),

  [Commands.verifyService]: (ctx) => async (arg?: unknown) => verifyCommand(ctx, verifyArgs(arg)),

  [Commands.checkReadiness]: (ctx) => async (arg?: ReadinessCommandArgs) => readinessCommand(ctx, arg && typeof arg === 'object' ? arg : undefined),

  [Commands.investigate]: (ctx) => async () => investigate(ctx),

  [Commands.runQuery]: (ctx) => async (args?: QueryCommandArgs) => runQuery(ctx, args),

  [Commands.dryRunQuery]: (ctx) => async (args?: QueryCommandArgs) => dryRunQuery(ctx, args),

  [Commands.openDemoWorkspace]: (ctx) => async (args?: DemoCommandArgs) => openDemoWorkspace(ctx, args),

  [Commands.createConfig]: () => async (args?: { template?: 'bigquery' | 'embedded'; folder?: string }) => createConfig(args),

  [Commands.openRowSql]: (ctx) => async (node?: ModelsNode) => {
    const subject = rowSubject(node);
    if (!subject.model) return;
    const window = (await ctx.views.models.result()).window;
    const { sql } = await ctx.client.sendRequest(RowSqlRequest.type, { model: subject.model, commit: subject.commit, date: subject.date, window });
    // Untitled, so it can be edited and run (Run Query) without touching the workspace.
    const document = await vscode.workspace.openTextDocument({ language: 'bqsql', content: sql });
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  },

  [Commands.compareWithPreviousBuild]: (ctx) => async (node?: ModelsNode) => {
    if (node?.kind !== 'build') return;
    if (!node.previous) {
      void vscode.window.showInformationMessage(`${node.model.model} has no build before ${node.build.commit.slice(0, 8)} in the window.`);
      return;
    }
    const markdown = buildComparison(node.model.model, node.previous, node.build, node.thresholds);
    await ReportPanel.show(ctx, { title: `${node.model.model} ${node.previous.commit.slice(0, 8)} → ${node.build.commit.slice(0, 8)}`, markdown });
    return markdown;
  },

  [Commands.refresh]: (ctx) => async () => {
    await ctx.client.sendNotification(RefreshNotification.type);
    ctx.views.refresh();
  },

  [Commands.showStatus]: (ctx) => async () => {
    const report = await ctx.client.sendRequest(StatusReportRequest.type);
    await ReportPanel.show(ctx, { title: 'Pipeline Lens Status', markdown: report.markdown });
    return report.status;
  },

  [Commands.showOutput]: (ctx) => () => ctx.output.show(),

  [Commands.exportHandoffNote]: (ctx) => async (args?: HandoffNoteArgs) => exportHandoffNote(ctx, args),

  [Commands.openSqlAsBigQuery]: () => async (args?: BigQuerySqlArgs) => openSqlAsBigQuery(args && typeof args === 'object' ? args : undefined),

  [Commands.selectWarehouseProfile]: (ctx) => async (args?: SelectProfileArgs) => selectWarehouseProfile(ctx, args && typeof args === 'object' ? args : undefined),
};

/** Runs the table's commands against a started extension; a failure is logged and shown, not thrown. */
export function commandRunner(ctx: CtxInit): CommandRunner {
  const handlers = new Map(Object.entries(COMMANDS).map(([id, factory]) => [id, factory(ctx) as (...args: unknown[]) => unknown]));
  return async (id, args) => {
    const handler = handlers.get(id);
    if (!handler) return undefined;
    try {
      return await handler(...args);
    } catch (error) {
      ctx.output.error(`${id} failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Pipeline Lens: ${(error as Error).message}`);
      return undefined;
    }
  };
}

/** The commit an argument names: CommitCommandArgs, or a node of one of the trees. */
function commitOf(arg: unknown): CommitCommandArgs | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as Record<string, unknown> & { kind?: string };
  if (typeof a.sha === 'string') return { sha: a.sha, scope: typeof a.scope === 'string' ? a.scope : undefined };
  const node = arg as {
    kind?: string;
    build?: { commit: string };
    commit?: { sha: string };
    revision?: { commit: string | null };
    finding?: { subjects: { commits?: string[] } };
    subject?: { sha?: string };
  };
  const sha =
    node.kind === 'build' || node.kind === 'date'
      ? node.build?.commit
      : node.kind === 'missing'
        ? node.commit?.sha
        : node.kind === 'revision'
          ? (node.revision?.commit ?? undefined)
          : node.kind === 'finding'
            ? node.finding?.subjects.commits?.[0]
            : node.kind === 'subject'
              ? node.subject?.sha
              : undefined;
  return sha ? { sha } : undefined;
}

function timelineArgs(arg: unknown): TimelineCommandArgs {
  if (!arg || typeof arg !== 'object') return {};
  const kind = (arg as { kind?: string }).kind;
  if (kind === 'model' || kind === 'build' || kind === 'date') {
    const s = rowSubject(arg as ModelsNode);
    return { models: s.model ? [s.model] : undefined, sha: s.commit, date: s.date };
  }
  if (kind === 'finding') {
    const f = (arg as { finding: { subjects: { models?: string[]; commits?: string[]; dates?: string[]; features?: number[] } } }).finding.subjects;
    return { models: f.models, sha: f.commits?.[0], date: f.dates?.[0], features: f.features };
  }
  return arg;
}

function verifyArgs(arg: unknown): VerifyCommandArgs | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const node = arg as { kind?: string; service?: { service: string } | string };
  if (node.kind === 'service' && typeof node.service === 'object') return { service: node.service.service };
  return arg;
}

/** A SHA-like word under the cursor of the active editor (7 to 40 hex digits). */
function shaUnderCursor(): CommitCommandArgs | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, /\b[0-9a-fA-F]{7,40}\b/);
  if (!range) return undefined;
  const word = editor.document.getText(range);
  // All digits is a number (a date, a count), not a commit.
  if (/^\d+$/.test(word)) return undefined;
  return { sha: word.toLowerCase(), scope: editor.document.uri.toString() };
}

async function askForSha(): Promise<CommitCommandArgs | undefined> {
  const sha = await vscode.window.showInputBox({
    prompt: 'Commit SHA (full or abbreviated)',
    validateInput: (v) => (/^[0-9a-f]{4,64}$/i.test(v.trim()) ? null : 'Give 4 to 40 hexadecimal characters.'),
  });
  return sha ? { sha: sha.trim(), scope: vscode.window.activeTextEditor?.document.uri.toString() } : undefined;
}
