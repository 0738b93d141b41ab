import type { FeatureDefinition, FeatureStoreTableConfig } from '../config/types';
import type { TableScope } from './columnNeeds';
import type { QueryBuilder } from './queryBuilder';

/**
 * A feature's value in one row of the feature store, as a FLOAT64 (NULL when absent), for
 * each way a warehouse holds features. `index` is a SQL expression giving the feature's
 * index (a literal, or a column from UNNEST of the requested indices). Text layouts are
 * split, not parsed as JSON: the same split answers the same on BigQuery and DuckDB.
 */
export function featureValueSql(q: QueryBuilder, store: FeatureStoreTableConfig, scope: TableScope, alias: string, index: string, registry: FeatureDefinition[]): string {
  const features = store.columns.features;
  switch (store.storage.kind) {
    case 'array':
      return `${q.column(scope, alias, 'features', features!, 'numberArray', false)}[SAFE_OFFSET(${index})]`;
    case 'jsonArray': {
      const text = q.column(scope, alias, 'features', features!, 'text', false);
      return `SAFE_CAST(TRIM(SPLIT(TRIM(${text}, '[] '), ',')[SAFE_OFFSET(${index})], ' "') AS FLOAT64)`;
    }
    case 'delimited': {
      const text = q.column(scope, alias, 'features', features!, 'text', false);
      const delimiter = q.param('feature_delimiter', 'STRING', store.storage.delimiter);
      return `SAFE_CAST(TRIM(SPLIT(${text}, ${delimiter})[SAFE_OFFSET(${index})]) AS FLOAT64)`;
    }
    case 'columns': {
      const wide = registry.filter((f) => f.column !== null);
      if (wide.length === 0) return 'CAST(NULL AS FLOAT64)';
      const branches = wide.map((f) => {
        const i = registry.indexOf(f);
        return `WHEN ${f.index} THEN CAST(${q.column(scope, alias, `features.registry[${i}].column`, f.column!, 'number', false)} AS FLOAT64)`;
      });
      return `(CASE ${index} ${branches.join(' ')} END)`;
    }
  }
}
