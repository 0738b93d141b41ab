import { join } from 'node:path';
import * as vscode from 'vscode';
import { setActivationState } from './activationState';
import type { PipelineLensApi, StartedApi } from './api';
import { registerCommands, registerRestrictedCommands, type CommandRunner } from './commandRegistration';
import type { Ctx } from './ctx';
import type { StartedExtension } from './startExtension';

let running: Promise<StartedExtension> | null = null;

/**
 * Activation stays cheap: an output channel and the commands, nothing else. The language
 * client, the views and the server process are a second bundle, loaded and started once
 * activate has returned (VS Code waits for activation before it shows anything of ours),
 * and only in a trusted workspace; in Restricted Mode the views show why nothing runs
 * (viewsWelcome on isWorkspaceTrusted) and every command says so.
 */
export async function activate(context: vscode.ExtensionContext): Promise<PipelineLensApi> {
  const output = vscode.window.createOutputChannel('Pipeline Lens', { log: true });
  context.subscriptions.push(output);
  const ctx: Ctx = { extension: context, output };
  let resolveStarted!: (api: StartedApi) => void;
  const started = new Promise<StartedApi>((resolve) => (resolveStarted = resolve));
  const start = (): Promise<StartedExtension> => {
    if (!running) {
      running = loadStartExtension().then((bundle) => bundle.startExtension(ctx));
      running.then(
        (extension) => resolveStarted(extension.api),
        (error: unknown) => output.error(`Pipeline Lens did not start: ${(error as Error).message}`),
      );
    }
    return running;
  };
  const runner = async (): Promise<CommandRunner> => (await start()).run;

  if (!vscode.workspace.isTrusted) {
    output.info('Restricted Mode: the language server is not started; nothing is run until the workspace is trusted.');
    await setActivationState('restricted');
    const restricted = registerRestrictedCommands(ctx);
    const api = { restricted: true, started };
    context.subscriptions.push(
      ...restricted,
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const d of restricted) d.dispose();
        api.restricted = false;
        context.subscriptions.push(...registerCommands(runner));
        void start().catch(() => undefined);
      }),
    );
    return api;
  }
  context.subscriptions.push(...registerCommands(runner));
  setImmediate(() => void start().catch(() => undefined));
  return { restricted: false, started };
}

/**
 * The second bundle, dist/startExtension.js. Required through a path the bundler cannot
 * follow, so that it stays a file of its own instead of being inlined into this one.
 */
function loadStartExtension(): Promise<typeof import('./startExtension')> {
  return new Promise((resolve, reject) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path the bundler cannot follow keeps the second bundle separate
      resolve(require(join(__dirname, 'startExtension.js')) as typeof import('./startExtension'));
    } catch (error) {
      reject(error instanceof Error ? new Error(`the language client bundle (dist/startExtension.js) did not load: ${error.message}; run npm run build.`) : error);
    }
  });
}

export async function deactivate(): Promise<void> {
  const extension = await running?.catch(() => null);
  running = null;
  await extension?.stop();
}
