import type { PipelineLensConfig } from '../config/types';

/**
 * Where in pipeline-lens.json each table is named, so that "table not found" can say which
 * setting to correct: `ds.preds` → `tables.predictions.table`. Keys are lowercase.
 */
export function tableConfigKeys(config: PipelineLensConfig): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [role, table] of Object.entries(config.tables)) {
    if (table) keys[table.table.toLowerCase()] ??= `tables.${role}.table`;
  }
  config.services.forEach((service, i) => {
    if (service.deployments?.kind === 'warehouse') keys[service.deployments.table.toLowerCase()] ??= `services[${i}].deployments.table`;
  });
  return keys;
}
