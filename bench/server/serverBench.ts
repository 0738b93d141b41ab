import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanShas } from '../../src/core/text/shaScanner';
import { DEFAULT_SETTINGS } from '../../src/server/settings';
import type { BenchContext } from '../benchContext';
import { cacheDir } from '../cache';
import { failed, pending, type Figure } from '../figures';
import { describeFloor, floorMeasure, FloorSamples, type FloorResult } from '../floor/floor';
import { commitGraphNote } from '../history/commitGraphVariants';
import { documentMix, type LensWorkspace } from '../editor/lensWorkspace';
import { median } from '../stats';
import { inBatches, LspSession } from './lspSession';

const GROUP = 'Language server';
/** Lenses VS Code resolves first: the ones on screen when the document opens. */
const VISIBLE = 50;
/** Resolves in flight while the rest of the document is resolved (VS Code resolves on scroll). */
const CONCURRENCY = 16;
/** Whatever happens, a run gives up after this long rather than holding up the bench. */
const RUN_DEADLINE_MS = 300_000;

interface ColdRun {
  /** didOpen → first resolved lens whose title answers for the deployments. */
  firstLensMs: number;
  /** Server spawn → that same lens. */
  firstLensFromSpawnMs: number;
  /** didOpen → every lens resolved with nothing left loading. */
  allMs: number;
  lenses: number;
  errors: string[];
  reResolves: number;
  rssMB: number;
  warmMs: number[];
  warmLenses: number;
  /** Resolve requests a warm pass sent: lenses the lens request returned without their command. */
  warmResolves: number;
  titles: Map<number, string>;
  /** From didOpen (ms): the lens list, the first lens, and the server's own startup steps (with their work time). */
  steps: Array<{ step: string; at: number; ms?: number }>;
}

const IDS = [
  'server.firstLens',
  'server.coldAll',
  'server.warmAll',
  'server.rss',
  'server.rssGrowth',
  'server.hover',
  'server.firstLens.stored',
  'server.coldAll.stored',
  'server.firstLens.graph',
  'server.coldAll.graph',
] as const;

/**
 * The real language server on a cold start, as a person opening the document sees it: the
 * first lens on screen, all 1,000 lenses, the same document asked again, memory after the
 * cold pass and after 10,000 hovers. Each cold run is a new server process.
 */
export async function serverFigures(context: BenchContext): Promise<Figure[]> {
  const server = join(context.projectRoot, 'dist', 'server.js');
  if (
    !(await stat(server).then(
      () => true,
      () => false,
    ))
  ) {
    return IDS.map((id) => pending(id, GROUP, id, '', 'pending: the language server is not built (no dist/server.js); run npm run build'));
  }
  const lens = await context.lens();
  const scenario = lens.scenario;
  const runs: ColdRun[] = [];
  const firstVisible = scenario.document.find((d) => d.kind !== 'detached');
  const floorSamples = {
    all: new FloorSamples(context.lensFloorJob()),
    // The deployment answer for the first lens on screen: its SHA, the graph, no query.
    first: new FloorSamples({
      cwd: scenario.root,
      tokens: firstVisible ? [firstVisible.token] : [],
      revisions: scenario.deployments.map((d) => d.commit),
      details: true,
      sql: null,
    }),
  };
  let growth: { before: number; after: number; hovers: number; positions: number; latencies: number[]; firstPass: number[] } | Error | null = null;
  let runError: Error | null = null;
  try {
    for (let run = 0; run < context.sizes.runs; run++) {
      const last = run === context.sizes.runs - 1;
      await floorSamples.first.take();
      await floorSamples.all.take();
      const session = LspSession.start(server, lens.root);
      try {
        const result = await deadline(coldRun(session, lens, context.sizes.warmPasses), `cold run ${run + 1}`);
        runs.push(result);
        context.log(`cold run ${run + 1}: first lens ${result.firstLensMs.toFixed(0)} ms, all ${result.allMs.toFixed(0)} ms, RSS ${result.rssMB.toFixed(0)} MB`);
        if (last) growth = await deadline(hovers(session, lens, context.sizes.hovers), 'hovers').catch((error: unknown) => error as Error);
      } finally {
        await session.stop();
      }
    }
  } catch (error) {
    runError = error as Error;
  }
  const stored = await storedRuns(server, lens, context).catch((error: unknown) => error as Error);
  const withGraph = await graphRuns(server, lens, context).catch((error: unknown) => error as Error);
  if (runs.length === 0) {
    const error = runError ?? new Error('no cold run finished');
    return IDS.map((id) => failed(id, GROUP, id, '', error));
  }

  const floors = {
    all: floorSamples.all.result(),
    first: firstVisible ? floorSamples.first.result() : new Error('the document has no commit reachable from a ref'),
  };
  const floorOf = (f: FloorResult | Error, label: string) => (f instanceof Error ? null : floorMeasure(f, label));
  const floorNote = (f: FloorResult | Error) => (f instanceof Error ? `floor: FAILED: ${f.message}` : describeFloor(f));

  const first = runs[0];
  const firstLens = median(runs.map((r) => r.firstLensMs));
  const all = median(runs.map((r) => r.allMs));
  const warm = median(runs.flatMap((r) => r.warmMs));
  const rss = median(runs.map((r) => r.rssMB));
  const detached = scenario.document.filter((d) => d.kind === 'detached').length;
  const expected = scenario.document.length - detached;
  const shape = `${scenario.document.length.toLocaleString('en-US')} SHAs (${documentMix(scenario)}) in ${scenario.label}; median of ${runs.length} cold server${runs.length === 1 ? '' : 's'}`;
  const errors = first.errors.length ? [`${first.errors.length} lenses answered with an error, e.g. "${first.errors[0]}"`] : [];
  const lensCount = `${first.lenses.toLocaleString('en-US')} lenses for ${expected.toLocaleString('en-US')} commits reachable from a ref${detached ? ` and ${detached} only on the detached HEAD` : ''}`;
  const allFloor = floors.all instanceof Error ? null : floors.all;

  const figures: Figure[] = [
    {
      id: 'server.firstLens',
      group: GROUP,
      title: 'first lens shown, cold server',
      product: { value: firstLens, unit: 'ms', label: 'didOpen → first resolved lens answering for the deployments' },
      baseline: null,
      ratio: null,
      floor: floorOf(floors.first, 'cat-file + log for that SHA + rev-list from the deployed revisions'),
      goal: '≤ 0.5 s',
      status: first.errors.length ? 'failed' : firstLens <= 500 ? 'met' : 'missed',
      notes: [
        shape,
        `the server was started and initialized just before the document opened; from its spawn the first lens took ${median(runs.map((r) => r.firstLensFromSpawnMs)).toFixed(0)} ms`,
        `VS Code resolves the ${VISIBLE} lenses on screen first; a lens resolve waits for an open warehouse up to pipelineLens.codeLens.warehouseWaitMs (${DEFAULT_SETTINGS.lensWarehouseWaitMs.toLocaleString('en-US')} ms by default), then says the results are loading`,
        floorNote(floors.first),
        ...errors,
        ...commitGraphNote(scenario),
      ],
    },
    {
      id: 'server.coldAll',
      group: GROUP,
      title: `all ${first.lenses.toLocaleString('en-US')} lenses resolved, cold`,
      product: { value: all, unit: 'ms', label: 'didOpen → every lens resolved with nothing loading' },
      baseline: null,
      ratio: null,
      floor: floorOf(floors.all, 'cat-file + log --no-walk + rev-list from the deployed revisions + one DuckDB query'),
      goal: '≤ 1.5× floor',
      status: first.errors.length || first.lenses < expected ? 'failed' : allFloor ? (all <= 1.5 * allFloor.ms ? 'met' : 'missed') : 'failed',
      notes: [
        `${lensCount}; ${first.reResolves} resolves answered "loading" and were asked again (as VS Code does after a lens refresh)`,
        `${VISIBLE} on screen first, then the rest ${CONCURRENCY} at a time`,
        floorNote(floors.all),
        ...errors,
      ],
    },
    {
      id: 'server.warmAll',
      group: GROUP,
      title: `all ${first.warmLenses.toLocaleString('en-US')} lenses resolved, warm`,
      product: { value: warm, unit: 'ms', label: 'codeLens + the resolves VS Code sends (lenses that came without a command), all in flight' },
      baseline: null,
      ratio: null,
      goal: '≤ 50 ms',
      status: warm <= 50 ? 'met' : 'missed',
      notes: [
        `median of ${runs.reduce((n, r) => n + r.warmMs.length, 0)} passes (${context.sizes.warmPasses} per server) after the cold pass; no git process or query runs`,
        `the lens request returned ${(first.warmLenses - first.warmResolves).toLocaleString('en-US')} of ${first.warmLenses.toLocaleString('en-US')} lenses with their command; ${first.warmResolves.toLocaleString('en-US')} resolve requests followed (VS Code resolves only lenses without one)`,
      ],
    },
    {
      id: 'server.rss',
      group: GROUP,
      title: 'RSS after the cold pass',
      product: { value: rss, unit: 'MB', label: 'VmRSS of the server once every lens is resolved' },
      baseline: null,
      ratio: null,
      floor: allFloor ? { value: allFloor.rssMB, unit: 'MB', label: 'RSS of a Node process holding the floor’s git output and query rows' } : null,
      goal: '≤ 150 MB',
      status: rss <= 150 ? 'met' : 'missed',
      notes: [`median of ${runs.length}; runs ${runs.map((r) => r.rssMB.toFixed(0)).join(', ')} MB`],
    },
  ];
  if (growth instanceof Error || growth === null) {
    const error = growth ?? runError ?? new Error('the hover pass did not run');
    figures.push(failed('server.rssGrowth', GROUP, `RSS growth over ${context.sizes.hovers.toLocaleString('en-US')} hovers`, 'growth ≤ 50 MB', error));
    figures.push(failed('server.hover', GROUP, 'hover latency, warm', '', error));
  } else {
    const g = growth.after - growth.before;
    figures.push(
      {
        id: 'server.rssGrowth',
        group: GROUP,
        title: `RSS growth over ${growth.hovers.toLocaleString('en-US')} hovers`,
        product: { value: g, unit: 'MB', label: 'RSS after all hovers minus RSS after the first pass' },
        baseline: null,
        ratio: null,
        goal: 'growth ≤ 50 MB',
        status: g <= 50 ? 'met' : 'missed',
        notes: [
          `${growth.hovers.toLocaleString('en-US')} hovers over ${growth.positions.toLocaleString('en-US')} SHA positions, 4 in flight; RSS ${growth.before.toFixed(0)} MB after one hover per position, ${growth.after.toFixed(0)} MB at the end`,
        ],
      },
      {
        id: 'server.hover',
        group: GROUP,
        title: 'hover latency, warm',
        product: { value: median(growth.latencies), unit: 'ms', label: 'textDocument/hover round trip, median' },
        baseline: null,
        ratio: null,
        goal: '',
        status: 'info',
        notes: [`p95 ${percentile(growth.latencies, 0.95).toFixed(1)} ms warm; first pass median ${median(growth.firstPass).toFixed(1)} ms`],
      },
    );
  }
  figures.push(...storedFigures(stored, shape, floors, floorOf, floorNote, allFloor));
  figures.push(...graphFigures(withGraph, shape));
  if (runError) figures[0].notes.push(`a later run failed: ${runError.message.split('\n')[0]}`);
  return figures;
}

interface StoredRuns {
  runs: ColdRun[];
  /** The session that walked the history and kept the graph: didOpen → all lenses. */
  keepingMs: number;
}

/**
 * A later session on the same workspace: the editor gives the server its storage folder,
 * where the first session kept the commit graph. One session walks the history and keeps
 * it (not timed as a figure); each timed one is a new server process reading it.
 */
async function storedRuns(server: string, lens: LensWorkspace, context: BenchContext): Promise<StoredRuns> {
  const storage = await mkdtemp(join(tmpdir(), 'pipeline-lens-bench-storage-'));
  try {
    const keeping = LspSession.start(server, lens.root);
    let keepingMs: number;
    try {
      keepingMs = (await coldRun(keeping, lens, 0, storage)).allMs;
      // The graph is written just after the answers; a later session can only start from it once it is there.
      for (let i = 0; !(await readdir(storage)).some((f) => f.endsWith('.bin')); i++) {
        if (i > 600) throw new Error(`the server kept no commit graph in its storage folder; server stderr: ${keeping.stderr.slice(-300)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await keeping.stop();
    }
    const runs: ColdRun[] = [];
    for (let run = 0; run < context.sizes.runs; run++) {
      const session = LspSession.start(server, lens.root);
      try {
        const result = await coldRun(session, lens, 0, storage);
        runs.push(result);
        context.log(`later session ${run + 1}: first lens ${result.firstLensMs.toFixed(0)} ms, all ${result.allMs.toFixed(0)} ms`);
      } finally {
        await session.stop();
      }
    }
    return { runs, keepingMs };
  } finally {
    await rm(storage, { recursive: true, force: true });
  }
}

function storedFigures(
  stored: StoredRuns | Error,
  shape: string,
  floors: { all: FloorResult | Error; first: FloorResult | Error },
  floorOf: (f: FloorResult | Error, label: string) => Figure['floor'],
  floorNote: (f: FloorResult | Error) => string,
  allFloor: FloorResult | null,
): Figure[] {
  const firstTitle = 'first lens shown, a later session (graph kept in the editor storage)';
  const allTitle = 'all lenses resolved, a later session (graph kept in the editor storage)';
  if (stored instanceof Error)
    return [failed('server.firstLens.stored', GROUP, firstTitle, '≤ 0.5 s', stored), failed('server.coldAll.stored', GROUP, allTitle, '≤ 1.5× floor', stored)];
  const { runs } = stored;
  const firstLens = median(runs.map((r) => r.firstLensMs));
  const all = median(runs.map((r) => r.allMs));
  const errors = runs[0].errors.length ? [`${runs[0].errors.length} lenses answered with an error, e.g. "${runs[0].errors[0]}"`] : [];
  const note = `${shape.replace(/cold servers?$/, 'new server processes')} given a storage folder where an earlier session (didOpen → all lenses ${stored.keepingMs.toFixed(0)} ms) kept the commit graph; the refs have not moved since`;
  return [
    {
      id: 'server.firstLens.stored',
      group: GROUP,
      title: firstTitle,
      product: { value: firstLens, unit: 'ms', label: 'didOpen → first resolved lens answering for the deployments' },
      baseline: null,
      ratio: null,
      floor: floorOf(floors.first, 'cat-file + log for that SHA + rev-list from the deployed revisions'),
      goal: '≤ 0.5 s',
      status: errors.length ? 'failed' : firstLens <= 500 ? 'met' : 'missed',
      notes: [note, stepsNote(runs), floorNote(floors.first), ...errors],
    },
    {
      id: 'server.coldAll.stored',
      group: GROUP,
      title: allTitle,
      product: { value: all, unit: 'ms', label: 'didOpen → every lens resolved with nothing loading' },
      baseline: null,
      ratio: null,
      floor: floorOf(floors.all, 'cat-file + log --no-walk + rev-list from the deployed revisions + one DuckDB query'),
      goal: '≤ 1.5× floor',
      status: errors.length ? 'failed' : allFloor ? (all <= 1.5 * allFloor.ms ? 'met' : 'missed') : 'failed',
      notes: [`${runs[0].lenses.toLocaleString('en-US')} lenses; ${runs[0].reResolves} resolves answered "loading" and were asked again`, floorNote(floors.all), ...errors],
    },
  ];
}

/**
 * The same workspace on a copy of the repository with git's commit-graph file (the clone the
 * CLI figures use): what a cold server costs on a clone where `git gc` or `git maintenance`
 * has written one. Each run is a new server process with no storage folder.
 */
async function graphRuns(server: string, lens: LensWorkspace, context: BenchContext): Promise<ColdRun[]> {
  const clone = await context.graphClone();
  const root = join(await cacheDir(`lens-graph-server-${lens.scenario.key}`), 'workspace');
  await mkdir(root, { recursive: true });
  const config = JSON.parse(await readFile(lens.configFile, 'utf8')) as { repository: string };
  config.repository = clone;
  await writeFile(join(root, 'pipeline-lens.json'), `${JSON.stringify(config, null, 2)}\n`);
  await copyFile(join(lens.root, 'deployments.json'), join(root, 'deployments.json'));
  const documentFile = join(root, 'handoff.md');
  await writeFile(documentFile, lens.document);
  const graphLens: LensWorkspace = { ...lens, root, configFile: join(root, 'pipeline-lens.json'), documentFile };
  const runs: ColdRun[] = [];
  for (let run = 0; run < context.sizes.runs; run++) {
    const session = LspSession.start(server, root);
    try {
      const result = await deadline(coldRun(session, graphLens, 0), `cold run with a commit-graph ${run + 1}`);
      runs.push(result);
      context.log(`cold run with a commit-graph ${run + 1}: first lens ${result.firstLensMs.toFixed(0)} ms, all ${result.allMs.toFixed(0)} ms, RSS ${result.rssMB.toFixed(0)} MB`);
    } finally {
      await session.stop();
    }
  }
  return runs;
}

function graphFigures(runs: ColdRun[] | Error, shape: string): Figure[] {
  const firstTitle = 'first lens shown, cold server, commit-graph file present';
  const allTitle = 'all lenses resolved, cold server, commit-graph file present';
  if (runs instanceof Error) return [failed('server.firstLens.graph', GROUP, firstTitle, '', runs), failed('server.coldAll.graph', GROUP, allTitle, '', runs)];
  const errors = runs[0].errors.length ? [`${runs[0].errors.length} lenses answered with an error, e.g. "${runs[0].errors[0]}"`] : [];
  const note = `${shape}; on a local copy of the repository (a mirror clone: hard links, every ref) with \`git commit-graph write --reachable\`, no storage folder`;
  return [
    {
      id: 'server.firstLens.graph',
      group: GROUP,
      title: firstTitle,
      product: { value: median(runs.map((r) => r.firstLensMs)), unit: 'ms', label: 'didOpen → first resolved lens answering for the deployments' },
      baseline: null,
      ratio: null,
      goal: '',
      status: errors.length ? 'failed' : 'info',
      notes: [note, `runs ${runs.map((r) => r.firstLensMs.toFixed(0)).join(', ')} ms`, ...errors],
    },
    {
      id: 'server.coldAll.graph',
      group: GROUP,
      title: allTitle,
      product: { value: median(runs.map((r) => r.allMs)), unit: 'ms', label: 'didOpen → every lens resolved with nothing loading' },
      baseline: null,
      ratio: null,
      goal: '',
      status: errors.length ? 'failed' : 'info',
      notes: [
        `${runs[0].lenses.toLocaleString('en-US')} lenses; runs ${runs.map((r) => r.allMs.toFixed(0)).join(', ')} ms; RSS ${runs.map((r) => r.rssMB.toFixed(0)).join(', ')} MB`,
        ...errors,
      ],
    },
  ];
}

/**
 * Where the first lens's time went, from didOpen: each step's median over the runs, in the
 * order it ended; the server's steps come from its status (the startup it recorded), with
 * the work's own time for a step that is work rather than a wait.
 */
function stepsNote(runs: ColdRun[]): string {
  const names = [...new Set(runs.flatMap((r) => r.steps.map((s) => s.step)))];
  const rows = names.map((name) => {
    const found = runs.map((r) => r.steps.find((s) => s.step === name)).filter((s): s is ColdRun['steps'][number] => s !== undefined);
    const work = found.map((s) => s.ms).filter((ms): ms is number => ms !== undefined);
    return { name, at: median(found.map((s) => s.at)), work: work.length ? median(work) : null, seen: found.length };
  });
  rows.sort((a, b) => a.at - b.at);
  const text = rows.map(
    (r) => `${r.name} ${r.at.toFixed(0)} ms${r.work !== null ? ` (${r.work.toFixed(0)} ms of work)` : ''}${r.seen < runs.length ? ` (${r.seen} of ${runs.length} runs)` : ''}`,
  );
  return `from didOpen, median of the runs: ${text.join('; ')}`;
}

const loading = (title: string) => /\bloading\b/.test(title);
const answersDeployments = (title: string) =>
  title !== '' && !title.includes('deployments loading') && !title.startsWith('Pipeline Lens:') && title !== 'commit details unavailable';

export async function coldRun(session: LspSession, lens: LensWorkspace, warmPasses: number, storagePath?: string): Promise<ColdRun> {
  const spawned = process.hrtime.bigint();
  await session.initialize(lens.root, storagePath);
  const opened = process.hrtime.bigint();
  const openedAt = performance.timeOrigin + performance.now();
  const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
  const uri = await session.open(lens.documentFile, lens.document);

  // The server answers lenses once its workspace and commit graph are loaded; until the
  // workspace is known it answers none, and VS Code asks again when told to refresh.
  let lenses = await session.codeLenses(uri);
  while (lenses.length === 0) {
    if (since(opened) > RUN_DEADLINE_MS) throw new Error(`no lenses for the document within ${RUN_DEADLINE_MS / 1000} s; server stderr: ${session.stderr.slice(-300)}`);
    await session.refreshOrTimeout(200);
    lenses = await session.codeLenses(uri);
  }
  const listedMs = since(opened);
  lenses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);

  const first = { ms: -1, fromSpawnMs: -1 };
  let reResolves = 0;
  const titles = new Map<number, string>();
  const errors: string[] = [];
  const resolveOne = async (i: number) => {
    for (;;) {
      const resolved = await session.resolve(lenses[i]);
      const title = resolved.command?.title ?? '';
      if (first.ms < 0 && answersDeployments(title)) {
        first.ms = since(opened);
        first.fromSpawnMs = since(spawned);
      }
      if (title.startsWith('Pipeline Lens:') || title === 'commit details unavailable') errors.push(title);
      if (!loading(title) || since(opened) > RUN_DEADLINE_MS) {
        titles.set(i, title);
        return;
      }
      reResolves++;
      await session.refreshOrTimeout(250);
    }
  };
  const visible = Math.min(VISIBLE, lenses.length);
  await inBatches(visible, visible, resolveOne);
  await inBatches(lenses.length - visible, CONCURRENCY, (i) => resolveOne(i + visible));
  const allMs = since(opened);
  if (first.ms < 0) throw new Error(`no lens answered for the deployments; titles such as "${titles.get(0) ?? ''}"`);
  const rssMB = await session.rssMB();
  const steps = [
    { step: 'lens list', at: listedMs },
    { step: 'first lens', at: first.ms },
    ...(await session.startupSteps().catch(() => [])).map((s) => ({ ...s, at: s.at - openedAt })),
  ].sort((a, b) => a.at - b.at);

  const warmMs: number[] = [];
  let warmLenses = 0;
  let warmResolves = 0;
  for (let pass = 0; pass < warmPasses; pass++) {
    const started = process.hrtime.bigint();
    const again = await session.codeLenses(uri);
    // As VS Code does: a lens that comes with its command is not resolved.
    const resolved = await Promise.all(again.map((l) => (l.command ? Promise.resolve(l) : session.resolve(l))));
    warmResolves = again.filter((l) => !l.command).length;
    warmMs.push(since(started));
    warmLenses = again.length;
    const stale = resolved.filter((l) => loading(l.command?.title ?? '')).length;
    if (stale) throw new Error(`${stale} lenses still loading on a warm pass`);
  }
  return {
    firstLensMs: first.ms,
    firstLensFromSpawnMs: first.fromSpawnMs,
    allMs,
    lenses: lenses.length,
    errors,
    reResolves,
    rssMB,
    warmMs,
    warmLenses,
    warmResolves,
    titles,
    steps,
  };
}

async function hovers(session: LspSession, lens: LensWorkspace, count: number) {
  const uri = pathToFileURL(lens.documentFile).toString();
  const positions: Array<{ line: number; character: number }> = [];
  lens.document.split('\n').forEach((text, line) => {
    for (const token of scanShas(text)) positions.push({ line, character: token.start + 1 });
  });
  const latencies: number[] = [];
  const hover = async (i: number) => {
    const t = process.hrtime.bigint();
    await session.hover(uri, positions[i % positions.length]);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  // One pass over every SHA first: the baseline is a server that has shown the whole document.
  await inBatches(positions.length, 4, hover);
  const before = await session.rssMB();
  const firstPass = latencies.splice(0);
  await inBatches(Math.max(0, count - positions.length), 4, (i) => hover(i + positions.length));
  const after = await session.rssMB();
  return { before, after, hovers: Math.max(count, positions.length), positions: positions.length, latencies, firstPass };
}

function deadline<T>(task: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    task,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${RUN_DEADLINE_MS / 1000} s`)), RUN_DEADLINE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
