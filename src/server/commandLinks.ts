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

/**
 * A link to a web page for markdown. Only https URLs become links; anything markdown would
 * read as the end of the link or as markup (parentheses, brackets, quotes, spaces) is
 * percent-encoded, whatever the URL was built from.
 */
export function webLink(title: string, url: string): string {
  if (!/^https:\/\/[^\s/]+/.test(url)) return escapeMarkdown(title);
  const safe = url.replace(/[()<>[\]\s\\`"'*_{}|^]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${escapeMarkdown(title)}](${safe})`;
}
