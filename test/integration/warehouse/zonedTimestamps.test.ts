import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedWarehouse } from '../../../src/core/warehouse/embedded/embeddedWarehouse';
import { wallClock, zoneOffsetMinutes } from '../../fixtures/zoneClock';

/*
 * BigQuery's zoned forms (TIMESTAMP_TRUNC(ts, DAY, zone), EXTRACT(... FROM ts AT TIME ZONE
 * zone), DATE(ts, zone), FORMAT_TIMESTAMP(fmt, ts, zone)) on the embedded engine, over
 * instants around midnight and a DST change, stored as exports write them: `...Z` text
 * (which DuckDB reads as a zone-less TIMESTAMP) and text with an offset (read as an instant),
 * in NDJSON and CSV. The expected answers come from Intl.DateTimeFormat, not from SQL.
 */

const INSTANTS = [
  '2026-01-10T07:59:00Z', // 23:59 on the 9th in Los Angeles
  '2026-01-10T08:00:00Z', // midnight of the 10th in Los Angeles
  '2026-01-10T09:30:00Z', // 01:30 in Los Angeles: written "2026-01-10T01:30:00-08:00" with its offset
  '2026-01-10T18:29:00Z', // 23:59 in Kolkata
  '2026-01-10T18:30:00Z', // midnight of the 11th in Kolkata
  '2026-03-08T09:59:00Z', // 01:59 PST, the last minute before the clocks go forward
  '2026-03-08T10:00:00Z', // 03:00 PDT
];
const ZONES = ['America/Los_Angeles', 'Asia/Kolkata'];

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-01-10T01:30:00-08:00`: the instant as local time in `zone` with its offset. */
function withOffset(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  const l = wallClock(ms, zone);
  const off = zoneOffsetMinutes(ms, zone);
  const sign = off < 0 ? '-' : '+';
  return `${l.year}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:00${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** The instant local midnight of the day `ms` falls on in `zone` began (zones here have no DST change at midnight). */
function startOfLocalDay(ms: number, zone: string): string {
  const l = wallClock(ms, zone);
  const midnightAsUtc = Date.UTC(l.year, l.month - 1, l.day);
  let guess = midnightAsUtc - zoneOffsetMinutes(midnightAsUtc, zone) * 60_000;
  guess = midnightAsUtc - zoneOffsetMinutes(guess, zone) * 60_000;
  return new Date(guess).toISOString();
}

describe('BigQuery zoned timestamp forms on the embedded engine', () => {
  let dir: string;
  let warehouse: EmbeddedWarehouse;
  const tables = ['t.ndjson_utc', 't.ndjson_offset', 't.csv_utc', 't.csv_offset'];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pl-zoned-'));
    const utc = INSTANTS;
    const offset = INSTANTS.map((i) => withOffset(i, 'America/Los_Angeles'));
    assert.equal(offset[2], '2026-01-10T01:30:00-08:00');
    const ndjson = (values: string[]) => values.map((ts, id) => JSON.stringify({ id, ts })).join('\n');
    const csv = (values: string[]) => `id,ts\n${values.map((ts, id) => `${id},${ts}`).join('\n')}\n`;
    await writeFile(join(dir, 'utc.ndjson'), ndjson(utc));
    await writeFile(join(dir, 'offset.ndjson'), ndjson(offset));
    await writeFile(join(dir, 'utc.csv'), csv(utc));
    await writeFile(join(dir, 'offset.csv'), csv(offset));
    warehouse = await EmbeddedWarehouse.open({
      kind: 'embedded',
      files: { 't.ndjson_utc': join(dir, 'utc.ndjson'), 't.ndjson_offset': join(dir, 'offset.ndjson'), 't.csv_utc': join(dir, 'utc.csv'), 't.csv_offset': join(dir, 'offset.csv') },
    });
  });

  after(async () => {
    await warehouse?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const table of tables) {
    for (const zone of ZONES) {
      it(`${table} in ${zone}: the local day, day of month, hour, start of day and formatted time are BigQuery's`, async () => {
        const result = await warehouse.query({
          name: 'zoned',
          sql: `SELECT id,
              TIMESTAMP_TRUNC(ts, DAY, @zone) AS day_start,
              EXTRACT(DAY FROM ts AT TIME ZONE @zone) AS day_of_month,
              EXTRACT(HOUR FROM ts AT TIME ZONE @zone) AS hour,
              DATE(ts, @zone) AS local_date,
              FORMAT_TIMESTAMP('%Y-%m-%d %H:%M', ts, @zone) AS formatted
            FROM ${table} ORDER BY id`,
          params: { zone },
          types: { zone: 'STRING' },
        });
        const expected = INSTANTS.map((iso, id) => {
          const ms = Date.parse(iso);
          const l = wallClock(ms, zone);
          const date = `${l.year}-${pad(l.month)}-${pad(l.day)}`;
          return { id, day_start: startOfLocalDay(ms, zone), day_of_month: l.day, hour: l.hour, local_date: date, formatted: `${date} ${pad(l.hour)}:${pad(l.minute)}` };
        });
        assert.deepEqual(
          result.rows.map((r) => ({ ...r, id: Number(r.id) })),
          expected,
        );
      });
    }
  }

  it('the oracle itself: the instants straddle midnight and the DST change as intended', () => {
    const la = INSTANTS.map((i) => wallClock(Date.parse(i), 'America/Los_Angeles'));
    assert.deepEqual(
      la.slice(0, 3).map((l) => [l.day, l.hour]),
      [
        [9, 23],
        [10, 0],
        [10, 1],
      ],
    );
    assert.deepEqual(
      la.slice(5).map((l) => l.hour),
      [1, 3],
    );
    assert.equal(startOfLocalDay(Date.parse(INSTANTS[6]), 'America/Los_Angeles'), '2026-03-08T08:00:00.000Z');
    assert.deepEqual(
      INSTANTS.slice(3, 5).map((i) => wallClock(Date.parse(i), 'Asia/Kolkata').day),
      [10, 11],
    );
  });
});
