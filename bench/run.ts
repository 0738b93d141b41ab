/**
 * `npm run bench`: every performance figure the product promises, each beside its baseline
 * measured in the same run. Prints a table, writes bench/results/latest.json and the
 * results section of bench/README.md.
 *
 *   npm run bench                      full sizes (what the README records; < 10 min on 2 cores)
 *   npm run bench -- --quick           small sizes, for development; writes bench/results/quick.tmp only
 *   npm run bench -- --only ancestry,warehouse
 *
 * Suites: ancestry, warehouse, extension, lens, server.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ancestryBench, FULL_ANCESTRY, QUICK_ANCESTRY } from './ancestry/ancestryBench';
import { activationFigure } from './editor/activationBench';
import { bundleFigures, minifiedClientFigure } from './editor/bundleBench';
import { FULL_LENS, lensBench, QUICK_LENS } from './editor/lensBench';
import { FULL_SERVER_MEMORY, QUICK_SERVER_MEMORY, serverMemoryBench } from './editor/serverMemoryBench';
import { failed, type Figure } from './figures';
import { describeMachine } from './machine';
import { textReport, updateReadme, type BenchReport } from './report';
import { FULL_WAREHOUSE, QUICK_WAREHOUSE, warehouseBench } from './warehouse/warehouseBench';

const ROOT = resolve(__dirname, '..');

interface Suite {
  name: string;
  /** Shown in place of the suite's rows if it throws before producing any. */
  fallback: { id: string; group: string; title: string; goal: string };
  run: (quick: boolean, log: (line: string) => void) => Promise<Figure[]>;
}

const SUITES: Suite[] = [
  {
    name: 'lens',
    fallback: { id: 'lens.cold', group: 'CodeLens/hover', title: '1,000 SHAs, cold', goal: '≥ 50×' },
    run: (quick, log) => lensBench(quick ? QUICK_LENS : FULL_LENS, log),
  },
  {
    name: 'ancestry',
    fallback: { id: 'ancestry.cold', group: 'Ancestry', title: '1,000 SHAs × 100 revisions, cold', goal: '≥ 100× and < 1 s cold' },
    run: (quick, log) => ancestryBench(quick ? QUICK_ANCESTRY : FULL_ANCESTRY, log),
  },
  {
    name: 'warehouse',
    fallback: { id: 'warehouse.models', group: 'Embedded warehouse', title: 'catalog queries', goal: '≤ 3× hand-written' },
    run: (quick, log) => warehouseBench(quick ? QUICK_WAREHOUSE : FULL_WAREHOUSE, log),
  },
  {
    name: 'extension',
    fallback: { id: 'activation', group: 'Extension', title: 'activation and bundles', goal: '≤ 50 ms, client ≤ 500 KB' },
    run: async (quick) => [await activationFigure(ROOT, quick ? 3 : 7), await minifiedClientFigure(ROOT), ...(await bundleFigures(ROOT))],
  },
  {
    name: 'server',
    fallback: { id: 'server.rss', group: 'Language server', title: 'RSS growth after 10,000 hovers over 1,000 SHAs', goal: 'growth ≤ 50 MB' },
    run: (quick, log) => serverMemoryBench(ROOT, quick ? QUICK_SERVER_MEMORY : FULL_SERVER_MEMORY, log),
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
  const startedAt = new Date();
  const started = Date.now();
  const machine = describeMachine();
  const figures: Figure[] = [];
  for (const suite of SUITES) {
    if (only && !only.has(suite.name)) continue;
    const log = (line: string) => process.stderr.write(`[${suite.name}] ${line}\n`);
    const suiteStarted = Date.now();
    log('running');
    try {
      figures.push(...(await suite.run(quick, log)));
    } catch (error) {
      const f = suite.fallback;
      figures.push(failed(f.id, f.group, f.title, f.goal, error));
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    log(`done in ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
  }
  const report: BenchReport = {
    version: 1,
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    mode: quick ? 'quick' : 'full',
    machine,
    figures,
  };
  process.stdout.write(textReport(report));

  const results = join(ROOT, 'bench', 'results');
  await mkdir(results, { recursive: true });
  // Only a full run of every suite is the record; partial and quick runs go to an ignored file.
  const complete = !quick && only === null;
  const file = join(results, complete ? 'latest.json' : 'partial.tmp');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
  if (complete && (await updateReadme(join(ROOT, 'bench', 'README.md'), report))) process.stderr.write('updated the results in bench/README.md\n');
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
