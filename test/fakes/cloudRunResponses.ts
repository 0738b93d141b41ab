import type { KnativeRevision, KnativeService, RunRevisionV2, RunServiceV2 } from '../../src/core/deployments/cloudRunResources';

/*
 * Typed builders of Cloud Run resources: the Admin API v2 shapes the fake server answers
 * with, and the Knative v1 shapes `gcloud run ... --format=json` prints.
 */

export interface RevisionSpec {
  name: string;
  createTime: string;
  /** Plain environment variables of the serving container. */
  env?: Record<string, string>;
  /** Variables whose value comes from Secret Manager (no plain value). */
  secretEnv?: string[];
  labels?: Record<string, string>;
  /** Whether the revision became ready (default true): a failed one reports its Ready condition failed. */
  ready?: boolean;
}

export interface TrafficSpec {
  /** Omitted with `latest`: traffic to whatever revision is newest and ready. */
  revision?: string;
  percent: number;
  latest?: boolean;
}

export interface ServiceSpec {
  project: string;
  region: string;
  service: string;
  revisions: RevisionSpec[];
  traffic: TrafficSpec[];
}

const serviceName = (s: ServiceSpec) => `projects/${s.project}/locations/${s.region}/services/${s.service}`;

function newestName(s: ServiceSpec, which: 'ready' | 'created'): string | undefined {
  return [...s.revisions].filter((r) => which === 'created' || r.ready !== false).sort((a, b) => b.createTime.localeCompare(a.createTime))[0]?.name;
}

// What Cloud Run says of a revision whose container never listened on its port.
const FAILED_MESSAGE = 'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.';

function env(spec: RevisionSpec) {
  return [
    ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
    ...(spec.secretEnv ?? []).map((name) => ({ name, valueSource: { secretKeyRef: { secret: name.toLowerCase(), version: 'latest' } } })),
  ];
}

export function runServiceV2(s: ServiceSpec): RunServiceV2 & { uri: string; traffic: unknown[] } {
  const ready = newestName(s, 'ready');
  const created = newestName(s, 'created');
  return {
    name: serviceName(s),
    uri: `https://${s.service}-abc123-uw.a.run.app`,
    latestReadyRevision: ready ? `${serviceName(s)}/revisions/${ready}` : undefined,
    latestCreatedRevision: created ? `${serviceName(s)}/revisions/${created}` : undefined,
    traffic: s.traffic.map((t) =>
      t.latest
        ? { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: t.percent }
        : { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: t.revision, percent: t.percent },
    ),
    // As the API reports it: a LATEST target's status leaves the revision empty.
    trafficStatuses: s.traffic.map((t) =>
      t.latest
        ? { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: t.percent }
        : { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: t.revision, percent: t.percent },
    ),
  };
}

export function runRevisionV2(s: ServiceSpec, spec: RevisionSpec): RunRevisionV2 & { uid: string; service: string } {
  return {
    name: `${serviceName(s)}/revisions/${spec.name}`,
    uid: `uid-${spec.name}`,
    service: serviceName(s),
    createTime: spec.createTime,
    labels: spec.labels,
    conditions:
      spec.ready === false
        ? [{ type: 'Ready', state: 'CONDITION_FAILED', revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR', message: FAILED_MESSAGE }]
        : [
            { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
            { type: 'ContainerHealthy', state: 'CONDITION_SUCCEEDED' },
          ],
    containers: [
      { name: 'worker', image: `us-docker.pkg.dev/${s.project}/images/${s.service}@sha256:abc`, env: env(spec) },
      // A sidecar without the variable: the commit is read from whichever container has it.
      { name: 'otel-collector', image: 'otel/opentelemetry-collector' },
    ],
  };
}

export function knativeService(s: ServiceSpec): KnativeService & { apiVersion: string; kind: string } {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: s.service },
    status: {
      latestReadyRevisionName: newestName(s, 'ready'),
      traffic: s.traffic.map((t) => (t.latest ? { latestRevision: true, percent: t.percent } : { revisionName: t.revision, percent: t.percent })),
    },
  };
}

export function knativeRevision(s: ServiceSpec, spec: RevisionSpec): KnativeRevision & { apiVersion: string; kind: string } {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: { name: spec.name, creationTimestamp: spec.createTime.replace(/\.\d+Z$/, 'Z'), labels: { 'serving.knative.dev/service': s.service, ...(spec.labels ?? {}) } },
    spec: { containers: [{ env: env(spec) }] },
    status: {
      conditions:
        spec.ready === false
          ? [{ type: 'Ready', status: 'False', reason: 'HealthCheckContainerError', message: FAILED_MESSAGE }]
          : [
              { type: 'Ready', status: 'True' },
              { type: 'ContainerHealthy', status: 'True' },
            ],
    },
  };
}
