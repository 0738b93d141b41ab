import * as path from 'node:path';
import * as vscode from 'vscode';
import { HandoffNoteRequest } from '../shared/protocol';
import { confirmedWrite } from './confirmedWrite';
import type { CtxInit } from './ctx';

export interface HandoffNoteArgs {
  /** The note's path relative to the workspace root; without it the user is asked (with a suggestion). */
  path?: string;
}

/**
 * The investigation as a markdown note in the workspace (`docs/handoffs/<date>-….md`): the
 * SHAs, the figures with n and intervals, what was not checked and the open items, the very
 * document the lenses then annotate; the report's hit-rate chart beside it (`….svg`, linked,
 * its figures in a table under it). A write, so the user confirms the path, and an existing
 * note or chart is replaced only when they say so. The server renders both files; the
 * editor asks for them only once the paths are free or the person said to replace them.
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
      prompt: `Where to write the note, relative to ${result.workspaceRoot} (its hit-rate chart goes beside it, as .svg)`,
      value: suggested,
      validateInput: (value) => notePathProblem(value),
    }));
  if (relative === undefined) return undefined;
  const problem = notePathProblem(relative);
  if (problem) throw new Error(`${relative}: ${problem}`);
  const notePath = relative.trim();
  const chartPath = `${notePath.slice(0, -'.md'.length)}.svg`;
  let svg: string | undefined;
  const written = await confirmedWrite({
    target: vscode.Uri.joinPath(root, notePath),
    existing: {
      confirmReplace: (present) =>
        `${present.map((uri) => vscode.workspace.asRelativePath(uri, false)).join(' and ')} already exist${present.length === 1 ? 's' : ''}. Replace ${present.length === 1 ? 'it' : 'them'} with this investigation?`,
    },
    text: async () => {
      const note = await ctx.client.sendRequest(HandoffNoteRequest.type, { findings: result, chartFile: path.basename(chartPath) });
      svg = note.svg ?? undefined;
      return note.markdown;
    },
    beside: [{ target: vscode.Uri.joinPath(root, chartPath), content: () => svg }],
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
