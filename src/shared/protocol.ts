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
import type { VerifyResult } from '../core/verify/verifyDeployment';
import type { Readiness } from '../core/readiness/readiness';
import type { Proportion } from '../core/metrics/wilson';
import type { DateWindow } from '../core/warehouse/catalog';
import type { TimelineCommit, TimelineDeployment, TimelineRun } from '../core/report/chartTimeline';
import type { QueryPlan } from '../core/warehouse/queryGuard';
import type { ScalarParamType } from '../core/warehouse/types';

/**
 * Which workspace a request is about: a document URI or a folder path inside it. Omitted,
 * the first workspace with a pipeline-lens.json answers.
 */
export interface WorkspaceScope {
  scope?: string;
}

export interface WindowOption {
  /** Defaults to the workspace's default window: the days the predictions table holds. */
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
  /** The warehouse profiles pipeline-lens.json names, the default first (empty when the config could not be read). */
  profiles: WarehouseProfileSummary[];
  /** The profile the workspace reads now; null when the config could not be read. */
  activeProfile: string | null;
  /**
   * When each step of the workspace's first load ended (epoch ms); `ms`: the work's own time
   * where the step is work rather than a wait. Where a new session's first lens spent its time.
   */
  startup?: Array<{ step: string; at: number; ms?: number }>;
}

export interface WarehouseProfileSummary {
  name: string;
  isDefault: boolean;
  kind: 'embedded' | 'bigquery';
  /** `project pl-staging, location US` or `database staging.duckdb`: what tells two profiles apart in a picker. */
  detail: string;
}

export interface ServerStatus {
  /** The server's process id: what a crash report, or a test that stops the process, names. */
  pid: number;
  workspaces: WorkspaceStatus[];
  /** Work done since the server started: the numbers the "constant per document" promise is checked against. */
  counters: {
    gitProcesses: number;
    warehouseQueries: number;
    /** Lens lists built for a document version (a document asked again gets the same list back). */
    lensListsBuilt: number;
    /** Lens titles composed (a lens asked again with nothing changed is looked up, not composed). */
    lensTitlesComposed: number;
  };
}

export namespace StatusRequest {
  export const method = 'pipelineLens/status';
  export const type = new RequestType0<ServerStatus, void>(method);
}

/** The server's status and the report the editor shows of it (per workspace what is loaded, what failed and why). */
export interface StatusReport {
  status: ServerStatus;
  markdown: string;
}

export namespace StatusReportRequest {
  export const method = 'pipelineLens/statusReport';
  export const type = new RequestType0<StatusReport, void>(method);
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

export interface SelectProfileParams extends WorkspaceScope {
  /** A profile of the workspace's pipeline-lens.json; null: back to its default. */
  profile: string | null;
}

export interface SelectProfileResult {
  root: string;
  /** The profile the workspace reads after the request. */
  activeProfile: string;
  /** Said when the profile asked for is not the one now read (the config no longer names it), else null. */
  notice: string | null;
}

/**
 * Client → server: read one workspace through another warehouse profile. The workspace is
 * reopened (caches dropped, warehouse opened under the credentials policy as for the
 * default), then lenses are refreshed and a status change is sent. The choice is the
 * editor's (kept per workspace by the client and sent again at start in
 * `initializationOptions.profiles`, workspace root → profile), never written to the config.
 */
export namespace SelectProfileRequest {
  export const method = 'pipelineLens/selectProfile';
  export const type = new RequestType<SelectProfileParams, SelectProfileResult, void>(method);
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

/** A revision built from exactly this commit. */
export interface TreeDeployment {
  service: string;
  revision: string;
  createdAt: string;
  /** The revision receives traffic now; false when that is not known. */
  serving: boolean;
  /** The service has no deployment record: this revision is a build's first appearance in its table (createdAt is that day). */
  inferred?: boolean;
}

/** A deployment record that could not be read: a commit absent from the others may still be in it. */
export interface UnreadDeploymentRecord {
  service: string;
  /** The setting that names the record, e.g. `services[0].deployments`. */
  key: string;
  /** What went wrong and what to do, as the source said it. */
  reason: string;
}

export interface TreeDeploymentRecord {
  /**
   * `deployed`: a record read lists a revision built from this commit; `not-deployed`: every
   * service's record was read and none does; `not-read`: none of the records read lists it and
   * at least one could not be read (or no service is configured), so whether it was deployed is unknown.
   */
  state: 'deployed' | 'not-deployed' | 'not-read';
  /** The records that could not be read, each with why; empty when every record was read. */
  unread: UnreadDeploymentRecord[];
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
  /** Revisions built from this commit, oldest first, as far as the records read say (see `deployment`). */
  deployedAs: TreeDeployment[];
  /** Whether the deployment records prove the commit was deployed, prove it was not, or could not be read. */
  deployment: TreeDeploymentRecord;
  /** The model files this build ran for the model; null when no table records them (tables.*.columns.artifact). */
  artifacts?: TreeArtifact[] | null;
}

export interface TreeArtifact {
  /** null: rows that record no artifact. */
  artifact: string | null;
  /** Rows it made; null when not recorded. */
  rows: number | null;
  /** What the model registry says of it, or null when it does not list it. */
  registry: { model: string; registered: boolean; experiment: string | null; metrics: Record<string, number> } | null;
}

export interface TreeModel {
  model: string;
  metrics: SliceMetrics;
  /** Oldest build first. */
  commits: TreeCommit[];
}

/** The config's thresholds a view colours figures by. */
export interface ViewThresholds {
  hitRate: number;
  gradingCoverage: number;
  featureCoverage: number;
  /** Fewer graded rows than this: a rate is shown but not judged. */
  minSample: number;
}

export interface TreeResult {
  window: DateWindow;
  models: TreeModel[];
  thresholds: ViewThresholds;
  /** Deployment sources that could not be read (the tree then cannot say what was deployed). */
  skipped: string[];
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
  /** The workspace that answered: where a handoff note of these findings is written. */
  workspaceRoot: string;
  /** Where the figures came from, for a report read away from the editor. */
  source: { configFile: string; warehouse: string };
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
// Reports of the findings, rendered by the server, which holds the timeline they chart

export interface InvestigationReportParams {
  /** The findings the Findings view shows: rendered as they are, not investigated again. */
  findings: FindingsResult;
}

/** The investigation report panel's content, finished: the client only shows it. */
export interface InvestigationReportResult {
  title: string;
  /** Markdown above the chart: the report's title and its actions. */
  lead: string;
  /** The hit-rate chart as static HTML (SVG with links to provenance), or a paragraph saying why it is not shown. */
  figure: string;
  /** Markdown under the chart: every finding with its evidence and links, and what was not checked. */
  markdown: string;
}

export namespace InvestigationReportRequest {
  export const method = 'pipelineLens/investigationReport';
  export const type = new RequestType<InvestigationReportParams, InvestigationReportResult, void>(method);
}

export interface HandoffNoteParams {
  /** The findings the Findings view shows, written as they are. */
  findings: FindingsResult;
  /** The chart's file name, beside the note: what the note links to. */
  chartFile: string;
}

/** A handoff note's text and its chart, ready to write once the person confirmed the paths. */
export interface HandoffNoteResult {
  markdown: string;
  /** The SVG to write as `chartFile`; null when there is no chart (the note says why). */
  svg: string | null;
}

export namespace HandoffNoteRequest {
  export const method = 'pipelineLens/handoffNote';
  export const type = new RequestType<HandoffNoteParams, HandoffNoteResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Timeline: what a chart of one or more models over time needs

export interface TimelineParams extends WorkspaceScope, WindowOption {
  /** Models to include; all when omitted. */
  models?: string[];
}

export type { TimelineCommit, TimelineDeployment, TimelineRun };

export interface TimelineResult {
  window: DateWindow;
  series: Array<{ model: string; days: TreeDate[] }>;
  deployments: TimelineDeployment[];
  /** Runs of the service the execution log records, grouped into sessions. */
  runs: TimelineRun[];
  /** Commits touching any service's paths in the window, oldest first (at most 200). */
  commits: TimelineCommit[];
  /** The feature registry, for the coverage series a person can add. */
  features: Array<{ index: number; name: string }>;
  thresholds: ViewThresholds;
  /** Parts that could not be read (a deployment source, the execution log), and why. */
  skipped: string[];
}

export namespace TimelineRequest {
  export const method = 'pipelineLens/timeline';
  export const type = new RequestType<TimelineParams, TimelineResult, void>(method);
}

export interface FeatureCoverageParams extends WorkspaceScope, WindowOption {
  /** Feature indices (positions in the features array). */
  features: number[];
}

export interface FeatureCoverageDay {
  date: string;
  /** Share of the date's feature-store rows where the feature is > 0, with its interval and n. */
  coverage: Proportion;
  zeros: number;
}

export interface FeatureCoverageResult {
  window: DateWindow;
  series: Array<{ index: number; name: string; days: FeatureCoverageDay[] }>;
}

/** Coverage of features per date (all modes together): the series the timeline adds on demand. */
export namespace FeatureCoverageRequest {
  export const method = 'pipelineLens/featureCoverage';
  export const type = new RequestType<FeatureCoverageParams, FeatureCoverageResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// The SQL behind a row of the models tree

export interface RowSqlParams extends WorkspaceScope, WindowOption {
  model: string;
  /** A build: the row of one commit (or one of its dates). */
  commit?: string;
  /** A game date of the build. */
  date?: string;
}

export interface RowSqlResult {
  /** The catalog query the row was computed from, parameters written in as literals, ready to edit and run. */
  sql: string;
  title: string;
}

export namespace RowSqlRequest {
  export const method = 'pipelineLens/rowSql';
  export const type = new RequestType<RowSqlParams, RowSqlResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Deployments: services → revisions

export interface ServiceRevision {
  revision: string;
  /** Full SHA when known locally, else as recorded (null: the revision does not say). */
  commit: string | null;
  subject: string | null;
  createdAt: string;
  trafficPercent: number | null;
  /** The revision receives traffic now (verification checks every such revision); false for all when that is not known. */
  serving: boolean;
  /** Commits HEAD has that this revision lacks; null when its commit is not in local history or the count depends on cut history. */
  behindHead: number | null;
  /** Commits this revision has that HEAD lacks. */
  aheadOfHead: number | null;
  /** Why the distance to HEAD is not given in a shallow clone (what is cut, and how to fetch it); null otherwise. */
  historyCut: string | null;
}

export interface ServiceDeployments {
  service: string;
  paths: string[];
  deployCommand: string | null;
  /** Newest first. */
  revisions: ServiceRevision[];
  /** Why no revision can be called serving, when revisions are listed but the records cannot say which serves. */
  servingUnknown: string | null;
  /** Where the revisions are inferred from when the service has no deployment record (a build column's first appearance); null for a real record. */
  inferredFrom: string | null;
  /** The pre-backfill verdict against HEAD (the CLI's `verify`, same code): its `missing` are the commits touching the service not yet deployed. */
  verification: VerifyResponse;
  /** The deployment source could not be read. */
  error: string | null;
}

export interface DeploymentsResult {
  head: { sha: string; subject: string } | null;
  services: ServiceDeployments[];
  /** The last day the predictions table holds, when read in time: ages of old data are told against it. */
  dataLastDay: string | null;
}

export namespace DeploymentsRequest {
  export const method = 'pipelineLens/deployments';
  export const type = new RequestType<WorkspaceScope, DeploymentsResult, void>(method);
}

export interface OwningServicesParams {
  /** A document URI. */
  uri: string;
}

/** Services whose paths hold a file (what the status bar reports on). */
export namespace OwningServicesRequest {
  export const method = 'pipelineLens/owningServices';
  export const type = new RequestType<OwningServicesParams, { services: string[] }, void>(method);
}

// ---------------------------------------------------------------------------------------
// SQL a person wrote: plan (dry run) and run

export interface QueryParameterValue {
  type: ScalarParamType;
  value: string | number | boolean | null;
}

export interface QueryParams extends WorkspaceScope {
  sql: string;
  /** Values of the `@name` parameters the SQL uses. */
  parameters?: Record<string, QueryParameterValue>;
  /** How a refusal names the SQL to the person (`sql/coverage.sql`, `selection of …`); `the statement` when omitted. */
  subject?: string;
}

export interface ParameterTextParams {
  /** What a person typed for a parameter: `2026-01-09`, `42`, `STRING:2026`. */
  text: string;
}

/** The typed value the text stands for, or what is wrong with it (a date that names no day). */
export type ParameterTextReading = QueryParameterValue | { problem: string };

/** A parameter value typed in the editor, read by the rule the CLI's `--param` follows (docs/cli.md, "Query parameters"). */
export namespace ParameterTextRequest {
  export const method = 'pipelineLens/parameterText';
  export const type = new RequestType<ParameterTextParams, ParameterTextReading, void>(method);
}

export interface PlanQueryResult {
  warehouse: 'embedded' | 'bigquery';
  warehouseDescription: string;
  /** `@name` parameters the SQL uses, in order of appearance. */
  parameters: string[];
  /** Of those, the ones without a value: nothing was asked of the engine. */
  missingParameters: string[];
  /** What the statement is and would cost; null when parameters are missing. */
  plan: QueryPlan | null;
  /** The bytes cap every BigQuery job carries; null on the embedded engine. */
  maximumBytesBilled: number | null;
  /**
   * Why the statement will not run whatever a person says (a write on the read-only embedded
   * engine), in the command line's words; null when it may run (a write after confirmation).
   */
  refusal: string | null;
}

/** What a statement is and would scan (a BigQuery dry run; the embedded engine reads the text). Runs nothing. */
export namespace PlanQueryRequest {
  export const method = 'pipelineLens/planQuery';
  export const type = new RequestType<QueryParams, PlanQueryResult, void>(method);
}

export interface RunQueryParams extends QueryParams {
  /** A person confirmed, in a modal naming the statement, table and bytes, that this write may run. */
  writeConfirmed?: boolean;
  /** Rows sent back at most (the rest are counted, not sent). */
  maxRows?: number;
}

export interface RunQueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  /** Rows the statement returned; more than `rows.length` when cut at maxRows. */
  totalRows: number;
  bytesProcessed: number | null;
  durationMs: number;
  statementType: string;
  warehouseDescription: string;
}

export namespace RunQueryRequest {
  export const method = 'pipelineLens/runQuery';
  export const type = new RequestType<RunQueryParams, RunQueryResult, void>(method);
}

export interface StatementRangesParams {
  /** The text of a SQL file. */
  sql: string;
}

/** One statement as offsets in the text: from its first significant token to the end of its last (the `;` left out). */
export interface StatementRange {
  start: number;
  end: number;
}

/** Each statement of a SQL text, split by the engine's BigQuery tokenizer: where the editor puts a "▶ Run" lens. */
export namespace StatementRangesRequest {
  export const method = 'pipelineLens/statementRanges';
  export const type = new RequestType<StatementRangesParams, StatementRange[], void>(method);
}

// ---------------------------------------------------------------------------------------
// Demo workspace

export interface GenerateDemoParams {
  /** An empty folder, or one the demo generator made before (it is replaced). */
  dir: string;
}

export interface GenerateDemoResult {
  root: string;
  /** Commit role (`fix`, `undeployedWorker`...) → full SHA. */
  commits: Record<string, string>;
}

/** Writes the demo workspace (a git repository and an embedded warehouse) with the bundled generator. */
export namespace GenerateDemoRequest {
  export const method = 'pipelineLens/generateDemo';
  export const type = new RequestType<GenerateDemoParams, GenerateDemoResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// Verification

export interface VerifyParams extends WorkspaceScope {
  service: string;
  /** Revision the deployment must contain; HEAD when omitted. */
  target?: string;
}

export interface VerifyResponse extends VerifyResult {
  /** The service's deployCommand from pipeline-lens.json, for a "copy deploy command" action. */
  deployCommand: string | null;
}

/** A verdict as the command line prints it, rendered by the server: what the editor writes to its output channel. */
export interface VerdictText {
  text: string;
}

export namespace VerifyRequest {
  export const method = 'pipelineLens/verify';
  export const type = new RequestType<VerifyParams, VerifyResponse & VerdictText, void>(method);
}

// ---------------------------------------------------------------------------------------
// Readiness before a run

export interface ReadinessParams extends WorkspaceScope {
  /** The game date about to be run, `YYYY-MM-DD`. */
  date: string;
  /** Days before the date that must be graded; the config's readiness.gradingDays when omitted. */
  gradingDays?: number;
}

/** The same checks and verdict as `pipeline-lens check --date D`, and its text. */
export type ReadinessResponse = Readiness & VerdictText;

export namespace ReadinessRequest {
  export const method = 'pipelineLens/checkReadiness';
  export const type = new RequestType<ReadinessParams, ReadinessResponse, void>(method);
}

// ---------------------------------------------------------------------------------------
// Commands the server links to from lenses and hovers; the extension registers them.

export { Commands, type CommandId } from './commandIds';

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
  /** A date to mark on the timeline (`YYYY-MM-DD`). */
  date?: string;
  /** Feature indices whose coverage to chart from the start. */
  features?: number[];
}

export interface VerifyCommandArgs {
  scope?: string;
  service?: string;
}

export interface ReadinessCommandArgs {
  scope?: string;
  date?: string;
}
