import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'pipeline-lens.pipeline-lens';

/** The demo's handoff note: its fix SHA `38ab3820` was deployed 15 h 53 min after the commit. */
export const HANDOFF_NOTE = 'docs/handoffs/2026-02-02-prediction-regression.md';
export const FIX_SHA = '38ab3820';

export function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not loaded in this extension host`);
  return found;
}

/** The demo workspace the runner opened (`pipeline-lens demo --dir ...`). */
export function demoFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open: the runner opens the demo workspace');
  return folder.uri;
}

/**
 * Polls `probe` until it returns a value other than undefined, and returns it. Lenses and
 * hovers fill in as the server loads git, deployments and the warehouse, so their first
 * answer may still say "loading".
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The text of a hover's contents, whatever form each part has. */
export function hoverText(hover: vscode.Hover): string {
  return hover.contents.map((part) => (typeof part === 'string' ? part : 'value' in part ? part.value : '')).join('\n');
}
