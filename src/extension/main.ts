import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands, registerRestrictedCommands } from './commands';
import type { Ctx } from './ctx';
import { VirtualDocuments } from './virtualDocuments';

let client: LanguageClient | null = null;

/**
 * Activation stays cheap: a client and a few commands. The engine (git, DuckDB, BigQuery)
 * lives in the server process, started here only in a trusted workspace.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Pipeline Lens', { log: true });
  context.subscriptions.push(output);
  const ctx: Ctx = { extension: context, output };

  if (!vscode.workspace.isTrusted) {
    output.info('Restricted Mode: the language server is not started; nothing is run until the workspace is trusted.');
    const restricted = registerRestrictedCommands(ctx);
    context.subscriptions.push(
      ...restricted,
      vscode.workspace.onDidGrantWorkspaceTrust(async () => {
        for (const d of restricted) d.dispose();
        await start(ctx);
      }),
    );
    return;
  }
  await start(ctx);
}

async function start(ctx: Ctx): Promise<void> {
  // Required here rather than imported at the top: in Restricted Mode the client library is
  // never loaded at all.
  const { createClient } = require('./client') as typeof import('./client');
  const documents = new VirtualDocuments();
  const started = createClient(ctx.extension, ctx.output);
  client = started;
  ctx.extension.subscriptions.push(documents.register(), ...registerCommands({ ...ctx, client: started, documents }));
  try {
    await started.start();
  } catch (error) {
    ctx.output.error(`The Pipeline Lens server did not start: ${(error as Error).message}`);
    void vscode.window.showErrorMessage('Pipeline Lens: the language server did not start; see the Pipeline Lens output.');
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = null;
}
