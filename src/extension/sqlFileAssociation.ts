/*
 * Which `.sql` files open as BigQuery SQL. VS Code's own `files.associations` does the
 * associating, so the grammar and the language server apply from the moment a file opens,
 * before the extension has even activated; the product only writes the entry, and only when
 * a person asks (another SQL extension may own `.sql` elsewhere).
 */

/** The language id the extension contributes, with the BigQuery grammar. */
export const BIGQUERY_SQL = 'bqsql';

/**
 * The `files.associations` pattern for the `.sql` files under a workspace-relative folder
 * ('' or '.': every `.sql` file of the workspace). A pattern with a slash is matched against
 * the absolute path, hence the leading `**`; one without matches the file name anywhere.
 */
export function sqlAssociationPattern(folder: string): string {
  const rel = folder
    .replace(/\\/g, '/')
    .replace(/^\.?\/+|\/+$/g, '')
    .replace(/^\.$/, '');
  return rel === '' ? '*.sql' : `**/${rel}/**/*.sql`;
}

/** The associations with `.sql` under `folder` added, or null when they already are there. */
export function withSqlAssociation(associations: Record<string, string> | undefined, folder: string): Record<string, string> | null {
  const pattern = sqlAssociationPattern(folder);
  if (associations?.[pattern] === BIGQUERY_SQL) return null;
  return { ...(associations ?? {}), [pattern]: BIGQUERY_SQL };
}

/** Whether a workspace-relative path (forward slashes) lies under the folder the pattern was made for. */
export function isUnderFolder(relativePath: string, folder: string): boolean {
  const pattern = sqlAssociationPattern(folder);
  if (!relativePath.toLowerCase().endsWith('.sql')) return false;
  if (pattern === '*.sql') return true;
  const rel = pattern.slice('**/'.length, -'/**/*.sql'.length);
  return `/${relativePath}`.includes(`/${rel}/`);
}
