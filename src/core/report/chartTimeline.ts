import type { SliceMetrics } from '../metrics/types';
import type { RunSession } from '../provenance/runSessions';
import type { DateWindow } from '../warehouse/catalog';

/** A revision of a service, placed on the chart when it was created. */
export interface TimelineDeployment {
  service: string;
  revision: string;
  /** Full SHA when known locally, else as recorded. */
  commit: string | null;
  createdAt: string;
}

/** A commit touching a service's code inside the window: a marker on the chart. */
export interface TimelineCommit {
  sha: string;
  subject: string;
  author: string;
  committedAt: string;
  /** Services whose paths it touches. */
  services: string[];
}

/** A run session, and whether its mode regenerates past dates (tables.executionLog.backfillModes). */
export interface TimelineRun extends RunSession {
  backfill: boolean;
}

/**
 * What a hit-rate chart over time draws: each model's results by game date, and the
 * deployments, runs and commits of the window. The timeline's answer is one (it adds the
 * feature registry and what was skipped); the CLI builds one for a handoff note's chart.
 */
export interface ChartTimeline {
  window: DateWindow;
  series: Array<{ model: string; days: Array<{ date: string; metrics: SliceMetrics }> }>;
  deployments: TimelineDeployment[];
  runs: TimelineRun[];
  commits: TimelineCommit[];
  thresholds: { hitRate: number };
}
