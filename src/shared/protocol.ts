/*
 * Every custom message between the extension and the Pipeline Lens language server, and the
 * command ids the server puts in lenses and hovers. Both sides import this file, so a
 * request's name, parameters and result are declared once (the vscode-eslint layout).
 * Only types cross from the engine: nothing here runs engine code in the extension host.
 */
import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { Finding } from '../core/findings/types';
import type { SliceMetrics } from '../core/metrics/types';
import type { CommitProvenance } from '../core/provenance/commitProvenance';
import type { RunSession } from '../core/provenance/runSessions';
import type { VerifyResult } from '../core/verify/verifyDeployment';
import type { DateWindow } from '../core/warehouse/catalog';

/**
 * Which workspace a request is about: a document URI or a folder path inside it. Omitted,
 * the first workspace with a pipeline-lens.json answers.
 */
export interface WorkspaceScope {
  scope?: string;
}

export interface WindowOption {
  /** Defaults to the workspace's default window (from the first deployment to today). */
  window?: DateWindow;
}

// ---------------------------------------------------------------------------------------
// Status

export interface WorkspaceStatus {
  root: string;
  configFile: string;
  /** Why the workspace cannot be used (a config error), or null. */
  problem: string | null;
  /** e.g. `embedded DuckDB (5 files)`, once the warehouse has been opened. */
  warehouse: string | null;
  /** Services named in pipeline-lens.json (what "verify" can be asked about). */
  services: string[];
  /** The commit graph behind lenses and hovers. */
  commitGraph: 'none' | 'loading' | 'ready' | 'failed';
  commitsIndexed: number;
  cachedCommitDetails: number;
  /** Data shared by every document's lenses: loaded once per window, refreshed every few minutes. */
  deployments: 'none' | 'loading' | 'ready' | 'failed';
  runs: 'none' | 'loading' | 'ready' | 'failed';
  results: 'none' | 'loading' | 'ready' | 'failed';
}

export interface ServerStatus {
  workspaces: WorkspaceStatus[];
  /** Work done since the server started: the numbers the "constant per document" promise is checked against. */
  counters: { gitProcesses: number; warehouseQueries: number };
}

export namespace StatusRequest {
  export const method = 'pipelineLens/status';
  export const type = new RequestType0<ServerStatus, void>(method);
}

/** Server → client: something a status view shows changed (a workspace loaded, failed, or its data arrived). */
export namespace DidChangeStatusNotification {
  export const method = 'pipelineLens/didChangeStatus';
  export const type = new NotificationType<ServerStatus>(method);
}

/** Client → server: forget cached git, deployment and warehouse data and reload the configs. */
export namespace RefreshNotification {
  export const method = 'pipelineLens/refresh';
  export const type = new NotificationType0(method);
}

// ---------------------------------------------------------------------------------------
// Commits

export interface CommitParams extends WorkspaceScope {
  /** A full or abbreviated SHA. */
  sha: string;
}

export interface CommitProvenanceResult {
  workspaceRoot: string;
  provenance: CommitProvenance;
  /** The provenance as a markdown report (what the "show provenance" command opens). */
  markdown: string;
}

/** The full provenance of one commit: deployments, runs on older code, results by build. Waits for the warehouse. */
export namespace CommitProvenanceRequest {
  export const method = 'pipelineLens/commitProvenance';
  export const type = new RequestType<CommitParams, CommitProvenanceResult, void>(method);
}

export interface CommitDiffResult {
  title: string;
  /** `git show --stat --patch` of the commit. */
  text: string;
}

export namespace CommitDiffRequest {
  export const method = 'pipelineLens/commitDiff';
  export const type = new RequestType<CommitParams, CommitDiffResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Tree: models → builds → dates, each with its metrics

export interface TreeDate {
  date: string;
  metrics: SliceMetrics;
}

export interface TreeCommit {
  /** Full SHA when the build is in local history, else the value the rows hold. */
  commit: string;
  subject: string | null;
  committedAt: string | null;
  firstDate: string;
  lastDate: string;
  metrics: SliceMetrics;
  dates: TreeDate[];
}

export interface TreeModel {
  model: string;
  metrics: SliceMetrics;
  /** Oldest build first. */
  commits: TreeCommit[];
}

export interface TreeResult {
  window: DateWindow;
  models: TreeModel[];
}

export namespace TreeRequest {
  export const method = 'pipelineLens/tree';
  export const type = new RequestType<WorkspaceScope & WindowOption, TreeResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Findings

export interface FindingsParams extends WorkspaceScope, WindowOption {
  models?: string[];
}

export interface FindingsResult {
  window: DateWindow;
  findings: Finding[];
  /** Parts that could not be checked, and why. */
  skipped: string[];
}

export namespace FindingsRequest {
  export const method = 'pipelineLens/findings';
  export const type = new RequestType<FindingsParams, FindingsResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Timeline: what a chart of one or more models over time needs

export interface TimelineParams extends WorkspaceScope, WindowOption {
  /** Models to include; all when omitted. */
  models?: string[];
}

export interface TimelineDeployment {
  service: string;
  revision: string;
  /** Full SHA when known locally, else as recorded. */
  commit: string | null;
  createdAt: string;
}

export interface TimelineResult {
  window: DateWindow;
  series: Array<{ model: string; days: TreeDate[] }>;
  deployments: TimelineDeployment[];
  /** Runs of the service the execution log records, grouped into sessions. */
  runs: RunSession[];
  /** Parts that could not be read (a deployment source, the execution log), and why. */
  skipped: string[];
}

export namespace TimelineRequest {
  export const method = 'pipelineLens/timeline';
  export const type = new RequestType<TimelineParams, TimelineResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Verification

export interface VerifyParams extends WorkspaceScope {
  service: string;
  /** Revision the deployment must contain; HEAD when omitted. */
  target?: string;
}

export namespace VerifyRequest {
  export const method = 'pipelineLens/verify';
  export const type = new RequestType<VerifyParams, VerifyResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Commands the server links to from lenses and hovers; the extension registers them.

export const Commands = {
  /** Args: [CommitCommandArgs]. */
  showCommitProvenance: 'pipelineLens.showCommitProvenance',
  /** Args: [CommitCommandArgs]. */
  showDiff: 'pipelineLens.showDiff',
  /** Args: [CommitCommandArgs]. */
  copySha: 'pipelineLens.copySha',
  /** Args: [TimelineCommandArgs] (optional). */
  openTimeline: 'pipelineLens.openTimeline',
  /** Args: [VerifyCommandArgs] (optional: asks for the service). */
  verifyService: 'pipelineLens.verifyService',
  refresh: 'pipelineLens.refresh',
  showStatus: 'pipelineLens.showStatus',
  showOutput: 'pipelineLens.showOutput',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export interface CommitCommandArgs {
  sha: string;
  /** Document URI or folder the SHA was found in. */
  scope?: string;
}

export interface TimelineCommandArgs {
  scope?: string;
  models?: string[];
  /** A commit to mark on the timeline. */
  sha?: string;
}

export interface VerifyCommandArgs {
  scope?: string;
  service?: string;
}
