import fc from 'fast-check';

/*
 * Generators of pipeline-lens.json contents for the property tests: valid configs of every
 * shape the schema allows (and the loader's own rules: unique names, registry indexes
 * inside the features array, an execution log naming its service), and mutations of them.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const tableName = fc
  .tuple(fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/), { nil: null }), identifier, identifier)
  .map(([project, dataset, table]) => (project ? `${project}.${dataset}.${table}` : `${dataset}.${table}`));
const share = fc.double({ min: 0, max: 1, noNaN: true });
const gcpProject = fc.stringMatching(/^[a-z][a-z0-9-]{4,12}[a-z0-9]$/);
const filePath = fc.constantFrom('data/p.parquet', 'g.csv', '../shared/x.ndjson', '/abs/path/t.parquet', 'dir with space/f.json');

/** A `columns` object over some of `keys`; `optional` ones may be null. */
function columns(keys: string[], optional: string[] = []): fc.Arbitrary<JsonObject> {
  const entries = keys.map((key) => [key, optional.includes(key) ? fc.option(identifier, { nil: null }) : identifier] as const);
  return fc.record(Object.fromEntries(entries), { requiredKeys: [] }) as fc.Arbitrary<JsonObject>;
}

const PREDICTION_COLUMNS = ['entity', 'date', 'model', 'predicted', 'line', 'commit', 'revision', 'createdAt', 'active', 'superseded', 'supersededAt', 'featureSnapshot'];
const PREDICTION_OPTIONAL = ['predicted', 'line', 'commit', 'revision', 'createdAt', 'active', 'superseded', 'supersededAt', 'featureSnapshot'];
const GRADED_COLUMNS = ['entity', 'date', 'model', 'predicted', 'actual', 'line', 'correct', 'commit', 'active', 'superseded', 'supersededAt'];
const GRADED_OPTIONAL = ['predicted', 'actual', 'line', 'commit', 'active', 'superseded', 'supersededAt'];
const FEATURE_COLUMNS = ['entity', 'date', 'features', 'mode', 'commit'];
const LOG_COLUMNS = ['runId', 'commit', 'revision', 'start', 'end', 'date', 'lastDate', 'model', 'rowsProduced', 'mode', 'status'];
const LOG_OPTIONAL = ['revision', 'end', 'lastDate', 'model', 'rowsProduced', 'mode', 'status'];
const DEPLOYMENT_COLUMNS = ['service', 'revision', 'commit', 'createdAt', 'trafficPercent'];

function tableConfig(columnKeys: string[], optional: string[] = []): fc.Arbitrary<JsonObject> {
  return fc.record({ table: tableName, partitionColumn: fc.option(identifier, { nil: null }), columns: columns(columnKeys, optional) }, { requiredKeys: ['table'] });
}

const embeddedWarehouse = fc
  .record({ database: filePath, files: fc.dictionary(tableName, filePath, { maxKeys: 4 }) }, { requiredKeys: [] })
  .filter((w) => w.database !== undefined || w.files !== undefined)
  .map((w): JsonObject => ({ kind: 'embedded', ...w }));

const bigqueryWarehouse = fc
  .record(
    {
      project: gcpProject,
      location: fc.constantFrom('US', 'EU', 'us-central1', 'europe-west2'),
      apiEndpoint: fc.constantFrom('http://127.0.0.1:9050', 'https://bigquery.example.test/'),
      maximumBytesBilled: fc.integer({ min: 1, max: 2 ** 40 }),
      keyFilename: fc.constantFrom('key.json', '/secrets/sa.json'),
    },
    { requiredKeys: ['project', 'location'] },
  )
  .map((w): JsonObject => ({ kind: 'bigquery', ...w }));

/** A deployment source other than the execution log (which needs the log's service to match). */
const deploymentSource = fc.oneof(
  filePath.map((path): JsonObject => ({ kind: 'file', path })),
  fc
    .record(
      {
        table: tableName,
        partitionColumn: fc.option(identifier, { nil: null }),
        lookbackDays: fc.integer({ min: 1, max: 36500 }),
        columns: columns(DEPLOYMENT_COLUMNS, ['trafficPercent']),
      },
      { requiredKeys: ['table'] },
    )
    .map((d): JsonObject => ({ kind: 'warehouse', ...d })),
  fc
    .record(
      {
        project: gcpProject,
        region: fc.constantFrom('us-west2', 'europe-west1', 'asia-northeast1'),
        service: fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/),
        commitEnv: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
        commitLabel: fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/),
        apiEndpoint: fc.constant('http://127.0.0.1:8123'),
        useGcloud: fc.constantFrom(true, false, 'auto'),
      },
      // The project is required whenever the warehouse is not BigQuery; always giving it keeps every draw valid.
      { requiredKeys: ['project', 'region'] },
    )
    .map((d): JsonObject => ({ kind: 'cloudRun', ...d })),
);

const serviceName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/);

const features = fc.integer({ min: 1, max: 40 }).chain((count) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: count - 1 }), { maxLength: Math.min(count, 6) })
    .chain((indexes) =>
      fc.tuple(
        ...indexes.map((index) =>
          fc.record(
            { index: fc.constant(index), name: identifier, description: fc.string({ maxLength: 20 }), minCoverage: fc.option(share, { nil: null }) },
            { requiredKeys: ['index', 'name'] },
          ),
        ),
      ),
    )
    .map((registry): JsonObject => ({ count, registry })),
);

const thresholds = fc.record(
  {
    hitRate: share,
    gradingCoverage: share,
    featureCoverage: share,
    zeroRate: share,
    featureStoreCompleteness: share,
    highEdge: fc.double({ min: 0, max: 1000, noNaN: true }),
    directionSkew: share,
    minSample: fc.integer({ min: 1, max: 10_000 }),
  },
  { requiredKeys: [] },
);

/** A config the loader must accept. */
export const validConfig: fc.Arbitrary<JsonObject> = fc
  .record({
    repository: fc.option(fc.constantFrom('.', '..', 'repo', '/abs/repo'), { nil: undefined }),
    warehouse: fc.oneof(embeddedWarehouse, bigqueryWarehouse),
    predictions: tableConfig(PREDICTION_COLUMNS, PREDICTION_OPTIONAL),
    snapshotKeys: fc.option(fc.uniqueArray(identifier, { maxLength: 4 }), { nil: undefined }),
    graded: tableConfig(GRADED_COLUMNS, GRADED_OPTIONAL),
    featureStore: fc.option(tableConfig(FEATURE_COLUMNS, ['mode', 'commit']), { nil: undefined }),
    storage: fc.constantFrom('array', 'jsonArray', 'delimited', 'columns', undefined),
    delimiter: fc.option(fc.constantFrom(',', ';', '|', '\t'), { nil: undefined }),
    expected: fc.option(tableConfig(['entity', 'date']), { nil: undefined }),
    executionLog: fc.option(tableConfig(LOG_COLUMNS, LOG_OPTIONAL), { nil: undefined }),
    backfillModes: fc.option(fc.array(fc.constantFrom('backfill', 'rescore', 'Rebuild', 'manual'), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    services: fc.uniqueArray(
      fc.record(
        {
          name: serviceName,
          paths: fc.array(fc.constantFrom('worker/**', 'src/*.py', 'shared', '**/*.sql'), { minLength: 1, maxLength: 3 }),
          deployments: deploymentSource,
          deployCommand: fc.string({ maxLength: 20 }),
        },
        { requiredKeys: ['name', 'paths'] },
      ),
      { maxLength: 3, selector: (s) => s.name },
    ),
    logSourceService: fc.nat(),
    features: fc.option(features, { nil: undefined }),
    thresholds: fc.option(thresholds, { nil: undefined }),
    modelFamilyPattern: fc.option(fc.constantFrom('^.*?v\\d+', '^[a-z]+', '(catboost|xgb)_v\\d', '.*'), { nil: undefined }),
  })
  .map((r) => {
    const predictions: JsonObject = { ...r.predictions };
    if (r.snapshotKeys) predictions.featureSnapshotKeys = r.snapshotKeys;
    const tables: JsonObject = { predictions, graded: r.graded };
    let features: JsonObject | undefined = r.features;
    if (r.featureStore) {
      const store: JsonObject = { ...r.featureStore };
      if (r.storage) store.storage = r.storage;
      if (r.storage === 'delimited' && r.delimiter) store.delimiter = r.delimiter;
      if (r.storage === 'columns') {
        // One column per feature: the registry names them, and no column holds them all.
        const cols = { ...((store.columns as JsonObject | undefined) ?? {}) };
        delete cols.features;
        store.columns = cols;
        if (features) features = { ...features, registry: (features.registry as JsonObject[]).map((f) => ({ ...f, column: `c_${f.index as number}` })) };
      } else if (store.columns && (store.columns as JsonObject).features === null) {
        store.columns = { ...(store.columns as JsonObject), features: 'features' };
      }
      tables.featureStore = store;
    }
    if (r.expected) tables.expected = r.expected;
    const services = r.services.map((s): JsonObject => ({ ...s }));
    if (r.executionLog) {
      const log: JsonObject = { ...r.executionLog };
      if (r.backfillModes) log.backfillModes = r.backfillModes;
      if (services.length > 0) {
        // The log records one service; that one may read its deployments from it.
        const owner = services[r.logSourceService % services.length];
        log.service = owner.name;
        if (r.logSourceService % 2 === 0) owner.deployments = { kind: 'executionLog', lookbackDays: 1 + (r.logSourceService % 3650) };
      }
      tables.executionLog = log;
    }
    const config: JsonObject = { warehouse: r.warehouse, tables };
    if (r.repository !== undefined) config.repository = r.repository;
    if (services.length > 0 || r.logSourceService % 3 === 0) config.services = services;
    if (features) config.features = features;
    if (r.thresholds) config.thresholds = r.thresholds;
    if (r.modelFamilyPattern !== undefined) config.modelFamilyPattern = r.modelFamilyPattern;
    return config;
  });

/** Every place in a JSON value, as a list of keys from the root. */
export function jsonPaths(value: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [at];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...jsonPaths(item, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) paths.push(...jsonPaths(item, [...at, key]));
  return paths;
}

/** Text a user might type by mistake, or on purpose. */
const odd = fc.constantFrom<Json>(
  '',
  ' ',
  "x'; DROP TABLE t; --",
  'a'.repeat(2000),
  '../../etc/passwd',
  'ds.t; DELETE FROM ds.t',
  '`proj.ds.t`',
  '🙂',
  -1,
  0,
  0.5,
  1e300,
  -0,
  true,
  null,
  [],
  {},
  [null],
  { kind: 'file' },
  { kind: 'nope' },
  '(unclosed',
  '[a-',
);

type Mutation = { op: 'delete' | 'replace' | 'addKey' | 'wrap' | 'unwrap'; at: number; value: Json; key: string };

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.record({
    op: fc.constantFrom('delete', 'replace', 'replace', 'addKey', 'wrap', 'unwrap'),
    at: fc.nat(),
    value: fc.oneof(odd, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>),
    key: fc.oneof(fc.constantFrom('kind', 'table', 'columns', 'path', 'unknownSetting', '__proto__', 'constructor', 'count', 'registry'), fc.string({ maxLength: 8 })),
  }),
  { minLength: 1, maxLength: 4 },
);

/** `config` with the mutations applied, each at a place chosen among those existing then. */
export function mutate(config: JsonObject, list: Mutation[]): Json {
  let root: Json = structuredClone(config);
  for (const m of list) {
    const paths = jsonPaths(root);
    const path = paths[m.at % paths.length];
    const parentPath = path.slice(0, -1);
    const last = path[path.length - 1];
    const parent = parentPath.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], root);
    const current = path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], root);
    const set = (value: Json | undefined) => {
      if (path.length === 0) {
        root = value === undefined ? null : value;
      } else if (Array.isArray(parent)) {
        if (value === undefined) parent.splice(last as number, 1);
        else parent[last as number] = value;
      } else if (value === undefined) {
        delete (parent as JsonObject)[last as string];
      } else {
        // defineProperty: a key named __proto__ must become data, as JSON.parse would make it.
        Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
      }
    };
    switch (m.op) {
      case 'delete':
        set(undefined);
        break;
      case 'replace':
        set(structuredClone(m.value));
        break;
      case 'addKey':
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
          Object.defineProperty(current, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
        }
        break;
      case 'wrap':
        set([current]);
        break;
      case 'unwrap':
        if (Array.isArray(current) && current.length > 0) set(current[0]);
        break;
    }
  }
  return root;
}
