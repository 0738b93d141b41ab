import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../src/core/workspace';
import { cacheDir } from '../cache';
import type { BenchScenario } from '../history/benchScenario';
import { benchTables, GRADED_TABLE, PREDICTIONS_TABLE, ROWS_PER_DAY, type BenchTables } from '../warehouse/benchTables';
import { handWrittenMetricsSql } from '../warehouse/handWritten';

/**
 * A workspace as an editor would open it: the scenario's repository, a deployment file with
 * its deployed revisions, a warehouse whose rows carry the first service's deployed commits,
 * and a Markdown document (a handoff note, a changelog) naming the scenario's 1,000 commits.
 */
export interface LensWorkspace {
  /** Folder holding pipeline-lens.json (what a language server is given as workspace folder). */
  root: string;
  configFile: string;
  documentFile: string;
  document: string;
  /** The distinct SHAs the document names, as written (abbreviated or full). */
  tokens: string[];
  scenario: BenchScenario;
  tables: BenchTables;
  /** The results query a program wanting only the answer would write (the floor's query). */
  floorSql: string;
}

export async function lensWorkspace(scenario: BenchScenario, rows: number, log: (line: string) => void): Promise<LensWorkspace> {
  const first = scenario.services[0].name;
  const builds = scenario.deployments.filter((d) => d.service === first).map((d) => d.commit);
  const tables = await benchTables(rows, log, { builds, name: `lens-${scenario.key}`, firstDay: rowsFirstDay(scenario, rows) });

  const root = join(await cacheDir(`lens-${scenario.key}-${rows}`), 'workspace');
  await mkdir(root, { recursive: true });
  await writeFile(
    join(root, 'deployments.json'),
    JSON.stringify(
      scenario.deployments.map((d) => ({ ...d, trafficPercent: null })),
      null,
      1,
    ),
  );
  const config = {
    repository: scenario.root,
    warehouse: { kind: 'embedded', files: { [PREDICTIONS_TABLE]: tables.predictionsFile, [GRADED_TABLE]: tables.gradedFile } },
    tables: {
      predictions: { table: PREDICTIONS_TABLE, partitionColumn: 'game_date' },
      graded: { table: GRADED_TABLE, partitionColumn: 'game_date' },
    },
    services: scenario.services.map((s) => ({ name: s.name, paths: [`${s.folder}/**`], deployments: { kind: 'file', path: 'deployments.json' } })),
  };
  const configFile = join(root, 'pipeline-lens.json');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const lines = ['# Handoff: builds and fixes to check', ''];
  scenario.document.forEach(({ token }, i) => {
    lines.push(
      i % 3 === 0 ? `- ${token}: deployed to ${first}, see \`${token}\` in the log` : `- fix (${token}) touching ${scenario.services[i % scenario.services.length].folder}`,
    );
  });
  const document = `${lines.join('\n')}\n`;
  const documentFile = join(root, 'handoff.md');
  await writeFile(documentFile, document);

  const workspace = Workspace.open({ configFile });
  const window = await workspace.defaultWindow();
  const floorSql = handWrittenMetricsSql(['model', 'commit'], { predictions: tables.predictionsFile, graded: tables.gradedFile }, window, workspace.config.thresholds.highEdge);
  await workspace.close();
  return { root, configFile, documentFile, document, tokens: [...new Set(scenario.document.map((d) => d.token))], scenario, tables, floorSql };
}

/** The document's commits of each kind, for notes: `102 deployed, 698 main line, 180 side, 20 detached`. */
export function documentMix(scenario: BenchScenario): string {
  const count = (kind: string) => scenario.document.filter((d) => d.kind === kind).length;
  const full = scenario.document.filter((d) => d.token.length === 40).length;
  return `${count('deployed')} deployed, ${count('main')} on the main line, ${count('side')} only on side branches or pull refs, ${count('detached')} only on the detached HEAD; ${full} written in full, the rest abbreviated to 7-12 characters`;
}

/**
 * The rows cover the days up to the last deployment (never past today): inside the window
 * the product reads by default (from 30 days before the first deployment to today).
 */
function rowsFirstDay(scenario: BenchScenario, rows: number): string {
  const days = Math.ceil(rows / ROWS_PER_DAY);
  const last = Math.min(Math.max(...scenario.deployments.map((d) => Date.parse(d.createdAt))), Date.now() - 86400_000);
  return new Date(last - days * 86400_000).toISOString().slice(0, 10);
}
