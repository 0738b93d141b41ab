// The markdown helpers live in the core, where the CLI's and the editor's reports share them.
export { commandLink, escapeMarkdown } from '../core/report/markdown';
