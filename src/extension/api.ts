import type { Uri } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DeploymentStatusItem } from './statusBar/deploymentStatusItem';
import type { DryRunStatusItem } from './statusBar/dryRunStatusItem';
import type { PipelineViews } from './views/pipelineViews';
import type { QueryResultsPanel } from './webviews/queryResultsPanel';
import type { ReportPanel } from './webviews/reportPanel';
import type { TimelinePanel } from './webviews/timelinePanel';

/** The extension once its server runs: what the end-to-end tests look at through `activate()`'s result. */
export interface StartedApi {
  client: LanguageClient;
  /** The folder VS Code writes the Pipeline Lens output channel's log to (the extension's logUri). */
  logFolder: Uri;
  views: PipelineViews;
  deploymentStatus: DeploymentStatusItem;
  dryRunStatus: DryRunStatusItem;
  timeline(): TimelinePanel | undefined;
  queryResults(): QueryResultsPanel | undefined;
  /** The rendered report panel (provenance, investigation, status), if open. */
  report(): ReportPanel | undefined;
}

/**
 * What `activate()` returns. Nothing in it changes the extension; it exists so tests in a
 * real extension host can read the trees and panels a person sees.
 */
export interface PipelineLensApi {
  /** True while the workspace is untrusted: nothing runs. */
  readonly restricted: boolean;
  /** Resolves once the language server runs (in Restricted Mode, after the workspace is trusted). */
  readonly started: Promise<StartedApi>;
}
