import { StringDecoder } from 'node:string_decoder';
import { parseLogRecords, subjectOf } from '../git/commitInfo';
import type { GitRunner } from '../git/gitRunner';
import { isFullSha } from '../git/revisions';
import type { CommitInfo } from '../git/types';

export interface CommitDetails {
  commit: CommitInfo;
  /** Files changed against the first parent (everything, for a root commit). */
  files: string[];
  /** The whole message, for what only a body says (a merge request a merge commit names). */
  message: string;
}

/** Starts each commit's record; a path never begins with it in practice, a header always does. */
const RECORD = '\x1e';
/** A record start: the separator followed by a SHA and a field separator, so a message holding \x1e cannot split a record. */
// eslint-disable-next-line no-control-regex -- git log's format separates records and fields with the ASCII separators RS and US
const RECORD_START = /\x1e(?=[0-9a-f]{40,64}\x1f)/;
/** The fields of LOG_FORMAT with the raw message (`%B`) in place of the subject, last for the same reason. */
const DETAILS_FORMAT = '%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct%x1f%B';

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
      `--format=${RECORD}${DETAILS_FORMAT}`,
    ],
    wanted.map((sha) => `${sha}\n`).join(''),
    (chunk) => {
      pending += decoder.write(chunk);
      const records = pending.split(RECORD_START);
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
  const [parsed] = parseLogRecords(header);
  if (!parsed) return null;
  // parseLogRecords read the raw message as the subject; the subject is its first paragraph, as %s gives it.
  const message = parsed.subject.replace(/\n+$/, '');
  const commit = { ...parsed, subject: subjectOf(message) };
  const files =
    headerEnd === -1
      ? []
      : record
          .slice(headerEnd + 1)
          .split('\0')
          .map((f) => f.replace(/^\n+/, ''))
          .filter(Boolean);
  return { commit, files, message };
}
