import { basename, resolve } from 'node:path';
import { runGit } from '../test/fixtures/gitFixture';
import { lensWorkspace, type LensWorkspace } from './editor/lensWorkspace';
import type { FloorJob } from './floor/floor';
import { benchScenario, SCENARIO_SIZES, type BenchScenario } from './history/benchScenario';
import { commitGraphClone, withoutCommitGraph } from './history/commitGraphVariants';
import { generatedHistory, SERVICE_FOLDERS } from './history/generatedHistory';

/** Sizes of one run; `--quick` shrinks them. */
export interface BenchSizes {
  historyCommits: number;
  rows: number;
  /** Cold measurements of the product (each a new workspace, server or CLI process). */
  runs: number;
  /** SHAs timed on the per-SHA path; the rest is extrapolated. */
  baselineShas: number;
  /** Pairs timed with `git merge-base --is-ancestor`; the rest is extrapolated. */
  baselinePairs: number;
  /** Passes of the per-revision `merge-base` loop with a commit-graph (one pass without: seconds per call). */
  loopPasses: number;
  hovers: number;
  warmPasses: number;
}

export const FULL_SIZES: BenchSizes = { historyCommits: 205_000, rows: 1_000_000, runs: 3, baselineShas: 40, baselinePairs: 24, loopPasses: 3, hovers: 10_000, warmPasses: 5 };
export const QUICK_SIZES: BenchSizes = { historyCommits: 20_000, rows: 200_000, runs: 1, baselineShas: 15, baselinePairs: 20, loopPasses: 1, hovers: 2_000, warmPasses: 3 };

/**
 * What the suites share, built on first use: the repository and its scenario, the lens
 * workspace, the floor's work for the document's lenses, the clone with a commit-graph. A suite that
 * never needs the history (the extension's) never builds it.
 */
export class BenchContext {
  readonly projectRoot = resolve(__dirname, '..');
  readonly sizes: BenchSizes;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly quick: boolean,
    /** BENCH_REPO: a clone to measure instead of the generated history. */
    readonly benchRepo: string | null,
    private readonly mainRef: string | null,
    readonly log: (line: string) => void,
  ) {
    this.sizes = quick ? QUICK_SIZES : FULL_SIZES;
  }

  scenario(): Promise<BenchScenario> {
    return this.once('scenario', async () => {
      if (this.benchRepo) {
        const given = resolve(this.benchRepo);
        const measured = await withoutCommitGraph(given, this.log);
        const label = `${basename(given)} (BENCH_REPO) @ ${(await headOf(given)).slice(0, 7)}`;
        return benchScenario(
          measured.root,
          { sizes: SCENARIO_SIZES, label, copiedWithoutCommitGraph: measured.copied, ...(this.mainRef ? { mainRef: this.mainRef } : {}) },
          this.log,
        );
      }
      const history = await generatedHistory({ commits: this.sizes.historyCommits }, this.log);
      return benchScenario(
        history.root,
        {
          sizes: SCENARIO_SIZES,
          mainRef: history.mainRef,
          serviceFolders: SERVICE_FOLDERS,
          label: `generated history (${history.features.toLocaleString('en-US')} feature branches, ${history.abandoned} abandoned)`,
        },
        this.log,
      );
    });
  }

  lens(): Promise<LensWorkspace> {
    return this.once('lens', async () => lensWorkspace(await this.scenario(), this.sizes.rows, this.log));
  }

  /** The floor of the whole document: every token, details of every commit, the graph from the deployed revisions, the results query. */
  async lensFloorJob(): Promise<FloorJob> {
    const lens = await this.lens();
    const scenario = lens.scenario;
    return { cwd: scenario.root, tokens: lens.tokens, revisions: scenario.deployments.map((d) => d.commit), details: true, sql: lens.floorSql };
  }

  graphClone(): Promise<string> {
    return this.once('graphClone', async () => commitGraphClone(await this.scenario(), this.log));
  }

  /** One line about the repository measured, for the report's header. */
  async describeHistory(): Promise<string> {
    const s = await this.scenario();
    const refs = `${s.refs.total.toLocaleString('en-US')} refs (${s.refs.heads} branches, ${s.refs.tags} tags, ${s.refs.pull.toLocaleString('en-US')} pull refs, ${s.refs.notes} notes${s.refs.other ? `, ${s.refs.other} other` : ''})`;
    return `${s.label}: ${s.commits.toLocaleString('en-US')} commits (${s.merges.toLocaleString('en-US')} merges), ${refs}, ${s.commitGraph ? 'a commit-graph file' : s.copiedWithoutCommitGraph ? 'no commit-graph file (a local copy without the one the repository given has)' : 'no commit-graph file'}; services ${s.services.map((x) => `${x.name} (${x.folder}/**)`).join(', ')}; ${s.deployments.length} deployed revisions`;
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memo.set(key, value);
    }
    return value;
  }
}

async function headOf(root: string): Promise<string> {
  return (await runGit(root, ['rev-parse', 'HEAD'])).trim();
}
