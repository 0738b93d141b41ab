import { ALLOWED_HOSTS_ENV, ALLOWED_HOSTS_SETTING, parseAllowedHosts, type CredentialHosts } from '../core/credentials/endpointPolicy';

/** The `pipelineLens.*` settings the server reads; package.json declares them with descriptions. */
export interface ServerSettings {
  codeLens: { enabled: boolean };
  /** How long a hover waits for the warehouse before it answers with what git and the deployments say (ms). */
  hoverWarehouseBudgetMs: number;
  /** How long lens details wait for an open warehouse before showing "results loading" (ms). */
  lensWarehouseWaitMs: number;
  /** Files larger than this (characters) get no lenses, hovers or diagnostics. */
  maxFileSize: number;
  /** Quiet time after an edit before SQL diagnostics run again (ms). */
  debounceMs: number;
  /** The git executable; empty means `git` on PATH. */
  gitPath: string;
  /**
   * Hosts the user allows Google credentials to go to (`pipelineLens.credentials.allowedHosts`,
   * a machine-scoped setting: VS Code does not take it from a workspace's settings).
   */
  credentialHosts: string[];
  /** Entries of that setting that are not `host` or `host:port`, to be reported. */
  invalidCredentialHosts: string[];
  /** Models lenses and hovers lead with (`pipelineLens.primaryModels`), in order; empty: the most graded. */
  primaryModels: string[];
}

/**
 * The models a workspace's lenses and hovers lead with: the person's setting when set (it is
 * theirs to change without editing the shared config), else the config's `primaryModels`.
 */
export function primaryModelsOf(settings: ServerSettings, config: { primaryModels: string[] }): string[] {
  return settings.primaryModels.length ? settings.primaryModels : config.primaryModels;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  codeLens: { enabled: true },
  hoverWarehouseBudgetMs: 300,
  lensWarehouseWaitMs: 300,
  maxFileSize: 1_000_000,
  debounceMs: 300,
  gitPath: '',
  credentialHosts: [],
  invalidCredentialHosts: [],
  primaryModels: [],
};

/**
 * Settings as the client sends them (`pipelineLens` section), checked field by field: a
 * value of the wrong type falls back to its default rather than breaking the server.
 * `gitFallback` is the built-in git extension's `git.path`, used when `gitPath` is empty.
 */
export function parseSettings(raw: unknown, gitFallback: unknown = null): ServerSettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const lens = (r.codeLens ?? {}) as Record<string, unknown>;
  const hover = (r.hover ?? {}) as Record<string, unknown>;
  const credentials = (r.credentials ?? {}) as Record<string, unknown>;
  const number = (value: unknown, fallback: number, min: number, max: number) =>
    typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  const allowed = Array.isArray(credentials.allowedHosts) ? credentials.allowedHosts.filter((h): h is string => typeof h === 'string') : [];
  const { hosts, invalid } = parseAllowedHosts(allowed);
  const fallback: unknown = Array.isArray(gitFallback) ? gitFallback[0] : gitFallback;
  return {
    codeLens: { enabled: typeof lens.enabled === 'boolean' ? lens.enabled : DEFAULT_SETTINGS.codeLens.enabled },
    hoverWarehouseBudgetMs: number(hover.warehouseBudgetMs, DEFAULT_SETTINGS.hoverWarehouseBudgetMs, 0, 10_000),
    lensWarehouseWaitMs: number(lens.warehouseWaitMs, DEFAULT_SETTINGS.lensWarehouseWaitMs, 0, 60_000),
    maxFileSize: number(r.maxFileSize, DEFAULT_SETTINGS.maxFileSize, 0, 100_000_000),
    debounceMs: number(r.debounceMs, DEFAULT_SETTINGS.debounceMs, 0, 10_000),
    gitPath: typeof r.gitPath === 'string' && r.gitPath !== '' ? r.gitPath : typeof fallback === 'string' ? fallback : DEFAULT_SETTINGS.gitPath,
    credentialHosts: hosts,
    invalidCredentialHosts: invalid,
    primaryModels: Array.isArray(r.primaryModels) ? r.primaryModels.filter((m): m is string => typeof m === 'string' && m.trim() !== '') : [],
  };
}

/** The allowed hosts of the settings, with the editor's way of allowing another. */
export function credentialHostsOf(settings: ServerSettings): CredentialHosts {
  return {
    hosts: settings.credentialHosts,
    howToAllow: (host) =>
      `add "${host}" to the user setting ${ALLOWED_HOSTS_SETTING} (Preferences: Open User Settings (JSON)); a workspace's own settings cannot allow it (for the command line: ${ALLOWED_HOSTS_ENV}=${host})`,
  };
}
