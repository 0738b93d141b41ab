import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { investigate } from '../../../src/core/findings/investigate';
import type { Finding } from '../../../src/core/findings/types';
import { Workspace } from '../../../src/core/workspace';
import { createRunModePipeline } from '../../fixtures/runModePipeline';

/*
 * The same kind of hit-rate fall from 2026-07-11 planted two ways: a catch-up population that
 * widens with rows that hit less (mix), and scheduled rows that start hitting less (within).
 * The decomposition over the run mode must tell them apart, and its counts must match what
 * this test counts in the pipeline's own files.
 */

interface Side {
  n: number;
  correct: number;
}
interface Decomposition {
  groupedBy: string;
  comparedBy: string;
  builds?: { before: string[]; after: string[] };
  splitDay?: string;
  mix: number;
  within: number;
  dominant: string;
  before: Side;
  after: Side;
  groups: Array<{ group: string; before: Side; after: Side }>;
}

/** Graded rows per (side of the split, run mode), counted from the CSV files the pipeline reads. */
async function countFiles(root: string, splitDay: string): Promise<Map<string, Side>> {
  const rows = async (file: string) =>
    (await readFile(join(root, 'data', file), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
  const modeOf = new Map((await rows('predictions.csv')).map((r) => [`${r[0]} ${r[1]}`, r[6]]));
  const counts = new Map<string, Side>();
  for (const r of await rows('graded.csv')) {
    if (r[6] === '') continue;
    const key = `${r[1] < splitDay ? 'before' : 'after'} ${modeOf.get(`${r[0]} ${r[1]}`)}`;
    const c = counts.get(key) ?? { n: 0, correct: 0 };
    counts.set(key, { n: c.n + 1, correct: c.correct + (r[6] === 'true' ? 1 : 0) });
  }
  return counts;
}

/** Kitagawa's split computed from the counts alone. */
function expectedParts(counts: Map<string, Side>): { mix: number; within: number } {
  const total = (side: string) => [...counts].filter(([k]) => k.startsWith(side)).reduce((s, [, c]) => s + c.n, 0);
  const t1 = total('before ');
  const t2 = total('after ');
  const modes = new Set([...counts.keys()].map((k) => k.split(' ').slice(1).join(' ')));
  let mix = 0;
  let within = 0;
  for (const m of modes) {
    const b = counts.get(`before ${m}`)!;
    const a = counts.get(`after ${m}`)!;
    const [w1, w2, r1, r2] = [b.n / t1, a.n / t2, b.correct / b.n, a.correct / a.n];
    mix += (w2 - w1) * ((r1 + r2) / 2);
    within += (r2 - r1) * ((w1 + w2) / 2);
  }
  return { mix, within };
}

async function shiftOf(change: 'mix' | 'within', modeColumn = true): Promise<{ shift: Finding; counts: Map<string, Side> }> {
  const pipeline = await createRunModePipeline({ change, modeColumn });
  try {
    const workspace = Workspace.open({ cwd: pipeline.root, now: () => new Date('2026-07-21T00:00:00Z') });
    const result = await investigate(workspace, { window: { from: '2026-07-01', to: '2026-07-20' } });
    const shift = result.findings.find((f) => f.kind === 'metric-shift' && f.subjects.models?.includes('q1'));
    assert.ok(shift, `${result.findings.map((f) => f.title).join('\n')}\n${result.skipped.join('\n')}`);
    return { shift, counts: await countFiles(pipeline.root, String(shift.subjects.dates?.[0])) };
  } finally {
    await pipeline.cleanup();
  }
}

function assertMatchesCounts(d: Decomposition, counts: Map<string, Side>) {
  for (const g of d.groups) {
    assert.deepEqual(g.before, { ...g.before, ...counts.get(`before ${g.group}`) }, `before ${g.group}`);
    assert.deepEqual(g.after, { ...g.after, ...counts.get(`after ${g.group}`) }, `after ${g.group}`);
  }
  assert.equal(d.groups.length, 2);
  const expected = expectedParts(counts);
  assert.ok(Math.abs(d.mix - expected.mix) < 1e-9, `mix ${d.mix} vs ${expected.mix}`);
  assert.ok(Math.abs(d.within - expected.within) < 1e-9, `within ${d.within} vs ${expected.within}`);
}

describe('hit-rate shifts decomposed over the run mode', () => {
  it('a widened catch-up population that hits less is mostly mix, each mode keeping its hit rate', async () => {
    const { shift, counts } = await shiftOf('mix');
    const d = shift.data.decomposition as Decomposition;
    assert.ok(d, shift.evidence.join('\n'));
    assert.equal(d.comparedBy, 'date');
    assert.equal(d.splitDay, '2026-07-11');
    assert.deepEqual([d.before.n, d.before.correct, d.after.n, d.after.correct], [500, 340, 1000, 540]);
    assertMatchesCounts(d, counts);
    assert.ok(Math.abs(d.mix - -0.14) < 1e-9, `mix ${d.mix}`);
    assert.ok(Math.abs(d.within) < 1e-12, `within ${d.within}`);
    assert.equal(d.dominant, 'mix');
    const lines = shift.evidence.filter((e) => e.startsWith('By run mode'));
    assert.equal(lines.length, 1, shift.evidence.join('\n'));
    assert.match(
      lines[0],
      /^By run mode \(tables\.predictions\.columns\.mode\), graded rows 2026-07-01\.\.2026-07-20 split at 2026-07-11: of the −14\.0-point change \(68\.0% \[[\d.]+%, [\d.]+%\] n=500 → 54\.0% \[[\d.]+%, [\d.]+%\] n=1,000\), mix −14\.0 points .* and within modes \+0\.0 points: mostly a change in the mix of runs\.$/,
    );
    assert.ok(
      shift.evidence.includes('catch-up: 20.0% → 60.0% of the graded rows, hit rate 40.0% [30.9%, 49.8%] n=100 → 40.0% [36.2%, 44.0%] n=600; mix +16.0, within +0.0 points.'),
      shift.evidence.join('\n'),
    );
  });

  it('scheduled rows that start hitting less, with the same mix of runs, is all within', async () => {
    const { shift, counts } = await shiftOf('within');
    const d = shift.data.decomposition as Decomposition;
    assert.ok(d, shift.evidence.join('\n'));
    assert.deepEqual([d.before.n, d.before.correct, d.after.n, d.after.correct], [500, 340, 500, 240]);
    assertMatchesCounts(d, counts);
    assert.ok(Math.abs(d.mix) < 1e-12, `mix ${d.mix}`);
    assert.ok(Math.abs(d.within - -0.2) < 1e-9, `within ${d.within}`);
    assert.equal(d.dominant, 'within');
    assert.ok(
      shift.evidence.some((e) => /mix \+0\.0 points .* and within modes −20\.0 points: mostly a change within modes\.$/.test(e)),
      shift.evidence.join('\n'),
    );
    assert.ok(
      shift.evidence.some((e) =>
        /^scheduled: 80\.0% → 80\.0% of the graded rows, hit rate 75\.0% \[[\d.]+%, [\d.]+%\] n=400 → 50\.0% \[[\d.]+%, [\d.]+%\] n=400; mix \+0\.0, within −20\.0 points\.$/.test(
          e,
        ),
      ),
      shift.evidence.join('\n'),
    );
  });

  it('a shift between two builds whose rows share dates is decomposed over the rows of each build, not split at a date', async () => {
    const pipeline = await createRunModePipeline({ change: 'builds' });
    try {
      const workspace = Workspace.open({ cwd: pipeline.root, now: () => new Date('2026-07-21T00:00:00Z') });
      const result = await investigate(workspace, { window: { from: '2026-07-01', to: '2026-07-20' } });
      const shift = result.findings.find((f) => f.kind === 'metric-shift' && f.data.at === 'build');
      assert.ok(shift, `${result.findings.map((f) => f.title).join('\n')}\n${result.skipped.join('\n')}`);
      const [first, second] = pipeline.builds;
      const d = shift.data.decomposition as Decomposition;
      assert.ok(d, shift.evidence.join('\n'));
      assert.equal(d.comparedBy, 'build');
      assert.deepEqual(d.builds, { before: [first], after: [second] });
      assert.equal(d.splitDay, undefined);
      // The planted truth: build 1 is 400 scheduled rows at 75% and 100 catch-up at 40%; build 2
      // is 300 scheduled at 60% and 300 catch-up at 40%, some of its rows on build 1's dates.
      assertPlantedModeCounts(d);
      assert.deepEqual([d.before.n, d.before.correct, d.after.n, d.after.correct], [500, 340, 600, 300]);
      assert.ok(Math.abs(d.mix - -0.0825) < 1e-9, `mix ${d.mix}`);
      assert.ok(Math.abs(d.within - -0.0975) < 1e-9, `within ${d.within}`);
      assert.equal(d.dominant, 'within');
      assert.ok(
        shift.evidence.some((e) =>
          new RegExp(
            `^By run mode \\(tables\\.predictions\\.columns\\.mode\\), the graded rows of build ${first.slice(0, 8)} against those of build ${second.slice(0, 8)} \\(each build's own rows, 2026-07-01\\.\\.2026-07-20, not a split by date\\): of the −18\\.0-point change .* mix −8\\.3 points .* within modes −9\\.8 points: mostly a change within modes\\.$`,
          ).test(e),
        ),
        shift.evidence.join('\n'),
      );
    } finally {
      await pipeline.cleanup();
    }
  });

  it("the commit report decomposes the builds containing a commit against the build it replaced, over each build's rows", async () => {
    const pipeline = await createRunModePipeline({ change: 'builds' });
    try {
      const [first, second] = pipeline.builds;
      let stdout = '';
      let stderr = '';
      const run = (args: string[]) =>
        main(['--cwd', pipeline.root, 'commit', second.slice(0, 10), '--from', '2026-07-01', '--to', '2026-07-20', ...args], {
          stdout: (t) => (stdout += t),
          stderr: (t) => (stderr += t),
        });
      assert.equal(await run(['--json']), 0, stderr);
      const [commit] = JSON.parse(stdout).commits;
      assert.equal(commit.decompositionsNotChecked, null);
      const [split] = commit.decompositions;
      assert.equal(split.model, 'q1');
      const d = split.decomposition as Decomposition;
      assert.deepEqual(d.builds, { before: [first], after: [second] });
      assert.equal(d.comparedBy, 'build');
      assertPlantedModeCounts(d);
      assert.ok(Math.abs(d.mix - -0.0825) < 1e-9 && Math.abs(d.within - -0.0975) < 1e-9, `mix ${d.mix}, within ${d.within}`);
      const model = commit.models.find((m: { model: string }) => m.model === 'q1');
      assert.deepEqual([d.before.n, d.after.n], [model.replaced.graded, model.containing.graded]);

      stdout = '';
      assert.equal(await run([]), 0, stderr);
      assert.match(
        stdout,
        /Results by run mode \(containing vs replaced\):\n {2}q1: By run mode \(tables\.predictions\.columns\.mode\), the graded rows of build \w{8} against those of build \w{8} \(each build's own rows/,
      );
      assert.match(
        stdout,
        / {4}scheduled: 80\.0% → 50\.0% of the graded rows, hit rate 75\.0% \[[\d.]+%, [\d.]+%\] n=400 → 60\.0% \[[\d.]+%, [\d.]+%\] n=300; mix [−+][\d.]+, within −9\.8 points\./,
      );
    } finally {
      await pipeline.cleanup();
    }
  });

  it('without a mode column the commit report says its results are not decomposed and names the settings', async () => {
    const pipeline = await createRunModePipeline({ change: 'mix', modeColumn: false });
    try {
      let stdout = '';
      let stderr = '';
      const code = await main(['--cwd', pipeline.root, 'commit', pipeline.builds[0].slice(0, 10), '--from', '2026-07-01', '--to', '2026-07-20', '--json'], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      });
      assert.equal(code, 0, stderr);
      const [commit] = JSON.parse(stdout).commits;
      assert.equal(commit.decompositions, null);
      assert.match(commit.decompositionsNotChecked, /tables\.predictions\.columns\.mode, or tables\.predictions\.modeFrom "featureJoin"/);
    } finally {
      await pipeline.cleanup();
    }
  });

  it('without a mode column the shift says it is not decomposed and names the key', async () => {
    const { shift } = await shiftOf('mix', false);
    assert.equal(shift.data.decomposition, undefined);
    assert.ok(
      shift.evidence.some((e) =>
        /^Hit-rate change not decomposed: no run mode is configured \(tables\.predictions\.columns\.mode, or tables\.predictions\.modeFrom "featureJoin"/.test(e),
      ),
      shift.evidence.join('\n'),
    );
  });
});

/** The planted rows of the `builds` pipeline, per run mode: [graded, correct] before and after. */
function assertPlantedModeCounts(d: Decomposition): void {
  const group = (name: string) => d.groups.find((g) => g.group === name)!;
  assert.deepEqual(
    [group('scheduled').before, group('scheduled').after].map((x) => [x.n, x.correct]),
    [
      [400, 300],
      [300, 180],
    ],
  );
  assert.deepEqual(
    [group('catch-up').before, group('catch-up').after].map((x) => [x.n, x.correct]),
    [
      [100, 40],
      [300, 120],
    ],
  );
}
