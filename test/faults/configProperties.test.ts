import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../src/core/config/configError';
import { loadConfig, resolveConfig } from '../../src/core/config/loadConfig';
import type { PipelineLensConfig } from '../../src/core/config/types';
import { mutate, mutations, validConfig, type JsonObject } from './configArbitraries';
import { runs } from './propertyRuns';

/*
 * The config loader under generated input. Invariants: whatever the file holds, the loader
 * either returns a config or throws a ConfigError whose message names a JSON path (so the
 * one-line CLI error says where to look); valid configs load, keep what they say, and
 * resolve to the same config when the resolved form is written back.
 */

const FILE = '/ws/pipeline-lens.json';

/** Resolves, or checks that the failure is a ConfigError naming a JSON path. */
function resolveOrExplain(raw: unknown): PipelineLensConfig | null {
  try {
    return resolveConfig(raw, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} for ${JSON.stringify(raw)?.slice(0, 500)}`);
    assert.ok(error.message.startsWith(`${FILE}: /`), `message names no JSON path: ${error.message}`);
    assert.ok(error.jsonPath?.startsWith('/'), `jsonPath ${String(error.jsonPath)} is not a JSON path (${error.message})`);
    assert.ok(!error.message.includes('\n'), `message spans lines: ${error.message}`);
    return null;
  }
}

/** Config-shaped values with anything in each slot. */
const configShaped = fc.record(
  {
    warehouse: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ kind: fc.constantFrom('embedded', 'bigquery', 'x'), files: fc.jsonValue({ maxDepth: 1 }), project: fc.jsonValue({ maxDepth: 0 }) }, { requiredKeys: [] }),
    ),
    tables: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(
        fc.constantFrom('predictions', 'graded', 'featureStore', 'executionLog', 'expected', 'other'),
        fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.record({ table: fc.jsonValue({ maxDepth: 0 }), columns: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })),
      ),
    ),
    services: fc.jsonValue({ maxDepth: 3 }),
    features: fc.jsonValue({ maxDepth: 2 }),
    thresholds: fc.jsonValue({ maxDepth: 1 }),
    modelFamilyPattern: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 0 })),
    repository: fc.jsonValue({ maxDepth: 0 }),
  },
  { requiredKeys: [] },
);

/** The resolved config written back as pipeline-lens.json would hold it. */
function unresolve(config: PipelineLensConfig): JsonObject {
  const { file: _file, root: _root, models, warehouseProfiles, ...rest } = config;
  const raw = dropNulls(structuredClone(rest)) as JsonObject;
  // The single warehouse is the profile "default"; where the file sets it is not a setting.
  delete (raw.warehouse as JsonObject).configKey;
  if (Object.keys(warehouseProfiles.byName).length > 1) {
    delete raw.warehouse;
    raw.warehouses = Object.fromEntries(
      Object.entries(warehouseProfiles.byName).map(([name, w]) => [name, (({ configKey: _k, ...r }) => dropNulls(r))(w as { configKey?: string })]),
    ) as JsonObject;
    raw.defaultWarehouse = warehouseProfiles.defaultName;
  }
  if (models.length) {
    raw.models = Object.fromEntries(
      models.map(({ model, versions, ...registered }) => [model, dropNulls({ ...registered, ...(versions.length ? { versions } : {}) })]),
    ) as JsonObject;
  }
  const features = raw.features as { count: number; registry: unknown[] } | undefined;
  if (features && features.count === 0 && features.registry.length === 0) delete raw.features;
  const tables = raw.tables as Record<string, JsonObject | undefined>;
  const store = tables.featureStore as { storage?: { kind: string; delimiter?: string }; delimiter?: string } | undefined;
  if (store?.storage) {
    if (store.storage.delimiter !== undefined) store.delimiter = store.storage.delimiter;
    (store as JsonObject).storage = store.storage.kind;
  }
  for (const service of (raw.services ?? []) as Array<{ deployments?: { kind: string; useGcloud?: unknown } }>) {
    const d = service.deployments;
    if (d?.kind === 'cloudRun') d.useGcloud = d.useGcloud === 'always' ? true : d.useGcloud === 'never' ? false : 'auto';
  }
  return raw;
}

/** Removes null members, except where the schema gives null a meaning (an absent optional column, no partition, no minimum). */
function dropNulls(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => dropNulls(v));
  if (value === null || typeof value !== 'object') return value;
  const keepNulls = key === 'columns';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null && !keepNulls && k !== 'partitionColumn' && k !== 'minCoverage') continue;
    out[k] = dropNulls(v, k);
  }
  return out;
}

describe('config loader, generated input', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'pl-config-props-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('throws nothing but a ConfigError naming a JSON path, for any JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), configShaped), (raw) => {
        resolveOrExplain(raw);
      }),
      runs('configArbitraryJson'),
    );
  });

  it('throws nothing but a ConfigError naming a JSON path, for mutations of a valid config', () => {
    fc.assert(
      fc.property(validConfig, mutations, (config, list) => {
        const raw = mutate(config, list);
        const resolved = resolveOrExplain(raw);
        if (resolved) {
          assert.equal(typeof resolved.tables.predictions.table, 'string');
          assert.equal(typeof resolved.tables.graded.table, 'string');
        }
      }),
      runs('configMutations'),
    );
  });

  it('loads every valid config, keeping what it says, and resolves its own output to itself', () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const config = resolveConfig(raw, FILE);
        const tables = raw.tables as Record<string, { table: string; columns?: Record<string, string | null> }>;
        for (const [key, table] of Object.entries(tables)) {
          const resolved = (config.tables as unknown as Record<string, { table: string; columns: Record<string, string | null> }>)[key];
          assert.equal(resolved.table, table.table);
          for (const [column, name] of Object.entries(table.columns ?? {})) assert.equal(resolved.columns[column], name, `${key}.columns.${column}`);
        }
        assert.deepEqual(
          config.services.map((s) => [s.name, s.paths]),
          ((raw.services ?? []) as Array<{ name: string; paths: string[] }>).map((s) => [s.name, s.paths]),
        );
        for (const [name, value] of Object.entries((raw.thresholds ?? {}) as Record<string, number>)) {
          assert.equal(config.thresholds[name as keyof PipelineLensConfig['thresholds']], value);
        }
        assert.deepEqual(resolveConfig(unresolve(config), FILE), config);
      }),
      runs('configValidRoundTrip'),
    );
  });

  it('reads any file content without throwing anything but a ConfigError naming the file', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v).slice(0, 20)),
        ),
        (text) => {
          const file = join(scratch, `t${n++}.json`);
          writeFileSync(file, text);
          try {
            loadConfig(file);
          } catch (error) {
            assert.ok(error instanceof ConfigError, `threw ${String(error)} for ${JSON.stringify(text)}`);
            assert.ok(error.message.includes(file), `message does not name the file: ${error.message}`);
          }
        },
      ),
      runs('configTextFromFile'),
    );
  });

  it('reads a valid config from its file exactly as from memory', () => {
    let n = 0;
    fc.assert(
      fc.property(validConfig, (raw) => {
        const file = join(scratch, `c${n++}.json`);
        writeFileSync(file, JSON.stringify(raw, null, 2));
        assert.deepEqual(loadConfig(file), resolveConfig(raw, file));
      }),
      runs('configValidFromFile'),
    );
  });
});
