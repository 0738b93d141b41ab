import { execFile } from 'node:child_process';
import { GitRepository } from '../../src/core/git/gitRepository';
import { fixtureGitEnv } from '../../test/fixtures/gitFixture';
import { speedup, type Figure } from '../figures';
import { median, repeat, sample, seededRandom, timed } from '../stats';
import { benchHistory, type BenchHistory } from './benchHistory';

export interface AncestrySizes {
  commits: number;
  revisions: number;
  shas: number;
  /** Pairs timed with `git merge-base --is-ancestor`; the rest is extrapolated. */
  baselinePairs: number;
  runs: number;
}

export const FULL_ANCESTRY: AncestrySizes = { commits: 50_000, revisions: 100, shas: 1_000, baselinePairs: 200, runs: 5 };
export const QUICK_ANCESTRY: AncestrySizes = { commits: 5_000, revisions: 100, shas: 1_000, baselinePairs: 50, runs: 3 };

const GROUP = 'Ancestry';

/**
 * "Does revision R contain commit C" for every pair of 100 revisions and 1,000 SHAs: the
 * product's in-memory index (one `rev-parse` to open, two git processes to build) against
 * one `git merge-base --is-ancestor` per pair, which is what a naive lens would run.
 */
export async function ancestryBench(sizes: AncestrySizes, log: (line: string) => void): Promise<Figure[]> {
  const history = await benchHistory(sizes.commits, log);
  const random = seededRandom(7);
  const { revisions, shas } = pickQuestions(history, sizes, random);
  const pairs = revisions.length * shas.length;

  // Cold: a new repository object each run, so nothing is reused between runs. Answers go
  // into a flat array (pair r × shas + s), which costs next to nothing beside the question.
  let processes = 0;
  let answers = new Uint8Array(pairs);
  const buildMs: number[] = [];
  const cold = await repeat(sizes.runs, async () => {
    const repo = await GitRepository.open(history.root);
    const built = await timed(() => repo.ancestryIndex(revisions));
    buildMs.push(built.ms);
    const index = built.value;
    const found = new Uint8Array(pairs);
    for (let r = 0; r < revisions.length; r++) for (let c = 0; c < shas.length; c++) found[r * shas.length + c] = index.contains(revisions[r], shas[c]) ? 1 : 0;
    processes = repo.processCount;
    answers = found;
    return index;
  });
  const index = cold.last;
  const warm = await repeat(sizes.runs, () => {
    let yes = 0;
    for (const revision of revisions) for (const sha of shas) if (index.contains(revision, sha)) yes++;
    return yes;
  });

  // Baseline: a sample of pairs, one process each, run one after the other as a lens would.
  const chosen = sample(Array.from({ length: pairs }, (_, i) => i), sizes.baselinePairs, random);
  let mismatches = 0;
  const baseline = await repeat(3, async (pass) => {
    for (const pair of chosen) {
      const contained = await isAncestor(history.root, shas[pair % shas.length], revisions[Math.floor(pair / shas.length)]);
      if (pass === 0 && contained !== (answers[pair] === 1)) mismatches++;
    }
  });
  const perPair = median(baseline.samples) / chosen.length;
  const baselineTotal = perPair * pairs;
  const product = median(cold.samples);
  const contained = answers.reduce((sum, a) => sum + a, 0);

  const shape = `${history.shas.length.toLocaleString('en-US')} commits (${history.merges} merges, ${history.abandonedBranches} abandoned branches)`;
  const figures: Figure[] = [
    {
      id: 'ancestry.cold',
      group: GROUP,
      title: `${shas.length.toLocaleString('en-US')} SHAs × ${revisions.length} revisions, cold`,
      product: { value: product, unit: 'ms', label: `GitRepository.open + ancestryIndex + ${pairs.toLocaleString('en-US')} contains` },
      baseline: { value: baselineTotal, unit: 'ms', label: `git merge-base --is-ancestor per pair, extrapolated` },
      ratio: speedup(product, baselineTotal),
      goal: '≥ 100× and < 1 s cold',
      status: mismatches > 0 ? 'failed' : baselineTotal / product >= 100 && product < 1000 ? 'met' : 'missed',
      notes: [
        `${shape}; median of ${sizes.runs} cold runs (index build ${median(buildMs).toFixed(0)} ms of it)`,
        `baseline: ${chosen.length} pairs timed (median of 3 passes, ${perPair.toFixed(2)} ms per pair) and extrapolated to all ${pairs.toLocaleString('en-US')} pairs`,
        `${contained.toLocaleString('en-US')} of ${pairs.toLocaleString('en-US')} pairs contained; ${mismatches === 0 ? 'every sampled pair agrees with git' : `${mismatches} sampled answers DISAGREE with git`}`,
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
      notes: ['1 rev-parse to open, 1 cat-file and 1 rev-list to build the index'],
    },
    {
      id: 'ancestry.warm',
      group: GROUP,
      title: `${pairs.toLocaleString('en-US')} contains on a built index, warm`,
      product: { value: median(warm.samples), unit: 'ms', label: 'contains on the built index' },
      baseline: { value: baselineTotal, unit: 'ms', label: 'git merge-base --is-ancestor per pair, extrapolated' },
      ratio: speedup(median(warm.samples), baselineTotal),
      goal: '',
      status: 'info',
      notes: [`median of ${sizes.runs} runs`],
    },
  ];
  return figures;
}

/**
 * Revisions like deployments: mostly points on main spread over the history, some on
 * branches (including abandoned ones). SHAs from anywhere in the history.
 */
function pickQuestions(history: BenchHistory, sizes: AncestrySizes, random: () => number): { revisions: string[]; shas: string[] } {
  const onMain = Math.round(sizes.revisions * 0.7);
  const revisions = [
    ...sample(history.mainline, onMain, random),
    ...sample(history.branchCommits, sizes.revisions - onMain, random),
  ].map((i) => history.shas[i]);
  const shas = sample(history.shas, sizes.shas, random);
  return { revisions, shas };
}

function isAncestor(root: string, commit: string, revision: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile('git', ['merge-base', '--is-ancestor', commit, revision], { cwd: root, env: fixtureGitEnv() }, (error) => {
      if (!error) resolve(true);
      else if ((error as { code?: unknown }).code === 1) resolve(false);
      else reject(error);
    });
  });
}
