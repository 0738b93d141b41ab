import { ConfigError } from './config/configError';
import { findConfigFile, loadConfig } from './config/loadConfig';
import { withWarehouseProfile } from './config/warehouseProfiles';
import type { PipelineLensConfig, ServiceConfig } from './config/types';
import { NO_CREDENTIAL_HOSTS, type CredentialHosts } from './credentials/endpointPolicy';
import { openDeploymentSource } from './deployments/openDeploymentSource';
import type { Deployment, DeploymentSource } from './deployments/types';
import { GitRepository } from './git/gitRepository';
import { raceAbort } from './provenance/trackedLoad';
import { predictionDaysQuery, type DateWindow } from './warehouse/catalog';
import { parseDate } from './warehouse/temporalValues';
import { openWarehouse } from './warehouse/openWarehouse';
import type { Warehouse } from './warehouse/types';

/** The default report window, whether it follows the data or the calendar, and why when not the data. */
export interface DefaultWindow {
  window: DateWindow;
  basis: 'data' | 'calendar';
  note: string | null;
  /** The calendar window the data was looked for in: first deployment (or 120 days back) to today. */
  calendar: DateWindow;
}

/**
 * Everything the engine knows about one workspace: its config, and the git repository,
 * warehouse and deployment sources opened lazily on first use, so that a command that
 * needs only git never starts a database.
 */
export class Workspace {
  private gitRepo: Promise<GitRepository> | null = null;
  private warehouseConnection: Promise<Warehouse> | null = null;
  private deploymentCache = new Map<string, Promise<Deployment[]>>();
  private shared = false;
  private dataWindow: Promise<DefaultWindow> | null = null;

  /**
   * `credentialHosts`: the hosts the user (never the workspace) allows Google credentials
   * to go to when pipeline-lens.json names an endpoint other than Google's.
   */
  constructor(
    readonly config: PipelineLensConfig,
    private readonly now: () => Date = () => new Date(),
    readonly credentialHosts: CredentialHosts = NO_CREDENTIAL_HOSTS,
  ) {}

  /**
   * The same workspace read through another config (e.g. with a column the warehouse lacks
   * left out): it shares this one's git repository, warehouse connection and deployments,
   * and closing it closes nothing.
   */
  withConfig(config: PipelineLensConfig): Workspace {
    const view = new Workspace(config, this.now);
    view.gitRepo = this.git();
    view.warehouseConnection = this.warehouse();
    view.deploymentCache = this.deploymentCache;
    view.shared = true;
    return view;
  }

  /**
   * Opens the workspace whose pipeline-lens.json is `configFile`, or the first one found
   * walking up from `cwd`, reading the warehouse profile `profile` (default: the config's).
   */
  static open(options: { configFile?: string; cwd?: string; now?: () => Date; credentialHosts?: CredentialHosts; profile?: string | null } = {}): Workspace {
    const file = options.configFile ?? findConfigFile(options.cwd ?? process.cwd());
    if (!file) {
      throw new ConfigError(
        `No pipeline-lens.json in ${options.cwd ?? process.cwd()} or any folder above it. Run \`pipeline-lens demo\` to try the demo, or create one (see docs/configuration.md) and pass --config.`,
      );
    }
    return new Workspace(withWarehouseProfile(loadConfig(file), options.profile), options.now, options.credentialHosts);
  }

  currentTime(): Date {
    return this.now();
  }

  git(): Promise<GitRepository> {
    this.gitRepo ??= GitRepository.open(this.config.repository);
    return this.gitRepo;
  }

  warehouse(): Promise<Warehouse> {
    this.warehouseConnection ??= openWarehouse(this.config, { credentialHosts: this.credentialHosts });
    return this.warehouseConnection;
  }

  service(name: string): ServiceConfig {
    const service = this.config.services.find((s) => s.name === name);
    if (!service) {
      const known = this.config.services.map((s) => s.name);
      throw new ConfigError(
        `No service "${name}" in ${this.config.file}; ${known.length ? `known services: ${known.join(', ')}` : 'add it under "services"'}.`,
        this.config.file,
        '/services',
      );
    }
    return service;
  }

  deploymentSource(service: ServiceConfig): DeploymentSource {
    return openDeploymentSource(service, { config: this.config, warehouse: () => this.warehouse(), now: this.now, credentialHosts: this.credentialHosts });
  }

  /** Revisions of a service, oldest first; read once per workspace. */
  deployments(serviceName: string): Promise<Deployment[]> {
    let cached = this.deploymentCache.get(serviceName);
    if (!cached) {
      const service = this.service(serviceName);
      cached = this.deploymentSource(service).list(service.name);
      this.deploymentCache.set(serviceName, cached);
      cached.catch(() => this.deploymentCache.delete(serviceName));
    }
    return cached;
  }

  /**
   * The window built-in queries scan when the user names none: the days the predictions
   * table holds (so a report on old data does not run to today), found inside the
   * calendar window below and read once per workspace.
   */
  async defaultWindow(signal?: AbortSignal): Promise<DateWindow> {
    // The read is shared by every caller; a cancelled caller stops waiting, the read goes on.
    return (await raceAbort(this.defaultWindowBasis(), signal)).window;
  }

  /** The default window and what it rests on: the data, or the calendar when the data could not say. */
  defaultWindowBasis(): Promise<DefaultWindow> {
    if (!this.dataWindow) {
      const loading = this.windowFromData();
      this.dataWindow = loading;
      // Only an answer from the data is kept: a failed or empty read is asked again next time.
      void loading.then((found) => {
        if (found.basis !== 'data' && this.dataWindow === loading) this.dataWindow = null;
      });
    }
    return this.dataWindow;
  }

  private async windowFromData(): Promise<DefaultWindow> {
    const calendar = await this.calendarWindow();
    const table = this.config.tables.predictions.table;
    // A warehouse that cannot be opened fails the command that needs it with its own
    // message; a note here would only say the same thing twice.
    const warehouse = await this.warehouse().catch(() => null);
    if (!warehouse) return { window: calendar, calendar, basis: 'calendar', note: null };
    try {
      const row = (await warehouse.query(predictionDaysQuery(this.config, calendar))).rows[0];
      const first = parseDate(row?.first_day);
      const last = parseDate(row?.last_day);
      if (first && last) return { window: { from: first, to: last }, basis: 'data', note: null, calendar };
      return {
        window: calendar,
        calendar,
        basis: 'calendar',
        note: `${table} has no rows from ${calendar.from} to ${calendar.to}, so the window runs to today; pass --from/--to (or a window) to look elsewhere.`,
      };
    } catch (e) {
      return {
        window: calendar,
        calendar,
        basis: 'calendar',
        note: `Could not read the days ${table} holds (${e instanceof Error ? e.message : String(e)}), so the window runs to today; check tables.predictions in ${this.config.file}.`,
      };
    }
  }

  /**
   * From the first deployment on record (or 120 days back) to today. Bounded on purpose:
   * every built-in query filters on the partition column, so a window is always needed.
   */
  private async calendarWindow(): Promise<DateWindow> {
    const today = this.now().toISOString().slice(0, 10);
    let earliest: string | null = null;
    for (const service of this.config.services) {
      if (!service.deployments) continue;
      try {
        const list = await this.deployments(service.name);
        if (list.length && (earliest === null || list[0].createdAt < earliest)) earliest = list[0].createdAt;
      } catch {
        // An unreadable source is reported where deployments matter; the window just falls back.
      }
    }
    const fallback = new Date(this.now().getTime() - 120 * 86400_000).toISOString().slice(0, 10);
    const from = earliest ? shiftDate(earliest.slice(0, 10), -30) : fallback;
    return { from, to: today };
  }

  async close(): Promise<void> {
    if (this.shared) return;
    if (this.warehouseConnection) {
      const connection = await this.warehouseConnection.catch(() => null);
      await connection?.close();
    }
  }
}

/** `YYYY-MM-DD` plus `days` (may be negative). */
export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
