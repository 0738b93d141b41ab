/**
 * A `command:` link for markdown. VS Code runs it only where the markdown is trusted for
 * that command (hovers: the extension's `markdown.isTrusted.enabledCommands`; the report
 * panel: its webview's `enableCommandUris`). In a file on disk it is plain text.
 */
export function commandLink(title: string, command: string, ...args: unknown[]): string {
  return `[${escapeMarkdown(title)}](${commandUri(command, ...args)})`;
}

/** The `command:` URI a link runs: the command and its arguments as JSON. */
export function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ''}`;
}

/** Text from git or the warehouse, safe inside markdown and table cells. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

/**
 * Prose from git or the warehouse in a document people also read as source (a handoff
 * note): only what would change how it renders is escaped, so `catboost_v8 (index 8)` stays
 * as written. Brackets are escaped, which keeps parentheses from forming links.
 */
export function escapeProse(text: string): string {
  return text
    .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/(^|[^\p{L}\p{N}])_|_(?=$|[^\p{L}\p{N}])/gu, (m) => m.replace('_', '\\_'))
    .replace(/^([#+-])/, '\\$1')
    .replace(/\n/g, ' ');
}
