import { LRUCache } from 'lru-cache';
import { CompletionItemKind, DiagnosticSeverity, type CancellationToken, type CompletionItem, type CompletionParams, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { sqlCompletions, type SqlCompletionKind } from '../core/sql/sqlCompletions';
import { sqlDiagnostics, type SqlProblem } from '../core/sql/sqlDiagnostics';
import { waitFor } from '../core/provenance/trackedLoad';
import { tableRef } from '../core/warehouse/identifiers';
import { toAbortSignal } from './cancellation';
import { isSqlDocument } from './documentScans';
import { withinSizeLimit, workspaceFor, type ServerContext } from './serverContext';
import type { ServerWorkspace } from './serverWorkspace';

const SEVERITY: Record<SqlProblem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

const KIND: Record<SqlCompletionKind, CompletionItemKind> = {
  table: CompletionItemKind.Class,
  column: CompletionItemKind.Field,
  feature: CompletionItemKind.Constant,
};

const SCHEMA_TTL_MS = 10 * 60_000;

/** BigQuery SQL files: diagnostics and completion from the workspace's config (hovers live with the others). */
export class SqlSupport {
  /** Columns the warehouse reports per table, so completion knows more than the config names. */
  private readonly schemas = new WeakMap<ServerWorkspace, LRUCache<string, Promise<string[]>>>();

  constructor(private readonly context: ServerContext) {}

  diagnostics(document: TextDocument): Diagnostic[] {
    if (!isSqlDocument(document) || !withinSizeLimit(this.context, document)) return [];
    const workspace = workspaceFor(this.context, document.uri);
    if (!workspace) return [];
    return sqlDiagnostics(document.getText(), workspace.sql).map((p) => ({
      range: { start: document.positionAt(p.start), end: document.positionAt(p.end) },
      severity: SEVERITY[p.severity],
      code: p.code,
      source: 'pipeline-lens',
      message: p.message,
    }));
  }

  async completion(params: CompletionParams, token: CancellationToken): Promise<CompletionItem[]> {
    const document = this.context.documents.get(params.textDocument.uri);
    if (!document || !isSqlDocument(document) || !withinSizeLimit(this.context, document)) return [];
    const workspace = workspaceFor(this.context, document.uri);
    if (!workspace) return [];
    const schemas = await this.schemasWithin(workspace, this.context.settings().hoverWarehouseBudgetMs, token);
    const offset = document.offsetAt(params.position);
    const result = sqlCompletions(document.getText(), offset, workspace.sql, schemas);
    const range = { start: document.positionAt(result.replaceStart), end: document.positionAt(result.replaceEnd) };
    return result.items.map((item) => ({
      label: item.label,
      kind: KIND[item.kind],
      detail: item.detail,
      documentation: item.documentation,
      filterText: item.filterText,
      sortText: item.sortText,
      textEdit: { range, newText: item.insertText },
    }));
  }

  /**
   * Warehouse schemas of the configured tables, as far as they are known within `ms`; the
   * rest keep loading for the next completion. Only the embedded engine is asked: on
   * BigQuery even a `LIMIT 0` query is a billed job, and its metadata API is the right tool.
   */
  private async schemasWithin(workspace: ServerWorkspace, ms: number, token: CancellationToken): Promise<Map<string, string[]>> {
    let cache = this.schemas.get(workspace);
    if (!cache) {
      cache = new LRUCache({ max: 64, ttl: SCHEMA_TTL_MS });
      this.schemas.set(workspace, cache);
    }
    const loads = new Map<string, Promise<string[]>>();
    for (const table of workspace.sql.tables) {
      let load = cache.get(table.name);
      if (!load) {
        load = this.readSchema(workspace, table.name);
        cache.set(table.name, load);
        const stored = load;
        load.catch(() => cache.set(table.name, stored, { ttl: 10_000 }));
      }
      loads.set(table.name, load);
    }
    const settled = new Map<string, string[]>();
    const track = [...loads.entries()].map(([name, p]) =>
      p.then(
        (columns) => void settled.set(name, columns),
        () => undefined,
      ),
    );
    await waitFor(track, ms, toAbortSignal(token));
    return settled;
  }

  private async readSchema(workspace: ServerWorkspace, table: string): Promise<string[]> {
    const warehouse = await workspace.warehouse();
    if (warehouse.kind !== 'embedded') return [];
    const result = await warehouse.query({ name: 'schema', sql: `SELECT * FROM ${tableRef(table)} LIMIT 0`, params: {}, types: {} });
    return result.columns;
  }
}
