import type { GitRepository } from '../git/gitRepository';
import { ResolvedShas } from '../git/shaResolver';
import { comparePaired, type PairedComparison, type PairedTable } from '../metrics/pairedProportions';
import { rerunChangesQuery, rerunImpactQuery, type DateWindow } from '../warehouse/catalog';
import { runChecked } from '../warehouse/checkedQuery';
import { WarehouseError, type Row } from '../warehouse/types';
import type { Workspace } from '../workspace';
import { replacedRowMarker } from './replacedRows';

/** An interval of instants, ISO-8601 UTC; null when no row recorded one. */
export interface Span {
  first: string;
  last: string;
}

/** The keys of one model that moved from one build's row to another's (either may be none). */
export interface BuildPair {
  /** Build of the replaced rows (full SHA when in local history); null for keys the re-run added. */
  old: string | null;
  /** Build of the standing rows; null for keys deleted without replacement. */
  new: string | null;
  replacedRows: number;
  regenerated: number;
  deleted: number;
  added: number | null;
}

export interface ModelRerun {
  model: string;
  /** Game dates holding a replaced row of this model. */
  dates: { first: string; last: string };
  /** Rows marked replaced (a key re-run twice counts twice). */
  replacedRows: number;
  /** Keys (entity, date) with at least one replaced row. */
  replacedKeys: number;
  /** Replaced keys that have a standing row again. */
  regenerated: number;
  /** Replaced keys with no standing row: deleted without replacement. */
  deleted: number;
  /** Keys the re-run wrote that had no row before; null when rows carry no write time (tables.predictions.columns.createdAt). */
  added: number | null;
  /** Keys replaced more than once; the comparison uses the latest replaced row. */
  replacedRepeatedly: number;
  /** Keys with more than one standing row, which should not happen; the latest is used. */
  severalCurrent: number;
  /** Regenerated keys whose prediction differs from the replaced one; null without tables.predictions.columns.predicted. */
  changed: number | null;
  /** Regenerated keys whose call changed side of the line; null without a predicted value and a line. */
  flipped: number | null;
  /** Over regenerated keys with both predictions: mean of new − old, mean and largest |new − old|. */
  meanChange: number | null;
  meanAbsChange: number | null;
  maxAbsChange: number | null;
  changeN: number | null;
  /**
   * Hits of the replaced and the standing prediction on the same keys, judged against the
   * graded result (each call against its own line; keys not graded or on a push left out).
   * Null when the config names no predicted value, line or actual result to judge by.
   */
  hits: (PairedTable & PairedComparison) | null;
  /** When the replaced rows were made, and when the rows that replaced them were. */
  replacedMade: Span | null;
  rerunMade: Span | null;
  builds: BuildPair[];
  /** Every regenerated key was predicted by the same build as the row it replaced. */
  sameBuild: boolean;
}

export interface KeyChange {
  model: string;
  entity: string;
  date: string;
  old: number;
  new: number;
  oldLine: number | null;
  newLine: number | null;
  actual: number | null;
  oldCommit: string | null;
  newCommit: string | null;
}

export type RerunImpact =
  | {
      recorded: true;
      window: DateWindow;
      models: string[] | null;
      /** The config keys that mark replaced rows. */
      markedBy: string[];
      /** Figures the configured columns cannot give, each with the key to set. */
      notRecorded: string[];
      perModel: ModelRerun[];
      /** The keys whose prediction moved most, largest first. */
      largestChanges: KeyChange[];
    }
  | {
      recorded: false;
      window: DateWindow;
      models: string[] | null;
      /** Why which rows were replaced is not recorded, and what to set. */
      reason: string;
    };

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function widen(span: Span | null, first: unknown, last: unknown): Span | null {
  const a = str(first);
  const b = str(last);
  if (a === null || b === null) return span;
  if (!span) return { first: a, last: b };
  return { first: a < span.first ? a : span.first, last: b > span.last ? b : span.last };
}

/**
 * What re-runs of a window of dates replaced: per model, the rows superseded, the keys
 * regenerated, deleted and added, how far predictions moved, and the hit rate of the old
 * and new predictions on the same graded keys (paired). Two warehouse queries, both
 * aggregated or limited in the warehouse.
 */
export async function rerunImpact(
  workspace: Workspace,
  options: {
    window: DateWindow;
    models?: string[];
    changes?: number;
    /** The caller's repository, when its git reads are batched. */
    git?: GitRepository;
    /** Resolves a recorded build to its full SHA from a commit graph in memory, instead of asking git. */
    fullSha?: (value: string) => string | null;
    signal?: AbortSignal;
  },
): Promise<RerunImpact> {
  const { window } = options;
  const models = options.models?.length ? options.models : undefined;
  const marker = replacedRowMarker(workspace.config);
  if (!marker) {
    return {
      recorded: false,
      window,
      models: models ?? null,
      reason: `which predictions a re-run replaced is not recorded: ${workspace.config.file} sets none of tables.predictions.columns.active, .superseded and .supersededAt. Name the column that marks replaced rows (e.g. "active": "is_active", a BOOL that is FALSE on replaced rows).`,
    };
  }
  const warehouse = await workspace.warehouse();
  // A configured column the tables do not have costs the figures it feeds, not the answer:
  // the query runs again without it and the figure says which setting to fix.
  const checked = await runChecked(warehouse, workspace.config, (c) => rerunImpactQuery(c, window, models), window, options.signal);
  if (!checked.ok) throw new WarehouseError(`Query rerunImpact: ${checked.reason}`, checked.error?.reason ?? 'invalid-query');
  const impact = checked.rows;
  const config = checked.config;
  const pc = config.tables.predictions.columns;
  const gc = config.tables.graded.columns;
  const notRecorded: string[] = checked.leftOut.map((f) => f.message);
  if (!pc.createdAt) notRecorded.push('keys a re-run added: rows carry no write time (set tables.predictions.columns.createdAt)');
  if (!pc.predicted) notRecorded.push('how far predictions moved: set tables.predictions.columns.predicted');
  const judgeBy = [
    pc.predicted ? null : 'tables.predictions.columns.predicted',
    pc.line ? null : 'tables.predictions.columns.line',
    gc.actual ? null : 'tables.graded.columns.actual',
  ].filter((k) => k !== null);
  if (judgeBy.length) notRecorded.push(`hit rate on the same keys: set ${judgeBy.join(' and ')}`);
  const limit = pc.predicted ? (options.changes ?? 10) : 0;
  const changes = limit > 0 ? (await warehouse.query(rerunChangesQuery(config, window, limit, models), { signal: options.signal })).rows : ([] as Row[]);
  let resolveFull: (value: string) => string | null;
  if (options.fullSha) resolveFull = options.fullSha;
  else {
    const shas = await ResolvedShas.resolve(
      options.git ?? (await workspace.git()),
      [...impact, ...changes].flatMap((r) => [str(r.old_commit), str(r.new_commit)]),
    );
    resolveFull = (value) => shas.full(value);
  }
  const full = (v: unknown) => {
    const value = str(v);
    return value === null ? null : (resolveFull(value) ?? value);
  };

  const byModel = new Map<string, Row[]>();
  for (const r of impact) byModel.set(String(r.model), [...(byModel.get(String(r.model)) ?? []), r]);
  const perModel: ModelRerun[] = [];
  for (const [model, rows] of byModel) {
    const sum = (column: string) => rows.reduce((s, r) => s + num(r[column]), 0);
    // NULL from the warehouse: the configured columns cannot give this figure.
    const sumOrNull = (column: string) => (rows.some((r) => r[column] === null || r[column] === undefined) ? null : sum(column));
    const bothHit = sumOrNull('both_hit');
    const table: PairedTable | null = bothHit === null ? null : { bothHit, oldOnly: sum('old_only'), newOnly: sum('new_only'), neither: sum('neither') };
    const changeN = sumOrNull('change_n');
    const maxes = rows.map((r) => numOrNull(r.max_abs_change)).filter((v): v is number => v !== null);
    let replacedMade: Span | null = null;
    let rerunMade: Span | null = null;
    for (const r of rows) {
      replacedMade = widen(replacedMade, r.old_first_created, r.old_last_created);
      rerunMade = widen(rerunMade, r.new_first_created, r.new_last_created);
    }
    const builds = rows.map((r) => ({
      old: full(r.old_commit),
      new: full(r.new_commit),
      replacedRows: num(r.replaced_rows),
      regenerated: num(r.regenerated),
      deleted: num(r.deleted),
      added: numOrNull(r.added),
    }));
    const regenerated = sum('regenerated');
    perModel.push({
      model,
      dates: {
        first: String(rows.reduce((m, r) => (String(r.first_day) < m ? String(r.first_day) : m), String(rows[0].first_day))),
        last: String(rows.reduce((m, r) => (String(r.last_day) > m ? String(r.last_day) : m), String(rows[0].last_day))),
      },
      replacedRows: sum('replaced_rows'),
      replacedKeys: sum('replaced_keys'),
      regenerated,
      deleted: sum('deleted'),
      added: sumOrNull('added'),
      replacedRepeatedly: sum('replaced_repeatedly'),
      severalCurrent: sum('several_current'),
      changed: sumOrNull('changed'),
      flipped: sumOrNull('flipped'),
      meanChange: changeN ? sum('change_sum') / changeN : null,
      meanAbsChange: changeN ? sum('abs_change_sum') / changeN : null,
      maxAbsChange: maxes.length ? Math.max(...maxes) : null,
      changeN,
      hits: table ? { ...table, ...comparePaired(table) } : null,
      replacedMade,
      rerunMade,
      builds,
      sameBuild: regenerated > 0 && builds.every((b) => b.regenerated === 0 || (b.old !== null && b.old === b.new)),
    });
  }
  perModel.sort((a, b) => b.replacedRows - a.replacedRows || a.model.localeCompare(b.model));

  const largestChanges: KeyChange[] = changes.map((r) => ({
    model: String(r.model),
    entity: String(r.entity),
    date: String(r.day),
    old: Number(r.old_predicted),
    new: Number(r.new_predicted),
    oldLine: numOrNull(r.old_line),
    newLine: numOrNull(r.new_line),
    actual: numOrNull(r.actual),
    oldCommit: full(r.old_commit),
    newCommit: full(r.new_commit),
  }));
  return { recorded: true, window, models: models ?? null, markedBy: marker.configKeys, notRecorded, perModel, largestChanges };
}
