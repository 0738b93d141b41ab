import type { PipelineLensConfig, ServiceConfig } from '../config/types';
import type { CredentialHosts } from '../credentials/endpointPolicy';
import type { Warehouse } from '../warehouse/types';
import { BuildColumnDeploymentSource } from './buildColumnDeploymentSource';
import { ExecutionLogDeploymentSource } from './executionLogDeploymentSource';
import { FileDeploymentSource } from './fileDeploymentSource';
import { DeploymentError, type DeploymentSource } from './types';
import { WarehouseDeploymentSource } from './warehouseDeploymentSource';

export interface DeploymentSourceContext {
  config: PipelineLensConfig;
  warehouse: () => Promise<Warehouse>;
  now: () => Date;
  /** Hosts the user allows credentials to go to, when an `apiEndpoint` is not Google's. */
  credentialHosts?: CredentialHosts;
}

/**
 * The deployment source a service names. The Cloud Run source is loaded only when a service
 * uses it (it brings google-auth-library); `require` keeps it lazy, as in openWarehouse.
 */
export function openDeploymentSource(service: ServiceConfig, context: DeploymentSourceContext): DeploymentSource {
  const source = service.deployments;
  if (!source) {
    throw new DeploymentError(
      `Service ${service.name} has no deployment source; set services[].deployments in ${context.config.file} (a file, a warehouse table, Cloud Run or the execution log).`,
    );
  }
  switch (source.kind) {
    case 'file':
      return new FileDeploymentSource(source.path);
    case 'warehouse':
      return new WarehouseDeploymentSource(context.warehouse, source, context.now, `services[${context.config.services.indexOf(service)}].deployments`);
    case 'executionLog':
      return new ExecutionLogDeploymentSource(context.warehouse, context.config, source.lookbackDays, context.now);
    case 'buildColumn':
      return new BuildColumnDeploymentSource(context.warehouse, context.config, source, context.now);
    case 'cloudRun': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the Cloud Run client loads only when a service reads Cloud Run
      const { CloudRunDeploymentSource } = require('./cloudRunDeploymentSource') as typeof import('./cloudRunDeploymentSource');
      return new CloudRunDeploymentSource(source, { configFile: context.config.file, credentialHosts: context.credentialHosts });
    }
  }
}
