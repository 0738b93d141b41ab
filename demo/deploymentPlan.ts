/**
 * The prediction-worker's Cloud Run revisions and the feature store processor's deploys, at
 * the times of the incident record. Commits are named by role; SHAs come from the history.
 */

export interface PlannedDeployment {
  revision: string;
  commitRole: string;
  createdAt: string;
  /** system_ids the revision runs, in the order the worker runs them. */
  models: string[];
}

export const SERVICE = 'prediction-worker';

const BASE_MODELS = ['catboost_v8', 'moving_average', 'ensemble_v1'];
const WITH_ZONES = ['catboost_v8', 'moving_average', 'similarity_balanced_v1', 'zone_matchup_v1', 'ensemble_v1'];
const WITH_V1_1 = [...WITH_ZONES, 'ensemble_v1_1'];

export const DEPLOYMENTS: readonly PlannedDeployment[] = [
  { revision: 'prediction-worker-00058-vd4', commitRole: 'initial', createdAt: '2025-11-01T11:02:00Z', models: BASE_MODELS },
  { revision: 'prediction-worker-00061-hq7', commitRole: 'similarityZone', createdAt: '2025-11-24T17:05:00Z', models: WITH_ZONES },
  { revision: 'prediction-worker-00064-m2c', commitRole: 'earlyBuild', createdAt: '2025-12-22T18:05:00Z', models: WITH_V1_1 },
  { revision: 'prediction-worker-00067-tz9', commitRole: 'preFixBuild', createdAt: '2026-01-08T21:40:00Z', models: [...WITH_V1_1, 'catboost_v9'] },
  { revision: 'prediction-worker-00069-wqf', commitRole: 'fix', createdAt: '2026-01-30T19:10:00Z', models: [...WITH_V1_1, 'catboost_v9'] },
  { revision: 'prediction-worker-00070-c8n', commitRole: 'v9Variant', createdAt: '2026-02-01T11:32:00Z', models: [...WITH_V1_1, 'catboost_v9_2026_02'] },
  { revision: 'prediction-worker-00072-5d8', commitRole: 'v9Retrain', createdAt: '2026-02-02T20:07:00Z', models: [...WITH_V1_1, 'catboost_v9'] },
];

export const PROCESSOR_SERVICE = 'feature-store-processor';

/**
 * When the feature store processor's builds went live: a stage of its own in
 * pipeline-lens.json, with its own deployment history. The Vegas-source fix of 2026-01-31
 * 22:15 was committed but never deployed, so the feature rows of Feb 1-2 still come from
 * the build before it.
 */
export const PROCESSOR_DEPLOYS: readonly { commitRole: string; at: string; revision: string }[] = [
  { commitRole: 'initial', at: '2025-11-01T09:40:00Z', revision: 'feature-store-processor-00031-k2p' },
  { commitRole: 'opponentFeatures', at: '2025-11-12T17:00:00Z', revision: 'feature-store-processor-00032-r8d' },
  { commitRole: 'backfillModeWiden', at: '2025-12-10T12:00:00Z', revision: 'feature-store-processor-00033-x4m' },
  { commitRole: 'usageSpikeBreak', at: '2025-12-15T10:30:00Z', revision: 'feature-store-processor-00034-b7q' },
  { commitRole: 'paceBreak', at: '2026-01-12T11:00:00Z', revision: 'feature-store-processor-00035-h3w' },
  { commitRole: 'paceFix', at: '2026-01-23T11:30:00Z', revision: 'feature-store-processor-00036-n9c' },
  { commitRole: 'vegasSourceChange', at: '2026-01-31T10:05:00Z', revision: 'feature-store-processor-00037-t5v' },
  { commitRole: 'usageSpikeFix', at: '2026-01-31T18:40:00Z', revision: 'feature-store-processor-00038-f6j' },
];
