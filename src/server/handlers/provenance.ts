import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { isFullSha } from '../../core/git/revisions';
import { commitProvenance as oneShotProvenance } from '../../core/provenance/commitProvenance';
import { rerunsAfterCommits } from '../../core/rerun/commitReruns';
import { raceAbort } from '../../core/provenance/trackedLoad';
import type { CommitDiffResult, CommitParams, CommitProvenanceResult } from '../../shared/protocol';
import { isAbort } from '../cancellation';
import { provenanceMarkdown, rerunsMarkdown } from '../provenanceMarkdown';
import type { ServerContext } from '../serverContext';
import { inWorkspace } from './workspaceRequest';

/** Largest diff sent to the client; a vendored-library commit can be hundreds of megabytes. */
const MAX_DIFF_CHARS = 2_000_000;

export function commitProvenance(context: ServerContext, params: CommitParams, token: CancellationToken): Promise<CommitProvenanceResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const lookup = await workspace.provenance.shaLookup(signal);
    const full = lookup.full(params.sha);
    let provenance;
    if (full) {
      const view = await workspace.provenance.provenance([full], { signal, waitMs: null });
      provenance = view.commits.get(full);
      if (provenance) {
        // The report a person opened may cost its own query: re-runs written after the commit.
        let rerunSection = '';
        if (view.window) {
          try {
            rerunSection = rerunsMarkdown(await raceAbort(rerunsAfterCommits(workspace, [provenance], view.window), signal), full);
          } catch (error) {
            if (isAbort(error)) throw error;
            rerunSection = rerunsMarkdown({ recorded: false, reason: (error as Error).message }, full);
          }
        }
        return {
          workspaceRoot: workspace.root,
          provenance: { ...provenance, query: params.sha },
          markdown: `# Commit ${full.slice(0, 8)}\n\n${provenanceMarkdown(provenance, view, { scope: params.scope, full: true, links: view.links.get(full) })}\n${rerunSection ? `\n${rerunSection}` : ''}`,
        };
      }
    }
    // Not reachable from any ref (or ambiguous): the engine's one-shot path says why.
    [provenance] = await raceAbort(oneShotProvenance(workspace, [params.sha]), signal);
    const ready = { state: 'ready' as const };
    return {
      workspaceRoot: workspace.root,
      provenance,
      markdown: `# Commit ${params.sha}\n\n${provenanceMarkdown(provenance, { deployments: ready, runs: ready, results: ready }, { scope: params.scope, full: true })}\n`,
    };
  });
}

export function commitDiff(context: ServerContext, params: CommitParams, token: CancellationToken): Promise<CommitDiffResult> {
  return inWorkspace(context, params, token, async (workspace, signal) => {
    const full = (await workspace.provenance.shaLookup(signal)).full(params.sha) ?? (isFullSha(params.sha) ? params.sha : null);
    if (!full) throw new ResponseError(ErrorCodes.InvalidParams, `${params.sha} is not a commit of ${workspace.root} (or names several); give more characters.`);
    let text = await raceAbort(workspace.gitText(['show', '--no-color', '--no-ext-diff', '--stat', '--patch', '--format=fuller', full]), signal);
    if (text.length > MAX_DIFF_CHARS)
      text = `${text.slice(0, MAX_DIFF_CHARS)}\n\n… cut at ${MAX_DIFF_CHARS.toLocaleString('en-US')} characters; run \`git show ${full}\` for the rest.\n`;
    return { title: `${full.slice(0, 8)}.diff`, text };
  });
}
