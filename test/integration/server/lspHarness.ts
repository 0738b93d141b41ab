import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  CompletionRequest,
  ConfigurationRequest,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidChangeConfigurationNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type MarkupContent,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { StatusRequest, type ServerStatus } from '../../../src/shared/protocol';
import { SERVER_ENV, SERVER_EXEC_ARGV } from '../../../src/shared/serverProcess';

const REPO = resolve(__dirname, '../../..');

export interface ServerOptions {
  /** Folders opened as workspace folders. */
  folders: string[];
  /** Sent at initialize, and the answer to every configuration pull unless `configuration` is given. */
  settings?: Record<string, unknown>;
  /** Answers to configuration pulls by section (`pipelineLens`, `git.path`); a section not named gets null. Mutable: change it, then `configurationChanged()`. */
  configuration?: Record<string, unknown>;
  env?: Record<string, string>;
  /** false: the server gets only `env` (and NODE_ENV), none of this process's environment. */
  inheritEnv?: boolean;
  /** `tsx` runs src/server/main.ts; `dist` runs the bundle npm run build makes. */
  entry?: 'tsx' | 'dist';
  /** Warehouse profiles the editor chose earlier, by workspace root (initializationOptions.profiles). */
  profiles?: Record<string, string>;
  /** The folder VS Code gives the extension for the workspace (initializationOptions.storagePath): the server keeps its commit graph there. */
  storagePath?: string;
  /** Sent after the initialize response and before `initialized`, as a command that activated the extension may be. */
  earlyRequest?: { method: string; params: unknown };
}

/**
 * A real LSP client over stdio, talking to a real server process: the same messages VS
 * Code sends, with nothing of the server mocked.
 */
export class LspHarness {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  lensRefreshes = 0;
  /** Lens resolve requests sent by `lensTitles`: what VS Code would send. */
  lensResolves = 0;
  /** The answer to `earlyRequest`, when one was sent. */
  earlyResponse: Promise<unknown> | null = null;
  private versions = new Map<string, number>();
  private diagnosticWaiters: Array<() => void> = [];

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly child: ChildProcess,
  ) {}

  static async start(options: ServerOptions): Promise<LspHarness> {
    const args = options.entry === 'dist' ? [join(REPO, 'dist/server.js'), '--stdio'] : ['--import', 'tsx', join(REPO, 'src/server/main.ts'), '--stdio'];
    // With the Node options and allocator settings the extension starts it with.
    const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, ...args], {
      cwd: REPO,
      env: { ...(options.inheritEnv === false ? {} : process.env), ...SERVER_ENV, NODE_ENV: 'test', ...(options.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (code) process.stderr.write(`server exited ${code}: ${stderr}\n`);
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const harness = new LspHarness(connection, child);
    connection.onNotification(LogMessageNotification.type, (p) => {
      harness.logs.push(p.message);
    });
    connection.onNotification(ShowMessageNotification.type, (p) => {
      harness.logs.push(`[shown] ${p.message}`);
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      harness.diagnostics.set(p.uri, p.diagnostics);
      for (const w of harness.diagnosticWaiters.splice(0)) w();
    });
    connection.onRequest(ShowMessageRequest.type, (p) => {
      harness.logs.push(`[shown] ${p.message}`);
      return null;
    });
    connection.onRequest(CodeLensRefreshRequest.type, () => {
      harness.lensRefreshes++;
    });
    connection.onRequest(ConfigurationRequest.type, (p) =>
      p.items.map((item) => (options.configuration ? (options.configuration[item.section ?? ''] ?? null) : (options.settings ?? {}))),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onNotification('pipelineLens/didChangeStatus', () => undefined);
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: options.folders.map((f) => ({ uri: pathToFileURL(f).href, name: f })),
      capabilities: {
        workspace: { codeLens: { refreshSupport: true }, configuration: true, workspaceFolders: true },
        textDocument: { hover: { contentFormat: ['markdown'] }, codeLens: {} },
      },
      initializationOptions: {
        settings: options.settings ?? {},
        ...(options.profiles ? { profiles: options.profiles } : {}),
        ...(options.storagePath ? { storagePath: options.storagePath } : {}),
      },
    });
    if (options.earlyRequest) {
      harness.earlyResponse = connection.sendRequest(options.earlyRequest.method, options.earlyRequest.params);
      harness.earlyResponse.catch(() => undefined);
    }
    await connection.sendNotification(InitializedNotification.type, {});
    return harness;
  }

  /** Tells the server its settings changed (it pulls them again). */
  configurationChanged(): Promise<void> {
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** Waits until every workspace has tried to load what lenses need (commit graph, deployments, runs): ready or failed. */
  async loaded(timeoutMs = 30_000): Promise<ServerStatus> {
    const until = Date.now() + timeoutMs;
    const settled = (state: string) => state === 'ready' || state === 'failed';
    for (;;) {
      const status = await this.status();
      if (status.workspaces.length && status.workspaces.every((w) => w.problem || (settled(w.commitGraph) && settled(w.deployments) && settled(w.runs)))) return status;
      if (Date.now() > until) throw new Error(`server did not finish loading: ${JSON.stringify(status)}`);
      await sleep(50);
    }
  }

  status(): Promise<ServerStatus> {
    return this.connection.sendRequest<ServerStatus>(StatusRequest.method);
  }

  /** Waits until every workspace has its commit graph (the server warms it after initialize). */
  async ready(timeoutMs = 30_000): Promise<ServerStatus> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status();
      if (status.workspaces.length && status.workspaces.every((w) => w.commitGraph === 'ready' || w.commitGraph === 'failed' || w.problem)) return status;
      if (Date.now() > until) throw new Error(`server not ready: ${JSON.stringify(status)}`);
      await sleep(50);
    }
  }

  async open(path: string, languageId: string, text?: string): Promise<string> {
    const uri = pathToFileURL(path).href;
    const content = text ?? (await readFile(path, 'utf8'));
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: content } });
    return uri;
  }

  async openUntitled(name: string, languageId: string, text: string): Promise<string> {
    const uri = `untitled:${name}`;
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  codeLenses(uri: string): Promise<CodeLens[]> {
    return this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }).then((l) => l ?? []);
  }

  resolve(lens: CodeLens): Promise<CodeLens> {
    return this.connection.sendRequest(CodeLensResolveRequest.type, lens);
  }

  /**
   * Lenses with their titles, as VS Code shows them once it has resolved the visible ones:
   * like VS Code, only a lens that came without a command is resolved.
   */
  async lensTitles(uri: string): Promise<Array<{ line: number; title: string; lens: CodeLens }>> {
    const lenses = await this.codeLenses(uri);
    this.lensResolves += lenses.filter((l) => !l.command).length;
    const resolved = await Promise.all(lenses.map((l) => (l.command ? Promise.resolve(l) : this.resolve(l))));
    return resolved.map((l) => ({ line: l.range.start.line, title: l.command?.title ?? '', lens: l }));
  }

  /**
   * Lenses once the data they show has arrived, as a person sees them in the end. A lens
   * resolved while the warehouse is still answering says what is loading (the server waits
   * lens.warehouseWaitMs for it, a fixed time that a loaded machine outlasts) and the server
   * asks the client to refresh its lenses when the data is in: resolve again after each
   * refresh (or after a second without one) until no title is loading.
   */
  async settledLensTitles(uri: string, timeoutMs = 60_000): Promise<Array<{ line: number; title: string; lens: CodeLens }>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const refreshes = this.lensRefreshes;
      const titles = await this.lensTitles(uri);
      if (!titles.some((t) => LOADING.test(t.title))) return titles;
      if (Date.now() > until) throw new Error(`lenses still loading after ${timeoutMs / 1000} s: ${titles.map((t) => t.title).join(' | ')}`);
      const next = Math.min(until, Date.now() + 1000);
      while (this.lensRefreshes === refreshes && Date.now() < next) await sleep(50);
    }
  }

  async hover(uri: string, position: Position, cancelAfterMs?: number): Promise<string | null> {
    const source = new CancellationTokenSource();
    if (cancelAfterMs !== undefined) setTimeout(() => source.cancel(), cancelAfterMs);
    const result: Hover | null = await this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }, source.token);
    return result ? (result.contents as MarkupContent).value : null;
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result: CompletionItem[] | CompletionList | null = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  /** Diagnostics published for a document, waiting for the first publication. */
  async diagnosticsFor(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const until = Date.now() + timeoutMs;
    while (!this.diagnostics.has(uri)) {
      if (Date.now() > until) throw new Error(`no diagnostics for ${uri}`);
      await new Promise<void>((resolve) => {
        this.diagnosticWaiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.diagnostics.get(uri)!;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), sleep(3000)]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The process is killed below either way.
    }
    await Promise.race([new Promise((resolve) => this.child.once('exit', resolve)), sleep(2000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}

/** What a lens title says of data still on its way (src/server/lensTitle.ts). */
const LOADING = /⋯ \w+ loading/;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Position of the first occurrence of `needle` (plus `offset` characters) in `text`. */
export function positionOf(text: string, needle: string, offset = 0): Position {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
