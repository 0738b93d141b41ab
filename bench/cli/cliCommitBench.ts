import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from '../benchContext';
import { cacheDir } from '../cache';
import { failed, pending, speedup, type Figure } from '../figures';
import { GitCallLog } from '../gitCallLog';
import { describeFloor, floorMeasure, FloorSamples } from '../floor/floor';
import { commitGraphNote } from '../history/commitGraphVariants';
import type { LensWorkspace } from '../editor/lensWorkspace';
import { median, timed } from '../stats';

const GROUP = 'CLI';
const GOAL = 'faster than the merge-base loop, ≤ 3 git processes';

interface Variant {
  name: 'without' | 'with';
  /** Where git runs: the repository itself, or its clone with a commit-graph. */
  repository: string;
  configFile: string;
}

interface CliRun {
  ms: number;
  answer: string;
}

/**
 * `pipeline-lens commit <sha>` as a person or a script runs it (a new Node process each
 * time, the built CLI), against what a script would do without it: one
 * `git merge-base --is-ancestor <sha> <revision>` per deployed revision. With and without a
 * commit-graph file, since the loop leans on one and fresh clones have none.
 */
export async function cliFigures(context: BenchContext): Promise<Figure[]> {
  const cli = join(context.projectRoot, 'dist', 'cli.js');
  if (
    !(await stat(cli).then(
      () => true,
      () => false,
    ))
  ) {
    return ['cli.commit', 'cli.commit.graph', 'cli.processes'].map((id) => pending(id, GROUP, id, GOAL, 'pending: the CLI is not built (no dist/cli.js); run npm run build'));
  }
  const lens = await context.lens();
  const scenario = lens.scenario;
  const sha = scenario.cliSha;
  const revisions = scenario.deployments.map((d) => d.commit);
  const figures: Figure[] = [];
  let processes: { count: number; commands: string[] } | Error;
  try {
    processes = await countGitProcesses(cli, lens, sha);
  } catch (error) {
    processes = error as Error;
  }
  const startups: number[] = [];
  for (let run = 0; run < 3; run++) startups.push((await timed(() => node(cli, ['--help'], {}))).ms);
  const startup = median(startups);

  const variants: Array<() => Promise<Variant>> = [
    async () => ({ name: 'without', repository: scenario.root, configFile: lens.configFile }),
    async () => {
      const clone = await context.graphClone();
      return { name: 'with', repository: clone, configFile: await configForRepository(lens, clone) };
    },
  ];
  for (const make of variants) {
    const id = figures.length === 0 ? 'cli.commit' : 'cli.commit.graph';
    const title = `commit <sha>, ${figures.length === 0 ? 'no commit-graph' : 'commit-graph present'}`;
    try {
      const variant = await make();
      // The CLI, its floor and (with a commit-graph) the loop take turns, so a shared
      // machine's drifting load hits all three alike. Without a commit-graph one loop call
      // can take seconds on a large history: one pass then.
      const runs: CliRun[] = [];
      const loops: number[] = [];
      const floors = new FloorSamples({ cwd: variant.repository, tokens: [sha], revisions, details: true, sql: lens.floorSql });
      let contained = 0;
      const count = Math.max(2, context.sizes.runs);
      for (let run = 0; run < count; run++) {
        runs.push(await cliRun(cli, variant, sha));
        await floors.take();
        if (variant.name === 'with' || run === Math.floor(count / 2)) {
          const loop = await timed(() => mergeBaseLoop(variant, sha, revisions));
          loops.push(loop.ms);
          contained = loop.value;
        }
      }
      const floor = floors.result();
      const product = median(runs.map((r) => r.ms));
      const loop = median(loops);
      const fewProcesses = !(processes instanceof Error) && processes.count <= 3;
      figures.push({
        id,
        group: GROUP,
        title,
        product: { value: product, unit: 'ms', label: 'node dist/cli.js commit <sha> --json, a new process' },
        baseline: { value: loop, unit: 'ms', label: `git merge-base --is-ancestor per deployed revision (${revisions.length})` },
        ratio: speedup(product, loop),
        floor: floor instanceof Error ? null : floorMeasure(floor, 'cat-file + log for the SHA + rev-list from the deployed revisions + one DuckDB query'),
        goal: GOAL,
        status: product < loop && fewProcesses ? 'met' : 'missed',
        notes: [
          `${scenario.label}; the commit asked about: ${sha.slice(0, 10)} (main line, after the middle deployment); ${runs[0].answer}`,
          `median of ${runs.length} CLI runs and ${loops.length} loop passes; the loop found ${contained} of ${revisions.length} revisions containing it`,
          `of the CLI's time, starting Node and loading the CLI bundle (\`--help\`) takes ${startup.toFixed(0)} ms`,
          floor instanceof Error ? `floor: FAILED: ${floor.message}` : describeFloor(floor),
          ...(variant.name === 'without'
            ? commitGraphNote(scenario)
            : ['a local copy of the repository (a mirror clone: hard links, every ref) with `git commit-graph write --reachable`']),
        ],
      });
    } catch (error) {
      figures.push(failed(id, GROUP, title, GOAL, error));
    }
  }
  figures.push(
    processes instanceof Error
      ? failed('cli.processes', GROUP, 'git processes for commit <sha>', '≤ 3', processes)
      : {
          id: 'cli.processes',
          group: GROUP,
          title: 'git processes for commit <sha>',
          product: { value: processes.count, unit: 'processes', label: 'git processes the CLI started' },
          baseline: { value: revisions.length, unit: 'processes', label: 'one per deployed revision' },
          ratio: null,
          goal: '≤ 3',
          status: processes.count <= 3 ? 'met' : 'missed',
          notes: [
            `git ${processes.commands.join('; git ')}`,
            'the walk starts from the deployed revisions and the commit asked about; a build the results, runs or re-runs name outside that history adds one walk (rev-list <build> --not <first tips>)',
          ],
        },
  );
  return figures;
}

async function cliRun(cli: string, variant: Variant, sha: string): Promise<CliRun> {
  const run = await timed(() => node(cli, ['--config', variant.configFile, 'commit', sha, '--json'], {}));
  const { stdout, code, stderr } = run.value;
  if (code !== 0) throw new Error(`pipeline-lens commit exited ${code}: ${stderr.trim().split('\n')[0]}`);
  const json = JSON.parse(stdout) as { commits: Array<{ resolution: string; services: Array<{ service: string; status: string; firstDeployment: { revision: string } | null }> }> };
  const answer = json.commits[0];
  if (answer?.resolution !== 'found') throw new Error(`pipeline-lens commit did not find ${sha}`);
  const services = answer.services.map((s) => `${s.service} ${s.status}${s.firstDeployment ? ` (${s.firstDeployment.revision})` : ''}`).join(', ');
  return { ms: run.ms, answer: `the CLI answered: ${services}` };
}

/** Revisions (of `revisions`) containing `sha`, one `merge-base --is-ancestor` each. */
async function mergeBaseLoop(variant: Variant, sha: string, revisions: string[]): Promise<number> {
  let contained = 0;
  for (const revision of revisions) {
    const code = await new Promise<number>((resolve, reject) => {
      execFile('git', ['merge-base', '--is-ancestor', sha, revision], { cwd: variant.repository }, (error) => {
        const status = error ? (error as { code?: unknown }).code : 0;
        if (status === 0 || status === 1) resolve(status);
        else reject(new Error(`git merge-base failed: ${error?.message.split('\n')[0]}`));
      });
    });
    if (code === 0) contained++;
  }
  return contained;
}

/**
 * The git processes one `commit <sha>` starts: the CLI runs with a `git` on PATH that
 * writes its arguments to a file and runs the real git. Counted in a run of its own.
 */
async function countGitProcesses(cli: string, lens: LensWorkspace, sha: string): Promise<{ count: number; commands: string[] }> {
  const log = await GitCallLog.create();
  try {
    const { code, stderr } = await node(cli, ['--config', lens.configFile, 'commit', sha, '--json'], log.env);
    if (code !== 0) throw new Error(`pipeline-lens commit exited ${code}: ${stderr.trim().split('\n')[0]}`);
    const calls = await log.calls();
    if (calls.length === 0) throw new Error('no git process went through the counting wrapper (does the CLI run git from PATH?)');
    return { count: calls.length, commands: calls };
  } finally {
    await log.dispose();
  }
}

/** pipeline-lens.json of the lens workspace with another repository (absolute paths, so it can live elsewhere). */
async function configForRepository(lens: LensWorkspace, repository: string): Promise<string> {
  const config = JSON.parse(await readFile(lens.configFile, 'utf8')) as { repository: string; services: Array<{ deployments: { path: string } }> };
  config.repository = repository;
  for (const service of config.services) service.deployments.path = join(lens.root, service.deployments.path);
  const dir = await cacheDir(`lens-graph-${lens.scenario.key}`);
  const file = join(dir, 'pipeline-lens.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

function node(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
