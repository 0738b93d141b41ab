import { escapeMarkdown } from '../core/report/markdown';

// The markdown helpers live in the core, where the CLI's and the editor's reports share them.
export { commandLink, escapeMarkdown } from '../core/report/markdown';

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
