import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { ViewThresholds, WorkspaceScope } from '../../shared/protocol';
import { cancelled, isAbort, toAbortSignal } from '../cancellation';
import type { ServerContext } from '../serverContext';
import type { ServerWorkspace } from '../serverWorkspace';

/**
 * Runs a request for the workspace its scope falls in: a scope without a usable config is
 * refused with what to do, a cancelled request answers as cancelled, and any other error
 * reaches the client as its message.
 */
export async function inWorkspace<T>(
  context: ServerContext,
  params: WorkspaceScope,
  token: CancellationToken,
  task: (workspace: ServerWorkspace, signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  await context.registry.loaded;
  const entry = context.registry.forScope(params.scope);
  if (!entry) throw new ResponseError(ErrorCodes.InvalidRequest, 'No pipeline-lens.json in this workspace: create one (see docs/configuration.md) or open the demo workspace.');
  if (!entry.workspace) throw new ResponseError(ErrorCodes.InvalidRequest, entry.problem ?? `${entry.configFile} could not be loaded.`);
  const signal = toAbortSignal(token);
  try {
    return await task(entry.workspace, signal);
  } catch (error) {
    if (isAbort(error) || signal?.aborted) throw cancelled();
    if (error instanceof ResponseError) throw error;
    throw new ResponseError(ErrorCodes.InternalError, (error as Error).message);
  }
}

export function viewThresholds(workspace: ServerWorkspace): ViewThresholds {
  const t = workspace.config.thresholds;
  return { hitRate: t.hitRate, gradingCoverage: t.gradingCoverage, featureCoverage: t.featureCoverage, minSample: t.minSample };
}
