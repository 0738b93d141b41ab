import * as vscode from 'vscode';
import { Commands, type CommandId } from '../shared/commandIds';
import type { Ctx } from './ctx';

/** Runs a command against the started extension (its language client, views and panels). */
export type CommandRunner = (id: CommandId, args: unknown[]) => Promise<unknown>;

/**
 * Every command is registered while the extension activates, so a command that activated
 * it finds its handler at once; the handler waits for the language client's bundle to load
 * and start, which happens after activation, then runs.
 */
export function registerCommands(runner: () => Promise<CommandRunner>): vscode.Disposable[] {
  return Object.values(Commands).map((id) => vscode.commands.registerCommand(id, async (...args: unknown[]) => (await runner())(id, args)));
}

/**
 * In Restricted Mode nothing runs (no server, no git, no warehouse); every command says why
 * instead of failing silently.
 */
export function registerRestrictedCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.values(Commands).map((id) =>
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
