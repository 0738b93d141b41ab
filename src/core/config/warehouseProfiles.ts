import { ConfigError } from './configError';
import type { PipelineLensConfig } from './types';

/**
 * The config read through another warehouse profile: the same tables, services and
 * registry, `warehouse` replaced by the named profile. An unknown name is an error naming
 * the profiles there are, never a silent fall back to the default.
 */
export function withWarehouseProfile(config: PipelineLensConfig, name: string | null | undefined): PipelineLensConfig {
  if (name === null || name === undefined || name === config.warehouseProfiles.active) return config;
  const profiles = config.warehouseProfiles;
  const warehouse = profiles.byName[name];
  if (!warehouse) {
    const known = Object.keys(profiles.byName);
    throw new ConfigError(
      `No warehouse profile "${name}" in ${config.file}; the profiles are ${known.join(', ')} (default ${profiles.defaultName}). Name one of them, or add "${name}" under "warehouses".`,
      config.file,
      '/warehouses',
    );
  }
  return { ...config, warehouse, warehouseProfiles: { ...profiles, active: name } };
}

/** Profile names, the default first. */
export function warehouseProfileNames(config: PipelineLensConfig): string[] {
  const names = Object.keys(config.warehouseProfiles.byName);
  return [config.warehouseProfiles.defaultName, ...names.filter((n) => n !== config.warehouseProfiles.defaultName)];
}
