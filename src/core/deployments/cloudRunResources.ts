/*
 * The parts of Cloud Run's resources that say which revision runs which commit, in the two
 * shapes they come in: the Admin API v2 (`run.googleapis.com/v2`) and the Knative-style v1
 * objects that `gcloud run ... --format=json` prints. Only the fields read are declared.
 */

export interface EnvVar {
  name: string;
  /** Absent when the value comes from a secret (`valueSource`). */
  value?: string;
}

/** Admin API v2 `Service`. */
export interface RunServiceV2 {
  name: string;
  /** `projects/P/locations/R/services/S/revisions/S-00001-abc` */
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  /** What traffic is actually sent where (`traffic` is what was asked for). */
  trafficStatuses?: Array<{ type?: string; revision?: string; percent?: number; tag?: string }>;
}

/** Admin API v2 `Condition`: `state` is `CONDITION_SUCCEEDED`, `CONDITION_FAILED`, `CONDITION_PENDING`, `CONDITION_RECONCILING`. */
export interface RunConditionV2 {
  type?: string;
  state?: string;
  reason?: string;
  revisionReason?: string;
  message?: string;
}

/** Admin API v2 `Revision`. */
export interface RunRevisionV2 {
  name: string;
  createTime: string;
  labels?: Record<string, string>;
  containers?: Array<{ name?: string; image?: string; env?: EnvVar[] }>;
  /** Readiness: the condition of type `Ready`. */
  conditions?: RunConditionV2[];
  /** Some v2 resources report readiness here instead (type `Ready`). */
  terminalCondition?: RunConditionV2;
}

export interface RunRevisionListV2 {
  revisions?: RunRevisionV2[];
  nextPageToken?: string;
}

/** `gcloud run services describe --format=json` (Knative serving v1). */
export interface KnativeService {
  metadata: { name: string };
  status?: {
    latestReadyRevisionName?: string;
    traffic?: Array<{ revisionName?: string; percent?: number; latestRevision?: boolean; tag?: string }>;
  };
}

/** One element of `gcloud run revisions list --format=json`. */
export interface KnativeRevision {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  spec?: { containers?: Array<{ env?: EnvVar[] }> };
  /** Readiness: the condition of type `Ready`, status `"True"`, `"False"` or `"Unknown"`. */
  status?: { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

/** A revision as the deployment source needs it, whichever shape it came in. */
export interface RevisionFacts {
  revision: string;
  createdAt: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** The Ready condition succeeded (true), did not or not yet (false), or is not reported (null). */
  ready: boolean | null;
}

/** Traffic share per revision name. */
export type TrafficShares = Map<string, number>;

export function lastSegment(resourceName: string): string {
  return resourceName.slice(resourceName.lastIndexOf('/') + 1);
}

export function factsFromV2(revision: RunRevisionV2): RevisionFacts {
  return {
    revision: lastSegment(revision.name),
    createdAt: revision.createTime,
    env: envOf(revision.containers),
    labels: revision.labels ?? {},
    ready: readyFromV2(revision),
  };
}

// A pending or reconciling revision is not ready yet: it serves nothing until it is.
function readyFromV2(revision: RunRevisionV2): boolean | null {
  const condition = revision.conditions?.find((c) => c.type === 'Ready') ?? (revision.terminalCondition?.type === 'Ready' ? revision.terminalCondition : undefined);
  return condition ? condition.state === 'CONDITION_SUCCEEDED' : null;
}

export function trafficFromV2(service: RunServiceV2): TrafficShares {
  const shares: TrafficShares = new Map();
  for (const t of service.trafficStatuses ?? []) {
    // A LATEST target may leave `revision` empty: it means the latest ready revision.
    const name = t.revision || (t.type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ? service.latestReadyRevision : undefined);
    if (!name) continue;
    const key = lastSegment(name);
    shares.set(key, (shares.get(key) ?? 0) + (t.percent ?? 0));
  }
  return shares;
}

export function factsFromKnative(revision: KnativeRevision): RevisionFacts {
  return {
    revision: revision.metadata.name,
    createdAt: revision.metadata.creationTimestamp,
    env: envOf(revision.spec?.containers),
    labels: revision.metadata.labels ?? {},
    ready: readyFromKnative(revision),
  };
}

// Knative's "Unknown" is a revision still coming up: not ready yet.
function readyFromKnative(revision: KnativeRevision): boolean | null {
  const condition = revision.status?.conditions?.find((c) => c.type === 'Ready');
  return condition ? condition.status === 'True' : null;
}

export function trafficFromKnative(service: KnativeService): TrafficShares {
  const shares: TrafficShares = new Map();
  for (const t of service.status?.traffic ?? []) {
    const name = t.revisionName || (t.latestRevision ? service.status?.latestReadyRevisionName : undefined);
    if (!name) continue;
    shares.set(name, (shares.get(name) ?? 0) + (t.percent ?? 0));
  }
  return shares;
}

function envOf(containers: Array<{ env?: EnvVar[] }> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const container of containers ?? []) {
    for (const variable of container.env ?? []) {
      // The first container that sets it wins: sidecars come after the serving container.
      if (typeof variable.value === 'string' && !(variable.name in env)) env[variable.name] = variable.value;
    }
  }
  return env;
}
