import * as vscode from 'vscode';
import type { VerifyResult } from '../core/verify/verifyDeployment';
import {
  CommitDiffRequest,
  CommitProvenanceRequest,
  Commands,
  RefreshNotification,
  StatusRequest,
  TimelineRequest,
  VerifyRequest,
  type CommandId,
  type CommitCommandArgs,
  type TimelineCommandArgs,
  type TimelineResult,
  type VerifyCommandArgs,
} from '../shared/protocol';
import type { Ctx, CtxInit } from './ctx';

type Factory = (ctx: CtxInit) => (...args: never[]) => unknown;

/**
 * Every command of the extension, in one table (rust-analyzer's layout): the id, declared
 * once in the shared protocol and in package.json, and the factory building its handler
 * from the started extension.
 */
export const COMMANDS: Record<CommandId, Factory> = {
  [Commands.showCommitProvenance]: (ctx) => async (args?: CommitCommandArgs) => {
    const target = args ?? (await askForSha());
    if (!target) return;
    const result = await ctx.client.sendRequest(CommitProvenanceRequest.type, target);
    await ctx.documents.show(`commit/${target.sha.slice(0, 12)}.md`, result.markdown, 'markdown');
  },

  [Commands.showDiff]: (ctx) => async (args?: CommitCommandArgs) => {
    const target = args ?? (await askForSha());
    if (!target) return;
    const diff = await ctx.client.sendRequest(CommitDiffRequest.type, target);
    await ctx.documents.show(`diff/${diff.title}`, diff.text, 'diff');
  },

  [Commands.copySha]: () => async (args?: CommitCommandArgs) => {
    if (!args?.sha) return;
    await vscode.env.clipboard.writeText(args.sha);
    void vscode.window.setStatusBarMessage(`Copied ${args.sha}`, 3000);
  },

  [Commands.openTimeline]: (ctx) => async (args?: TimelineCommandArgs) => {
    const timeline = await ctx.client.sendRequest(TimelineRequest.type, { scope: args?.scope, models: args?.models });
    await ctx.documents.show('timeline.md', timelineMarkdown(timeline, args?.sha), 'markdown');
  },

  [Commands.verifyService]: (ctx) => async (args?: VerifyCommandArgs) => {
    let service = args?.service;
    if (!service) {
      const status = await ctx.client.sendRequest(StatusRequest.type);
      const services = [...new Set(status.workspaces.flatMap((w) => w.services))];
      service = services.length === 1 ? services[0] : await vscode.window.showQuickPick(services, { placeHolder: 'Service to verify against HEAD' });
    }
    if (!service) return;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying ${service}…`, cancellable: true },
      (_progress, token) => ctx.client.sendRequest(VerifyRequest.type, { scope: args?.scope, service: service! }, token),
    );
    await showVerification(ctx, result);
  },

  [Commands.refresh]: (ctx) => async () => {
    await ctx.client.sendNotification(RefreshNotification.type);
  },

  [Commands.showStatus]: (ctx) => async () => {
    const status = await ctx.client.sendRequest(StatusRequest.type);
    await ctx.documents.show('status.json', JSON.stringify(status, null, 2), 'json');
  },

  [Commands.showOutput]: (ctx) => () => ctx.output.show(),
};

/** Registers the table against a started extension. */
export function registerCommands(ctx: CtxInit): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => {
    const handler = factory(ctx) as (...args: unknown[]) => unknown;
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        ctx.output.error(`${id} failed: ${(error as Error).message}`);
        void vscode.window.showErrorMessage(`Pipeline Lens: ${(error as Error).message}`);
      }
    });
  });
}

/**
 * In Restricted Mode nothing runs (no server, no git, no warehouse); every command says why
 * instead of failing silently.
 */
export function registerRestrictedCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.keys(COMMANDS).map((id) =>
    vscode.commands.registerCommand(id, async () => {
      if (id === Commands.showOutput) return ctx.output.show();
      const choice = await vscode.window.showWarningMessage(
        'Pipeline Lens is off in Restricted Mode: it runs git and queries the warehouse that pipeline-lens.json names. Trust this workspace to turn it on.',
        'Manage Workspace Trust',
      );
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    }),
  );
}

async function askForSha(): Promise<CommitCommandArgs | undefined> {
  const sha = await vscode.window.showInputBox({
    prompt: 'Commit SHA (full or abbreviated)',
    validateInput: (v) => (/^[0-9a-f]{4,64}$/i.test(v.trim()) ? null : 'Give 4 to 40 hexadecimal characters.'),
  });
  return sha ? { sha: sha.trim(), scope: vscode.window.activeTextEditor?.document.uri.toString() } : undefined;
}

async function showVerification(ctx: CtxInit, result: VerifyResult): Promise<void> {
  const lines = [`# Verify ${result.service}: ${result.verdict.toUpperCase()}`, '', result.reason, ''];
  if (result.hint) lines.push(`**Next:** ${result.hint}`, '');
  if (result.deployed) lines.push(`Deployed: ${result.deployed.revision} (${result.deployed.sha ?? result.deployed.commit ?? 'commit unknown'}) since ${result.deployed.createdAt}`, '');
  if (result.missing.length) {
    lines.push('| missing commit | subject | author | committed |', '|---|---|---|---|');
    for (const m of result.missing) lines.push(`| ${m.sha.slice(0, 8)} | ${m.subject.replace(/\|/g, '\\|')} | ${m.author} | ${m.committedAt} |`);
    lines.push('');
  }
  for (const w of result.warnings) lines.push(`> ⚠ ${w}`, '');
  const message = `${result.service}: ${result.verdict} — ${result.reason}`;
  const show = result.verdict === 'ok' ? vscode.window.showInformationMessage : result.verdict === 'stale' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const choice = await show(message, 'Show details');
  if (choice) await ctx.documents.show(`verify/${result.service}.md`, lines.join('\n'), 'markdown');
}

/** Until the timeline webview lands, the same data as a table. */
function timelineMarkdown(t: TimelineResult, sha?: string): string {
  const pct = (p: { rate: number | null; low: number; high: number; n: number }) =>
    p.rate === null ? 'n/a (n=0)' : `${(p.rate * 100).toFixed(1)}% [${(p.low * 100).toFixed(1)}, ${(p.high * 100).toFixed(1)}] n=${p.n}`;
  const lines = [`# Timeline ${t.window.from} → ${t.window.to}`, ''];
  if (sha) lines.push(`Marked commit: \`${sha.slice(0, 8)}\``, '');
  lines.push('## Deployments', '', '| when | service | revision | commit |', '|---|---|---|---|');
  for (const d of t.deployments) lines.push(`| ${d.createdAt.slice(0, 16).replace('T', ' ')} | ${d.service} | ${d.revision} | ${d.commit?.slice(0, 8) ?? '?'}${sha && d.commit === sha ? ' ◀' : ''} |`);
  lines.push('', '## Runs', '', '| when | mode | build | game dates | rows |', '|---|---|---|---|---|');
  for (const r of t.runs) lines.push(`| ${r.startedAt.slice(0, 16).replace('T', ' ')} | ${r.mode ?? ''} | ${r.commit?.slice(0, 8) ?? '?'} | ${r.firstDate}..${r.lastDate} | ${r.rowsProduced ?? ''} |`);
  for (const s of t.series) {
    lines.push('', `## ${s.model}`, '', '| game date | hit rate | predictions | MAE |', '|---|---|---|---|');
    for (const d of s.days) lines.push(`| ${d.date} | ${pct(d.metrics.hitRate)} | ${d.metrics.predictions} | ${d.metrics.mae?.toFixed(2) ?? 'n/a'} |`);
  }
  if (t.skipped.length) lines.push('', ...t.skipped.map((s) => `> ${s}`));
  return lines.join('\n');
}
