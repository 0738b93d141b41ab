import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupRunSessions, type RunRecord } from '../../../src/core/provenance/runSessions';

const run = (id: string, start: string, end: string, date: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId: id,
  commit: 'aaaa1111',
  revision: 'svc-00060-abc',
  mode: 'backfill',
  status: 'success',
  stage: null,
  startedAt: start,
  endedAt: end,
  firstDate: date,
  lastDate: date,
  dates: 1,
  rowsProduced: 100,
  ...extra,
});

describe('groupRunSessions', () => {
  it('joins a backfill logged one row per date into one session', () => {
    const base = Date.parse('2026-01-30T07:41:00.000Z');
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    // 20 game dates, one log row each, 07:41 to 08:37
    const runs = Array.from({ length: 20 }, (_, i) =>
      run(`r${i}`, at(i * 2.8), i === 19 ? '2026-01-30T08:37:00.000Z' : at(i * 2.8 + 2.5), `2026-01-${String(9 + i).padStart(2, '0')}`),
    );
    const sessions = groupRunSessions(runs);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].firstDate, '2026-01-09');
    assert.equal(sessions[0].lastDate, '2026-01-28');
    assert.equal(sessions[0].rowsProduced, 2000);
    assert.equal(sessions[0].runs, 20);
    assert.equal(sessions[0].startedAt, '2026-01-30T07:41:00.000Z');
    assert.equal(sessions[0].endedAt, '2026-01-30T08:37:00.000Z');
  });

  it('keeps runs on different builds, modes or hours apart', () => {
    const sessions = groupRunSessions([
      run('a', '2026-01-29T15:00:00.000Z', '2026-01-29T15:05:00.000Z', '2026-01-29', { mode: 'daily' }),
      run('b', '2026-01-30T07:41:00.000Z', '2026-01-30T07:50:00.000Z', '2026-01-09'),
      run('c', '2026-01-30T07:51:00.000Z', '2026-01-30T07:55:00.000Z', '2026-01-10', { commit: 'bbbb2222' }),
      run('d', '2026-01-30T15:00:00.000Z', '2026-01-30T15:05:00.000Z', '2026-01-30', { mode: 'daily' }),
    ]);
    assert.deepEqual(
      sessions.map((s) => [s.mode, s.commit, s.firstDate]),
      [
        ['daily', 'aaaa1111', '2026-01-29'],
        ['backfill', 'aaaa1111', '2026-01-09'],
        ['backfill', 'bbbb2222', '2026-01-10'],
        ['daily', 'aaaa1111', '2026-01-30'],
      ],
    );
  });

  it('counts failed runs and tolerates unrecorded row counts', () => {
    const sessions = groupRunSessions([
      run('a', '2026-01-30T07:41:00.000Z', '2026-01-30T07:45:00.000Z', '2026-01-09', { rowsProduced: null, status: 'FAILED' }),
      run('b', '2026-01-30T07:46:00.000Z', '2026-01-30T07:50:00.000Z', '2026-01-10', { rowsProduced: 50 }),
    ]);
    assert.equal(sessions[0].failedRuns, 1);
    assert.equal(sessions[0].rowsProduced, 50);
  });
});
