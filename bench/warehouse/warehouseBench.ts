import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { modelByCommitQuery, modelByDateQuery, modelsSummaryQuery, type MetricsFilter, type MetricsGrain } from '../../src/core/warehouse/catalog';
import { normaliseRow } from '../../src/core/warehouse/embedded/duckdbRows';
import type { Row, SqlQuery, Warehouse } from '../../src/core/warehouse/types';
import { Workspace } from '../../src/core/workspace';
import type { PipelineLensConfig } from '../../src/core/config/types';
import { overhead, type Figure } from '../figures';
import { median, timed } from '../stats';
import { benchTables, type BenchTables } from './benchTables';
import { handWrittenMetricsSql } from './handWritten';

export interface WarehouseSizes {
  rows: number;
  runs: number;
  coldRuns: number;
}

export const FULL_WAREHOUSE: WarehouseSizes = { rows: 5_000_000, runs: 5, coldRuns: 3 };
export const QUICK_WAREHOUSE: WarehouseSizes = { rows: 200_000, runs: 3, coldRuns: 2 };

const GROUP = 'Embedded warehouse';
const GOAL = '≤ 3× hand-written';

interface CatalogCase {
  id: string;
  title: string;
  grain: MetricsGrain[];
  build: (config: PipelineLensConfig, filter: MetricsFilter) => SqlQuery;
}

const CASES: CatalogCase[] = [
  { id: 'warehouse.models', title: 'models summary (models tree)', grain: ['model'], build: modelsSummaryQuery },
  { id: 'warehouse.byCommit', title: 'per model and commit', grain: ['model', 'commit'], build: modelByCommitQuery },
  { id: 'warehouse.byDate', title: 'per model and date', grain: ['model', 'date'], build: modelByDateQuery },
];

/**
 * The catalog's metrics queries through the product (BigQuery SQL, rewritten, typed
 * parameters, views over the files, rows normalised) against one hand-written DuckDB query
 * per question on the same files. Both sides run warm (files in the OS cache, engine
 * open), alternating, so a slow moment on a shared machine hits both.
 */
export async function warehouseBench(sizes: WarehouseSizes, log: (line: string) => void): Promise<Figure[]> {
  const tables = await benchTables(sizes.rows, log);
  const figures: Figure[] = [];
  const scale = `${tables.rows.toLocaleString('en-US')} predictions + ${tables.rows.toLocaleString('en-US')} graded rows (Parquet), ${tables.models} models, ${tables.builds} builds`;

  figures.push(await coldFigure(tables, sizes, scale));

  const workspace = Workspace.open({ configFile: tables.configFile });
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    const warehouse = await workspace.warehouse();
    const filter: MetricsFilter = { window: tables.window };
    for (const c of CASES) {
      const query = c.build(workspace.config, filter);
      const sql = handWrittenMetricsSql(c.grain, { predictions: tables.predictionsFile, graded: tables.gradedFile }, tables.window, workspace.config.thresholds.highEdge);
      // One run each that is not counted: views created, files in the page cache.
      const productRows = (await warehouse.query(query)).rows;
      const handRows = await runHandWritten(connection, sql);
      const difference = compareRows(productRows, handRows);
      const product: number[] = [];
      const baseline: number[] = [];
      for (let run = 0; run < sizes.runs; run++) {
        product.push((await timed(() => warehouse.query(query))).ms);
        baseline.push((await timed(() => runHandWritten(connection, sql))).ms);
      }
      const p = median(product);
      const b = median(baseline);
      figures.push({
        id: c.id,
        group: GROUP,
        title: `${c.title}, warm`,
        product: { value: p, unit: 'ms', label: `EmbeddedWarehouse.query(${query.name})` },
        baseline: { value: b, unit: 'ms', label: 'hand-written DuckDB query on the files' },
        ratio: overhead(p, b),
        goal: GOAL,
        status: difference ? 'failed' : p / b <= 3 ? 'met' : 'missed',
        notes: [`${productRows.length.toLocaleString('en-US')} result rows; ${difference ?? 'same rows as the hand-written query'}; median of ${sizes.runs} runs each`],
      });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    await workspace.close();
  }
  return figures;
}

/** Open the workspace's warehouse and answer the models summary, against a new DuckDB instance answering it by hand. */
async function coldFigure(tables: BenchTables, sizes: WarehouseSizes, scale: string): Promise<Figure> {
  const product: number[] = [];
  const opens: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < sizes.coldRuns; run++) {
    product.push(
      (
        await timed(async () => {
          const workspace = Workspace.open({ configFile: tables.configFile });
          try {
            const opened = await timed(() => workspace.warehouse());
            opens.push(opened.ms);
            const warehouse: Warehouse = opened.value;
            await warehouse.query(modelsSummaryQuery(workspace.config, { window: tables.window }));
          } finally {
            await workspace.close();
          }
        })
      ).ms,
    );
    baseline.push(
      (
        await timed(async () => {
          const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
          const connection = await instance.connect();
          try {
            await runHandWritten(connection, handWrittenMetricsSql(['model'], { predictions: tables.predictionsFile, graded: tables.gradedFile }, tables.window, 5));
          } finally {
            connection.closeSync();
            instance.closeSync();
          }
        })
      ).ms,
    );
  }
  const p = median(product);
  const b = median(baseline);
  return {
    id: 'warehouse.cold',
    group: GROUP,
    title: 'cold open + models summary',
    product: { value: p, unit: 'ms', label: 'config load + EmbeddedWarehouse open (macros, views) + query' },
    baseline: { value: b, unit: 'ms', label: 'new DuckDB instance + hand-written query' },
    ratio: overhead(p, b),
    goal: '',
    status: 'info',
    notes: [scale, `open alone: ${median(opens).toFixed(0)} ms; median of ${sizes.coldRuns} runs; files already in the OS page cache`],
  };
}

async function runHandWritten(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjects().map(normaliseRow);
}

/** null when both sides gave the same rows (floating sums to 1e-9 relative), else what differs. */
function compareRows(product: Row[], hand: Row[]): string | null {
  if (product.length !== hand.length) return `row counts DIFFER: ${product.length} vs ${hand.length} hand-written`;
  for (let i = 0; i < product.length; i++) {
    for (const [column, value] of Object.entries(hand[i])) {
      const other = product[i][column];
      const same = typeof value === 'number' && typeof other === 'number' ? Math.abs(value - other) <= 1e-9 * Math.max(1, Math.abs(value)) : value === other;
      if (!same) return `row ${i + 1} DIFFERS in ${column}: ${String(other)} vs ${String(value)} hand-written`;
    }
  }
  return null;
}
