import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { investigate } from '../../../src/core/findings/investigate';
import type { Finding } from '../../../src/core/findings/types';
import { Workspace } from '../../../src/core/workspace';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { createEnergyPipeline, energyDatabase, onBigQuery, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';

/*
 * A pipeline whose "day" is a time: the second domain's date columns written as TIMESTAMP
 * instants (or DATETIMEs) at 00:05 and 23:55 of each day in Los Angeles, across the change
 * to summer time on 2026-03-08. Bucketed by the UTC day, half its rows would land on the
 * next day; bucketed by the configured day, it is its DATE twin, on both engines.
 */

const ZONE = 'America/Los_Angeles';
const WINDOW = { from: '2026-02-01', to: '2026-03-21' };
const NOW = () => new Date('2026-03-21T00:00:00Z');

/** What a finding says, without the parts that name the twin's own files. */
const said = (findings: Finding[]) => findings.map((f) => ({ kind: f.kind, title: f.title, evidence: f.evidence }));

describe('date columns that hold times, bucketed by the configured day', () => {
  const pipelines: EnergyPipeline[] = [];
  const workspaces: Workspace[] = [];
  let fake: FakeBigQuery;
  let twin: { findings: Finding[]; skipped: string[] };

  const open = (cwd: string) => {
    const w = Workspace.open({ cwd, now: NOW });
    workspaces.push(w);
    return w;
  };
  const create = async (options: Parameters<typeof createEnergyPipeline>[0]) => {
    const p = await createEnergyPipeline(options);
    pipelines.push(p);
    return p;
  };

  before(async () => {
    const dated = await create({});
    twin = await investigate(open(dated.root), { window: WINDOW });
  });

  after(async () => {
    for (const w of workspaces) await w.close();
    await fake?.close();
    for (const p of pipelines) await p.cleanup();
  });

  it('TIMESTAMP days in Los Angeles: the same findings as the DATE twin on the embedded engine', async () => {
    const timed = await create({ dates: { type: 'TIMESTAMP', timeZone: ZONE } });
    const result = await investigate(open(timed.root), { window: WINDOW });
    assert.deepEqual(result.skipped, twin.skipped);
    assert.ok(twin.findings.some((f) => /humidity \(index 1\) was 100\.0% zeros in scheduled mode from 2026-03-05 to 2026-03-09/.test(f.title)));
    assert.deepEqual(said(result.findings), said(twin.findings));
  });

  it('TIMESTAMP days in Los Angeles: the same findings on BigQuery (the real client against the local fake)', async () => {
    const timed = await create({ dates: { type: 'TIMESTAMP', timeZone: ZONE } });
    const database = join(timed.root, 'warehouse.duckdb');
    await energyDatabase(timed, database);
    fake = await FakeBigQuery.start({ database });
    const result = await investigate(open(await onBigQuery(timed, fake.url)), { window: WINDOW });
    assert.deepEqual(result.skipped, twin.skipped);
    assert.deepEqual(said(result.findings), said(twin.findings));
  });

  it('DATETIME days (UTC wall-clock) in Los Angeles: the same findings as the DATE twin', async () => {
    const timed = await create({ dates: { type: 'DATETIME', timeZone: ZONE } });
    const result = await investigate(open(timed.root), { window: WINDOW });
    assert.deepEqual(said(result.findings), said(twin.findings));
  });

  it('the same days read as UTC would move rows: the time zone is what makes the twins agree', async () => {
    const timed = await create({
      dates: { type: 'TIMESTAMP', timeZone: ZONE },
      editConfig: (c) => {
        for (const t of Object.values(c.tables)) t.timeZone = 'UTC';
      },
    });
    const result = await investigate(open(timed.root), { window: WINDOW });
    assert.notDeepEqual(said(result.findings), said(twin.findings));
  });
});
