import type { PipelineLensConfig, TableConfig } from '../config/types';
import type { FeatureStorageKind } from './featureOffsets';

/** A configured table as SQL tooling sees it: its name, what it is for, and its known columns. */
export interface SqlTable {
  /** As configured (`dataset.table` or `project.dataset.table`). */
  name: string;
  /** Which role the table plays in pipeline-lens.json (`predictions`, `featureStore`...). */
  role: string;
  partitionColumn: string | null;
  /** Columns named in config, partition column first when there is one. */
  columns: string[];
}

export interface SqlFeature {
  index: number;
  name: string;
  description: string;
  /** Its own column, when the store has one column per feature. */
  column?: string | null;
}

/**
 * What the SQL tooling needs from pipeline-lens.json, and nothing else, so that hovers,
 * diagnostics and completions can be tested without a workspace.
 */
export interface SqlContext {
  tables: SqlTable[];
  /** Column holding the feature array; `[OFFSET(n)]` on any other array is not a feature. */
  featuresColumn: string | null;
  /** Length of the feature array; 0 when the config does not say. */
  featureCount: number;
  features: SqlFeature[];
  /** How the store holds features (default: an array). */
  featureStorage?: FeatureStorageKind;
  /** Separator of a delimited features column. */
  featureDelimiter?: string;
}

const ROLE_LABELS: Record<string, string> = {
  predictions: 'predictions',
  graded: 'graded predictions',
  featureStore: 'feature store',
  executionLog: 'execution log',
  expected: 'expected entities',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

export function sqlContextFromConfig(config: PipelineLensConfig): SqlContext {
  const tables: SqlTable[] = [];
  // Every role holds a TableConfig; entries() of an interface cannot say so itself.
  for (const [role, table] of Object.entries(config.tables) as Array<[string, TableConfig<unknown> | null]>) {
    if (!table) continue;
    const named = Object.values(table.columns as Record<string, string | null>).filter((c): c is string => typeof c === 'string');
    if (role === 'featureStore') named.push(...config.features.registry.flatMap((f) => (f.column ? [f.column] : [])));
    const columns = [...new Set([...(table.partitionColumn ? [table.partitionColumn] : []), ...named])];
    tables.push({ name: table.table, role, partitionColumn: table.partitionColumn, columns });
  }
  for (const service of config.services) {
    const source = service.deployments;
    if (source?.kind === 'warehouse' && !tables.some((t) => sameTable(t.name, source.table))) {
      const columns = Object.values(source.columns).filter((c): c is string => typeof c === 'string');
      tables.push({ name: source.table, role: 'deployments', partitionColumn: null, columns });
    }
  }
  const storage = config.tables.featureStore?.storage ?? { kind: 'array' as const };
  return {
    tables,
    featuresColumn: storage.kind === 'columns' ? null : (config.tables.featureStore?.columns.features ?? (config.features.count > 0 ? 'features' : null)),
    featureCount: config.features.count,
    features: config.features.registry.map((f) => ({ index: f.index, name: f.name, description: f.description, column: f.column })),
    featureStorage: storage.kind,
    featureDelimiter: storage.kind === 'delimited' ? storage.delimiter : undefined,
  };
}

/**
 * Whether a name written in SQL and a configured name are the same table: BigQuery lets a
 * query leave out the default project, so `proj.ds.t` and `ds.t` match on their last parts.
 */
export function sameTable(written: string, configured: string): boolean {
  const a = written.toLowerCase().split('.');
  const b = configured.toLowerCase().split('.');
  if (a.length < 2 || b.length < 2) return false;
  const n = Math.min(a.length, b.length);
  return a.slice(-n).join('.') === b.slice(-n).join('.');
}

export function findTable(context: SqlContext, written: string): SqlTable | null {
  return context.tables.find((t) => sameTable(written, t.name)) ?? null;
}
