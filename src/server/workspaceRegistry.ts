import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile, loadConfig } from '../core/config/loadConfig';
import { withWarehouseProfile } from '../core/config/warehouseProfiles';
import type { PipelineLensConfig } from '../core/config/types';
import type { CredentialHosts } from '../core/credentials/endpointPolicy';
import type { QueryCounter } from './countingWarehouse';
import { ServerWorkspace } from './serverWorkspace';
import type { WarehouseFault } from './testHooks';

export interface WorkspaceEntry {
  /** Folder holding pipeline-lens.json. */
  root: string;
  configFile: string;
  workspace: ServerWorkspace | null;
  /** Why the config could not be used. */
  problem: string | null;
}

export interface RegistryOptions {
  counter: QueryCounter;
  gitCounter: { started: number };
  fault: WarehouseFault;
  gitBinary: () => string | undefined;
  credentialHosts: () => CredentialHosts;
  /** The editor's storage folder (none: nothing is kept between sessions). */
  storageFolder: () => string | undefined;
  onStorageProblem: (message: string) => void;
  onLoaded: (entry: WorkspaceEntry) => void;
  /** A chosen profile the config no longer names: the workspace reads its default instead. */
  onProfileFallback: (message: string) => void;
}

/**
 * The workspaces the server serves: one per workspace folder that has a pipeline-lens.json
 * in it or in a folder above it (as the command line finds it). Documents go to the
 * workspace whose root holds them, deepest first; a document outside all of them (an
 * untitled buffer, a log opened from elsewhere) goes to the first, since a SHA pasted
 * anywhere still names a commit of the repository being investigated.
 */
export class WorkspaceRegistry {
  private entries: WorkspaceEntry[] = [];
  /** forScope's answers for the current entries: every lens and hover asks, with the same few URIs. */
  private readonly scopes = new Map<string, WorkspaceEntry>();
  private markLoaded!: () => void;
  /** Warehouse profile chosen in the editor, by workspace root; absent: the config's default. */
  private readonly chosenProfiles = new Map<string, string>();
  /**
   * Resolves once the folders the client opened with have been looked at. Requests wait on
   * it: one that arrives between `initialize` and the first load (a command that also
   * activated the extension) would otherwise be told there is no pipeline-lens.json.
   */
  readonly loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));

  constructor(private readonly options: RegistryOptions) {}

  get all(): readonly WorkspaceEntry[] {
    return this.entries;
  }

  /** (Re)loads the workspaces of these folders; old workspaces are closed. */
  async setFolders(folders: string[]): Promise<void> {
    const configFiles = new Set<string>();
    for (const folder of folders) {
      const file = findConfigFile(folder);
      if (file) configFiles.add(file);
    }
    const previous = this.entries;
    this.entries = [...configFiles].map((file) => this.load(file));
    this.scopes.clear();
    this.markLoaded();
    await Promise.all(previous.flatMap((e) => (e.workspace ? [e.workspace.close().catch(() => undefined)] : [])));
  }

  /** Profiles the editor chose before this server started (workspace root → profile). */
  setChosenProfiles(profiles: Record<string, string>): void {
    this.chosenProfiles.clear();
    for (const [root, name] of Object.entries(profiles)) this.chosenProfiles.set(resolve(root), name);
  }

  /**
   * Reopens one workspace through another profile (null: its default); the old workspace
   * is closed. An unknown name is refused before anything changes, naming the profiles.
   */
  async selectProfile(entry: WorkspaceEntry, profile: string | null): Promise<WorkspaceEntry> {
    const config = entry.workspace?.config ?? null;
    if (!config) throw new Error(`Pipeline Lens cannot use ${entry.configFile}: ${entry.problem ?? 'it did not load'}. Fix it, then choose a profile.`);
    withWarehouseProfile(config, profile);
    if (profile === null || profile === config.warehouseProfiles.defaultName) this.chosenProfiles.delete(entry.root);
    else this.chosenProfiles.set(entry.root, profile);
    const next = this.load(entry.configFile);
    this.entries = this.entries.map((e) => (e === entry ? next : e));
    this.scopes.clear();
    await entry.workspace?.close().catch(() => undefined);
    return next;
  }

  /** The workspace a document URI or folder path belongs to. */
  forScope(scope: string | undefined): WorkspaceEntry | null {
    const usable = this.entries;
    if (usable.length === 0) return null;
    const known = scope === undefined ? undefined : this.scopes.get(scope);
    if (known) return known;
    let found = usable[0];
    const path = scope ? toPath(scope) : null;
    if (path) {
      const holders = usable.filter((e) => isInside(path, e.root)).sort((a, b) => b.root.length - a.root.length);
      if (holders.length) found = holders[0];
    }
    if (scope !== undefined) {
      if (this.scopes.size >= 1000) this.scopes.clear();
      this.scopes.set(scope, found);
    }
    return found;
  }

  async close(): Promise<void> {
    this.markLoaded();
    await Promise.all(this.entries.flatMap((e) => (e.workspace ? [e.workspace.close().catch(() => undefined)] : [])));
    this.entries = [];
    this.scopes.clear();
  }

  private load(configFile: string): WorkspaceEntry {
    const root = dirname(configFile);
    let entry: WorkspaceEntry;
    try {
      const config = this.withChosenProfile(loadConfig(configFile));
      const workspace = new ServerWorkspace(config, {
        counter: this.options.counter,
        gitCounter: this.options.gitCounter,
        fault: this.options.fault,
        gitBinary: this.options.gitBinary(),
        credentialHosts: this.options.credentialHosts(),
        storageFolder: this.options.storageFolder(),
        onStorageProblem: this.options.onStorageProblem,
      });
      entry = { root: config.root, configFile, workspace, problem: null };
    } catch (error) {
      entry = { root, configFile, workspace: null, problem: (error as Error).message };
    }
    this.options.onLoaded(entry);
    return entry;
  }

  private withChosenProfile(config: PipelineLensConfig): PipelineLensConfig {
    const chosen = this.chosenProfiles.get(config.root);
    if (chosen === undefined) return config;
    if (Object.hasOwn(config.warehouseProfiles.byName, chosen)) return withWarehouseProfile(config, chosen);
    // Said once: the choice is forgotten, so the next reload reads the default silently.
    this.chosenProfiles.delete(config.root);
    this.options.onProfileFallback(
      `The warehouse profile "${chosen}" chosen for ${config.root} is no longer in ${config.file} (its profiles: ${Object.keys(config.warehouseProfiles.byName).join(', ')}); reading the default profile "${config.warehouseProfiles.defaultName}". Run "Pipeline Lens: Select Warehouse Profile" to choose another.`,
    );
    return config;
  }
}

/** A file-system path from a `file:` URI or a plain path; null for other schemes (untitled:). */
export function toPath(scope: string): string | null {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(scope) && !/^[a-zA-Z]:[\\/]/.test(scope)) {
    if (!scope.startsWith('file:')) return null;
    try {
      return fileURLToPath(scope);
    } catch {
      return null;
    }
  }
  return resolve(scope);
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}
