import type { PipelineLensConfig } from '../config/types';
import { buildsFirstSeenQuery } from '../warehouse/catalog';
import type { Row, Warehouse } from '../warehouse/types';
import { recordedCommit, recordedInstant } from './recordFields';
import { DeploymentError, type Deployment, type DeploymentSource } from './types';

/**
 * Deployments inferred from the execution log, for teams without access to their deploy
 * tool's API: a build "deployed" when it was first seen running (first run per commit and
 * revision). The log shows what ran, not where traffic goes, so no revision has a recorded
 * share: what serves now is unknown unless the service opts into servingRule "newest".
 *
 * The log is read over `lookbackDays` before now, through a query that filters on the
 * log's partition column, so the scan is bounded by the window, not the table.
 */
export class ExecutionLogDeploymentSource implements DeploymentSource {
  constructor(
    private readonly warehouse: () => Promise<Warehouse>,
    private readonly config: PipelineLensConfig,
    private readonly lookbackDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  describe(): string {
    return `first runs in the execution log ${this.config.tables.executionLog?.table ?? '(not configured)'}`;
  }

  async list(service: string): Promise<Deployment[]> {
    const log = this.config.tables.executionLog;
    if (!log) throw new DeploymentError(`Deployments of ${service} come from the execution log, but tables.executionLog is not set in ${this.config.file}.`);
    const to = this.now();
    const from = new Date(to.getTime() - this.lookbackDays * 86_400_000);
    let rows: Row[];
    try {
      const warehouse = await this.warehouse();
      rows = (await warehouse.query(buildsFirstSeenQuery(this.config, from.toISOString(), to.toISOString(), service))).rows;
    } catch (error) {
      throw new DeploymentError(`Cannot read the runs of ${service} from the execution log ${log.table}: ${(error as Error).message}`);
    }
    return mergeBuilds(rows, log.table, log.columns)
      .map((b) => ({ service, revision: b.revision, commit: b.commit, createdAt: b.firstSeen, trafficPercent: null }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.revision.localeCompare(b.revision));
  }
}

interface Build {
  commit: string | null;
  revision: string;
  firstSeen: string;
}

/**
 * One build per revision the log names. Runs of a commit that name no revision (a backfill
 * started by hand, say) belong to that commit's first named revision when it has one: they
 * ran a build already deployed, not a new deployment. A commit never seen under a revision
 * becomes one build of its own, named after the commit.
 */
function mergeBuilds(rows: Row[], table: string, columns: { commit: string; start: string }): Build[] {
  const named: Build[] = [];
  const unnamed = new Map<string, Build>();
  for (const row of rows) {
    const where = `A run in the execution log ${table}${typeof row.revision === 'string' && row.revision ? ` (revision ${row.revision})` : ''}`;
    const commit = recordedCommit(row.commit_sha, where, columns.commit);
    const firstSeen = recordedInstant(row.first_seen, where, columns.start);
    if (typeof row.revision === 'string' && row.revision !== '') {
      named.push({ commit, revision: row.revision, firstSeen });
      continue;
    }
    const key = commit ?? String(row.commit_sha);
    const seen = unnamed.get(key);
    if (seen) {
      if (firstSeen < seen.firstSeen) seen.firstSeen = firstSeen;
    } else {
      unnamed.set(key, { commit, revision: `build-${key.slice(0, 12)}`, firstSeen });
    }
  }
  for (const build of unnamed.values()) {
    const home = build.commit ? named.filter((b) => b.commit === build.commit).sort((a, b) => a.firstSeen.localeCompare(b.firstSeen))[0] : undefined;
    if (!home) {
      named.push(build);
      continue;
    }
    if (build.firstSeen < home.firstSeen) home.firstSeen = build.firstSeen;
  }
  return named;
}
