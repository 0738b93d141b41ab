import type { PipelineLensConfig, TableConfig } from '../config/types';

/**
 * Where in pipeline-lens.json each table is named, so that "table not found" can say which
 * setting to correct: `ds.preds` → `tables.predictions.table`. Keys are lowercase.
 */
export function tableConfigKeys(config: PipelineLensConfig): Record<string, string> {
  const keys: Record<string, string> = {};
  // Every role holds a TableConfig; entries() of an interface cannot say so itself.
  for (const [role, table] of Object.entries(config.tables) as Array<[string, TableConfig<unknown> | null]>) {
    if (table) keys[table.table.toLowerCase()] ??= `tables.${role}.table`;
  }
  config.services.forEach((service, i) => {
    if (service.deployments?.kind === 'warehouse') keys[service.deployments.table.toLowerCase()] ??= `services[${i}].deployments.table`;
  });
  return keys;
}
