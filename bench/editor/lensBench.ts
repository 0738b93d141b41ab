import { loadConfig } from '../../src/core/config/loadConfig';
import { GitRepository } from '../../src/core/git/gitRepository';
import { ProvenanceService } from '../../src/core/provenance/documentProvenance';
import { scanShas } from '../../src/core/text/shaScanner';
import { modelByCommitQuery } from '../../src/core/warehouse/catalog';
import type { QueryOptions, QueryResult, Row, SqlQuery, Warehouse } from '../../src/core/warehouse/types';
import { Workspace } from '../../src/core/workspace';
import type { BenchContext } from '../benchContext';
import { failed, overhead, speedup, type Figure } from '../figures';
import { describeFloor, floorMeasure, FloorSamples } from '../floor/floor';
import { commitGraphNote } from '../history/commitGraphVariants';
import { median, sample, seededRandom, timed } from '../stats';
import { documentMix, type LensWorkspace } from './lensWorkspace';

const GROUP = 'CodeLens/hover, in process';

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
  commits: Set<string>;
  results: string;
  /** Cold time split: commit graph and resolution, commit details, the rest (warehouse, assembly). */
  phases: { graph: number; details: number; rest: number };
}

/**
 * What the editor needs for the lenses and hovers of a document naming 1,000 commits:
 * every SHA resolved and its provenance (commit, deployments, results by build) assembled,
 * by the engine in this process (no LSP; the server figures add that). Beside it: the
 * per-SHA path a naive lens provider would take (one git process and one query per SHA,
 * remembering answers in a map), and the floor (the least git and SQL work for the answer).
 */
export async function lensFigures(context: BenchContext): Promise<Figure[]> {
  const lens = await context.lens();
  const scenario = lens.scenario;
  try {
    const runs: ProductRun[] = [];
    const floors = new FloorSamples(context.lensFloorJob());
    for (let run = 0; run < Math.max(2, context.sizes.runs); run++) {
      runs.push(await productRun(lens));
      await floors.take();
    }
    const floor = floors.result();
    const baseline = await perShaBaseline(lens, context.sizes.baselineShas);

    const cold = median(runs.map((r) => r.coldMs));
    const warm = median(runs.map((r) => r.warmMs));
    const first = runs[0];
    const reachable = scenario.document.filter((d) => d.kind !== 'detached');
    const missing = reachable.filter((d) => !first.commits.has(d.sha)).length;
    const detached = scenario.document.filter((d) => d.kind === 'detached');
    const detachedShown = detached.filter((d) => first.commits.has(d.sha)).length;
    const shape = `${lens.tokens.length.toLocaleString('en-US')} SHAs (${documentMix(scenario)}) in ${scenario.label}, ${lens.tables.rows.toLocaleString('en-US')} prediction rows`;
    const coldFigure: Figure = {
      id: 'lens.cold',
      group: GROUP,
      title: `${lens.tokens.length.toLocaleString('en-US')} SHAs, cold`,
      product: { value: cold, unit: 'ms', label: 'ProvenanceService: scan + resolveShas + provenance (new workspace)' },
      baseline: { value: baseline.coldMs, unit: 'ms', label: 'per SHA: git cat-file + results query, extrapolated' },
      ratio: speedup(cold, baseline.coldMs),
      floor: floor instanceof Error ? null : floorMeasure(floor, 'cat-file + log --no-walk + rev-list from the deployed revisions + one DuckDB query'),
      goal: '≥ 50× the per-SHA path',
      status: missing > 0 ? 'failed' : baseline.coldMs / cold >= 50 ? 'met' : 'missed',
      notes: [
        `${shape}; median of ${runs.length} runs; results ${first.results}`,
        `${first.commits.size.toLocaleString('en-US')} commits answered; ${missing ? `${missing} commit(s) reachable from a ref got NO answer; ` : ''}${detached.length ? `${detachedShown} of the ${detached.length} commits only on the detached HEAD got one (HEAD is one of the graph's tips: \`rev-parse --all\` alone leaves it out)` : 'no commits only on a detached HEAD in this repository'}`,
        `product: ${first.gitProcesses} git processes, ${first.queries} warehouse queries; per-SHA path: ${lens.tokens.length.toLocaleString('en-US')} of each`,
        `product cold time: commit graph + resolution ${median(runs.map((r) => r.phases.graph)).toFixed(0)} ms, commit details ${median(runs.map((r) => r.phases.details)).toFixed(0)} ms, deployments + warehouse open + results query + assembly ${median(runs.map((r) => r.phases.rest)).toFixed(0)} ms`,
        `baseline: ${baseline.timed} SHAs timed (${baseline.perShaMs.toFixed(1)} ms each: 1 git process + 1 query) and extrapolated to ${lens.tokens.length.toLocaleString('en-US')}; its cold figure adds opening the repository and warehouse once (${baseline.openMs.toFixed(0)} ms)`,
        floor instanceof Error ? `floor: FAILED: ${floor.message}` : describeFloor(floor),
        ...commitGraphNote(scenario),
      ],
    };
    const warmFigure: Figure = {
      id: 'lens.warm',
      group: GROUP,
      title: `${lens.tokens.length.toLocaleString('en-US')} SHAs, warm`,
      product: { value: warm, unit: 'ms', label: 'the same document asked again (caches warm)' },
      baseline: { value: baseline.warmMs, unit: 'ms', label: 'per SHA with a memo map: every answer from the map' },
      ratio: overhead(warm, baseline.warmMs),
      goal: '',
      status: 'info',
      notes: [
        `product, warm: ${first.warmGitProcesses} git processes, ${first.warmQueries} warehouse queries; median of ${runs.length} runs`,
        `baseline: the per-SHA path remembering each answer in a Map; the ${baseline.timed} SHAs it answered asked again (${(baseline.warmPerShaMs * 1000).toFixed(2)} µs each) and extrapolated to ${lens.tokens.length.toLocaleString('en-US')}`,
      ],
    };
    return [coldFigure, warmFigure];
  } catch (error) {
    return [failed('lens.cold', GROUP, '1,000 SHAs, cold', '≥ 50× the per-SHA path', error), failed('lens.warm', GROUP, '1,000 SHAs, warm', '', error)];
  }
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
      commits: new Set(view.commits.keys()),
      results: view.results.state === 'failed' ? `failed (${view.results.error})` : view.results.state,
      phases,
    };
  } finally {
    await workspace.close();
  }
}

interface Baseline {
  coldMs: number;
  warmMs: number;
  perShaMs: number;
  warmPerShaMs: number;
  openMs: number;
  timed: number;
}

/**
 * The per-SHA path: for each SHA, one `git cat-file` and one results query, the answer kept in
 * a Map so the same SHA asked again costs a lookup. A sample is timed and extrapolated.
 */
async function perShaBaseline(lens: LensWorkspace, count: number): Promise<Baseline> {
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
    const memo = new Map<string, { sha: string; rows: Row[] }>();
    const answer = async (token: string) => {
      const known = memo.get(token);
      if (known) return known;
      const resolution = (await repo.resolve([token])).get(token);
      const sha = resolution?.status === 'found' ? resolution.commit.sha : token;
      const rows = (await warehouse.query(modelByCommitQuery(workspace.config, { window, commits: [sha] }))).rows;
      const value = { sha, rows };
      memo.set(token, value);
      return value;
    };
    const cold = await timed(async () => {
      for (const token of chosen) await answer(token);
    });
    // Many passes: one pass over a few dozen map entries is too short for the clock.
    const passes = 1000;
    const warm = await timed(async () => {
      for (let pass = 0; pass < passes; pass++) for (const token of chosen) await answer(token);
    });
    const perShaMs = cold.ms / chosen.length;
    const warmPerShaMs = warm.ms / passes / chosen.length;
    return {
      coldMs: opened.ms + perShaMs * lens.tokens.length,
      warmMs: warmPerShaMs * lens.tokens.length,
      perShaMs,
      warmPerShaMs,
      openMs: opened.ms,
      timed: chosen.length,
    };
  } finally {
    await workspace.close();
  }
}
