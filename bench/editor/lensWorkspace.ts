import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchHistory, type BenchHistory } from '../ancestry/benchHistory';
import { cacheDir } from '../cache';
import { sample, seededRandom } from '../stats';
import { benchTables, GRADED_TABLE, PREDICTIONS_TABLE, type BenchTables } from '../warehouse/benchTables';

/**
 * A workspace as an editor would open it: the generated history as its repository, a
 * deployment file, a warehouse whose rows carry real commits of that history, and a
 * Markdown document (a handoff note, a changelog) naming 1,000 of its commits.
 */
export interface LensWorkspace {
  /** Folder holding pipeline-lens.json (what a language server is given as workspace folder). */
  root: string;
  configFile: string;
  documentFile: string;
  document: string;
  /** The distinct SHAs the document names, as written (abbreviated or full). */
  tokens: string[];
  history: BenchHistory;
  tables: BenchTables;
  service: string;
}

export interface LensSizes {
  commits: number;
  rows: number;
  shas: number;
}

const SERVICE = 'prediction-worker';
const FIRST_DAY = Date.parse('2025-10-01T00:00:00Z');

export async function lensWorkspace(sizes: LensSizes, log: (line: string) => void): Promise<LensWorkspace> {
  const history = await benchHistory(sizes.commits, log);
  const random = seededRandom(11);
  // Forty deployments from the main line, in history order, over the last part of it.
  const recentMain = history.mainline.slice(Math.floor(history.mainline.length / 2));
  const builds = sample(recentMain, 40, random)
    .sort((a, b) => a - b)
    .map((i) => history.shas[i]);
  const tables = await benchTables(sizes.rows, log, { builds, name: 'lens' });

  const root = join(await cacheDir(`lens-${sizes.commits}-${sizes.rows}`), 'workspace');
  await mkdir(root, { recursive: true });
  const deployments = builds.map((commit, k) => ({
    service: SERVICE,
    revision: `${SERVICE}-${String(k + 1).padStart(5, '0')}`,
    commit,
    createdAt: new Date(FIRST_DAY + k * 5 * 86400_000 - 3600_000).toISOString(),
    trafficPercent: null,
  }));
  await writeFile(join(root, 'deployments.json'), JSON.stringify(deployments, null, 1));
  const config = {
    repository: history.root,
    warehouse: { kind: 'embedded', files: { [PREDICTIONS_TABLE]: tables.predictionsFile, [GRADED_TABLE]: tables.gradedFile } },
    tables: {
      predictions: { table: PREDICTIONS_TABLE, partitionColumn: 'game_date' },
      graded: { table: GRADED_TABLE, partitionColumn: 'game_date' },
    },
    services: [{ name: SERVICE, paths: ['lanes/**'], deployments: { kind: 'file', path: 'deployments.json' } }],
  };
  const configFile = join(root, 'pipeline-lens.json');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  // The deployed builds plus commits from anywhere, abbreviated as people paste them.
  const others = sample(history.shas.filter((s) => !builds.includes(s)), sizes.shas - builds.length, random);
  const chosen = [...builds, ...others];
  const tokens = chosen.map((sha) => (random() < 0.4 ? sha : abbreviate(sha, 7 + Math.floor(random() * 6))));
  const lines = ['# Handoff: builds and fixes to check', ''];
  tokens.forEach((token, i) => {
    lines.push(i % 3 === 0 ? `- ${token}: deployed to ${SERVICE}, see \`${token}\` in the log` : `- fix (${token}) touching lanes/${i % 6}.txt`);
  });
  const document = `${lines.join('\n')}\n`;
  const documentFile = join(root, 'handoff.md');
  await writeFile(documentFile, document);
  return { root, configFile, documentFile, document, tokens: [...new Set(tokens)], history, tables, service: SERVICE };
}

/**
 * A prefix of at least `length` characters holding a letter: the scanner rightly takes an
 * all-digit word for a number, so such an abbreviation would not count as a SHA on screen.
 */
function abbreviate(sha: string, length: number): string {
  let end = length;
  while (end < sha.length && /^[0-9]+$/.test(sha.slice(0, end))) end++;
  return sha.slice(0, end);
}
