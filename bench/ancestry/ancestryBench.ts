import { execFile } from 'node:child_process';
import { GitRepository } from '../../src/core/git/gitRepository';
import type { AncestryIndex } from '../../src/core/git/types';
import { fixtureGitEnv } from '../../test/fixtures/gitFixture';
import type { BenchContext } from '../benchContext';
import { failed, overhead, speedup, type Figure } from '../figures';
import { GitCallLog } from '../gitCallLog';
import { describeFloor, floorMeasure, FloorSamples } from '../floor/floor';
import { commitGraphNote } from '../history/commitGraphVariants';
import { median, repeat, sample, seededRandom, timed } from '../stats';

const GROUP = 'Ancestry';
const COLD_GOAL = '≥ 100× and ≤ 1 s cold';

/**
 * "Does revision R contain commit C" for every deployed revision and every commit of the
 * document, without a commit-graph file: the product's in-memory index (one `rev-parse` to
 * open, one `rev-list` to build) against one `git merge-base --is-ancestor` per pair,
 * which is what a naive lens would run, and against the floor (the walk the index needs).
 */
export async function ancestryFigures(context: BenchContext): Promise<Figure[]> {
  try {
    return await measure(context);
  } catch (error) {
    return [
      failed('ancestry.cold', GROUP, 'cold', COLD_GOAL, error),
      failed('ancestry.processes', GROUP, 'git processes', 'constant', error),
      failed('ancestry.warm', GROUP, 'warm', '', error),
    ];
  }
}

async function measure(context: BenchContext): Promise<Figure[]> {
  const scenario = await context.scenario();
  const revisions = scenario.deployments.map((d) => d.commit);
  const shas = scenario.document.map((d) => d.sha);
  const pairs = revisions.length * shas.length;
  const runs = Math.max(2, context.sizes.runs);

  // Cold: a new repository object each run, so nothing is reused between runs. Answers go
  // into a flat array (pair r × shas + s), which costs next to nothing beside the question.
  let processes = 0;
  let answers = new Uint8Array(pairs);
  const buildMs: number[] = [];
  // Floor runs between the product's, so a shared machine's drifting load hits both alike.
  const floors = new FloorSamples({ cwd: scenario.root, tokens: revisions, revisions, details: false, sql: null });
  const coldSamples: number[] = [];
  let index: AncestryIndex | null = null;
  for (let run = 0; run < runs; run++) {
    await floors.take();
    const measured = await timed(async () => {
      const repo = await GitRepository.open(scenario.root);
      const built = await timed(() => repo.ancestryIndex(revisions));
      buildMs.push(built.ms);
      const found = new Uint8Array(pairs);
      for (let r = 0; r < revisions.length; r++) for (let c = 0; c < shas.length; c++) found[r * shas.length + c] = built.value.contains(revisions[r], shas[c]) ? 1 : 0;
      processes = repo.processCount;
      answers = found;
      return built.value;
    });
    coldSamples.push(measured.ms);
    index = measured.value;
  }
  if (!index) throw new Error('no cold run');
  const built = index;
  const warm = await repeat(runs, () => {
    let yes = 0;
    for (const revision of revisions) for (const sha of shas) if (built.contains(revision, sha)) yes++;
    return yes;
  });
  // The honest warm baseline: the per-pair path remembering each answer in a Map.
  const memo = new Map<string, boolean>();
  for (let r = 0; r < revisions.length; r++) for (let c = 0; c < shas.length; c++) memo.set(`${revisions[r]} ${shas[c]}`, answers[r * shas.length + c] === 1);
  const memoWarm = await repeat(runs, () => {
    let yes = 0;
    for (const revision of revisions) for (const sha of shas) if (memo.get(`${revision} ${sha}`)) yes++;
    return yes;
  });

  // Baseline: a sample of pairs, one process each, run one after the other as a lens would.
  const random = seededRandom(7);
  const chosen = sample(
    Array.from({ length: pairs }, (_, i) => i),
    context.sizes.baselinePairs,
    random,
  );
  let mismatches = 0;
  // Without a commit-graph one call can take seconds on a large history: one pass.
  const passes = 1;
  const baseline = await repeat(passes, async (pass) => {
    for (const pair of chosen) {
      const contained = await isAncestor(scenario.root, shas[pair % shas.length], revisions[Math.floor(pair / shas.length)]);
      if (pass === 0 && contained !== (answers[pair] === 1)) mismatches++;
    }
  });
  const floor = floors.result();
  const counted = await gitCalls(scenario.root, revisions);
  const perPair = median(baseline.samples) / chosen.length;
  const baselineTotal = perPair * pairs;
  const product = median(coldSamples);
  const contained = answers.reduce((sum, a) => sum + a, 0);
  const shape = `${scenario.label}: ${scenario.commits.toLocaleString('en-US')} commits (${scenario.merges.toLocaleString('en-US')} merges), no commit-graph file`;

  return [
    {
      id: 'ancestry.cold',
      group: GROUP,
      title: `${shas.length.toLocaleString('en-US')} SHAs × ${revisions.length} deployed revisions, cold`,
      product: { value: product, unit: 'ms', label: `GitRepository.open + ancestryIndex + ${pairs.toLocaleString('en-US')} contains` },
      baseline: { value: baselineTotal, unit: 'ms', label: 'git merge-base --is-ancestor per pair, extrapolated' },
      ratio: speedup(product, baselineTotal),
      floor: floor instanceof Error ? null : floorMeasure(floor, 'cat-file --batch-check + rev-list --parents from the revisions'),
      goal: COLD_GOAL,
      status: mismatches > 0 ? 'failed' : baselineTotal / product >= 100 && product <= 1000 ? 'met' : 'missed',
      notes: [
        `${shape}; median of ${runs} cold runs (index build ${median(buildMs).toFixed(0)} ms of it)`,
        `baseline: ${chosen.length} pairs timed (median of ${passes} pass${passes === 1 ? '' : 'es'}, ${perPair.toFixed(1)} ms per pair) and extrapolated to all ${pairs.toLocaleString('en-US')} pairs`,
        `${contained.toLocaleString('en-US')} of ${pairs.toLocaleString('en-US')} pairs contained; ${mismatches === 0 ? 'every sampled pair agrees with git' : `${mismatches} sampled answers DISAGREE with git`}`,
        floor instanceof Error ? `floor: FAILED: ${floor.message}` : describeFloor(floor),
        ...commitGraphNote(scenario),
      ],
    },
    {
      id: 'ancestry.processes',
      group: GROUP,
      title: 'git processes for all pairs',
      product: { value: processes, unit: 'processes', label: 'GitRepository.processCount after open + index + queries' },
      baseline: { value: pairs, unit: 'processes', label: 'one per pair' },
      ratio: null,
      goal: 'constant (does not grow with SHAs)',
      status: processes <= 3 ? 'met' : 'missed',
      notes: [
        counted.calls.length === processes
          ? `${processes} git processes, named in a run of their own through a git that logs its arguments: ${counted.calls.join(', ')}`
          : `counted ${processes} git processes, but a run through a git that logs its arguments started ${counted.calls.length}: ${counted.calls.join(', ')}`,
      ],
    },
    {
      id: 'ancestry.warm',
      group: GROUP,
      title: `${pairs.toLocaleString('en-US')} contains on a built index, warm`,
      product: { value: median(warm.samples), unit: 'ms', label: 'contains on the built index' },
      baseline: { value: median(memoWarm.samples), unit: 'ms', label: 'per pair with a memo map: every answer from the map' },
      ratio: overhead(median(warm.samples), median(memoWarm.samples)),
      goal: '',
      status: 'info',
      notes: [`median of ${runs} runs each; the memo map holds the ${pairs.toLocaleString('en-US')} answers keyed by revision and commit`],
    },
  ];
}

/** The git processes open + index + every question start, named: one more run, through a `git` that logs its arguments. */
async function gitCalls(root: string, revisions: string[]): Promise<{ calls: string[] }> {
  const log = await GitCallLog.create();
  try {
    const repo = await GitRepository.open(root, { binary: log.binary });
    const index = await repo.ancestryIndex(revisions);
    for (const revision of revisions) index.contains(revision, revisions[0]);
    return { calls: await log.calls() };
  } finally {
    await log.dispose();
  }
}

function isAncestor(root: string, commit: string, revision: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile('git', ['merge-base', '--is-ancestor', commit, revision], { cwd: root, env: fixtureGitEnv() }, (error) => {
      if (!error) resolve(true);
      else if ((error as { code?: unknown }).code === 1) resolve(false);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- node's ExecFileException is an Error; its type, built with Omit, does not say so
      else reject(error);
    });
  });
}
