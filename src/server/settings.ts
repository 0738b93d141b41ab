/** The `pipelineLens.*` settings the server reads; package.json declares them with descriptions. */
export interface ServerSettings {
  codeLens: { enabled: boolean };
  /** How long a hover waits for the warehouse before it answers with what git and the deployments say (ms). */
  hoverWarehouseBudgetMs: number;
  /** How long lens details wait for the warehouse before showing "results loading" (ms). */
  lensWarehouseWaitMs: number;
  /** Files larger than this (characters) get no lenses, hovers or diagnostics. */
  maxFileSize: number;
  /** Quiet time after an edit before SQL diagnostics run again (ms). */
  debounceMs: number;
  /** The git executable; empty means `git` on PATH. */
  gitPath: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  codeLens: { enabled: true },
  hoverWarehouseBudgetMs: 300,
  lensWarehouseWaitMs: 2000,
  maxFileSize: 1_000_000,
  debounceMs: 300,
  gitPath: '',
};

/**
 * Settings as the client sends them (`pipelineLens` section), checked field by field: a
 * value of the wrong type falls back to its default rather than breaking the server.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const lens = (r.codeLens ?? {}) as Record<string, unknown>;
  const hover = (r.hover ?? {}) as Record<string, unknown>;
  const number = (value: unknown, fallback: number, min: number, max: number) =>
    typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  return {
    codeLens: { enabled: typeof lens.enabled === 'boolean' ? lens.enabled : DEFAULT_SETTINGS.codeLens.enabled },
    hoverWarehouseBudgetMs: number(hover.warehouseBudgetMs, DEFAULT_SETTINGS.hoverWarehouseBudgetMs, 0, 10_000),
    lensWarehouseWaitMs: number(lens.warehouseWaitMs, DEFAULT_SETTINGS.lensWarehouseWaitMs, 0, 60_000),
    maxFileSize: number(r.maxFileSize, DEFAULT_SETTINGS.maxFileSize, 0, 100_000_000),
    debounceMs: number(r.debounceMs, DEFAULT_SETTINGS.debounceMs, 0, 10_000),
    gitPath: typeof r.gitPath === 'string' ? r.gitPath : DEFAULT_SETTINGS.gitPath,
  };
}
