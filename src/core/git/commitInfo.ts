import type { CommitInfo } from './types';

/** Length of `CommitInfo.shortSha`: the convention people paste, stable across calls. */
export const SHORT_SHA_LENGTH = 7;

/**
 * Fields separated by the unit separator and records by NUL (`git log -z`): a subject can
 * hold any printable character, but git never stores NUL in a message. The subject comes
 * last so that even a stray \x1f in it cannot shift the other fields.
 */
export const LOG_FORMAT = '%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct%x1f%s';

export function isoFromUnixSeconds(seconds: string | number): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

/** Parses the output of `git log -z --format=LOG_FORMAT`. */
export function parseLogRecords(output: string): CommitInfo[] {
  const commits: CommitInfo[] = [];
  for (const record of output.split('\0')) {
    const trimmed = record.replace(/^\n+/, '');
    if (!trimmed) continue;
    const fields = trimmed.split('\x1f');
    if (fields.length < 7) continue;
    const [sha, parents, author, authorEmail, authoredAt, committedAt] = fields;
    commits.push({
      sha,
      shortSha: sha.slice(0, SHORT_SHA_LENGTH),
      subject: fields.slice(6).join('\x1f'),
      author,
      authorEmail,
      committedAt: isoFromUnixSeconds(committedAt),
      authoredAt: isoFromUnixSeconds(authoredAt),
      parents: parents ? parents.split(' ') : [],
    });
  }
  return commits;
}

/** Parses a raw commit object as `git cat-file --batch` prints it. */
export function parseCommitObject(sha: string, body: string): CommitInfo {
  const blank = body.indexOf('\n\n');
  const headerText = blank === -1 ? body : body.slice(0, blank);
  const message = blank === -1 ? '' : body.slice(blank + 2);
  const parents: string[] = [];
  let author: Identity = { name: '', email: '', seconds: 0 };
  let committer: Identity = author;
  for (const line of headerText.split('\n')) {
    // Continuation lines (gpgsig, mergetag) start with a space and are never identities.
    if (line.startsWith('parent ')) parents.push(line.slice(7));
    else if (line.startsWith('author ')) author = parseIdentity(line.slice(7));
    else if (line.startsWith('committer ')) committer = parseIdentity(line.slice(10));
  }
  return {
    sha,
    shortSha: sha.slice(0, SHORT_SHA_LENGTH),
    subject: subjectOf(message),
    author: author.name,
    authorEmail: author.email,
    committedAt: isoFromUnixSeconds(committer.seconds),
    authoredAt: isoFromUnixSeconds(author.seconds),
    parents,
  };
}

interface Identity {
  name: string;
  email: string;
  seconds: number;
}

function parseIdentity(value: string): Identity {
  const open = value.indexOf('<');
  const close = value.lastIndexOf('>');
  if (open === -1 || close < open) return { name: value.trim(), email: '', seconds: 0 };
  const when = value
    .slice(close + 1)
    .trim()
    .split(/\s+/)[0];
  return { name: value.slice(0, open).trim(), email: value.slice(open + 1, close), seconds: Number(when) || 0 };
}

/** Same as git's `%s`: the first paragraph, its lines joined by spaces. */
export function subjectOf(message: string): string {
  const lines = message.split('\n');
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i += 1;
  const paragraph: string[] = [];
  for (; i < lines.length && lines[i].trim() !== ''; i += 1) paragraph.push(lines[i].trimEnd());
  return paragraph.join(' ');
}
