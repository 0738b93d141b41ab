import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { investigate } from '../../src/core/findings/investigate';
import type { Cause } from '../../src/core/findings/shiftCauses';
import { Workspace } from '../../src/core/workspace';
import { createGitFixture, type GitFixture } from '../fixtures/gitFixture';
import { day, DAYS, writePlantedPipeline, type PlantedSpec } from '../fixtures/plantedPipeline';
import { runs } from './propertyRuns';

/*
 * The findings on pipelines the product was not shaped around: generated pipelines with a
 * cause planted in them (a feature broken from the first day of the regressed build or of a
 * mode: zeros, NULLs or a frozen value), a red herring whose coverage rises when results
 * fall, logs with and without row counts, narrow and wide feature layouts. The real
 * investigation on the real embedded engine must name the planted cause as a candidate of
 * the regression, not the red herring, find the broken feature from its first day, dismiss
 * nothing a row-level check confirms, and count the rows of the rerun on old code.
 */

const spec: fc.Arbitrary<PlantedSpec> = fc
  .record({
    layout: fc.constantFrom('array' as const, 'columns' as const),
    logRowCounts: fc.boolean(),
    target: fc.constantFrom('build' as const, 'mode' as const),
    kind: fc.constantFrom('zeros' as const, 'nulls' as const, 'frozen' as const),
    frozenValue: fc.constantFrom(0.5, 3, 42.25, 1000),
    featureCount: fc.integer({ min: 3, max: 6 }),
    split: fc.integer({ min: 6, max: 10 }),
    backfillDelay: fc.integer({ min: 0, max: 2 }),
    entities: fc.integer({ min: 36, max: 48 }),
    seed: fc.integer(),
    pick: fc.nat(),
  })
  .map(({ pick, ...s }) => {
    const planted = pick % s.featureCount;
    const herring = (planted + 1 + (Math.floor(pick / s.featureCount) % (s.featureCount - 1))) % s.featureCount;
    return { ...s, planted, herring };
  });

describe('planted causes in generated pipelines', () => {
  let git: GitFixture;
  let shas: { a: string; b: string; c: string };
  let scratch: string;
  const generated: PlantedSpec[] = [];

  before(async () => {
    git = await createGitFixture([
      { message: 'scorer: first model', files: { 'scorer/model.py': 'a\n' }, date: '2026-04-29T09:00:00Z' },
      { message: 'scorer: new input pipeline', files: { 'scorer/inputs.py': 'b\n' }, date: '2026-05-05T09:00:00Z' },
      { message: 'fix(scorer): restore the inputs', files: { 'scorer/inputs.py': 'c\n' }, date: '2026-05-17T07:00:00Z' },
    ]);
    const [a, b, c] = git.shas;
    shas = { a, b, c };
    scratch = await mkdtemp(join(tmpdir(), 'pl-planted-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
    await git?.cleanup();
  });

  const expected = runs('plantedCauses').numRuns;
  it(`names the planted cause, not the red herring, in ${expected} generated pipelines`, async (t) => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        generated.push(s);
        const dir = join(scratch, `p${generated.length}`);
        const pipeline = await writePlantedPipeline(dir, git.root, shas, s);
        const workspace = Workspace.open({ cwd: dir, now: () => new Date('2026-05-18T12:00:00Z') });
        try {
          const { findings, skipped } = await investigate(workspace, { window: { from: day(1), to: '2026-05-17' } });
          const about = JSON.stringify(s);
          const shift = findings.find((f) => f.kind === 'metric-shift' && f.subjects.models?.includes('scorer_v1') && (f.data.hitRate as { difference: number }).difference < 0);
          assert.ok(shift, `no regression found: ${about}\n${findings.map((f) => f.title).join('\n')}\n${skipped.join('\n')}`);
          assert.equal(shift.data.at, 'build', about);
          assert.equal(shift.data.splitDay, day(s.split), about);
          const causes = shift.data.causes as Cause[];
          const planted = causes.find((c) => c.source === 'featureStore' && c.index === s.planted);
          assert.ok(planted, `the planted feature is no candidate: ${about}\n${shift.evidence.join('\n')}`);
          assert.equal(planted.kind, s.kind === 'frozen' ? 'frozen' : 'empty', about);
          assert.ok(planted.worse.share - planted.better.share >= 0.2, about);
          assert.ok(!causes.some((c) => c.index === s.herring), `the red herring is a candidate: ${about}\n${shift.evidence.join('\n')}`);
          const dismissed = shift.data.dismissed as Array<{ index: number | null }>;
          assert.ok(!dismissed.some((d) => d.index === s.planted), `the planted cause is dismissed: ${about}`);
          for (const f of findings) for (const e of f.evidence) assert.doesNotMatch(e, /cannot have caused/, about);

          // The broken feature on its own, from the first day it broke.
          const start = s.target === 'build' ? s.split : s.split + s.backfillDelay;
          const health = findings.filter((f) => f.kind === (s.kind === 'frozen' ? 'feature-frozen' : 'feature-zero-rate') && f.subjects.features?.includes(s.planted));
          assert.ok(
            health.some((f) => f.data.from === day(start) && (s.target === 'build' || f.data.mode === 'backfill')),
            `no finding of the broken feature from ${day(start)}: ${about}\n${health.map((f) => f.title).join('\n')}`,
          );
          assert.ok(
            health.some((f) => f.evidence.some((e) => e.includes('a candidate cause'))),
            `its finding does not tie it to the regression: ${about}`,
          );

          // The rerun on the regressed build after the fix was committed, with its rows counted either way.
          const gap = findings.find((f) => f.kind === 'deployment-gap' && (f.data.commit as { sha: string }).sha === shas.c);
          assert.ok(gap, `no deployment gap for the fix: ${about}`);
          assert.equal(gap.severity, 'critical', 'the rescore mode is configured as a backfill');
          const session = (gap.data.gapRuns as Array<{ rowsWritten: number | null; rowsSource: string | null; firstDate: string; lastDate: string }>)[0];
          assert.deepEqual([session.firstDate, session.lastDate], [day(s.split), day(s.split + 2)], about);
          assert.equal(session.rowsWritten, pipeline.rerunRows, about);
          assert.equal(session.rowsSource, s.logRowCounts ? 'executionLog' : 'predictions', about);
        } finally {
          await workspace.close();
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { ...runs('plantedCauses'), endOnFailure: true },
    );
    t.diagnostic(`${generated.length} generated pipelines investigated (${DAYS} days each)`);
    const layouts = new Set(generated.map((g) => `${g.layout}/${g.kind}/${g.target}/${g.logRowCounts}`));
    t.diagnostic(`${layouts.size} distinct layout/breakage/start/log combinations`);
    assert.equal(generated.length, expected, 'every generated pipeline was investigated');
  });
});
