import type { Row } from '../warehouse/types';

/** One row per run id, as the runs query returns it. */
export interface RunRecord {
  runId: string;
  commit: string | null;
  revision: string | null;
  mode: string | null;
  status: string | null;
  startedAt: string;
  endedAt: string;
  firstDate: string;
  lastDate: string;
  dates: number;
  rowsProduced: number | null;
  /** The stage the run belongs to, when the log records one (a log shared by several stages). */
  stage: string | null;
}

/**
 * Consecutive runs on one build and mode, close in time: what a person calls "the backfill"
 * even when the log keeps one row per date and model.
 */
export interface RunSession {
  mode: string | null;
  commit: string | null;
  revision: string | null;
  startedAt: string;
  endedAt: string;
  firstDate: string;
  lastDate: string;
  runs: number;
  rowsProduced: number | null;
  failedRuns: number;
}

export function toRunRecord(row: Row): RunRecord {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    runId: String(row.run_id),
    commit: str(row.commit_sha)?.toLowerCase() ?? null,
    revision: str(row.revision),
    mode: str(row.mode),
    status: str(row.status),
    startedAt: String(row.started_at),
    endedAt: String(row.ended_at ?? row.started_at),
    firstDate: String(row.first_date),
    lastDate: String(row.last_date),
    dates: Number(row.dates ?? 0),
    // A run whose log rows record the count for some rows only has no total to give.
    rowsProduced: row.rows_produced === null || row.rows_produced === undefined || Number(row.rows_unrecorded ?? 0) > 0 ? null : Number(row.rows_produced),
    stage: str(row.stage),
  };
}

const FAILED = /fail|error/i;

/**
 * Groups runs on the same build and mode that follow each other within `gapMinutes`. A
 * session's rows are the sum of its runs' when every run that succeeded recorded them (a
 * failed run without a count adds nothing); otherwise they are not known (null).
 */
export function groupRunSessions(runs: RunRecord[], gapMinutes = 30): RunSession[] {
  const sorted = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const sessions: RunSession[] = [];
  const unknownRows = new Set<RunSession>();
  const unrecorded = (run: RunRecord) => run.rowsProduced === null && !(run.status && FAILED.test(run.status));
  for (const run of sorted) {
    const last = sessions[sessions.length - 1];
    const close = last && Date.parse(run.startedAt) - Date.parse(last.endedAt) <= gapMinutes * 60_000;
    if (last && close && last.commit === run.commit && last.mode === run.mode) {
      if (run.endedAt > last.endedAt) last.endedAt = run.endedAt;
      if (run.firstDate < last.firstDate) last.firstDate = run.firstDate;
      if (run.lastDate > last.lastDate) last.lastDate = run.lastDate;
      last.runs += 1;
      if (unrecorded(run)) unknownRows.add(last);
      last.rowsProduced = unknownRows.has(last) ? null : run.rowsProduced === null ? last.rowsProduced : (last.rowsProduced ?? 0) + run.rowsProduced;
      if (run.status && FAILED.test(run.status)) last.failedRuns += 1;
    } else {
      const session: RunSession = {
        mode: run.mode,
        commit: run.commit,
        revision: run.revision,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        firstDate: run.firstDate,
        lastDate: run.lastDate,
        runs: 1,
        rowsProduced: run.rowsProduced,
        failedRuns: run.status && FAILED.test(run.status) ? 1 : 0,
      };
      if (unrecorded(run)) unknownRows.add(session);
      sessions.push(session);
    }
  }
  return sessions;
}
