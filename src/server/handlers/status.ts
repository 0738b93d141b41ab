import type { ServerStatus } from '../../shared/protocol';
import type { QueryCounter } from '../countingWarehouse';
import type { ServerContext } from '../serverContext';

/** What the server counts across workspaces: warehouse queries and git processes started. */
export interface ServerCounters {
  queries: QueryCounter;
  git: { started: number };
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
    });
  }
  return { pid: process.pid, workspaces, counters: { gitProcesses, warehouseQueries: counters.queries.count } };
}
