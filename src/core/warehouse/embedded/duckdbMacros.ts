/**
 * BigQuery functions that DuckDB lacks, defined as DuckDB macros under their BigQuery names
 * so the rewriter can leave calls to them untouched. Only names DuckDB does not already
 * have: a macro shadows a built-in of the same name for every caller, which would break
 * DuckDB SQL the rewriter itself emits. Functions whose BigQuery meaning differs from a
 * DuckDB built-in of the same name (JSON_VALUE, LOG, GREATEST...) are rewritten instead.
 */
export const BIGQUERY_MACROS: ReadonlyArray<{ name: string; definition: string }> = [
  // BigQuery answers NULL instead of failing on a zero divisor.
  { name: 'safe_divide', definition: '(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END' },
  // RE2 in both engines; DuckDB's regexp_matches is already a partial match.
  { name: 'regexp_contains', definition: '(s, pattern) AS regexp_matches(s, pattern)' },
  // BigQuery truncates to the start of the second; epoch() keeps the fraction.
  { name: 'unix_seconds', definition: '(ts) AS CAST(floor(epoch(ts)) AS BIGINT)' },
  { name: 'unix_millis', definition: '(ts) AS epoch_ms(ts)' },
  { name: 'unix_micros', definition: '(ts) AS epoch_us(ts)' },
  { name: 'unix_date', definition: "(d) AS date_diff('day', DATE '1970-01-01', CAST(d AS DATE))" },
  { name: 'timestamp_seconds', definition: '(n) AS to_timestamp(n)' },
  { name: 'timestamp_millis', definition: '(n) AS CAST(make_timestamp(CAST(n AS BIGINT) * 1000) AS TIMESTAMPTZ)' },
  { name: 'timestamp_micros', definition: '(n) AS CAST(make_timestamp(CAST(n AS BIGINT)) AS TIMESTAMPTZ)' },
  { name: 'date_from_unix_date', definition: "(n) AS DATE '1970-01-01' + CAST(n AS INTEGER)" },
  { name: 'generate_uuid', definition: '() AS CAST(gen_random_uuid() AS VARCHAR)' },
  /**
   * First day of the week holding `d`, weeks starting on `first_day` (0 = Sunday, as
   * DuckDB's dayofweek counts). BigQuery's WEEK starts on Sunday, DuckDB's on Monday.
   */
  {
    name: 'bq_week_start',
    definition: '(d, first_day) AS CAST(d AS DATE) - CAST((dayofweek(d) - first_day + 7) % 7 AS INTEGER)',
  },
  /** BigQuery's EXTRACT(WEEK): days before the year's first `first_day` are week 0. */
  {
    name: 'bq_week_number',
    definition: '(d, first_day) AS (dayofyear(d) + 6 - CAST((dayofweek(d) - first_day + 7) % 7 AS INTEGER)) // 7',
  },
];

/** The statement that defines every macro, run once per DuckDB instance. */
export function bigqueryMacrosSql(schema = 'main'): string {
  return BIGQUERY_MACROS.map((macro) => `CREATE OR REPLACE MACRO ${schema}.${macro.name}${macro.definition};`).join('\n');
}
