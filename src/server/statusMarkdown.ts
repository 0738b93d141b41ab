import { escapeMarkdown } from './commandLinks';
import { Commands, type ServerStatus, type WorkspaceStatus } from '../shared/protocol';

const STATE: Record<WorkspaceStatus['commitGraph'], string> = {
  none: 'not loaded yet',
  loading: 'loading…',
  ready: '✓ ready',
  failed: '✗ failed (see the Pipeline Lens output)',
};

/** The server's status as a report: per workspace what is loaded, what failed and why. */
export function statusMarkdown(status: ServerStatus): string {
  const out = ['# Pipeline Lens server status', ''];
  out.push(`Language server process ${status.pid} · ${status.counters.gitProcesses} git processes and ${status.counters.warehouseQueries} warehouse queries since it started.`, '');
  if (status.workspaces.length === 0) out.push('No workspace with a pipeline-lens.json is open.', '');
  for (const w of status.workspaces) {
    out.push(`## ${escapeMarkdown(w.root)}`, '');
    if (w.problem) out.push(`**✗ Cannot be used:** ${escapeMarkdown(w.problem)}`, '');
    out.push('| | |', '|---|---|');
    out.push(`| config | ${escapeMarkdown(w.configFile)} |`);
    out.push(`| warehouse | ${w.warehouse ? escapeMarkdown(w.warehouse) : 'not opened yet'} |`);
    out.push(`| services | ${w.services.length ? w.services.map(escapeMarkdown).join(', ') : 'none configured'} |`);
    out.push(`| commit graph | ${STATE[w.commitGraph]}${w.commitGraph === 'ready' ? `, ${w.commitsIndexed.toLocaleString('en-US')} commits` : ''} |`);
    out.push(`| commit details cached | ${w.cachedCommitDetails.toLocaleString('en-US')} |`);
    out.push(`| deployments | ${STATE[w.deployments]} |`);
    out.push(`| runs | ${STATE[w.runs]} |`);
    out.push(`| results by build | ${STATE[w.results]} |`);
    out.push('');
  }
  out.push(`[Show Output](command:${Commands.showOutput}) · [Refresh](command:${Commands.refresh})`);
  return out.join('\n');
}
