import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGitFixture, runGit, type FixtureCommit } from '../../test/fixtures/gitFixture';
import { cacheDir } from '../cache';
import { seededRandom } from '../stats';

/** A generated repository and what the benchmark asks about it. */
export interface BenchHistory {
  root: string;
  /** Every commit, in creation order. */
  shas: string[];
  /** Indexes into `shas` of commits on `main` (first-parent line and merges). */
  mainline: number[];
  /** Indexes into `shas` of commits made on feature branches (merged or abandoned). */
  branchCommits: number[];
  merges: number;
  abandonedBranches: number;
}

interface Manifest extends Omit<BenchHistory, 'root'> {
  commits: number;
  seed: number;
}

const SEED = 20260130;
/** Feature branches open at once; each edits its own file, so merges never conflict. */
const LANES = 6;

/**
 * A history shaped like a busy service repository: a main line with feature branches of a
 * few to a few dozen commits branching off it, most merged back with a merge commit, some
 * abandoned (commits no later main contains). Deterministic from the seed.
 */
export function planHistory(count: number, seed = SEED): { commits: FixtureCommit[]; mainline: number[]; branchCommits: number[]; merges: number; abandoned: number } {
  const random = seededRandom(seed);
  const commits: FixtureCommit[] = [];
  const mainline: number[] = [];
  const branchCommits: number[] = [];
  const open: Array<{ name: string; lane: number; remaining: number; made: number }> = [];
  const freeLanes = Array.from({ length: LANES }, (_, i) => i);
  const start = Date.parse('2023-01-01T00:00:00Z');
  let current = 'main';
  let branches = 0;
  let merges = 0;
  let abandoned = 0;

  const push = (commit: Omit<FixtureCommit, 'date'>, onMain: boolean): void => {
    const index = commits.length;
    commits.push({ ...commit, date: new Date(start + index * 60_000).toISOString() });
    (onMain ? mainline : branchCommits).push(index);
  };
  const onMain = (files: Record<string, string | null>, message: string, merge?: string): void => {
    push({ message, files, branch: 'main', ...(merge ? { merge } : {}) }, true);
    current = 'main';
  };

  onMain({ 'README.md': 'bench history\n', 'main.txt': '0\n' }, 'init');
  while (commits.length < count) {
    const roll = random();
    if (open.length < LANES && roll < 0.05 && commits.length < count - 2) {
      // A branch starts from the tip of main: the builder branches from the current branch.
      if (current !== 'main') onMain({ 'main.txt': `${commits.length}\n` }, `main ${commits.length}`);
      const lane = freeLanes.shift()!;
      const branch = { name: `feature-${++branches}`, lane, remaining: 3 + Math.floor(random() * 40), made: 0 };
      open.push(branch);
      push({ message: `${branch.name} 1`, files: { [`lanes/${lane}.txt`]: `${branch.name} 1\n` }, branch: branch.name }, false);
      branch.made = 1;
      current = branch.name;
    } else if (open.length > 0 && roll < 0.65) {
      const branch = open[Math.floor(random() * open.length)];
      if (branch.made >= branch.remaining) {
        open.splice(open.indexOf(branch), 1);
        freeLanes.push(branch.lane);
        if (random() < 0.1) {
          // Abandoned: its commits stay reachable from its branch ref only.
          abandoned++;
          continue;
        }
        merges++;
        onMain({}, `Merge ${branch.name}`, branch.name);
      } else {
        branch.made++;
        push({ message: `${branch.name} ${branch.made}`, files: { [`lanes/${branch.lane}.txt`]: `${branch.name} ${branch.made}\n` }, branch: branch.name }, false);
        current = branch.name;
      }
    } else {
      onMain({ 'main.txt': `${commits.length}\n` }, `main ${commits.length}`);
    }
  }
  return { commits, mainline, branchCommits, merges, abandoned };
}

/**
 * The repository for `count` commits, built once with the test fixture's fast-import
 * builder and reused from the cache afterwards (checked by resolving its last commit).
 */
export async function benchHistory(count: number, log: (line: string) => void): Promise<BenchHistory> {
  const dir = await cacheDir(`history-${count}`);
  const root = join(dir, 'repo');
  const manifestFile = join(dir, 'manifest.json');
  const cached = await readFile(manifestFile, 'utf8').then((t) => JSON.parse(t) as Manifest).catch(() => null);
  if (cached && cached.commits === count && cached.seed === SEED) {
    const last = cached.shas[cached.shas.length - 1];
    const resolved = await runGit(root, ['rev-parse', '--verify', '--quiet', `${last}^{commit}`]).catch(() => '');
    if (resolved.trim() === last) return { ...cached, root };
  }

  log(`generating a ${count.toLocaleString('en-US')}-commit repository (cached afterwards in ${dir})`);
  await rm(root, { recursive: true, force: true });
  const plan = planHistory(count);
  const fixture = await createGitFixture(plan.commits, { dir: root });
  // A commit-graph file is what `git gc` leaves in any repository used for a while; with it
  // `merge-base --is-ancestor` uses generation numbers, so the baseline gets its best case.
  await runGit(root, ['commit-graph', 'write', '--reachable']);
  const manifest: Manifest = {
    commits: count,
    seed: SEED,
    shas: fixture.shas,
    mainline: plan.mainline,
    branchCommits: plan.branchCommits,
    merges: plan.merges,
    abandonedBranches: plan.abandoned,
  };
  await writeFile(manifestFile, JSON.stringify(manifest));
  return { ...manifest, root };
}
