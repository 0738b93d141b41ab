import { MarkupKind, type CancellationToken, type Hover, type HoverParams } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { cutMessage } from '../core/git/historyCut';
import type { ProvenanceService } from '../core/provenance/documentProvenance';
import { sqlHoverAt } from '../core/sql/sqlHover';
import { cancelled, isAbort, toAbortSignal } from './cancellation';
import { escapeMarkdown } from './commandLinks';
import type { CommitLenses } from './commitLenses';
import { isSqlDocument } from './documentScans';
import { gapGroups, provenanceMarkdown } from './provenanceMarkdown';
import { withinSizeLimit, workspaceFor, type ServerContext } from './serverContext';
import { primaryModelsOf } from './settings';

/**
 * Hovers: on a commit SHA in any document, its provenance; on a feature offset or a
 * configured table in SQL, what the config says about it. A SHA hover waits for git (local)
 * but for deployments and the warehouse only as long as the hover budget allows.
 */
export class Hovers {
  constructor(
    private readonly context: ServerContext,
    private readonly lenses: CommitLenses,
  ) {}

  async hover(params: HoverParams, token: CancellationToken): Promise<Hover | null> {
    const document = this.context.documents.get(params.textDocument.uri);
    if (!document || !withinSizeLimit(this.context, document)) return null;
    const workspace = workspaceFor(this.context, document.uri);
    if (!workspace) return null;
    const offset = document.offsetAt(params.position);

    if (isSqlDocument(document)) {
      const sql = sqlHoverAt(document.getText(), offset, workspace.sql);
      if (sql) {
        return {
          contents: { kind: MarkupKind.Markdown, value: sql.contents },
          range: { start: document.positionAt(sql.start), end: document.positionAt(sql.end) },
        };
      }
    }

    const shaToken = this.context.scans.tokenAt(document, offset);
    if (!shaToken) return null;
    const signal = toAbortSignal(token);
    const started = Date.now();
    try {
      // The whole document's commits (in memory against the commit graph), so a hover before
      // any lens still reads their details in the document's one git batch.
      const tokens = this.context.scans.tokens(document).map((t) => t.text);
      const resolved = await workspace.provenance.resolveShas(this.lenses.commitsOf(document.uri) ? [shaToken.text] : tokens, signal);
      const sha = resolved.get(shaToken.text);
      if (!sha) return await this.beyondTheCut(workspace.provenance, shaToken, document, signal);
      const view = await workspace.provenance.provenance([sha], {
        signal,
        waitMs: this.context.settings().hoverWarehouseBudgetMs,
        batch: this.lenses.commitsOf(document.uri) ?? [...new Set(resolved.values())],
      });
      const provenance = view.commits.get(sha);
      if (!provenance) return null;
      // Runs that re-ran dates carry what they replaced: the hover's own query, per range of
      // dates, within what is left of the budget (a warehouse that hangs leaves it pending).
      const budget = this.context.settings().hoverWarehouseBudgetMs;
      const ranges = view.runs.state === 'ready' ? gapGroups(provenance.services).map((g) => g.dates) : [];
      const reruns = ranges.length ? await workspace.provenance.reruns(ranges, { signal, waitMs: Math.max(0, budget - (Date.now() - started)) }) : undefined;
      if ([view.deployments, view.runs, view.results].some((p) => p.state === 'loading')) this.context.servedPartial(workspace);
      return {
        contents: {
          kind: MarkupKind.Markdown,
          value: provenanceMarkdown(provenance, view, {
            scope: document.uri,
            links: view.links.get(sha),
            primaryModels: primaryModelsOf(this.context.settings(), workspace.config),
            reruns,
          }),
        },
        range: { start: document.positionAt(shaToken.start), end: document.positionAt(shaToken.end) },
      };
    } catch (error) {
      if (isAbort(error)) throw cancelled();
      this.context.logger.warnOnce(`Hover on ${shaToken.text} failed: ${(error as Error).message}`);
      return null;
    }
  }

  /**
   * A SHA-like token that names no local commit: in a shallow clone it may well be a commit
   * beyond the cut, and the hover says so rather than nothing. Elsewhere it is just hex.
   */
  private async beyondTheCut(
    provenance: ProvenanceService,
    token: { text: string; start: number; end: number },
    document: TextDocument,
    signal: AbortSignal | undefined,
  ): Promise<Hover | null> {
    const cut = await provenance.historyCut(signal);
    // An abbreviation several local commits share is in local history, just ambiguous.
    if (!cut.shallow || (await provenance.shaLookup(signal)).resolve(token.text) !== null) return null;
    return {
      contents: {
        kind: MarkupKind.Markdown,
        value: escapeMarkdown(`${token.text} is not in local history: ${cutMessage(cut.anyBoundary, `whether it is a commit of this repository`)}.`),
      },
      range: { start: document.positionAt(token.start), end: document.positionAt(token.end) },
    };
  }
}
