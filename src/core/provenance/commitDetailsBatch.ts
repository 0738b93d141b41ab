import { StringDecoder } from 'node:string_decoder';
import { LOG_FORMAT, parseLogRecords } from '../git/commitInfo';
import type { GitRunner } from '../git/gitRunner';
import { isFullSha } from '../git/revisions';
import type { CommitInfo } from '../git/types';

export interface CommitDetails {
  commit: CommitInfo;
  /** Files changed against the first parent (everything, for a root commit). */
  files: string[];
}

/** Starts each commit's record; a path never begins with it in practice, a header always does. */
const RECORD = '\x1e';

/**
 * Subject, author, times, parents and changed files of any number of commits in one git
 * process: `git log --no-walk --stdin` prints each commit given, in order, with its
 * `--name-only` listing. Only full SHAs are asked for (callers resolve prefixes first), and
 * missing ones are skipped, so a single unknown token can never fail the whole batch.
 * Each commit is handed to `onCommit` as soon as its record is read, so the first lines of
 * a document need not wait for the last commit's files.
 */
export async function readCommitDetails(runner: GitRunner, shas: string[], onCommit?: (sha: string, details: CommitDetails) => void): Promise<Map<string, CommitDetails>> {
  const wanted = [...new Set(shas.filter(isFullSha).map((s) => s.toLowerCase()))];
  const result = new Map<string, CommitDetails>();
  if (wanted.length === 0) return result;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const take = (record: string) => {
    const details = parseRecord(record);
    if (!details) return;
    const sha = details.commit.sha.toLowerCase();
    result.set(sha, details);
    onCommit?.(sha, details);
  };
  await runner.stream(
    [
      'log',
      '--no-walk=unsorted',
      // A SHA git does not have is skipped rather than failing the batch. It must come
      // before --stdin: git applies it to revisions read after it.
      '--ignore-missing',
      '--stdin',
      // Neutralise user config that would change what is parsed (signatures, colour,
      // encodings) or hide a root commit's files (log.showRoot=false).
      '--no-show-signature',
      '--no-color',
      '--encoding=UTF-8',
      '--root',
      '-z',
      '--name-only',
      '--no-renames',
      '--diff-merges=first-parent',
      `--format=${RECORD}${LOG_FORMAT}`,
    ],
    wanted.map((sha) => `${sha}\n`).join(''),
    (chunk) => {
      pending += decoder.write(chunk);
      const records = pending.split(RECORD);
      // The last piece may still be growing: a record is whole once the next one starts.
      pending = records.pop() ?? '';
      for (const record of records) if (record) take(record);
    },
  );
  pending += decoder.end();
  if (pending) take(pending);
  return result;
}

function parseRecord(record: string): CommitDetails | null {
  const headerEnd = record.indexOf('\0');
  const header = headerEnd === -1 ? record : record.slice(0, headerEnd);
  const [commit] = parseLogRecords(header);
  if (!commit) return null;
  const files =
    headerEnd === -1
      ? []
      : record
          .slice(headerEnd + 1)
          .split('\0')
          .map((f) => f.replace(/^\n+/, ''))
          .filter(Boolean);
  return { commit, files };
}
