import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { SERVER_ENV, SERVER_EXEC_ARGV } from '../../src/shared/serverProcess';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface LensAnswer {
  range: { start: { line: number; character: number } };
  data?: unknown;
  command?: { title: string };
}

/**
 * The real language server (dist/server.js over stdio) driven as VS Code drives it: the
 * same initialize capabilities, lens refresh support, configuration requests answered with
 * the defaults (no settings).
 */
export class LspSession {
  private stderrTail = '';
  private refreshWaiters: Array<() => void> = [];

  private constructor(
    readonly connection: MessageConnection,
    readonly child: ChildProcess,
  ) {}

  static start(server: string, cwd: string): LspSession {
    // With the Node options and environment the extension starts it with: they bound its memory.
    const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, server, '--stdio'], { cwd, env: { ...process.env, ...SERVER_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const session = new LspSession(connection, child);
    child.stderr.on('data', (chunk: Buffer) => {
      session.stderrTail = (session.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    connection.onRequest((method, params) => {
      if (method === 'workspace/configuration') return ((params as { items?: unknown[] } | undefined)?.items ?? []).map(() => null);
      if (method === 'workspace/codeLens/refresh') for (const wake of session.refreshWaiters.splice(0)) wake();
      return null;
    });
    connection.onNotification(() => undefined);
    connection.listen();
    return session;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  /** `storagePath`: the folder VS Code gives the extension for this workspace (where the server keeps its commit graph). */
  async initialize(folder: string, storagePath?: string): Promise<void> {
    const rootUri = pathToFileURL(folder).toString();
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      ...(storagePath ? { initializationOptions: { storagePath } } : {}),
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, codeLens: {} },
        workspace: { configuration: true, workspaceFolders: true, codeLens: { refreshSupport: true } },
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  async open(file: string, text: string): Promise<string> {
    const uri = pathToFileURL(file).toString();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    return uri;
  }

  async codeLenses(uri: string): Promise<LensAnswer[]> {
    return (await this.connection.sendRequest<LensAnswer[] | null>('textDocument/codeLens', { textDocument: { uri } })) ?? [];
  }

  resolve(lens: LensAnswer): Promise<LensAnswer> {
    return this.connection.sendRequest<LensAnswer>('codeLens/resolve', lens);
  }

  hover(uri: string, position: { line: number; character: number }): Promise<unknown> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  /** The first workspace's startup steps as the server's status gives them: when each ended (epoch ms) and, for work, how long it took. */
  async startupSteps(): Promise<Array<{ step: string; at: number; ms?: number }>> {
    const status = await this.connection.sendRequest<{ workspaces: Array<{ startup?: Array<{ step: string; at: number; ms?: number }> }> }>('pipelineLens/status');
    return status.workspaces[0]?.startup ?? [];
  }

  /** Resolves at the server's next lens refresh request, or after `ms`. */
  refreshOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.refreshWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resident set size of the server process (Linux /proc). */
  async rssMB(): Promise<number> {
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!match) throw new Error('VmRSS not found in /proc/<pid>/status');
    return Number(match[1]) / 1024;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // Already gone.
    }
    this.connection.dispose();
    if (this.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 500));
      if (this.child.exitCode === null) this.child.kill();
    }
  }
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight. */
export async function inBatches(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}
