import { loadConfig } from '../../src/core/config/loadConfig';
import { GitRepository } from '../../src/core/git/gitRepository';
import { ProvenanceService } from '../../src/core/provenance/documentProvenance';
import { scanShas } from '../../src/core/text/shaScanner';
import { modelByCommitQuery } from '../../src/core/warehouse/catalog';
import type { QueryOptions, QueryResult, SqlQuery, Warehouse } from '../../src/core/warehouse/types';
import { Workspace } from '../../src/core/workspace';
import { speedup, type Figure } from '../figures';
import { median, sample, seededRandom, timed } from '../stats';
import { lensWorkspace, type LensSizes, type LensWorkspace } from './lensWorkspace';

export interface LensBenchSizes extends LensSizes {
  runs: number;
  /** SHAs timed on the per-SHA path; the rest is extrapolated. */
  baselineShas: number;
}

export const FULL_LENS: LensBenchSizes = { commits: 50_000, rows: 1_000_000, shas: 1_000, runs: 3, baselineShas: 40 };
export const QUICK_LENS: LensBenchSizes = { commits: 5_000, rows: 200_000, shas: 1_000, runs: 2, baselineShas: 15 };

const GROUP = 'CodeLens/hover';
const GOAL = '≥ 50×';

/** Counts the queries that reach the warehouse, as the language server's status does. */
class CountingWorkspace extends Workspace {
  queries = 0;
  private counted: Promise<Warehouse> | null = null;
  override warehouse(): Promise<Warehouse> {
    this.counted ??= super.warehouse().then((inner) => ({
      kind: inner.kind,
      describe: () => inner.describe(),
      close: () => inner.close(),
      query: (q: SqlQuery, o?: QueryOptions): Promise<QueryResult> => {
        this.queries++;
        return inner.query(q, o);
      },
    }));
    return this.counted;
  }
}

interface ProductRun {
  coldMs: number;
  warmMs: number;
  gitProcesses: number;
  warmGitProcesses: number;
  queries: number;
  warmQueries: number;
  commits: number;
  results: string;
  /** Cold time split: commit graph and resolution, commit details, the rest (warehouse, assembly). */
  phases: { graph: number; details: number; rest: number };
}

/**
 * What the editor needs for the lenses and hovers of a document naming 1,000 commits:
 * every SHA resolved and its provenance (commit, deployments, results by build) assembled.
 * The product's ProvenanceService (one commit graph, one batched `git log`, one query per
 * date window shared by every SHA) against a per-SHA path: one `git cat-file` and one
 * results query for each SHA, which is what a lens provider written naively would do.
 */
export async function lensBench(sizes: LensBenchSizes, log: (line: string) => void): Promise<Figure[]> {
  const lens = await lensWorkspace(sizes, log);
  const runs: ProductRun[] = [];
  for (let run = 0; run < sizes.runs; run++) runs.push(await productRun(lens));
  const baseline = await perShaBaseline(lens, sizes.baselineShas);

  const cold = median(runs.map((r) => r.coldMs));
  const warm = median(runs.map((r) => r.warmMs));
  const first = runs[0];
  const shape = `${lens.tokens.length.toLocaleString('en-US')} SHAs in a ${lens.history.shas.length.toLocaleString('en-US')}-commit repository, ${lens.tables.rows.toLocaleString('en-US')} prediction rows`;
  const extrapolation = `baseline: ${baseline.timed} SHAs timed (${baseline.perShaMs.toFixed(1)} ms each: 1 git process + 1 query) and extrapolated to ${lens.tokens.length.toLocaleString('en-US')}`;
  const complete = first.commits === lens.tokens.length;
  return [
    {
      id: 'lens.cold',
      group: GROUP,
      title: `${lens.tokens.length.toLocaleString('en-US')} SHAs, cold`,
      product: { value: cold, unit: 'ms', label: 'ProvenanceService: scan + resolveShas + provenance (new workspace)' },
      baseline: { value: baseline.coldMs, unit: 'ms', label: 'per SHA: git cat-file + results query, extrapolated' },
      ratio: speedup(cold, baseline.coldMs),
      goal: GOAL,
      status: !complete ? 'failed' : baseline.coldMs / cold >= 50 ? 'met' : 'missed',
      notes: [
        `${shape}; median of ${sizes.runs} runs; results ${first.results}${complete ? '' : `; only ${first.commits} commits resolved`}`,
        `product: ${first.gitProcesses} git processes, ${first.queries} warehouse queries; per-SHA path: ${lens.tokens.length.toLocaleString('en-US')} of each`,
        `product cold time: commit graph + resolution ${median(runs.map((r) => r.phases.graph)).toFixed(0)} ms, commit details ${median(runs.map((r) => r.phases.details)).toFixed(0)} ms, deployments + warehouse open + results query + assembly ${median(runs.map((r) => r.phases.rest)).toFixed(0)} ms`,
        `${extrapolation}; its cold figure adds opening the repository and warehouse once (${baseline.openMs.toFixed(0)} ms)`,
      ],
    },
    {
      id: 'lens.warm',
      group: GROUP,
      title: `${lens.tokens.length.toLocaleString('en-US')} SHAs, warm`,
      product: { value: warm, unit: 'ms', label: 'the same document asked again (caches warm)' },
      baseline: { value: baseline.warmMs, unit: 'ms', label: 'per SHA: git cat-file + results query, extrapolated' },
      ratio: speedup(warm, baseline.warmMs),
      goal: GOAL,
      status: baseline.warmMs / warm >= 50 ? 'met' : 'missed',
      notes: [`product, warm: ${first.warmGitProcesses} git processes, ${first.warmQueries} warehouse queries; the per-SHA path caches nothing`],
    },
  ];
}

async function productRun(lens: LensWorkspace): Promise<ProductRun> {
  const workspace = new CountingWorkspace(loadConfig(lens.configFile));
  const service = new ProvenanceService(workspace);
  try {
    const phases = { graph: 0, details: 0, rest: 0 };
    const ask = async () => {
      const tokens = [...new Set(scanShas(lens.document).map((t) => t.text))];
      const resolved = await timed(() => service.resolveShas(tokens));
      const shas = [...new Set(resolved.value.values())];
      // Asked apart only to time it: provenance() finds the details cached.
      const details = await timed(() => service.commitDetails(shas));
      const view = await timed(() => service.provenance(shas, { waitMs: null }));
      phases.graph ||= resolved.ms;
      phases.details ||= details.ms;
      phases.rest ||= view.ms;
      return view.value;
    };
    const cold = await timed(ask);
    const gitProcesses = service.gitProcessCount;
    const queries = workspace.queries;
    const warm = await timed(ask);
    const view = cold.value;
    return {
      coldMs: cold.ms,
      warmMs: warm.ms,
      gitProcesses,
      warmGitProcesses: service.gitProcessCount - gitProcesses,
      queries,
      warmQueries: workspace.queries - queries,
      commits: view.commits.size,
      results: view.results.state === 'failed' ? `failed (${view.results.error})` : view.results.state,
      phases,
    };
  } finally {
    await workspace.close();
  }
}

async function perShaBaseline(lens: LensWorkspace, count: number): Promise<{ coldMs: number; warmMs: number; perShaMs: number; openMs: number; timed: number }> {
  const workspace = Workspace.open({ configFile: lens.configFile });
  try {
    const opened = await timed(async () => {
      const repo = await GitRepository.open(workspace.config.repository);
      const warehouse = await workspace.warehouse();
      return { repo, warehouse };
    });
    const { repo, warehouse } = opened.value;
    const window = await workspace.defaultWindow();
    const chosen = sample(lens.tokens, count, seededRandom(3));
    const perSha = await timed(async () => {
      for (const token of chosen) {
        const resolution = (await repo.resolve([token])).get(token);
        const sha = resolution?.status === 'found' ? resolution.commit.sha : token;
        await warehouse.query(modelByCommitQuery(workspace.config, { window, commits: [sha] }));
      }
    });
    const perShaMs = perSha.ms / chosen.length;
    const warmMs = perShaMs * lens.tokens.length;
    return { coldMs: opened.ms + warmMs, warmMs, perShaMs, openMs: opened.ms, timed: chosen.length };
  } finally {
    await workspace.close();
  }
}
