/** The prediction runs (daily, the backfill, a manual run), the revision each ran on and how many players each model predicted. */
import { DEPLOYMENTS, type PlannedDeployment } from '../deploymentPlan';
import { apportion, Random } from '../random';
import {
  BACKFILL_END_MS,
  BACKFILL_FIRST_DATE,
  BACKFILL_LAST_DATE,
  BACKFILL_START_MS,
  dayStart,
  FAILED_CELL,
  gameDates,
  inRange,
  LAST_DATE,
  MANUAL_V9_RUN_MS,
  WINDOW_START,
} from './calendar';
import type { Player, Slate } from './slates';

export type RunKind = 'daily' | 'backfill' | 'manual';

export interface Cell {
  system: string;
  date: string;
  kind: RunKind;
  revision: PlannedDeployment;
  start: number;
  duration: number;
  batchId: string;
  orchestration: string | null;
  players: Player[];
  failed: boolean;
  /** For the daily v8 cells the backfill replaced: the backfill cell that supersedes them. */
  supersededBy: Cell | null;
}

function servingAt(ms: number): PlannedDeployment {
  let serving: PlannedDeployment | undefined;
  for (const d of DEPLOYMENTS) if (Date.parse(d.createdAt) <= ms) serving = d;
  if (!serving) throw new Error(`No prediction-worker revision served at ${new Date(ms).toISOString()}`);
  return serving;
}

/** Exact totals from the record, per model and game-date range (both ends included). */
const VOLUME_TOTALS: { system: string; from: string; to: string; total: number }[] = [
  { system: 'catboost_v8', from: '2026-01-01', to: '2026-01-07', total: 632 },
  { system: 'catboost_v8', from: '2026-01-09', to: '2026-01-26', total: 1656 },
  { system: 'catboost_v8', from: '2026-01-27', to: '2026-01-28', total: 350 },
  { system: 'catboost_v8', from: '2026-01-29', to: '2026-01-30', total: 297 },
  { system: 'catboost_v8', from: '2026-01-31', to: '2026-02-02', total: 559 },
  { system: 'ensemble_v1', from: WINDOW_START, to: LAST_DATE, total: 1334 },
  { system: 'ensemble_v1_1', from: WINDOW_START, to: LAST_DATE, total: 1334 },
  { system: 'zone_matchup_v1', from: WINDOW_START, to: LAST_DATE, total: 1334 },
  { system: 'moving_average', from: WINDOW_START, to: LAST_DATE, total: 1334 },
  { system: 'similarity_balanced_v1', from: WINDOW_START, to: LAST_DATE, total: 1172 },
  { system: 'catboost_v9', from: WINDOW_START, to: LAST_DATE, total: 1003 },
  { system: 'catboost_v9_2026_02', from: WINDOW_START, to: LAST_DATE, total: 222 },
];

export const V8_FEATURE_SYSTEMS = new Set(['catboost_v8', 'ensemble_v1', 'ensemble_v1_1']);

export function buildCells(slates: Slate[]): Cell[] {
  const rng = Random.stream('runs');
  const cells: Cell[] = [];
  const slateOf = new Map(slates.map((s) => [s.date, s]));

  const addRun = (kind: RunKind, start: number, jobs: { system: string; date: string }[], batchId: string, orchestration: string | null, revision: PlannedDeployment) => {
    let t = start;
    for (const job of jobs) {
      const failed = job.system === FAILED_CELL.system && job.date === FAILED_CELL.date;
      cells.push({ ...job, kind, revision, start: t, duration: 0, batchId, orchestration, players: [], failed, supersededBy: null });
      t += 1000;
    }
  };

  for (const slate of slates) {
    const start = dayStart(slate.date) + 15 * 3600_000 + rng.int(0, 300) * 1000;
    const revision = servingAt(start);
    const stamp = slate.date.replace(/-/g, '');
    const orchestration = slate.date >= '2026-01-09' ? `wf-daily-predictions-${stamp}-1500` : null;
    addRun(
      'daily',
      start,
      revision.models.map((system) => ({ system, date: slate.date })),
      `daily-${slate.date}`,
      orchestration,
      revision,
    );
  }
  addRun('manual', MANUAL_V9_RUN_MS, [{ system: 'catboost_v9', date: LAST_DATE }], 'manual-2026-02-02-2031', null, servingAt(MANUAL_V9_RUN_MS));

  // Volumes: exact totals where the record gives them, ~80-105 a model and date otherwise.
  const volume = new Map<Cell, number>();
  const volRng = Random.stream('volumes');
  const predicting = cells.filter((c) => !c.failed);
  for (const spec of VOLUME_TOTALS) {
    const group = predicting.filter((c) => c.system === spec.system && inRange(c.date, spec.from, spec.to));
    const weights = group.map(() => volRng.uniform(0.92, 1.08));
    const caps = group.map((c) => slateOf.get(c.date)!.pool.length);
    apportion(spec.total, weights, caps).forEach((n, i) => volume.set(group[i], n));
  }
  for (const c of predicting) {
    if (!volume.has(c)) volume.set(c, Math.min(slateOf.get(c.date)!.pool.length, volRng.int(82, 104)));
  }

  const durRng = Random.stream('durations');
  const byRun = new Map<string, Cell[]>();
  for (const c of cells) {
    const n = c.failed ? 0 : volume.get(c)!;
    c.players = slateOf.get(c.date)!.pool.slice(0, n);
    byRun.set(c.batchId, [...(byRun.get(c.batchId) ?? []), c]);
  }
  for (const run of byRun.values()) {
    let t = run[0].start;
    for (const c of run) {
      c.start = t;
      c.duration = c.failed ? durRng.int(8, 20) : Math.round(25 + 0.35 * c.players.length + durRng.int(0, 20));
      t += (c.duration + durRng.int(1, 4)) * 1000;
    }
  }

  // The backfill: catboost_v8 for Jan 9-28, one slot of 168 s per date, on the revision that
  // served at 07:41 (the old build). It regenerates the same players.
  const backfillDates = gameDates().filter((d) => inRange(d, BACKFILL_FIRST_DATE, BACKFILL_LAST_DATE));
  const slot = (BACKFILL_END_MS - BACKFILL_START_MS) / backfillDates.length;
  const backfillRevision = servingAt(BACKFILL_START_MS);
  backfillDates.forEach((date, i) => {
    const daily = cells.find((c) => c.kind === 'daily' && c.system === 'catboost_v8' && c.date === date)!;
    const cell: Cell = {
      system: 'catboost_v8',
      date,
      kind: 'backfill',
      revision: backfillRevision,
      start: BACKFILL_START_MS + i * slot,
      duration: slot / 1000,
      batchId: 'backfill-2026-01-30-0741',
      orchestration: null,
      players: daily.players,
      failed: false,
      supersededBy: null,
    };
    daily.supersededBy = cell;
    cells.push(cell);
  });
  return cells;
}

/** The commit a revision was built from. */
export function commitOf(shas: Record<string, string>, d: PlannedDeployment): string {
  const sha = shas[d.commitRole];
  if (!sha) throw new Error(`No commit for role ${d.commitRole}`);
  return sha;
}

/** Models reading the v8 features got defaults for features 25-32 on the pre-fix build. */
export function usesDefaultFeatures(c: Cell): boolean {
  return c.revision.commitRole === 'preFixBuild' && V8_FEATURE_SYSTEMS.has(c.system);
}
