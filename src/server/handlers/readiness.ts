import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { raceAbort } from '../../core/provenance/trackedLoad';
import { checkReadiness } from '../../core/readiness/readiness';
import { renderReadiness } from '../../core/report/renderReadiness';
import { parseDate } from '../../core/warehouse/temporalValues';
import type { ReadinessParams, ReadinessResponse } from '../../shared/protocol';
import type { ServerContext } from '../serverContext';
import { inWorkspace } from './workspaceRequest';

/** Check Readiness for a Date: the engine's checkReadiness, the code behind `pipeline-lens check --date`, and the CLI's text of it. */
export function readiness(context: ServerContext, params: ReadinessParams, token: CancellationToken): Promise<ReadinessResponse> {
  if (parseDate(params.date) === null) throw new ResponseError(ErrorCodes.InvalidParams, `${JSON.stringify(params.date)} is not a date; give YYYY-MM-DD, e.g. 2026-02-03.`);
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const result = await raceAbort(checkReadiness(workspace, params.date, { gradingDays: params.gradingDays }), signal);
    return { ...result, text: renderReadiness(result) };
  });
}
