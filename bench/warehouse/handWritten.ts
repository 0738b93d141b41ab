import type { MetricsGrain } from '../../src/core/warehouse/catalog';

/**
 * What someone fluent in DuckDB would write by hand for the same answer as the catalog's
 * metrics query: straight `read_parquet` on the files, literal dates, `FILTER` clauses, no
 * parameters, casts or views. The product's overhead is measured against this.
 */
export function handWrittenMetricsSql(grain: MetricsGrain[], files: { predictions: string; graded: string }, window: { from: string; to: string }, highEdge: number): string {
  const keys = grain.map((g) => ({ model: 'model', commit: 'commit_sha', date: 'day' })[g]);
  const source = (g: MetricsGrain) => ({ model: 'system_id', commit: 'build_commit_sha', date: 'game_date' })[g];
  const select = grain.map((g, i) => `${source(g)} AS ${keys[i]}`).join(', ');
  const between = `game_date BETWEEN DATE '${window.from}' AND DATE '${window.to}'`;
  const graded = 'prediction_correct IS NOT NULL';
  const directional = `${graded} AND actual_points != line_value`;
  const highEdgeRow = `${graded} AND abs(predicted_points - line_value) >= ${highEdge}`;
  return `
WITH made AS (
  SELECT ${select}, count(*) AS predictions
  FROM read_parquet('${files.predictions}')
  WHERE ${between} AND is_active
  GROUP BY ALL
),
scored AS (
  SELECT ${select},
    count(*) FILTER (${graded}) AS graded,
    count(*) FILTER (prediction_correct) AS correct,
    sum(abs(predicted_points - actual_points)) FILTER (${graded}) AS abs_error_sum,
    sum(predicted_points - actual_points) FILTER (${graded}) AS error_sum,
    sum((predicted_points - actual_points) * (predicted_points - actual_points)) FILTER (${graded}) AS error_sq_sum,
    count(*) FILTER (${directional}) AS direction_n,
    count(*) FILTER (${directional} AND sign(predicted_points - line_value) = sign(actual_points - line_value)) AS direction_hits,
    count(*) FILTER (${highEdgeRow}) AS high_edge_n,
    count(*) FILTER (${highEdgeRow} AND prediction_correct) AS high_edge_hits
  FROM read_parquet('${files.graded}')
  WHERE ${between}
  GROUP BY ALL
)
SELECT ${keys.join(', ')},
  coalesce(predictions, 0) AS predictions, coalesce(graded, 0) AS graded, coalesce(correct, 0) AS correct,
  abs_error_sum, error_sum, error_sq_sum,
  coalesce(direction_n, 0) AS direction_n, coalesce(direction_hits, 0) AS direction_hits,
  coalesce(high_edge_n, 0) AS high_edge_n, coalesce(high_edge_hits, 0) AS high_edge_hits
FROM made FULL OUTER JOIN scored USING (${keys.join(', ')})
ORDER BY ${keys.join(', ')}`;
}
