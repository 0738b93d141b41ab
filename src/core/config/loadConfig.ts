import type { ErrorObject, ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { configValidator } from './configValidator';
import { ConfigError } from './configError';
import {
  CONFIG_FILE_NAME,
  DEFAULT_DEPLOYMENT_TABLE_COLUMNS,
  DEFAULT_EXECUTION_LOG_COLUMNS,
  DEFAULT_EXPECTED_COLUMNS,
  DEFAULT_FEATURE_STORE_COLUMNS,
  DEFAULT_GRADED_COLUMNS,
  DEFAULT_MODEL_FAMILY_PATTERN,
  DEFAULT_READINESS,
  DEFAULT_PREDICTION_COLUMNS,
  DEFAULT_THRESHOLDS,
  DEFAULT_WAREHOUSE_PROFILE,
} from './defaults';
import { resolveModelRegistry, type RawModelEntry } from './modelRegistryConfig';
import type {
  DayRule,
  DeploymentSourceConfig,
  FeatureDefinition,
  FeatureStorage,
  PipelineLensConfig,
  ServiceConfig,
  ServingRule,
  StageTable,
  FeatureJoin,
  TableConfig,
  WarehouseConfig,
  WarehouseProfiles,
} from './types';

// The raw file as the schema allows it; everything optional is filled in by `resolveConfig`.
interface RawTable {
  table: string;
  partitionColumn?: string | null;
  columns?: Record<string, string | null>;
  service?: string;
  storage?: 'array' | 'jsonArray' | 'delimited' | 'columns';
  delimiter?: string;
  featureSnapshotKeys?: string[];
  featureJoin?: { keys: Record<string, string>; daysBefore?: number };
  modeFrom?: 'columns' | 'featureJoin';
  backfillModes?: string[];
  dateType?: DayRule['type'];
  timeZone?: string;
  lineMissingAs?: number | null;
}
type RawDeploymentSource =
  | { kind: 'file'; path: string; servingRule?: ServingRule }
  | { kind: 'warehouse'; table: string; partitionColumn?: string | null; lookbackDays?: number; columns?: Record<string, string | null>; servingRule?: ServingRule }
  | {
      kind: 'cloudRun';
      project?: string;
      region: string;
      service?: string;
      commitEnv?: string;
      commitLabel?: string;
      apiEndpoint?: string;
      useGcloud?: boolean | 'auto';
    }
  | { kind: 'executionLog'; lookbackDays?: number; servingRule?: ServingRule };
type RawWarehouse =
  | { kind: 'embedded'; database?: string; files?: Record<string, string> }
  | {
      kind: 'bigquery';
      project: string;
      location: string;
      apiEndpoint?: string;
      maximumBytesBilled?: number;
      keyFilename?: string;
      requestTimeoutSeconds?: number;
      queryTimeoutSeconds?: number;
    };
interface RawConfig {
  repository?: string;
  warehouse?: RawWarehouse;
  warehouses?: Record<string, RawWarehouse>;
  defaultWarehouse?: string;
  models?: Record<string, RawModelEntry>;
  tables: Record<string, RawTable | undefined>;
  features?: { count?: number; registry?: Array<{ index?: number; column?: string; name: string; description?: string; minCoverage?: number | null }> };
  services?: Array<{
    name: string;
    paths: string[];
    deployments?: RawDeploymentSource;
    deployCommand?: string;
    table?: StageTable;
  }>;
  thresholds?: Partial<PipelineLensConfig['thresholds']>;
  modelFamilyPattern?: string;
  primaryModels?: string[];
  readiness?: Partial<PipelineLensConfig['readiness']>;
}

let validator: ValidateFunction | null = null;
function validate(raw: unknown): ErrorObject[] {
  validator ??= configValidator();
  return validator(raw) ? [] : [...(validator.errors ?? [])];
}

/** Walks up from `startDir` to the first folder holding pipeline-lens.json. */
export function findConfigFile(startDir: string): string | null {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Reads, validates and resolves a config file; every problem is a ConfigError naming the JSON path. */
export function loadConfig(file: string): PipelineLensConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read ${path}: the file does not exist or is not readable. Create it (see docs/configuration.md) or pass --config.`, path);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}.`, path);
  }
  return resolveConfig(raw, path);
}

/** Validates an already parsed config object as if it had been read from `file`. */
export function resolveConfig(raw: unknown, file: string): PipelineLensConfig {
  const errors = validate(raw);
  if (errors.length > 0) {
    const problems = describeSchemaErrors(errors);
    throw new ConfigError(`${file}: ${problems.join('; ')}.`, file, errorPath(mostSpecific(errors)));
  }
  const config = raw as RawConfig;
  const root = dirname(file);
  const fromRoot = (p: string) => (isAbsolute(p) ? p : resolve(root, p));

  const warehouseProfiles = resolveWarehouseProfiles(config, file, fromRoot);
  const warehouse = warehouseProfiles.byName[warehouseProfiles.active];
  const table = <C>(key: string, defaults: C): TableConfig<C> | null => {
    const t = config.tables[key];
    if (!t) return null;
    return {
      table: t.table,
      partitionColumn: t.partitionColumn ?? null,
      columns: { ...defaults, ...(t.columns ?? {}) },
      ...dayRule(t, key, file),
      ...(typeof t.lineMissingAs === 'number' ? { lineMissingAs: t.lineMissingAs } : {}),
    };
  };

  const storage = resolveStorage(config.tables.featureStore);
  const features = resolveFeatures(config.features, storage, file);
  const featureStore = table('featureStore', DEFAULT_FEATURE_STORE_COLUMNS);
  if (featureStore && storage.kind === 'columns' && featureStore.columns.features !== null && config.tables.featureStore?.columns?.features !== undefined) {
    throw new ConfigError(
      `${file}: /tables/featureStore/columns/features names one column for every feature, but /tables/featureStore/storage is "columns" (one column per feature); remove it, or choose the storage the column holds (array, jsonArray, delimited).`,
      file,
      '/tables/featureStore/columns/features',
    );
  }
  if (featureStore && storage.kind !== 'columns' && featureStore.columns.features === null) {
    throw new ConfigError(
      `${file}: /tables/featureStore/columns/features is null, but /tables/featureStore/storage is "${storage.kind}", which keeps every feature in that one column; name the column, or set storage to "columns" and give each registry entry its column.`,
      file,
      '/tables/featureStore/columns/features',
    );
  }

  const services: ServiceConfig[] = (config.services ?? []).map((s, i) => ({
    name: s.name,
    paths: s.paths,
    deployments: resolveDeploymentSource(s.deployments, fromRoot, { file, at: `/services/${i}/deployments`, warehouse }),
    deployCommand: s.deployCommand ?? null,
    table: s.table ?? null,
  }));
  const names = new Set<string>();
  services.forEach((s, i) => {
    if (names.has(s.name)) throw new ConfigError(`${file}: /services/${i}/name "${s.name}" appears twice; service names must be unique.`, file, `/services/${i}/name`);
    names.add(s.name);
  });

  const logRaw = config.tables.executionLog;
  services.forEach((s, i) => {
    if (s.deployments?.kind !== 'executionLog') return;
    const at = `/services/${i}/deployments`;
    if (!logRaw)
      throw new ConfigError(
        `${file}: ${at} reads deployments from the execution log, but /tables/executionLog is not set; configure the table or choose another deployment source.`,
        file,
        at,
      );
    const logService = logRaw.service ?? (services.length === 1 ? s.name : null);
    // A log with a stage column records every stage's runs, each under its own name.
    const stageColumn = (logRaw.columns as { stage?: string | null } | undefined)?.stage;
    if (logService !== s.name && !stageColumn) {
      throw new ConfigError(
        `${file}: ${at} reads deployments of ${s.name} from the execution log, which records runs of ${logService ?? 'an unnamed service'} (/tables/executionLog/service); set that to "${s.name}" or choose another deployment source.`,
        file,
        at,
      );
    }
  });
  const executionLog = table('executionLog', DEFAULT_EXECUTION_LOG_COLUMNS);
  const predictions = table('predictions', DEFAULT_PREDICTION_COLUMNS)!;
  const snapshotKeys = config.tables.predictions?.featureSnapshotKeys ?? features.registry.map((f) => f.name);
  let logService: string | null = logRaw?.service ?? null;
  if (logService === null && services.length === 1) logService = services[0].name;
  if (logService !== null && services.length > 0 && !names.has(logService)) {
    throw new ConfigError(
      `${file}: /tables/executionLog/service is "${logService}", which is not a service in /services (${[...names].join(', ')}); name one of them.`,
      file,
      '/tables/executionLog/service',
    );
  }

  services.forEach((s, i) => {
    if (!s.table) return;
    const stamped = s.table === 'featureStore' ? featureStore : table(s.table, s.table === 'predictions' ? DEFAULT_PREDICTION_COLUMNS : DEFAULT_GRADED_COLUMNS);
    const at = `/services/${i}/table`;
    if (!stamped) throw new ConfigError(`${file}: ${at} is "${s.table}", but /tables/${s.table} is not set; configure that table or remove the key.`, file, at);
    if (!(stamped.columns as { commit: string | null }).commit) {
      throw new ConfigError(
        `${file}: ${at} is "${s.table}", whose /tables/${s.table}/columns/commit is null: a stage is traced by the build each row records; name that column.`,
        file,
        at,
      );
    }
    // A stage with no deployment record still has builds: the table says when each first wrote.
    const timed = s.table === 'predictions' && (stamped.columns as { createdAt?: string | null }).createdAt;
    s.deployments ??= {
      kind: 'buildColumn',
      table: s.table,
      describe: `${stamped.table}.${(stamped.columns as { commit: string }).commit}, the ${timed ? 'first time' : 'first day'} each build appears`,
    };
  });

  const pattern = config.modelFamilyPattern ?? DEFAULT_MODEL_FAMILY_PATTERN;
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new ConfigError(`${file}: /modelFamilyPattern is not a valid regular expression (${(error as Error).message}).`, file, '/modelFamilyPattern');
  }

  return {
    file,
    root,
    repository: fromRoot(config.repository ?? '.'),
    warehouse,
    tables: {
      predictions: {
        ...predictions,
        featureSnapshotKeys: predictions.columns.featureSnapshot ? snapshotKeys : [],
        featureJoin: resolveFeatureJoin(config.tables.predictions?.featureJoin, !!featureStore, file),
        modeFrom: resolveModeFrom(config.tables.predictions, featureStore?.columns.mode ?? null, file),
      },
      graded: table('graded', DEFAULT_GRADED_COLUMNS)!,
      featureStore: featureStore ? { ...featureStore, columns: storage.kind === 'columns' ? { ...featureStore.columns, features: null } : featureStore.columns, storage } : null,
      executionLog: executionLog ? { ...executionLog, service: logService, backfillModes: logRaw?.backfillModes ?? null } : null,
      expected: table('expected', DEFAULT_EXPECTED_COLUMNS),
    },
    features,
    services,
    thresholds: { ...DEFAULT_THRESHOLDS, ...(config.thresholds ?? {}) },
    modelFamilyPattern: pattern,
    primaryModels: [...new Set(config.primaryModels ?? [])],
    models: resolveModelRegistry(config.models, file),
    warehouseProfiles,
    readiness: { ...DEFAULT_READINESS, ...(config.readiness ?? {}) },
  };
}

/**
 * `warehouse` alone is the profile "default"; `warehouses` names several, `defaultWarehouse`
 * the one used unless another is selected. Both at once would leave it unclear which
 * `warehouse` means, so that is refused.
 */
function resolveWarehouseProfiles(config: RawConfig, file: string, fromRoot: (p: string) => string): WarehouseProfiles {
  if (config.warehouse && config.warehouses) {
    throw new ConfigError(
      `${file}: /warehouse and /warehouses are both set; keep one: move the single warehouse into /warehouses under a name (and name it in /defaultWarehouse), or remove /warehouses.`,
      file,
      '/warehouses',
    );
  }
  if (config.warehouse) {
    if (config.defaultWarehouse !== undefined && config.defaultWarehouse !== DEFAULT_WAREHOUSE_PROFILE) {
      throw new ConfigError(
        `${file}: /defaultWarehouse is "${config.defaultWarehouse}", but there is no /warehouses map; the single /warehouse is the profile "${DEFAULT_WAREHOUSE_PROFILE}".`,
        file,
        '/defaultWarehouse',
      );
    }
    const only = resolveWarehouse(config.warehouse, file, fromRoot, '/warehouse');
    return { byName: { [DEFAULT_WAREHOUSE_PROFILE]: only }, defaultName: DEFAULT_WAREHOUSE_PROFILE, active: DEFAULT_WAREHOUSE_PROFILE };
  }
  if (!config.warehouses) {
    throw new ConfigError(`${file}: /warehouse is required (where the tables live), or /warehouses with /defaultWarehouse for several named profiles.`, file, '/warehouse');
  }
  const names = Object.keys(config.warehouses);
  const defaultName = config.defaultWarehouse ?? (names.length === 1 ? names[0] : undefined);
  if (defaultName === undefined) {
    throw new ConfigError(
      `${file}: /defaultWarehouse is required with several /warehouses (${names.join(', ')}): name the profile used unless another is selected.`,
      file,
      '/defaultWarehouse',
    );
  }
  if (!names.includes(defaultName)) {
    throw new ConfigError(
      `${file}: /defaultWarehouse is "${defaultName}", which is not a profile in /warehouses (${names.join(', ')}); name one of them.`,
      file,
      '/defaultWarehouse',
    );
  }
  const byName: Record<string, WarehouseConfig> = {};
  for (const name of names) byName[name] = resolveWarehouse(config.warehouses[name], file, fromRoot, `/warehouses/${name}`);
  return { byName, defaultName, active: defaultName };
}

/** 10 GiB: enough for the built-in queries over months of a large table, small enough to notice a runaway scan. */
const DEFAULT_MAXIMUM_BYTES_BILLED = 10 * 1024 ** 3;
/** One request: BigQuery holds a result poll up to 10 s, so anything past this is a server that stopped answering. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
/** One query, polls included: long enough for a heavy aggregate, short enough that a stuck job does not run all day. */
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 600;
const DEFAULT_COMMIT_ENV = 'BUILD_COMMIT';
const DEFAULT_LOOKBACK_DAYS = 180;
/** The join of prediction rows to feature rows, when configured; it needs the feature store. */
function resolveFeatureJoin(raw: { keys: Record<string, string>; daysBefore?: number } | undefined, hasFeatureStore: boolean, file: string): FeatureJoin | null {
  if (!raw) return null;
  if (!hasFeatureStore) {
    throw new ConfigError(
      `${file}: /tables/predictions/featureJoin joins predictions to the feature store, but /tables/featureStore is not set; configure it or remove the key.`,
      file,
      '/tables/predictions/featureJoin',
    );
  }
  return { keys: Object.entries(raw.keys).map(([prediction, feature]) => ({ prediction, feature })), daysBefore: raw.daysBefore ?? 0 };
}

/**
 * Where each prediction's run mode is read: its own column, or the feature row it joined to
 * (a pipeline that stamps the mode on the feature store only). Reading it through the join
 * needs the join and the feature store's mode column, and a mode named in both places would
 * leave unclear which one splits a shift.
 */
function resolveModeFrom(raw: RawTable | undefined, featureMode: string | null, file: string): 'columns' | 'featureJoin' {
  if (raw?.modeFrom !== 'featureJoin') return 'columns';
  const at = '/tables/predictions/modeFrom';
  if (!raw.featureJoin) {
    throw new ConfigError(
      `${file}: ${at} is "featureJoin", but /tables/predictions/featureJoin is not set; add it (the predictions columns that name each prediction's feature row), or set tables.predictions.columns.mode and remove modeFrom.`,
      file,
      at,
    );
  }
  if (featureMode === null) {
    throw new ConfigError(
      `${file}: ${at} is "featureJoin", but /tables/featureStore/columns/mode is null; name the feature-store column that holds each row's run mode (e.g. feature_source_mode).`,
      file,
      at,
    );
  }
  if (raw.columns?.mode) {
    throw new ConfigError(
      `${file}: ${at} is "featureJoin", but /tables/predictions/columns/mode names "${raw.columns.mode}" too; keep one: remove modeFrom to read the predictions column, or set columns.mode to null.`,
      file,
      at,
    );
  }
  return 'featureJoin';
}

/** A deployment table partitioned by time is read this far back: long enough for the oldest deployment that matters. */
const DEFAULT_DEPLOYMENT_LOOKBACK_DAYS = 730;

function resolveStorage(raw: RawTable | undefined): FeatureStorage {
  switch (raw?.storage ?? 'array') {
    case 'jsonArray':
      return { kind: 'jsonArray' };
    case 'delimited':
      return { kind: 'delimited', delimiter: raw?.delimiter ?? ',' };
    case 'columns':
      return { kind: 'columns' };
    case 'array':
      return { kind: 'array' };
  }
}

/**
 * The registry maps each feature to its position in the features column, or to its own
 * column in a wide table, where positions only number the features (in registry order
 * unless given) so that findings and requests can name them.
 */
function resolveFeatures(raw: RawConfig['features'], storage: FeatureStorage, file: string): { count: number; registry: FeatureDefinition[] } {
  const entries = raw?.registry ?? [];
  const wide = storage.kind === 'columns';
  const registry: FeatureDefinition[] = entries.map((f, i) => {
    if (wide && !f.column) {
      throw new ConfigError(
        `${file}: /features/registry/${i} (${f.name}) names no column, but /tables/featureStore/storage is "columns" (one column per feature); add "column": the name of its column.`,
        file,
        `/features/registry/${i}/column`,
      );
    }
    if (!wide && f.index === undefined) {
      throw new ConfigError(
        `${file}: /features/registry/${i} (${f.name}) has no index; give its position in the features column (0 = first), or set /tables/featureStore/storage to "columns" for one column per feature.`,
        file,
        `/features/registry/${i}/index`,
      );
    }
    return { index: f.index ?? i, column: wide ? f.column! : null, name: f.name, description: f.description ?? '', minCoverage: f.minCoverage ?? null };
  });
  const count = raw?.count ?? (wide ? registry.reduce((max, f) => Math.max(max, f.index + 1), 0) : 0);
  if (raw && raw.count === undefined && !wide) {
    throw new ConfigError(`${file}: /features/count is required: the length of the features array.`, file, '/features/count');
  }
  const seen = new Map<number, string>();
  const columns = new Map<string, string>();
  registry.forEach((f, i) => {
    if (f.index >= count) {
      throw new ConfigError(
        `${file}: /features/registry/${i}/index is ${f.index}, outside the features array (features.count is ${count}); use an index from 0 to ${count - 1} or raise features.count.`,
        file,
        `/features/registry/${i}/index`,
      );
    }
    const other = seen.get(f.index);
    if (other !== undefined) {
      throw new ConfigError(
        `${file}: /features/registry/${i} gives index ${f.index} a second name (${f.name}; it is already ${other}); keep one entry per index.`,
        file,
        `/features/registry/${i}/index`,
      );
    }
    seen.set(f.index, f.name);
    if (f.column) {
      const owner = columns.get(f.column.toLowerCase());
      if (owner !== undefined)
        throw new ConfigError(
          `${file}: /features/registry/${i}/column ${f.column} is already the column of ${owner}; each feature needs its own column.`,
          file,
          `/features/registry/${i}/column`,
        );
      columns.set(f.column.toLowerCase(), f.name);
    }
  });
  return { count, registry };
}

function resolveWarehouse(raw: RawWarehouse, file: string, fromRoot: (p: string) => string, at: string): WarehouseConfig {
  if (raw.kind === 'bigquery') {
    return {
      kind: 'bigquery',
      project: raw.project,
      location: raw.location,
      apiEndpoint: raw.apiEndpoint ? raw.apiEndpoint.replace(/\/$/, '') : null,
      maximumBytesBilled: raw.maximumBytesBilled ?? DEFAULT_MAXIMUM_BYTES_BILLED,
      keyFilename: raw.keyFilename ? fromRoot(raw.keyFilename) : null,
      requestTimeoutSeconds: raw.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
      queryTimeoutSeconds: raw.queryTimeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS,
      configKey: at.slice(1).replace(/\//g, '.'),
    };
  }
  if (!raw.database && !raw.files) {
    throw new ConfigError(`${file}: ${at} needs "database" (a DuckDB file) or "files" (table name → Parquet/CSV/NDJSON file) for the embedded warehouse.`, file, at);
  }
  return {
    kind: 'embedded',
    database: raw.database ? fromRoot(raw.database) : undefined,
    files: raw.files ? Object.fromEntries(Object.entries(raw.files).map(([t, p]) => [t, fromRoot(p)])) : undefined,
  };
}

function resolveDeploymentSource(
  raw: RawDeploymentSource | undefined,
  fromRoot: (p: string) => string,
  context: { file: string; at: string; warehouse: WarehouseConfig },
): DeploymentSourceConfig | null {
  if (!raw) return null;
  switch (raw.kind) {
    case 'file':
      return { kind: 'file', path: fromRoot(raw.path), servingRule: raw.servingRule ?? 'traffic' };
    case 'warehouse':
      return {
        kind: 'warehouse',
        table: raw.table,
        partitionColumn: raw.partitionColumn ?? null,
        lookbackDays: raw.lookbackDays ?? DEFAULT_DEPLOYMENT_LOOKBACK_DAYS,
        columns: { ...DEFAULT_DEPLOYMENT_TABLE_COLUMNS, ...(raw.columns ?? {}) },
        servingRule: raw.servingRule ?? 'traffic',
      };
    case 'executionLog':
      return { kind: 'executionLog', lookbackDays: raw.lookbackDays ?? DEFAULT_LOOKBACK_DAYS, servingRule: raw.servingRule ?? 'traffic' };
    case 'cloudRun': {
      const project = raw.project ?? (context.warehouse.kind === 'bigquery' ? context.warehouse.project : null);
      if (!project) {
        throw new ConfigError(
          `${context.file}: ${context.at}/project is required (the Cloud Run service's project; it defaults to the warehouse's only when the warehouse is BigQuery).`,
          context.file,
          `${context.at}/project`,
        );
      }
      return {
        kind: 'cloudRun',
        project,
        region: raw.region,
        service: raw.service ?? null,
        commitEnv: raw.commitEnv ?? DEFAULT_COMMIT_ENV,
        commitLabel: raw.commitLabel ?? null,
        apiEndpoint: raw.apiEndpoint ? raw.apiEndpoint.replace(/\/$/, '') : null,
        useGcloud: raw.useGcloud === true ? 'always' : raw.useGcloud === false ? 'never' : 'auto',
      };
    }
  }
}

function errorPath(error: ErrorObject): string {
  const base = error.instancePath || '';
  if (error.keyword === 'required') return `${base}/${(error.params as { missingProperty: string }).missingProperty}`;
  if (error.keyword === 'additionalProperties') return `${base}/${(error.params as { additionalProperty: string }).additionalProperty}`;
  return base || '/';
}

function mostSpecific(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => errorPath(b).length - errorPath(a).length)[0];
}

/*
 * Ajv reports every failed branch of a oneOf; a person wants the one branch they meant.
 * Errors under a branch whose `kind` const failed are noise, and so is the oneOf summary
 * when a more specific error exists.
 */
function describeSchemaErrors(errors: ErrorObject[]): string[] {
  const constFailures = new Set(errors.filter((e) => e.keyword === 'const' && e.instancePath.endsWith('/kind')).map((e) => e.schemaPath.replace(/\/properties\/kind\/const$/, '')));
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf' && errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'oneOf')) return false;
    if (e.keyword === 'const' && e.instancePath.endsWith('/kind') && errors.some((o) => o.keyword === 'const' && o.instancePath === e.instancePath && o !== e)) {
      return false;
    }
    for (const branch of constFailures) if (e.schemaPath.startsWith(branch + '/') && !e.schemaPath.endsWith('/kind/const')) return false;
    return true;
  });
  const kindErrors = errors.filter((e) => e.keyword === 'const' && e.instancePath.endsWith('/kind'));
  const messages = new Set<string>();
  const kindPaths = new Set(kindErrors.map((e) => e.instancePath));
  for (const path of kindPaths) {
    const allowed = kindErrors.filter((e) => e.instancePath === path).map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
    const allBranchesFailed = !kept.some((e) => e.instancePath.startsWith(path.replace(/\/kind$/, '')) && !(e.keyword === 'const' && e.instancePath === path));
    if (allBranchesFailed) messages.add(`${path} must be one of ${allowed.join(', ')}`);
  }
  for (const e of kept) {
    if (e.keyword === 'const' && kindPaths.has(e.instancePath)) continue;
    messages.add(describeOne(e));
  }
  return [...messages].slice(0, 5);
}

function describeOne(e: ErrorObject): string {
  const path = errorPath(e);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${path} is required`;
    case 'additionalProperties':
      return `${path} is not a known setting (check its spelling; allowed keys are listed in schemas/pipeline-lens.schema.json)`;
    case 'type':
      return `${path} must be ${String(p.type)}`;
    case 'pattern':
      return `${path} must match ${String(p.pattern)}${e.schemaPath.includes('tableName') ? ' (dataset.table or project.dataset.table)' : e.schemaPath.includes('columnName') ? ' (a column name: letters, digits, underscores)' : ''}`;
    case 'const':
      return `${path} must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `${path} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minimum':
    case 'maximum':
      return `${path} must be ${e.keyword === 'minimum' ? '>=' : '<='} ${String(p.limit)}`;
    case 'minItems':
      return `${path} must have at least ${String(p.limit)} item(s)`;
    case 'minLength':
      return `${path} must not be empty`;
    default:
      return `${path} ${e.message ?? 'is invalid'}`;
  }
}

// ---------------------------------------------------------------------------------------
// Table time settings: dateType and timeZone

/** IANA names only: both engines know them, where an offset such as +05:30 is not read alike. */
const IANA_ZONE = /^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/;

/** The day rule of a table, when it sets one; a DATE column in UTC is the default and is left out. */
function dayRule(raw: RawTable, role: string, file: string): { day?: DayRule } {
  const type = raw.dateType ?? 'DATE';
  const zone = raw.timeZone ?? 'UTC';
  const at = `/tables/${role}/timeZone`;
  if (raw.timeZone !== undefined && type === 'DATE') {
    throw new ConfigError(
      `${file}: ${at} is "${zone}", but /tables/${role}/dateType is DATE (a day has no time zone); set dateType to TIMESTAMP or DATETIME if the date column holds times, or remove timeZone.`,
      file,
      at,
    );
  }
  // UTC, the default of every table, is known without asking: the first Intl.DateTimeFormat
  // loads the time zone data, tens of milliseconds of every server's start.
  if (!IANA_ZONE.test(zone) || (zone !== 'UTC' && !knownZone(zone))) {
    throw new ConfigError(`${file}: ${at} "${zone}" is not a time zone name; use an IANA name such as "America/Los_Angeles", "Europe/Berlin" or "UTC".`, file, at);
  }
  return type === 'DATE' ? {} : { day: { type, timeZone: zone } };
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
