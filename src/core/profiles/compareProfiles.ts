import type { PipelineLensConfig } from '../config/types';
import { withWarehouseProfile } from '../config/warehouseProfiles';
import type { CredentialHosts } from '../credentials/endpointPolicy';
import { featureCoverageQuery, featureStoreEntitiesQuery, modelsSummaryQuery, type DateWindow } from '../warehouse/catalog';
import type { CatalogQuery } from '../warehouse/columnNeeds';
import { runChecked } from '../warehouse/checkedQuery';
import type { Row } from '../warehouse/types';
import { Workspace } from '../workspace';

/*
 * One date read from two warehouse profiles (staging against production, say), feature by
 * feature: the test plan of a change to the pipeline is that the two agree except where the
 * change meant them to differ. Each profile is queried on its own (no query can join two
 * warehouses); only aggregates and the entity keys of the one date come back.
 */

/** A feature's values on the date in one profile. */
export interface FeatureSide {
  rows: number;
  /** Share of rows > 0, of non-zero-or-NULL, of NULL; null with no rows. */
  coverage: number | null;
  zeroShare: number | null;
  nullShare: number | null;
  /** Mean of the non-NULL values; null when there are none. */
  mean: number | null;
}

export interface FeatureComparison {
  index: number;
  name: string;
  sides: [FeatureSide | null, FeatureSide | null];
  /** What differs: `rows`, `coverage`, `mean`, `nullShare`, `zeroShare`; empty when the two agree. */
  differs: string[];
}

export interface ProfileSideCounts {
  predictions: number;
  graded: number;
}

export interface ProfileComparison {
  date: string;
  profiles: [string, string];
  /** What each profile is (engine and where), as the warehouse describes itself. */
  warehouses: [string | null, string | null];
  /** Per model: rows predicted and graded for the date in each profile. */
  models: Array<{ model: string; sides: [ProfileSideCounts, ProfileSideCounts]; differs: boolean }> | null;
  featureStore: {
    rows: [number, number];
    entities: [number, number];
    /** Entities with a feature row in one profile only (the first 50 each), and how many in all. */
    onlyIn: [string[], string[]];
    onlyInCount: [number, number];
  } | null;
  features: FeatureComparison[] | null;
  /** How many of the comparisons above differ. */
  differences: number;
  /** What could not be compared, and why (per profile, naming the setting). */
  notChecked: string[];
}

/** Values equal within rounding the two engines may differ by. */
const TOLERANCE = 1e-9;
const ONLY_IN_SHOWN = 50;

export async function compareProfiles(
  config: PipelineLensConfig,
  profiles: [string, string],
  date: string,
  options: { credentialHosts?: CredentialHosts; now?: () => Date } = {},
): Promise<ProfileComparison> {
  const window: DateWindow = { from: date, to: date };
  const workspaces = profiles.map((p) => new Workspace(withWarehouseProfile(config, p), options.now, options.credentialHosts)) as [Workspace, Workspace];
  const notChecked: string[] = [];
  try {
    const read = async (side: 0 | 1, what: string, build: (c: PipelineLensConfig) => CatalogQuery): Promise<Row[] | null> => {
      const w = workspaces[side];
      const result = await runChecked(await w.warehouse(), w.config, build, window);
      if (result.ok) {
        for (const f of result.leftOut) notChecked.push(`${what} in ${profiles[side]}, without ${f.need.key}: ${f.message}`);
        return result.rows;
      }
      notChecked.push(`${what} in ${profiles[side]}: ${result.reason}`);
      return null;
    };
    const both = async (what: string, build: (c: PipelineLensConfig) => CatalogQuery) => Promise.all([read(0, what, build), read(1, what, build)]);

    const warehouses = (await Promise.all(workspaces.map(async (w) => (await w.warehouse()).describe()))) as [string, string];
    const [modelsA, modelsB] = await both('predictions by model', (c) => modelsSummaryQuery(c, { window }));
    const fs = config.tables.featureStore;
    const indices = config.features.registry.length ? config.features.registry.map((f) => f.index) : Array.from({ length: config.features.count }, (_, i) => i);
    if (!fs) notChecked.push('feature store: no tables.featureStore in the config');
    const [statsA, statsB] = fs && indices.length ? await both('feature values', (c) => featureCoverageQuery(c, window, indices)) : [null, null];
    const [keysA, keysB] = fs ? await both('feature-store rows', (c) => featureStoreEntitiesQuery(c, date)) : [null, null];

    const models = modelsA && modelsB ? compareModels(modelsA, modelsB) : null;
    const names = new Map(config.features.registry.map((f) => [f.index, f.name]));
    const features = statsA && statsB ? compareFeatures(statsA, statsB, indices, names) : null;
    const featureStore = keysA && keysB ? compareEntities(keysA, keysB) : null;
    const differences =
      (models?.filter((m) => m.differs).length ?? 0) +
      (features?.filter((f) => f.differs.length > 0).length ?? 0) +
      (featureStore ? (featureStore.onlyInCount[0] + featureStore.onlyInCount[1] > 0 || featureStore.rows[0] !== featureStore.rows[1] ? 1 : 0) : 0);
    return { date, profiles, warehouses, models, featureStore, features, differences, notChecked };
  } finally {
    await Promise.all(workspaces.map((w) => w.close()));
  }
}

function compareModels(a: Row[], b: Row[]): NonNullable<ProfileComparison['models']> {
  const count = (rows: Row[]) => new Map(rows.map((r) => [String(r.model), { predictions: Number(r.predictions ?? 0), graded: Number(r.graded ?? 0) }]));
  const [ca, cb] = [count(a), count(b)];
  const none = { predictions: 0, graded: 0 };
  return [...new Set([...ca.keys(), ...cb.keys()])].sort().map((model) => {
    const sides: [ProfileSideCounts, ProfileSideCounts] = [ca.get(model) ?? none, cb.get(model) ?? none];
    return { model, sides, differs: sides[0].predictions !== sides[1].predictions || sides[0].graded !== sides[1].graded };
  });
}

/** The rows of featureCoverageQuery (per mode and build) summed per feature. */
function featureSides(rows: Row[]): Map<number, FeatureSide> {
  const sums = new Map<number, { rows: number; positive: number; zeros: number; nulls: number; sum: number }>();
  for (const r of rows) {
    const index = Number(r.feature_index);
    const s = sums.get(index) ?? { rows: 0, positive: 0, zeros: 0, nulls: 0, sum: 0 };
    const n = Number(r.row_count ?? 0);
    const nulls = Number(r.nulls ?? 0);
    s.rows += n;
    s.positive += Number(r.positive ?? 0);
    s.zeros += Number(r.zeros ?? 0);
    s.nulls += nulls;
    s.sum += r.mean === null || r.mean === undefined ? 0 : Number(r.mean) * (n - nulls);
    sums.set(index, s);
  }
  const sides = new Map<number, FeatureSide>();
  for (const [index, s] of sums) {
    const share = (v: number) => (s.rows > 0 ? v / s.rows : null);
    sides.set(index, {
      rows: s.rows,
      coverage: share(s.positive),
      zeroShare: share(s.zeros),
      nullShare: share(s.nulls),
      mean: s.rows - s.nulls > 0 ? s.sum / (s.rows - s.nulls) : null,
    });
  }
  return sides;
}

function differ(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a !== b;
  return Math.abs(a - b) > TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

function compareFeatures(a: Row[], b: Row[], indices: number[], names: Map<number, string>): FeatureComparison[] {
  const [sa, sb] = [featureSides(a), featureSides(b)];
  return indices.map((index) => {
    const sides: [FeatureSide | null, FeatureSide | null] = [sa.get(index) ?? null, sb.get(index) ?? null];
    const differs: string[] = [];
    const [x, y] = sides;
    if (!x || !y) {
      if (x || y) differs.push('rows');
    } else {
      if (x.rows !== y.rows) differs.push('rows');
      for (const key of ['coverage', 'mean', 'nullShare', 'zeroShare'] as const) if (differ(x[key], y[key])) differs.push(key);
    }
    return { index, name: names.get(index) ?? `feature ${index}`, sides, differs };
  });
}

function compareEntities(a: Row[], b: Row[]): NonNullable<ProfileComparison['featureStore']> {
  const keys = (rows: Row[]) => new Map(rows.map((r) => [String(r.entity), Number(r.row_count ?? 0)]));
  const [ka, kb] = [keys(a), keys(b)];
  const onlyA = [...ka.keys()].filter((k) => !kb.has(k)).sort();
  const onlyB = [...kb.keys()].filter((k) => !ka.has(k)).sort();
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
  return {
    rows: [total(ka), total(kb)],
    entities: [ka.size, kb.size],
    onlyIn: [onlyA.slice(0, ONLY_IN_SHOWN), onlyB.slice(0, ONLY_IN_SHOWN)],
    onlyInCount: [onlyA.length, onlyB.length],
  };
}
