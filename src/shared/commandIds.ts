/*
 * The ids of every command, shared by package.json (checked by a test), the extension that
 * registers them and the server that links to them from lenses and hovers. Plain values with
 * no imports: the extension registers the commands while it activates, before anything else
 * of it (the language client, the protocol's message types) is loaded.
 */
export const Commands = {
  /** Args: [CommitCommandArgs] (optional: the SHA under the cursor, else asks). */
  showCommitProvenance: 'pipelineLens.showCommitProvenance',
  /** Args: [CommitCommandArgs]. */
  showDiff: 'pipelineLens.showDiff',
  /** Args: [CommitCommandArgs]. */
  copySha: 'pipelineLens.copySha',
  /** Args: [TimelineCommandArgs] (optional). */
  openTimeline: 'pipelineLens.openTimeline',
  /** Args: [VerifyCommandArgs] (optional: asks for the service). */
  verifyService: 'pipelineLens.verifyService',
  /** Args: [ReadinessCommandArgs] (optional: asks for the date). */
  checkReadiness: 'pipelineLens.checkReadiness',
  /** Ranked findings as a rendered report (and in the Findings view). */
  investigate: 'pipelineLens.investigate',
  /** Runs the active SQL file or selection. */
  runQuery: 'pipelineLens.runQuery',
  /** What the active SQL would do and scan, without running it. */
  dryRunQuery: 'pipelineLens.dryRunQuery',
  /** Args: [{ dir?: string; open?: boolean }] (optional: asks where). */
  openDemoWorkspace: 'pipelineLens.openDemoWorkspace',
  createConfig: 'pipelineLens.createConfig',
  /** Tree items: the catalog SQL behind a models-tree row, as an editable untitled query. */
  openRowSql: 'pipelineLens.openRowSql',
  /** Tree items: a build against the build before it. */
  compareWithPreviousBuild: 'pipelineLens.compareWithPreviousBuild',
  refresh: 'pipelineLens.refresh',
  showStatus: 'pipelineLens.showStatus',
  showOutput: 'pipelineLens.showOutput',
  /** The investigation as a markdown note in the workspace (docs/handoffs/); asks for the path. */
  exportHandoffNote: 'pipelineLens.exportHandoffNote',
  /** Args: [BigQuerySqlArgs] (optional: asks which folder). */
  openSqlAsBigQuery: 'pipelineLens.openSqlAsBigQuery',
  /** Args: [SelectProfileArgs] (optional: asks which profile). */
  selectWarehouseProfile: 'pipelineLens.selectWarehouseProfile',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
