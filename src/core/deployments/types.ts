export interface Deployment {
  service: string;
  revision: string;
  /** Full or abbreviated SHA the revision was built from; null when the revision does not say. */
  commit: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** Share of traffic the revision serves now (0-100); null when the source does not say. */
  trafficPercent: number | null;
  /** false: the source says the revision is not ready, so it cannot serve; absent or null: the source does not say. */
  ready?: boolean | null;
}

export interface DeploymentSource {
  /** Human description, e.g. `file deployments.json`. */
  describe(): string;
  /** Revisions of a service, oldest first. Throws DeploymentError when the source cannot be read. */
  list(service: string): Promise<Deployment[]>;
}

export class DeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentError';
  }
}
