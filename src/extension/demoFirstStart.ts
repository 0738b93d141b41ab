import * as vscode from 'vscode';

/** Written at the root of every generated demo workspace (demo/generateDemo.ts). */
const DEMO_MARKER = '.pipeline-lens-demo';
const SHOWN = 'pipelineLens.demoFirstStartShown';

/**
 * The first time a generated demo workspace opens, show where the story starts: the
 * Pipeline Lens view and the file the demo's marker names (its handoff note, whose SHAs get
 * lenses). Once per workspace, and not when the user asked for nothing at startup
 * (`workbench.startupEditor: none`). Costs a setting, a memento and one small file read.
 */
export async function showDemoOnFirstStart(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Promise<void> {
  try {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || context.workspaceState.get<boolean>(SHOWN)) return;
    if (vscode.workspace.getConfiguration('workbench', folder.uri).get<string>('startupEditor') === 'none') return;
    const file = await firstStartFile(folder.uri);
    if (!file) return;
    await context.workspaceState.update(SHOWN, true);
    await vscode.commands.executeCommand('workbench.view.extension.pipelineLens');
    // Last, so that the note has the focus and the view stays beside it.
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, ...file.split('/')), { preview: false });
  } catch (error) {
    // Called without waiting (activation must stay cheap): a failure is said, never thrown.
    output.warn(`The demo workspace's first start did not open its note: ${(error as Error).message}`);
  }
}

/** The workspace-relative file the demo marker names; undefined in any other folder. */
async function firstStartFile(root: vscode.Uri): Promise<string | undefined> {
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, DEMO_MARKER)));
  } catch {
    return undefined;
  }
  try {
    const file = (JSON.parse(text) as { openOnFirstStart?: unknown }).openOnFirstStart;
    // Inside the workspace only: the marker is a file anyone could have written.
    return typeof file === 'string' && /^[\w.-]+(\/[\w.-]+)*$/.test(file) && !file.split('/').includes('..') ? file : undefined;
  } catch {
    return undefined;
  }
}
