import { basename } from 'node:path';
import { warehouseProfileNames } from '../../core/config/warehouseProfiles';
import type { PipelineLensConfig, WarehouseConfig } from '../../core/config/types';
import type { ServerStatus, StatusReport, WarehouseProfileSummary } from '../../shared/protocol';
import type { QueryCounter } from '../countingWarehouse';
import type { ServerContext } from '../serverContext';
import { statusMarkdown } from '../statusMarkdown';

/** What the server counts across workspaces: warehouse queries and git processes started. */
export interface ServerCounters {
  queries: QueryCounter;
  git: { started: number };
  lenses: { lists: number; titles: number };
}

export async function serverStatus(context: ServerContext, counters: ServerCounters): Promise<ServerStatus> {
  let gitProcesses = counters.git.started;
  const workspaces = [];
  for (const entry of context.registry.all) {
    const w = entry.workspace;
    if (w) gitProcesses += await w.engineGitProcesses();
    const cache = w?.provenance.status();
    workspaces.push({
      root: entry.root,
      configFile: entry.configFile,
      problem: entry.problem,
      warehouse: w?.warehouseDescription() ?? null,
      services: w?.config.services.map((s) => s.name) ?? [],
      commitGraph: cache?.snapshot ?? 'none',
      commitsIndexed: cache?.commitsIndexed ?? 0,
      cachedCommitDetails: cache?.commitDetails ?? 0,
      deployments: cache?.deployments ?? 'none',
      runs: cache?.runs ?? 'none',
      results: cache?.results ?? 'none',
      profiles: w ? profileSummaries(w.config) : [],
      activeProfile: w?.config.warehouseProfiles.active ?? null,
      startup: w ? [...w.provenance.startupSteps()] : [],
    });
  }
  return {
    pid: process.pid,
    workspaces,
    counters: { gitProcesses, warehouseQueries: counters.queries.count, lensListsBuilt: counters.lenses.lists, lensTitlesComposed: counters.lenses.titles },
  };
}

/** Show Status: the status, and the report the editor shows of it. */
export async function serverStatusReport(context: ServerContext, counters: ServerCounters): Promise<StatusReport> {
  const status = await serverStatus(context, counters);
  return { status, markdown: statusMarkdown(status) };
}

/** The config's profiles, the default first, each described by what tells it apart. */
export function profileSummaries(config: PipelineLensConfig): WarehouseProfileSummary[] {
  return warehouseProfileNames(config).map((name) => {
    const warehouse = config.warehouseProfiles.byName[name];
    return { name, isDefault: name === config.warehouseProfiles.defaultName, kind: warehouse.kind, detail: describeWarehouse(warehouse) };
  });
}

function describeWarehouse(warehouse: WarehouseConfig): string {
  switch (warehouse.kind) {
    case 'bigquery':
      return `project ${warehouse.project}, location ${warehouse.location}`;
    case 'embedded': {
      const files = Object.keys(warehouse.files ?? {}).length;
      const parts = [warehouse.database ? `database ${basename(warehouse.database)}` : null, files ? `${files} file${files === 1 ? '' : 's'}` : null];
      return parts.filter((p) => p !== null).join(', ') || 'no tables';
    }
  }
}
