import type { PipelineLensConfig } from '../config/types';
import type { TimelineCommit } from '../report/chartTimeline';
import type { DateWindow } from '../warehouse/catalog';
import { LOG_FORMAT, parseLogRecords } from './commitInfo';
import { toPathspecs } from './pathMatcher';

/** A chart with more markers than this is unreadable; the newest are kept. */
const MAX_COMMITS = 200;

/**
 * Commits on HEAD inside the window that touch a service's code, oldest first: the
 * markers a timeline needs (the fix among them). One `git log` per service, bounded by
 * the window's dates, so the cost follows the window, not the repository's age.
 */
export async function serviceCommits(config: PipelineLensConfig, window: DateWindow, gitText: (args: string[]) => Promise<string>): Promise<TimelineCommit[]> {
  const bySha = new Map<string, TimelineCommit>();
  for (const service of config.services) {
    const specs = toPathspecs(service.paths);
    const output = await gitText([
      'log',
      '-z',
      '--no-show-signature',
      '--no-color',
      '--encoding=UTF-8',
      `--format=${LOG_FORMAT}`,
      `--max-count=${MAX_COMMITS}`,
      `--since=${window.from}T00:00:00Z`,
      `--until=${window.to}T23:59:59Z`,
      'HEAD',
      ...(specs.length ? ['--', ...specs] : []),
    ]);
    for (const c of parseLogRecords(output)) {
      const known = bySha.get(c.sha);
      if (known) known.services.push(service.name);
      else bySha.set(c.sha, { sha: c.sha, subject: c.subject, author: c.author, committedAt: c.committedAt, services: [service.name] });
    }
  }
  return [...bySha.values()].sort((a, b) => a.committedAt.localeCompare(b.committedAt)).slice(-MAX_COMMITS);
}
