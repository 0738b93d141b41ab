import type { BuildColumnDeploymentConfig, PipelineLensConfig, ServiceConfig } from '../config/types';
import { isBackfill } from '../findings/deploymentGap';
import { buildFirstAppearanceQuery } from '../warehouse/catalog';
import { isoFromMicros, parseDate, parseTimestampMicros } from '../warehouse/temporalValues';
import type { Row, Warehouse } from '../warehouse/types';
import { recordedCommit } from './recordFields';
import { DeploymentError, type Deployment, type DeploymentSource } from './types';

/**
 * Deployments of a stage that has no deployment record, inferred from its own table: a build
 * counts as deployed when its value first appears in the table's build column. The rows say
 * which builds wrote, never which one serves now, so no revision records a share of traffic
 * and verification never says ok on these alone.
 *
 * A backfill writes past dates with the build of its day: where the table records a mode,
 * a build's first appearance is read from its rows of other modes when it has any, so a
 * backfill does not date a build before it ran. Where the table records when each row was
 * written (tables.predictions.columns.createdAt), that time is used; otherwise the first day.
 */
export class BuildColumnDeploymentSource implements DeploymentSource {
  constructor(
    private readonly warehouse: () => Promise<Warehouse>,
    private readonly config: PipelineLensConfig,
    private readonly source: BuildColumnDeploymentConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  describe(): string {
    return this.source.describe;
  }

  async list(service: string): Promise<Deployment[]> {
    const table = this.config.tables[this.source.table];
    if (!table) throw new DeploymentError(`Deployments of ${service} are inferred from tables.${this.source.table}, which ${this.config.file} does not configure.`);
    // A table may already hold the next day's rows (features computed before the games).
    const to = new Date(this.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    let rows: Row[];
    try {
      const warehouse = await this.warehouse();
      rows = (await warehouse.query(buildFirstAppearanceQuery(this.config, this.source.table, to))).rows;
    } catch (error) {
      throw new DeploymentError(`Cannot read the builds of ${service} from ${table.table}: ${(error as Error).message}`);
    }
    const column = (table.columns as { commit: string | null }).commit!;
    const backfillModes = this.config.tables.executionLog?.backfillModes ?? null;
    const builds = new Map<string, { regular: string | null; any: string }>();
    for (const row of rows) {
      const where = `A row of ${table.table}`;
      const commit = recordedCommit(row.commit_sha, where, `tables.${this.source.table}.columns.commit (${column})`);
      if (!commit) continue;
      const micros = parseTimestampMicros(row.first_written);
      const day = parseDate(row.first_day);
      const at = micros !== null ? isoFromMicros(micros) : day ? `${day}T00:00:00.000Z` : null;
      if (!at) continue;
      const mode = row.mode === null || row.mode === undefined ? null : String(row.mode);
      const seen = builds.get(commit) ?? { regular: null, any: at };
      if (at < seen.any) seen.any = at;
      if (!isBackfill({ mode }, backfillModes) && (seen.regular === null || at < seen.regular)) seen.regular = at;
      builds.set(commit, seen);
    }
    return [...builds.entries()]
      .map(([commit, seen]) => ({ service, revision: `build-${commit.slice(0, 12)}`, commit, createdAt: seen.regular ?? seen.any, trafficPercent: null }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.revision.localeCompare(b.revision));
  }
}

/**
 * Where a service's deployments are inferred from, in words (`ds.features.build_sha, the
 * first day each build appears`), or null when they come from a real deployment record.
 * Every surface that shows deployments says this beside them.
 */
export function inferredFrom(source: ServiceConfig['deployments']): string | null {
  return source?.kind === 'buildColumn' ? source.describe : null;
}

/** The config key that would give a service a real deployment record, for messages. */
export function deploymentKey(config: PipelineLensConfig, service: ServiceConfig): string {
  return `services[${config.services.indexOf(service)}].deployments`;
}
