import type { CancellationToken } from 'vscode-languageserver/node';
import { investigate } from '../../core/findings/investigate';
import { raceAbort } from '../../core/provenance/trackedLoad';
import type { FindingsParams, FindingsResult } from '../../shared/protocol';
import type { ServerContext } from '../serverContext';
import { inWorkspace } from './workspaceRequest';

export function findings(context: ServerContext, params: FindingsParams, token: CancellationToken): Promise<FindingsResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const result = await raceAbort(investigate(workspace, { window: params.window, models: params.models }), signal);
    const source = { configFile: workspace.config.file, warehouse: workspace.warehouseDescription() ?? 'not opened' };
    return { workspaceRoot: workspace.root, source, window: result.window, findings: result.findings, skipped: result.skipped };
  });
}
