import { basename, isAbsolute } from 'node:path';
import {
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DidChangeStatusNotification, RefreshNotification, SelectProfileRequest, type SelectProfileParams, type SelectProfileResult } from '../shared/protocol';
import { CommitLenses } from './commitLenses';
import { QueryCounter } from './countingWarehouse';
import { registerCustomRequests } from './customRequests';
import { Debouncer } from './debouncer';
import { DocumentScans, isSqlDocument } from './documentScans';
import { Hovers } from './hovers';
import { serverStatus, type ServerCounters } from './handlers/status';
import { onNotification0, onRequest, sendNotification } from './protocolHandlers';
import { ServerLogger } from './logger';
import type { ServerContext } from './serverContext';
import type { ServerWorkspace } from './serverWorkspace';
import { credentialHostsOf, DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './settings';
import { SqlSupport } from './sqlSupport';
import { warehouseFault } from './testHooks';
import { toPath, WorkspaceRegistry, type WorkspaceEntry } from './workspaceRegistry';

const SETTINGS_SECTION = 'pipelineLens';
/** Lens refreshes are coalesced: the warehouse answering several parts at once is one refresh. */
const REFRESH_DELAY_MS = 200;

/**
 * The Pipeline Lens language server: owns one engine Workspace per folder with a
 * pipeline-lens.json, its caches and warehouse connection, and serves every open document
 * (lenses and hovers on commit SHAs anywhere; SQL hovers, diagnostics and completion in
 * BigQuery SQL) plus the custom requests of src/shared/protocol.ts.
 */
export class PipelineLensServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly logger: ServerLogger;
  private readonly counters: ServerCounters = { queries: new QueryCounter(), git: { started: 0 }, lenses: { lists: 0, titles: 0 } };
  private readonly registry: WorkspaceRegistry;
  private readonly scans = new DocumentScans();
  private readonly debouncer = new Debouncer();
  private readonly context: ServerContext;
  private readonly lenses: CommitLenses;
  private readonly hovers: Hovers;
  private readonly sql: SqlSupport;
  private settings: ServerSettings = DEFAULT_SETTINGS;
  /** The git the client named at start: kept when a later pull names none (a client may not answer for `git.path`). */
  private initialGitPath = '';
  private clientPullsSettings = false;
  private clientRefreshesLenses = false;
  private folders: string[] = [];
  /** Where the client lets the server keep data between sessions (its storage folder for this workspace). */
  private storageFolder: string | undefined;
  /** Workspaces that answered a lens or hover before their data was in. */
  private readonly partial = new Set<ServerWorkspace>();
  private readonly subscriptions = new Map<ServerWorkspace, () => void>();

  constructor(private readonly connection: Connection) {
    this.logger = new ServerLogger(connection.console);
    this.registry = new WorkspaceRegistry({
      counter: this.counters.queries,
      gitCounter: this.counters.git,
      fault: warehouseFault(),
      gitBinary: () => this.settings.gitPath || undefined,
      credentialHosts: () => credentialHostsOf(this.settings),
      storageFolder: () => this.storageFolder,
      onStorageProblem: (message) => this.logger.warnOnce(message),
      onLoaded: (entry) => this.workspaceLoaded(entry),
      onProfileFallback: (message) => {
        this.logger.warn(message);
        this.showWarning(message);
      },
    });
    this.context = {
      documents: this.documents,
      registry: this.registry,
      scans: this.scans,
      settings: () => this.settings,
      logger: this.logger,
      servedPartial: (workspace) => this.partial.add(workspace),
    };
    this.lenses = new CommitLenses(this.context, this.counters.lenses);
    this.hovers = new Hovers(this.context, this.lenses);
    this.sql = new SqlSupport(this.context);
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => void this.initialized());
    c.onShutdown(async () => {
      this.debouncer.dispose();
      await this.registry.close();
    });

    c.onCodeLens((params, token) => this.lenses.provide(params, token));
    c.onCodeLensResolve((lens, token) => this.lenses.resolve(lens, token));
    c.onHover((params, token) => this.hovers.hover(params, token));
    c.onCompletion((params, token) => this.sql.completion(params, token));

    registerCustomRequests(c, this.context, this.counters);
    onNotification0(c, RefreshNotification.type, () => void this.refresh());
    onRequest(c, SelectProfileRequest.type, (params) => this.selectProfile(params));

    c.onDidChangeConfiguration((change) => void this.configurationChanged(change.settings));
    c.onDidChangeWatchedFiles((change) => void this.filesChanged(change.changes.map((f) => f.uri)));

    this.documents.onDidOpen((e) => this.validate(e.document.uri));
    this.documents.onDidChangeContent((e) => {
      if (isSqlDocument(e.document)) this.debouncer.schedule(e.document.uri, this.settings.debounceMs, () => this.validate(e.document.uri));
    });
    this.documents.onDidClose((e) => {
      this.debouncer.cancel(e.document.uri);
      this.lenses.forget(e.document.uri);
      if (isSqlDocument(e.document)) void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = (params.initializationOptions ?? {}) as { settings?: unknown; storagePath?: unknown; profiles?: unknown };
    if (options.settings) this.settings = parseSettings(options.settings);
    if (options.profiles && typeof options.profiles === 'object') {
      const chosen = Object.entries(options.profiles).filter((e): e is [string, string] => typeof e[1] === 'string' && isAbsolute(e[0]));
      this.registry.setChosenProfiles(Object.fromEntries(chosen));
    }
    if (typeof options.storagePath === 'string' && isAbsolute(options.storagePath)) this.storageFolder = options.storagePath;
    this.initialGitPath = this.settings.gitPath;
    this.reportInvalidHosts();
    this.clientPullsSettings = !!params.capabilities.workspace?.configuration;
    this.clientRefreshesLenses = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [params.rootPath] : []);
    this.folders = folders.map((f) => toPath(f)).filter((p): p is string => !!p);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: true },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '`'] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'pipeline-lens' },
    };
  }

  private async initialized(): Promise<void> {
    if (this.clientPullsSettings) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
      await this.pullSettings();
    }
    try {
      this.connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
        const removed = new Set(event.removed.map((f) => toPath(f.uri)));
        this.folders = [...this.folders.filter((f) => !removed.has(f)), ...event.added.map((f) => toPath(f.uri)).filter((p): p is string => !!p)];
        await this.reloadWorkspaces();
      });
    } catch {
      // The client does not announce folder changes; the folders of initialize stay.
    }
    await this.reloadWorkspaces();
    if (this.registry.all.length === 0) this.logger.info(`No pipeline-lens.json in ${this.folders.join(', ') || 'the workspace'}: nothing to serve.`);
  }

  /** Loads the workspaces of the current folders afresh (configs re-read, caches dropped). */
  private async reloadWorkspaces(): Promise<void> {
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    this.partial.clear();
    await this.registry.setFolders(this.folders);
    for (const entry of this.registry.all) void entry.workspace?.provenance.warm();
    for (const document of this.documents.all()) this.validate(document.uri);
    this.refreshLenses();
    void this.publishStatus();
  }

  /** Reopens the workspace of the scope through another profile, then redraws what shows its figures. */
  private async selectProfile(params: SelectProfileParams): Promise<SelectProfileResult> {
    await this.registry.loaded;
    const entry = this.registry.forScope(params.scope);
    if (!entry)
      throw new Error(
        `No pipeline-lens.json in ${this.folders.join(', ') || 'the workspace'}: there is no warehouse profile to choose. Create one (Pipeline Lens: Create Config).`,
      );
    const old = entry.workspace;
    if (old) {
      this.subscriptions.get(old)?.();
      this.subscriptions.delete(old);
      this.partial.delete(old);
    }
    const next = await this.registry.selectProfile(entry, params.profile);
    const active = next.workspace?.config.warehouseProfiles.active ?? params.profile ?? '';
    this.logger.info(`${next.root} now reads the warehouse profile "${active}".`);
    void next.workspace?.provenance.warm();
    for (const document of this.documents.all()) this.validate(document.uri);
    this.refreshLenses();
    void this.publishStatus();
    const asked = params.profile ?? next.workspace?.config.warehouseProfiles.defaultName ?? active;
    return { root: next.root, activeProfile: active, notice: asked === active ? null : `The profile "${asked}" could not be read; ${next.root} reads "${active}".` };
  }

  private workspaceLoaded(entry: WorkspaceEntry): void {
    if (entry.problem) {
      this.logger.error(`Pipeline Lens cannot use ${entry.configFile}: ${entry.problem}`);
      this.showWarning(entry.problem);
      return;
    }
    const workspace = entry.workspace!;
    this.logger.info(`Serving ${entry.root} (${entry.configFile}).`);
    const unsubscribe = workspace.provenance.onDidChange((change) => {
      if (change === 'refs' || this.partial.has(workspace)) {
        this.partial.delete(workspace);
        this.refreshLenses();
      }
      void this.publishStatus();
    });
    this.subscriptions.set(workspace, unsubscribe);
  }

  /**
   * A notification, not window.showWarningMessage: that sends a request whose rejection,
   * from a client that does not answer it, would end the server.
   */
  private showWarning(message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Pipeline Lens: ${message}` }).catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    this.logger.info('Refresh: reloading configs and dropping cached git, deployment and warehouse data.');
    await this.reloadWorkspaces();
  }

  private async configurationChanged(pushed: unknown): Promise<void> {
    const before = this.settings;
    const section = (pushed as Record<string, unknown> | null)?.[SETTINGS_SECTION];
    if (section) this.apply(parseSettings(section));
    else if (this.clientPullsSettings) await this.pullSettings();
    // Workspaces hold the git binary and the allowed hosts they were opened with.
    if (before.gitPath !== this.settings.gitPath || before.credentialHosts.join() !== this.settings.credentialHosts.join()) {
      this.logger.info('The git path or the hosts allowed credentials changed: reloading the workspaces.');
      await this.reloadWorkspaces();
      return;
    }
    for (const document of this.documents.all()) this.validate(document.uri);
    this.refreshLenses();
  }

  /**
   * Pulls `pipelineLens` and the built-in git extension's `git.path` (the fallback for which
   * git to run, as at start). A client that answers nothing for the section keeps the
   * settings it sent at initialize.
   */
  private async pullSettings(): Promise<void> {
    try {
      const [own, gitPath] = (await this.connection.workspace.getConfiguration([{ section: SETTINGS_SECTION }, { section: 'git.path' }])) as unknown[];
      if (own === null || own === undefined) return;
      this.apply(parseSettings(own, gitPath));
    } catch (error) {
      this.logger.warn(`Could not read the ${SETTINGS_SECTION} settings: ${(error as Error).message}; keeping the ones from start.`);
    }
  }

  private apply(settings: ServerSettings): void {
    this.settings = settings.gitPath ? settings : { ...settings, gitPath: this.initialGitPath };
    this.reportInvalidHosts();
  }

  private reportInvalidHosts(): void {
    const invalid = this.settings.invalidCredentialHosts;
    if (invalid.length === 0) return;
    this.logger.warnOnce(
      `pipelineLens.credentials.allowedHosts holds ${invalid.map((h) => JSON.stringify(h)).join(', ')}, which ${invalid.length === 1 ? 'is' : 'are'} not a host; give host names or addresses, optionally with :port (no scheme or path). ${invalid.length === 1 ? 'It is' : 'They are'} ignored.`,
    );
  }

  private async filesChanged(uris: string[]): Promise<void> {
    const paths = uris.map((u) => toPath(u)).filter((p): p is string => !!p);
    const configs = paths.filter((p) => basename(p) === 'pipeline-lens.json');
    const gitState = paths.some((p) => /[\\/]\.git([\\/]|$)/.test(p));
    if (gitState) for (const entry of this.registry.all) entry.workspace?.provenance.refsChanged();
    // A config created or deleted changes which workspaces exist; an edited one is reloaded.
    if (configs.length) await this.reloadWorkspaces();
  }

  private validate(uri: string): void {
    const document = this.documents.get(uri);
    if (!document || !isSqlDocument(document)) return;
    try {
      void this.connection.sendDiagnostics({ uri, version: document.version, diagnostics: this.sql.diagnostics(document) });
    } catch (error) {
      this.logger.warnOnce(`SQL diagnostics failed for ${uri}: ${(error as Error).message}`);
    }
  }

  private refreshLenses(): void {
    if (!this.clientRefreshesLenses) return;
    this.debouncer.schedule('codeLens/refresh', REFRESH_DELAY_MS, () => {
      this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    });
  }

  private async publishStatus(): Promise<void> {
    try {
      void sendNotification(this.connection, DidChangeStatusNotification.type, await serverStatus(this.context, this.counters));
    } catch {
      // A status the client missed is sent again with the next change.
    }
  }
}
