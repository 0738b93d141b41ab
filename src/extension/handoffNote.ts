import * as path from 'node:path';
import * as vscode from 'vscode';
import { investigationMarkdown } from '../core/report/investigationMarkdown';
import { confirmedWrite } from './confirmedWrite';
import type { CtxInit } from './ctx';

export interface HandoffNoteArgs {
  /** The note's path relative to the workspace root; without it the user is asked (with a suggestion). */
  path?: string;
}

/**
 * The investigation as a markdown note in the workspace (`docs/handoffs/<date>-….md`): the
 * SHAs, the figures with n and intervals, what was not checked and the open items, the very
 * document the lenses then annotate. A write, so the user confirms the path, and an existing
 * file is replaced only when they say so.
 */
export async function exportHandoffNote(ctx: CtxInit, args: HandoffNoteArgs = {}): Promise<vscode.Uri | undefined> {
  const result = await ctx.views.findings.result();
  const root = vscode.Uri.file(result.workspaceRoot);
  const today = new Date().toISOString().slice(0, 10);
  const suggested = `docs/handoffs/${today}-investigation-${result.window.from}-to-${result.window.to}.md`;
  const relative =
    args.path ??
    (await vscode.window.showInputBox({
      title: 'Export the investigation as a handoff note',
      prompt: `Where to write the note, relative to ${result.workspaceRoot}`,
      value: suggested,
      validateInput: (value) => notePathProblem(value),
    }));
  if (relative === undefined) return undefined;
  const problem = notePathProblem(relative);
  if (problem) throw new Error(`${relative}: ${problem}`);
  const written = await confirmedWrite({
    target: vscode.Uri.joinPath(root, relative.trim()),
    existing: { confirmReplace: `${relative.trim()} already exists. Replace it with this investigation?` },
    text: () => investigationMarkdown(result, { source: result.source, generatedAt: new Date().toISOString() }),
    show: { preview: false },
  });
  if (written) ctx.output.info(`Wrote the handoff note ${written.uri.fsPath}.`);
  return written?.uri;
}

/** Why a path cannot hold the note, or null: a markdown file inside the workspace. */
function notePathProblem(value: string): string | null {
  const p = value.trim();
  if (!p) return 'give a path, e.g. docs/handoffs/2026-02-02-regression.md';
  if (path.isAbsolute(p) || path.normalize(p).split(/[\\/]/).includes('..')) return 'give a path inside the workspace (relative, without ..)';
  if (!p.endsWith('.md')) return 'a handoff note is markdown: end the name with .md';
  return null;
}
