import { CloseAction, ErrorAction, type CloseHandlerResult, type ErrorHandler, type ErrorHandlerResult } from 'vscode-languageclient/node';

/** As vscode-languageclient's own handler: a server that keeps dying is left stopped. */
const MAX_RESTARTS = 4;
const WINDOW_MS = 3 * 60_000;

/**
 * What happens when the language server process dies (killed by the OOM killer, a crash in
 * a native module): the client restarts it, and the output says so once per death, in
 * words a user can act on. After four deaths within three minutes it stays stopped and an
 * error notification says how to get it back.
 */
export class ServerRestarts implements ErrorHandler {
  private readonly deaths: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Like the library's: a few read or write errors are let through before the connection is given up. */
  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const now = this.now();
    this.deaths.push(now);
    while (this.deaths.length && now - this.deaths[0] > WINDOW_MS) this.deaths.shift();
    if (this.deaths.length > MAX_RESTARTS) {
      return {
        action: CloseAction.DoNotRestart,
        message: `The Pipeline Lens language server stopped ${this.deaths.length} times within 3 minutes and is not restarted again: lenses, hovers and views are off. The lines above in the Pipeline Lens output say why it stopped; run "Developer: Reload Window" to start it again.`,
      };
    }
    // `handled` keeps the library from adding its own notice: this one is the only line the output gets.
    return {
      action: CloseAction.Restart,
      handled: true,
      message: `The Pipeline Lens language server stopped unexpectedly; restarting it (restart ${this.deaths.length} of ${MAX_RESTARTS} allowed within 3 minutes). Lenses and hovers come back once it has reloaded the workspace.`,
    };
  }
}
