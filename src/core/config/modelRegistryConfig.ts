import { ConfigError } from './configError';
import type { ModelArtifact, ModelRegistryEntry } from './types';

/** One `models` entry as the schema allows it. */
export interface RawModelArtifact {
  artifact: string;
  experiment?: string;
  trainingWindow?: { from: string; to: string };
  metrics?: Record<string, number>;
}
export interface RawModelEntry extends RawModelArtifact {
  versions?: RawModelArtifact[];
}

/**
 * The `models` section, checked beyond the schema: dates that are dates and in order, a
 * hit rate that is a share, and one artifact never registered under two meanings (two ids,
 * or two trainings of one id), since the findings identify a model by its artifact.
 */
export function resolveModelRegistry(raw: Record<string, RawModelEntry> | undefined, file: string): ModelRegistryEntry[] {
  if (!raw) return [];
  const owner = new Map<string, string>();
  return Object.entries(raw).map(([model, entry]) => {
    const at = `/models/${model}`;
    const versions = (entry.versions ?? []).map((v, i) => resolveArtifact(v, file, `${at}/versions/${i}`));
    const registered = resolveArtifact(entry, file, at);
    [registered, ...versions].forEach((a, i) => {
      const where = i === 0 ? `${at}/artifact` : `${at}/versions/${i - 1}/artifact`;
      const other = owner.get(a.artifact);
      if (other !== undefined) {
        throw new ConfigError(
          `${file}: ${where} "${a.artifact}" is already listed at ${other}; an artifact is one model file with one set of figures: keep one entry.`,
          file,
          where,
        );
      }
      owner.set(a.artifact, where);
    });
    return { model, ...registered, versions };
  });
}

function resolveArtifact(raw: RawModelArtifact, file: string, at: string): ModelArtifact {
  const window = raw.trainingWindow ?? null;
  if (window) {
    for (const key of ['from', 'to'] as const) {
      if (Number.isNaN(Date.parse(`${window[key]}T00:00:00Z`))) {
        throw new ConfigError(`${file}: ${at}/trainingWindow/${key} is "${window[key]}", which is not a date; use YYYY-MM-DD.`, file, `${at}/trainingWindow/${key}`);
      }
    }
    if (window.from > window.to) {
      throw new ConfigError(`${file}: ${at}/trainingWindow runs from ${window.from} to ${window.to}, which ends before it starts; swap them.`, file, `${at}/trainingWindow`);
    }
  }
  const metrics = raw.metrics ?? {};
  if (metrics.hitRate !== undefined && (metrics.hitRate < 0 || metrics.hitRate > 1)) {
    throw new ConfigError(`${file}: ${at}/metrics/hitRate is ${metrics.hitRate}; give it as a share from 0 to 1 (e.g. 0.746 for 74.6%).`, file, `${at}/metrics/hitRate`);
  }
  if (metrics.mae !== undefined && metrics.mae < 0) {
    throw new ConfigError(`${file}: ${at}/metrics/mae is ${metrics.mae}; a mean absolute error is never negative.`, file, `${at}/metrics/mae`);
  }
  return { artifact: raw.artifact, experiment: raw.experiment ?? null, trainingWindow: window, metrics };
}
