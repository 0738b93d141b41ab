import type { RemoteConsole } from 'vscode-languageserver/node';

/**
 * Server logging goes through the LSP connection (the client shows it in its output
 * channel); stdout is the protocol stream when the server runs over stdio, so nothing may
 * write there directly.
 */
export class ServerLogger {
  private readonly reported = new Set<string>();

  constructor(private readonly console: RemoteConsole) {}

  info(message: string): void {
    this.console.info(message);
  }

  warn(message: string): void {
    this.console.warn(message);
  }

  error(message: string): void {
    this.console.error(message);
  }

  /** Logs a problem the first time it is seen: a broken warehouse would otherwise fill the log on every hover. */
  warnOnce(message: string): void {
    if (this.reported.has(message)) return;
    if (this.reported.size > 500) this.reported.clear();
    this.reported.add(message);
    this.console.warn(message);
  }
}
