import { LRUCache } from 'lru-cache';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { scanShas, type ShaToken } from '../core/text/shaScanner';

/** The SHA-like tokens of a document version; scanned once per version, whatever asks. */
export class DocumentScans {
  private readonly scans = new LRUCache<string, ShaToken[]>({ max: 64 });

  tokens(document: TextDocument): ShaToken[] {
    const key = `${document.uri}@${document.version}`;
    let tokens = this.scans.get(key);
    if (!tokens) {
      tokens = scanShas(document.getText());
      this.scans.set(key, tokens);
    }
    return tokens;
  }

  tokenAt(document: TextDocument, offset: number): ShaToken | null {
    return this.tokens(document).find((t) => t.start <= offset && offset <= t.end) ?? null;
  }
}

export function isSqlDocument(document: TextDocument): boolean {
  return document.languageId === 'sql' || document.languageId === 'bqsql' || /\.(sql|bqsql)$/i.test(document.uri);
}
