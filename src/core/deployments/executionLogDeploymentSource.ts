import type { PipelineLensConfig } from '../config/types';
import { buildsFirstSeenQuery } from '../warehouse/catalog';
import type { Row, Warehouse } from '../warehouse/types';
import { DeploymentError, type Deployment, type DeploymentSource } from './types';

const SHA = /^[0-9a-f]{4,40}$/i;

/**
 * Deployments inferred from the execution log, for teams without access to their deploy
 * tool's API: a build "deployed" when it was first seen running (first run per commit and
 * revision). The build seen running most recently is taken as the one serving now (100%
 * traffic), every other at 0%: the log shows what ran, not how traffic was split.
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
      rows = (await warehouse.query(buildsFirstSeenQuery(this.config, from.toISOString(), to.toISOString()))).rows;
    } catch (error) {
      throw new DeploymentError(`Cannot read the runs of ${service} from the execution log ${log.table}: ${(error as Error).message}`);
    }
    const builds = mergeBuilds(rows);
    const latest = builds.reduce<Build | null>((best, b) => (best === null || b.lastSeen > best.lastSeen ? b : best), null);
    return builds
      .map((b) => ({ service, revision: b.revision, commit: b.commit, createdAt: b.firstSeen, trafficPercent: b === latest ? 100 : 0 }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.revision.localeCompare(b.revision));
  }
}

interface Build {
  commit: string | null;
  revision: string;
  firstSeen: string;
  lastSeen: string;
}

/**
 * One build per revision the log names. Runs of a commit that name no revision (a backfill
 * started by hand, say) belong to that commit's first named revision when it has one: they
 * ran a build already deployed, not a new deployment. A commit never seen under a revision
 * becomes one build of its own, named after the commit.
 */
function mergeBuilds(rows: Row[]): Build[] {
  const iso = (value: unknown) => new Date(String(value)).toISOString();
  const named: Build[] = [];
  const unnamed = new Map<string, Build>();
  for (const row of rows) {
    const commit = typeof row.commit_sha === 'string' && SHA.test(row.commit_sha) ? row.commit_sha.toLowerCase() : null;
    const firstSeen = iso(row.first_seen);
    const lastSeen = iso(row.last_seen);
    if (typeof row.revision === 'string' && row.revision !== '') {
      named.push({ commit, revision: row.revision, firstSeen, lastSeen });
      continue;
    }
    const key = commit ?? String(row.commit_sha);
    const seen = unnamed.get(key);
    if (seen) {
      if (firstSeen < seen.firstSeen) seen.firstSeen = firstSeen;
      if (lastSeen > seen.lastSeen) seen.lastSeen = lastSeen;
    } else {
      unnamed.set(key, { commit, revision: `build-${key.slice(0, 12)}`, firstSeen, lastSeen });
    }
  }
  for (const build of unnamed.values()) {
    const home = build.commit ? named.filter((b) => b.commit === build.commit).sort((a, b) => a.firstSeen.localeCompare(b.firstSeen))[0] : undefined;
    if (!home) {
      named.push(build);
      continue;
    }
    if (build.firstSeen < home.firstSeen) home.firstSeen = build.firstSeen;
    if (build.lastSeen > home.lastSeen) home.lastSeen = build.lastSeen;
  }
  return named;
}
