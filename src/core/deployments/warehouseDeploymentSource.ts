import type { WarehouseDeploymentConfig } from '../config/types';
import { deploymentsQuery } from '../warehouse/catalog';
import type { Warehouse } from '../warehouse/types';
import { toDeployment } from './fileDeploymentSource';
import { DeploymentError, type Deployment, type DeploymentSource } from './types';

/** Deployments recorded in a warehouse table by the deploy pipeline. */
export class WarehouseDeploymentSource implements DeploymentSource {
  constructor(
    private readonly warehouse: () => Promise<Warehouse>,
    private readonly source: WarehouseDeploymentConfig,
    private readonly now: () => Date = () => new Date(),
    private readonly configKey = 'services[].deployments',
  ) {}

  private get table(): string {
    return this.source.table;
  }

  describe(): string {
    return `warehouse table ${this.table}`;
  }

  async list(service: string): Promise<Deployment[]> {
    let rows;
    try {
      const warehouse = await this.warehouse();
      rows = (await warehouse.query(deploymentsQuery(this.source, service, this.now(), this.configKey))).rows;
    } catch (error) {
      throw new DeploymentError(`Cannot read deployments of ${service} from ${this.table}: ${(error as Error).message}`);
    }
    return rows
      .map((row, i) =>
        toDeployment(
          { service: row.service, revision: row.revision, commit: row.commit_sha, createdAt: row.created_at, trafficPercent: row.traffic_percent },
          `${this.table} row ${i + 1}`,
        ),
      )
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.revision.localeCompare(b.revision));
  }
}
