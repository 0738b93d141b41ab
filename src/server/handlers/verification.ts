import { relative, sep } from 'node:path';
import type { CancellationToken } from 'vscode-languageserver/node';
import { pathMatcher } from '../../core/git/pathMatcher';
import { raceAbort } from '../../core/provenance/trackedLoad';
import { renderVerify } from '../../core/report/renderVerify';
import { verifyDeployment } from '../../core/verify/verifyDeployment';
import type { DeploymentsResult, OwningServicesParams, VerdictText, VerifyParams, VerifyResponse, WorkspaceScope } from '../../shared/protocol';
import { deploymentsOverview } from '../deploymentsOverview';
import type { ServerContext } from '../serverContext';
import { toPath } from '../workspaceRegistry';
import { inWorkspace } from './workspaceRequest';

/** Verify Deployment Before Backfill: the engine's verdict, with the service's deploy command and the CLI's text of it. */
export function verify(context: ServerContext, params: VerifyParams, token: CancellationToken): Promise<VerifyResponse & VerdictText> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const result = await raceAbort(verifyDeployment(workspace, params.service, params.target ?? 'HEAD'), signal);
    return { ...result, deployCommand: workspace.config.services.find((s) => s.name === params.service)?.deployCommand ?? null, text: renderVerify(result) };
  });
}

/** The deployments view: each service's revisions and what serves. */
export function deployments(context: ServerContext, params: WorkspaceScope, token: CancellationToken): Promise<DeploymentsResult> {
  return inWorkspace(context, params, token, (workspace, signal) => raceAbort(deploymentsOverview(workspace), signal));
}

/** The services whose paths hold a file: what the status bar verifies for the active editor. */
export async function owningServices(context: ServerContext, params: OwningServicesParams): Promise<{ services: string[] }> {
  await context.registry.loaded;
  const entry = context.registry.forScope(params.uri);
  const path = toPath(params.uri);
  const workspace = entry?.workspace;
  if (!workspace || !path) return { services: [] };
  const rel = relative(workspace.config.repository, path);
  if (rel.startsWith('..') || rel === '') return { services: [] };
  const repoPath = rel.split(sep).join('/');
  return { services: workspace.config.services.filter((s) => pathMatcher(s.paths)(repoPath)).map((s) => s.name) };
}
