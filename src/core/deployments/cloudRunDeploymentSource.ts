import type { CloudRunDeploymentConfig } from '../config/types';
import type { CredentialHosts } from '../credentials/endpointPolicy';
import { fetchFromAdminApi, NoCredentialsError, type CloudRunTarget } from './cloudRunApi';
import { factsFromKnative, factsFromV2, trafficFromKnative, trafficFromV2, type RevisionFacts, type TrafficShares } from './cloudRunResources';
import { fetchWithGcloud, GcloudMissingError } from './gcloudRun';
import { recordedCommit, recordedInstant } from './recordFields';
import { DeploymentError, type Deployment, type DeploymentSource } from './types';

export interface CloudRunSourceOptions {
  /** Environment of the gcloud process (tests put a fake gcloud first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** pipeline-lens.json, for messages. */
  configFile?: string;
  /** Hosts the user allows credentials to go to, when `apiEndpoint` is not Google's. */
  credentialHosts?: CredentialHosts;
}

// Cloud Run service names: lowercase letters, digits and hyphens, starting with a letter, at most 49.
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/;

/**
 * Revisions of a Cloud Run service: when each was created, the commit it was built from
 * (an environment variable, by default BUILD_COMMIT, or a label) and the traffic it serves
 * now. A revision that does not record its commit is listed with commit null, never
 * dropped: verification then says it cannot tell, and how to record the commit.
 */
export class CloudRunDeploymentSource implements DeploymentSource {
  constructor(
    private readonly config: CloudRunDeploymentConfig,
    private readonly options: CloudRunSourceOptions = {},
  ) {}

  describe(): string {
    const via = this.config.useGcloud === 'always' ? ' via gcloud' : '';
    return `Cloud Run ${this.config.project}/${this.config.region}${via}`;
  }

  async list(service: string): Promise<Deployment[]> {
    const target = this.target(service);
    let revisions: RevisionFacts[];
    let traffic: TrafficShares;
    if (this.config.useGcloud === 'always') {
      ({ revisions, traffic } = await this.fromGcloud(target));
    } else {
      try {
        const found = await fetchFromAdminApi(target, { configFile: this.options.configFile ?? 'pipeline-lens.json', credentialHosts: this.options.credentialHosts });
        revisions = found.revisions.map(factsFromV2);
        traffic = trafficFromV2(found.service);
      } catch (error) {
        // gcloud reads Google's endpoint whatever apiEndpoint says: it is no fallback for another endpoint.
        if (!(error instanceof NoCredentialsError) || this.config.useGcloud === 'never' || this.config.apiEndpoint !== null) throw error;
        try {
          ({ revisions, traffic } = await this.fromGcloud(target));
        } catch (fallback) {
          if (fallback instanceof GcloudMissingError) throw new DeploymentError(`${error.message} (gcloud, the fallback, is not installed either.)`);
          throw fallback;
        }
      }
    }
    return revisions.map((r) => this.deployment(service, r, traffic)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.revision.localeCompare(b.revision));
  }

  private target(service: string): CloudRunTarget {
    const name = this.config.service ?? service;
    if (!SERVICE_NAME.test(name)) {
      throw new DeploymentError(
        `"${name}" is not a Cloud Run service name (lowercase letters, digits and hyphens); set services[].deployments.service in pipeline-lens.json to the service's name in Cloud Run.`,
      );
    }
    return { project: this.config.project, region: this.config.region, service: name, apiEndpoint: this.config.apiEndpoint };
  }

  private async fromGcloud(target: CloudRunTarget): Promise<{ revisions: RevisionFacts[]; traffic: TrafficShares }> {
    try {
      const found = await fetchWithGcloud(target, { env: this.options.env });
      return { revisions: found.revisions.map(factsFromKnative), traffic: trafficFromKnative(found.service) };
    } catch (error) {
      if (error instanceof GcloudMissingError && this.config.useGcloud === 'always') {
        throw new DeploymentError(`${error.message} Install the Google Cloud CLI, or set services[].deployments.useGcloud to "auto" to use the Cloud Run Admin API.`);
      }
      throw error;
    }
  }

  private deployment(service: string, facts: RevisionFacts, traffic: TrafficShares): Deployment {
    const where = `Cloud Run revision ${facts.revision}`;
    let createdAt: string;
    let commit: string | null;
    try {
      createdAt = recordedInstant(facts.createdAt, where, 'createTime');
      const fromEnv = facts.env[this.config.commitEnv];
      const fromLabel = this.config.commitLabel ? facts.labels[this.config.commitLabel] : undefined;
      commit =
        fromEnv !== undefined
          ? recordedCommit(fromEnv.trim(), where, `environment variable ${this.config.commitEnv}`)
          : fromLabel !== undefined
            ? recordedCommit(fromLabel.trim(), where, `label ${this.config.commitLabel}`)
            : null;
    } catch (error) {
      // A revision cannot be edited: the way out is a new revision, and deleting the bad one.
      throw new DeploymentError(
        `${(error as Error).message} A revision cannot be changed: deploy a new one that records it, and delete this one if it serves no traffic (\`gcloud run revisions delete ${facts.revision} --region ${this.config.region}\`).`,
      );
    }
    return {
      service,
      revision: facts.revision,
      commit,
      createdAt,
      // The service's traffic block is complete: a revision it does not name serves nothing.
      trafficPercent: traffic.get(facts.revision) ?? 0,
      ready: facts.ready,
    };
  }
}
