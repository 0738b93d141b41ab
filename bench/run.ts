/**
 * `npm run bench`: every performance figure the product promises, each beside its baseline
 * and its floor measured in the same run. Prints a table, writes bench/results/latest.json and
 * the results section of bench/README.md.
 *
 *   npm run bench                      full sizes on the generated 205,000-commit history
 *   npm run bench -- --quick           small sizes, for development; writes bench/results/partial.tmp only
 *   npm run bench -- --only lens,server
 *   BENCH_REPO=/path/to/clone npm run bench   the repository figures on a real clone
 *
 * Suites: lens, server, cli, ancestry, warehouse, extension.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ancestryFigures } from './ancestry/ancestryBench';
import { BenchContext } from './benchContext';
import { cliFigures } from './cli/cliCommitBench';
import { activationFigure } from './editor/activationBench';
import { bundleFigures, minifiedClientFigure } from './editor/bundleBench';
import { lensFigures } from './editor/lensBench';
import { failed, type Figure } from './figures';
import { describeMachine } from './machine';
import { textReport, updateReadme, type BenchReport } from './report';
import { serverFigures } from './server/serverBench';
import { FULL_WAREHOUSE, QUICK_WAREHOUSE, warehouseBench } from './warehouse/warehouseBench';

interface Suite {
  name: string;
  /** Measures the repository (and so runs on BENCH_REPO's clone); the others do not depend on it. */
  repository: boolean;
  /** Shown in place of the suite's rows if it throws before producing any. */
  fallback: { id: string; group: string; title: string; goal: string };
  run: (context: BenchContext) => Promise<Figure[]>;
}

const SUITES: Suite[] = [
  {
    name: 'lens',
    repository: true,
    fallback: { id: 'lens.cold', group: 'CodeLens/hover, in process', title: '1,000 SHAs, cold', goal: '≥ 50× the per-SHA path' },
    run: lensFigures,
  },
  {
    name: 'server',
    repository: true,
    fallback: { id: 'server.firstLens', group: 'Language server', title: 'first lens shown, cold server', goal: '≤ 0.5 s' },
    run: serverFigures,
  },
  {
    name: 'cli',
    repository: true,
    fallback: { id: 'cli.commit', group: 'CLI', title: 'commit <sha>', goal: 'faster than the merge-base loop, ≤ 3 git processes' },
    run: cliFigures,
  },
  {
    name: 'ancestry',
    repository: true,
    fallback: { id: 'ancestry.cold', group: 'Ancestry', title: '1,000 SHAs × 102 deployed revisions, cold', goal: '≥ 100× and ≤ 1 s cold' },
    run: ancestryFigures,
  },
  {
    name: 'warehouse',
    repository: false,
    fallback: { id: 'warehouse.models', group: 'Embedded warehouse', title: 'catalog queries', goal: '≤ 3× hand-written' },
    run: (context) => warehouseBench(context.quick ? QUICK_WAREHOUSE : FULL_WAREHOUSE, context.log),
  },
  {
    name: 'extension',
    repository: false,
    fallback: { id: 'activation', group: 'Extension', title: 'activation and bundles', goal: '≤ 50 ms, client ≤ 500 KB' },
    run: async (context) => [
      await activationFigure(context.projectRoot, context.quick ? 3 : 7),
      await minifiedClientFigure(context.projectRoot),
      ...(await bundleFigures(context.projectRoot)),
    ],
  },
];

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt === -1 ? null : new Set((argv[onlyAt + 1] ?? '').split(',').filter(Boolean));
  const unknown = only ? [...only].filter((name) => !SUITES.some((s) => s.name === name)) : [];
  if (unknown.length) {
    process.stderr.write(`bench: unknown suite ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const benchRepo = process.env.BENCH_REPO || null;
  const startedAt = new Date();
  const started = Date.now();
  const machine = describeMachine();
  let current = 'bench';
  const context = new BenchContext(quick, benchRepo, process.env.BENCH_MAIN_REF || null, (line) => process.stderr.write(`[${current}] ${line}\n`));
  const figures: Figure[] = [];
  // A BENCH_REPO run measures what depends on the repository; the rest is the same on any.
  const suites = SUITES.filter((s) => (only ? only.has(s.name) : !benchRepo || s.repository));
  for (const suite of suites) {
    current = suite.name;
    const suiteStarted = Date.now();
    context.log('running');
    try {
      figures.push(...(await suite.run(context)));
    } catch (error) {
      const f = suite.fallback;
      figures.push(failed(f.id, f.group, f.title, f.goal, error));
      context.log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    context.log(`done in ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
  }
  current = 'bench';
  const history = suites.some((s) => s.repository)
    ? await context.describeHistory().catch((error: Error) => `FAILED: ${error.message.split('\n')[0]}`)
    : 'not measured in this run';
  const report: BenchReport = {
    version: 2,
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    mode: quick ? 'quick' : 'full',
    history,
    machine,
    figures,
  };
  process.stdout.write(textReport(report));

  const results = join(context.projectRoot, 'bench', 'results');
  await mkdir(results, { recursive: true });
  // Only a full run of every suite is the record; partial and quick runs go to an ignored file.
  const complete = !quick && only === null;
  const file = join(results, complete ? (benchRepo ? 'latest-repo.json' : 'latest.json') : 'partial.tmp');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
  if (complete && (await updateReadme(join(context.projectRoot, 'bench', 'README.md'), report, benchRepo ? 'repo-results' : 'results'))) {
    process.stderr.write('updated the results in bench/README.md\n');
  }
  return figures.some((f) => f.status === 'failed') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
