import type { PipelineLensConfig } from '../core/config/types';
import type { CredentialHosts } from '../core/credentials/endpointPolicy';
import { GitRepository } from '../core/git/gitRepository';
import { GitRunner } from '../core/git/gitRunner';
import { ProvenanceService } from '../core/provenance/documentProvenance';
import { sqlContextFromConfig, type SqlContext } from '../core/sql/sqlContext';
import { Workspace } from '../core/workspace';
import type { Warehouse } from '../core/warehouse/types';
import { CountingWarehouse, type QueryCounter } from './countingWarehouse';
import { untilExists, type WarehouseFault } from './testHooks';

export interface ServerWorkspaceOptions {
  counter: QueryCounter;
  /** Every git process the server starts, across workspaces and reloads. */
  gitCounter: { started: number };
  fault: WarehouseFault;
  gitBinary?: string;
  /** Hosts the user allows credentials to go to (from a machine-scoped setting, never the workspace's). */
  credentialHosts?: CredentialHosts;
  /** The editor's storage folder for this workspace: the commit graph is kept there between sessions. */
  storageFolder?: string;
  onStorageProblem?: (message: string) => void;
}

/**
 * One workspace folder with a pipeline-lens.json, as the server holds it: the engine's
 * Workspace (its warehouse connection wrapped so every query is counted), the provenance
 * service with its caches, and what SQL tooling needs from the config.
 */
export class ServerWorkspace extends Workspace {
  readonly provenance: ProvenanceService;
  readonly sql: SqlContext;
  private openedGit: Promise<GitRepository> | null = null;
  private wrapped: Promise<Warehouse> | null = null;
  private openedWarehouse: Warehouse | null = null;
  /** For the few commands that need a git command of their own (`git show`). */
  private readonly runner: GitRunner;

  constructor(
    config: PipelineLensConfig,
    private readonly serverOptions: ServerWorkspaceOptions,
  ) {
    super(config, undefined, serverOptions.credentialHosts);
    this.provenance = new ProvenanceService(this, {
      gitBinary: serverOptions.gitBinary,
      gitCounter: serverOptions.gitCounter,
      storageFolder: serverOptions.storageFolder,
      onStorageProblem: serverOptions.onStorageProblem,
    });
    this.sql = sqlContextFromConfig(config);
    this.runner = new GitRunner(config.repository, serverOptions.gitBinary ? { binary: serverOptions.gitBinary } : {}, serverOptions.gitCounter);
  }

  /** Output of a git command run in the repository (counted with the rest). */
  gitText(args: string[]): Promise<string> {
    return this.runner.text(args);
  }

  get root(): string {
    return this.config.root;
  }

  /** The engine's repository (verify, one-shot provenance), run with the configured git like everything else. */
  override git(): Promise<GitRepository> {
    this.openedGit ??= GitRepository.open(this.config.repository, this.serverOptions.gitBinary ? { binary: this.serverOptions.gitBinary } : {});
    return this.openedGit;
  }

  override warehouse(): Promise<Warehouse> {
    const fault = this.serverOptions.fault;
    this.wrapped ??= super.warehouse().then(async (inner) => {
      if (fault?.kind === 'hold') await untilExists(fault.until);
      const warehouse = new CountingWarehouse(inner, this.serverOptions.counter, this.serverOptions.fault);
      this.openedWarehouse = warehouse;
      return warehouse;
    });
    return this.wrapped;
  }

  /** The warehouse's description once it is open; never opens it. */
  warehouseDescription(): string | null {
    return this.openedWarehouse?.describe() ?? null;
  }

  /** git processes the engine's own GitRepository started (verify, one-shot provenance); the rest are on the shared counter. */
  async engineGitProcesses(): Promise<number> {
    return this.openedGit ? this.openedGit.then((g) => g.processCount).catch(() => 0) : 0;
  }

  override async close(): Promise<void> {
    // Counts outlive the workspace: a reload must not make the server's totals go down.
    this.serverOptions.gitCounter.started += await this.engineGitProcesses();
    this.openedGit = null;
    await super.close();
  }
}
