import type { CancellationToken, CodeLens, CodeLensParams, Command } from 'vscode-languageserver/node';
import type { ProvenanceView } from '../core/provenance/documentProvenance';
import { Commands, type CommitCommandArgs } from '../shared/protocol';
import { cancelled, isAbort, toAbortSignal } from './cancellation';
import { lensTitle } from './lensTitle';
import { withinSizeLimit, workspaceFor, type ServerContext } from './serverContext';
import { primaryModelsOf, type ServerSettings } from './settings';

/** Not a graph id: a lens list built while the first graph was walked. */
const EARLY = -1;

/**
 * How long a lens waits for the deployment history, at least: what it says first. Read from
 * a file in milliseconds, from Cloud Run's API in a second or two.
 */
const DEPLOYMENTS_WAIT_MS = 2000;

/** A lens whose commit's answer needs the graph of every ref, while it is walked. */
const AWAITING_HISTORY = '⋯ deployments loading (reading the commit history)';

interface LensData {
  uri: string;
  sha: string;
  /** Set when the line holds several commits: the title says which one it is about. */
  label: string | null;
}

/**
 * Lenses above lines with commits, in any document. Providing them is cheap (a scan and an
 * in-memory lookup against the commit graph); the titles are filled in when VS Code
 * resolves the visible ones, from data shared by the whole document.
 */
export class CommitLenses {
  /** The commits of each open document's last scanned version: resolve reads them all in one batch. */
  private readonly documentCommits = new Map<string, { version: number; shas: string[] }>();
  /**
   * Each open document's lenses, as built for its version against one commit graph (or, while
   * the first graph is walked, from the object database: `EARLY`): asked again, they are handed back.
   */
  private readonly documentLenses = new Map<string, { version: number; graph: number; lenses: CodeLens[] }>();
  /**
   * Each open document's resolved lens commands, by commit and label, with what they were
   * composed from: while the provenance key and the settings are the same, a resolve is
   * one lookup here, however many lenses the document has.
   */
  private readonly resolvedCommands = new Map<string, { key: string; settings: ServerSettings; commands: Map<string, Command> }>();

  constructor(
    private readonly context: ServerContext,
    /** Lens lists built and titles composed: what a warm pass must not do again. */
    private readonly counters: { lists: number; titles: number } = { lists: 0, titles: 0 },
  ) {}

  forget(uri: string): void {
    this.documentCommits.delete(uri);
    this.documentLenses.delete(uri);
    this.resolvedCommands.delete(uri);
  }

  /** The commits found in a document's current version, if it was scanned. */
  commitsOf(uri: string): string[] | undefined {
    return this.documentCommits.get(uri)?.shas;
  }

  async provide(params: CodeLensParams, token: CancellationToken): Promise<CodeLens[]> {
    // A document opened as the server starts is asked about before the workspace folders are
    // looked at: answered with no lenses, it would show none until the refresh that follows.
    await this.context.registry.loaded;
    if (!this.context.settings().codeLens.enabled) return [];
    const document = this.context.documents.get(params.textDocument.uri);
    if (!document || !withinSizeLimit(this.context, document)) return [];
    const workspace = workspaceFor(this.context, document.uri);
    if (!workspace) return [];
    const graph = workspace.provenance.graphId();
    const built = this.documentLenses.get(document.uri);
    if (built && built.graph === (graph ?? EARLY) && built.version === document.version) return this.withKnownCommands(document.uri, built.lenses);
    const tokens = this.context.scans.tokens(document);
    if (tokens.length === 0) {
      this.documentCommits.set(document.uri, { version: document.version, shas: [] });
      return [];
    }
    const signal = toAbortSignal(token);
    let resolved: Map<string, string>;
    try {
      resolved = await workspace.provenance.resolveShas([...new Set(tokens.map((t) => t.text))], signal, { early: true });
    } catch (error) {
      if (isAbort(error)) throw cancelled();
      this.context.logger.warnOnce(`Commit lenses are off for ${workspace.root}: ${(error as Error).message}`);
      return [];
    }
    const byLine = new Map<number, Array<{ sha: string; start: number; end: number }>>();
    for (const t of tokens) {
      const sha = resolved.get(t.text);
      if (!sha) continue;
      const line = document.positionAt(t.start).line;
      const list = byLine.get(line) ?? [];
      if (!list.some((x) => x.sha === sha)) list.push({ sha, start: t.start, end: t.end });
      byLine.set(line, list);
    }
    const shas = [...new Set([...byLine.values()].flatMap((l) => l.map((x) => x.sha)))];
    this.documentCommits.set(document.uri, { version: document.version, shas });
    // Start the document's one git batch now (its commits in document order, then the merges
    // that brought them in), so resolving the visible lenses finds it done.
    workspace.provenance.documentDetails(shas).catch(() => undefined);
    const lenses: CodeLens[] = [];
    for (const list of byLine.values()) {
      for (const found of list) {
        const data: LensData = { uri: document.uri, sha: found.sha, label: list.length > 1 ? found.sha.slice(0, 7) : null };
        lenses.push({ range: { start: document.positionAt(found.start), end: document.positionAt(found.end) }, data });
      }
    }
    this.counters.lists += 1;
    // Kept only against the graph the tokens were resolved with; one that loaded meanwhile is asked about next time.
    const resolvedWith = graph === null ? EARLY : workspace.provenance.graphId();
    if (resolvedWith !== null) this.documentLenses.set(document.uri, { version: document.version, graph: resolvedWith, lenses });
    return this.withKnownCommands(document.uri, lenses);
  }

  /**
   * The lenses with the commands already composed under the current provenance key and
   * settings: a client resolves only lenses without one, so a document asked again costs one
   * round trip instead of one per lens. When the key moves the server asks for a refresh and
   * the lenses come back unresolved.
   */
  private withKnownCommands(uri: string, lenses: CodeLens[]): CodeLens[] {
    const workspace = workspaceFor(this.context, uri);
    const composed = this.resolvedCommands.get(uri);
    if (!workspace || !composed || composed.settings !== this.context.settings() || workspace.provenance.settledKey() !== composed.key) return lenses;
    return lenses.map((lens) => {
      const data = lens.data as LensData;
      const command = composed.commands.get(`${data.sha}:${data.label ?? ''}`);
      return command ? { ...lens, command } : lens;
    });
  }

  async resolve(lens: CodeLens, token: CancellationToken): Promise<CodeLens> {
    const data = lens.data as LensData | undefined;
    if (!data?.sha) return lens;
    const workspace = workspaceFor(this.context, data.uri);
    if (!workspace) return { ...lens, command: { title: 'Pipeline Lens: no workspace for this document', command: '' } };
    const settings = this.context.settings();
    const commandKey = `${data.sha}:${data.label ?? ''}`;
    const key = workspace.provenance.settledKey();
    const composed = this.resolvedCommands.get(data.uri);
    const known = key !== null && composed?.key === key && composed.settings === settings ? composed.commands.get(commandKey) : undefined;
    if (known) return { ...lens, command: known };
    // A document asked again is answered from memory, without the machinery of waiting.
    const ready = workspace.provenance.peek(data.sha);
    if (ready) return this.titled(lens, data, ready, primaryModelsOf(this.context.settings(), workspace.config));
    const signal = toAbortSignal(token);
    const waitMs = settings.lensWarehouseWaitMs;
    try {
      const view = await workspace.provenance.provenance([data.sha], {
        signal,
        // A warehouse not open yet is an open and a query away: waiting would only hold back
        // what git and the deployments already say (the lenses refresh when results arrive).
        waitMs: workspace.warehouseDescription() === null ? 0 : waitMs,
        deploymentsWaitMs: Math.max(DEPLOYMENTS_WAIT_MS, waitMs),
        batch: this.documentCommits.get(data.uri)?.shas,
        early: true,
      });
      if ([view.deployments, view.runs, view.results].some((p) => p.state === 'loading')) this.context.servedPartial(workspace);
      if (view.awaitingHistory?.has(data.sha)) return { ...lens, command: { title: `${data.label ? `${data.label}: ` : ''}${AWAITING_HISTORY}`, command: '' } };
      return this.titled(lens, data, view, primaryModelsOf(this.context.settings(), workspace.config));
    } catch (error) {
      if (isAbort(error)) throw cancelled();
      this.context.logger.warnOnce(`Could not resolve the lens of ${data.sha}: ${(error as Error).message}`);
      return { ...lens, command: { title: `Pipeline Lens: ${(error as Error).message}`, command: '' } };
    }
  }

  private titled(lens: CodeLens, data: LensData, view: ProvenanceView, primaryModels: string[]): CodeLens {
    const provenance = view.commits.get(data.sha);
    if (!provenance) return { ...lens, command: { title: 'commit details unavailable', command: '' } };
    const args: CommitCommandArgs = { sha: data.sha, scope: data.uri };
    const settings = this.context.settings();
    const command: Command = {
      title: lensTitle(provenance, view, data.label ? `${data.label}: ` : '', primaryModels),
      command: Commands.showCommitProvenance,
      arguments: [args],
    };
    this.counters.titles += 1;
    this.remember(data, view.key, settings, command);
    return { ...lens, command };
  }

  /** Keeps a composed command while its key is current: a view assembled under an older key is not kept. */
  private remember(data: LensData, key: string, settings: ServerSettings, command: Command): void {
    const workspace = workspaceFor(this.context, data.uri);
    // Only documents still open: a lens resolved after its document closed must not keep it alive.
    if (!workspace || workspace.provenance.settledKey() !== key || !this.context.documents.get(data.uri)) return;
    let composed = this.resolvedCommands.get(data.uri);
    if (!composed || composed.key !== key || composed.settings !== settings) {
      composed = { key, settings, commands: new Map() };
      this.resolvedCommands.set(data.uri, composed);
    }
    composed.commands.set(`${data.sha}:${data.label ?? ''}`, command);
  }
}
