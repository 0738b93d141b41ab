/**
 * A `command:` link for markdown. VS Code runs it only if the client marked the markdown as
 * trusted for that command (the extension's `markdown.isTrusted.enabledCommands`).
 */
export function commandLink(title: string, command: string, ...args: unknown[]): string {
  const query = args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : '';
  return `[${escapeMarkdown(title)}](command:${command}${query})`;
}

/** Text from git or the warehouse, safe inside markdown and table cells. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}
