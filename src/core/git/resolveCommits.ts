import { parseCatFileBatch, type BatchEntry } from './catFileBatch';
import type { CatFileSession } from './catFileSession';
import { parseCommitObject } from './commitInfo';
import type { GitRunner } from './gitRunner';
import { isFullSha, isSafeRevision, isShaPrefix } from './revisions';
import type { CommitInfo, Resolution } from './types';

/**
 * Resolves SHA prefixes with one `git cat-file --batch`, which returns the commit objects
 * with the answers, so found prefixes need no second call. git reports a prefix several
 * commits share as plainly missing there, so prefixes it did not find get one
 * `--batch-check` to spot ambiguity, and only ambiguous ones get two more calls to list
 * their candidates: at most four processes, however many prefixes.
 */
export async function resolveCommits(runner: GitRunner, prefixes: string[], session: CatFileSession | null = null): Promise<Map<string, Resolution>> {
  const lookups = [...new Set(prefixes.filter(isShaPrefix).map((prefix) => prefix.toLowerCase()))];
  const byLookup = new Map<string, Resolution>();
  if (lookups.length > 0) {
    // `^{commit}` makes git choose among commits only: a prefix shared by a commit and a
    // file's blob still names the commit, as it does on git's own command line.
    const entries = await batchOf(
      runner,
      session,
      lookups.map((prefix) => `${prefix}^{commit}`),
    );
    const notFound: string[] = [];
    lookups.forEach((prefix, i) => {
      const entry = entries[i];
      if (entry?.kind === 'object' && entry.type === 'commit') {
        byLookup.set(prefix, { status: 'found', commit: parseCommitObject(entry.sha, entry.body.toString('utf8')) });
      } else {
        notFound.push(prefix);
      }
    });
    for (const [prefix, candidates] of await ambiguousCandidates(runner, notFound, session)) {
      byLookup.set(prefix, { status: 'ambiguous', candidates });
    }
  }
  const result = new Map<string, Resolution>();
  for (const prefix of prefixes) result.set(prefix, byLookup.get(prefix.toLowerCase()) ?? { status: 'unknown' });
  return result;
}

/** Prefixes shared by two or more commits (or annotated tags, which also name commits), with those objects. */
async function ambiguousCandidates(runner: GitRunner, prefixes: string[], session: CatFileSession | null): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (prefixes.length === 0) return result;
  let flagged: Set<string>;
  if (session) {
    // Asked without `^{commit}`, an abbreviation several objects share is answered "ambiguous".
    const entries = await session.request(prefixes);
    flagged = new Set(prefixes.filter((_, i) => entries[i]?.kind === 'ambiguous'));
  } else {
    const checked = await runner.text(['cat-file', '--batch-check'], prefixes.map((prefix) => `${prefix}\n`).join(''));
    flagged = new Set(
      checked
        .split('\n')
        .filter((line) => line.endsWith(' ambiguous'))
        .map((line) => line.slice(0, -' ambiguous'.length)),
    );
  }
  const ambiguous = prefixes.filter((prefix) => flagged.has(prefix));
  if (ambiguous.length === 0) return result;
  const listed = await runner.text(['rev-parse', ...ambiguous.map((prefix) => `--disambiguate=${prefix}`)]);
  const objects = [
    ...new Set(
      listed
        .split('\n')
        .map((line) => line.trim())
        .filter(isFullSha),
    ),
  ];
  if (objects.length === 0) return result;
  const types = await runner.text(['cat-file', '--batch-check=%(objectname) %(objecttype)'], objects.map((sha) => `${sha}\n`).join(''));
  const commitish = types
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([sha, type]) => isFullSha(sha ?? '') && (type === 'commit' || type === 'tag'))
    .map(([sha]) => sha)
    .sort();
  for (const prefix of ambiguous) {
    const candidates = commitish.filter((sha) => sha.startsWith(prefix));
    // Ambiguous only among blobs and trees: no commit has this prefix.
    if (candidates.length >= 2) result.set(prefix, candidates);
  }
  return result;
}

/** Commit details for revisions (normally full SHAs) with one process; unknown ones are left out. */
export async function readCommits(runner: GitRunner, revisions: string[], session: CatFileSession | null = null): Promise<Map<string, CommitInfo>> {
  const result = new Map<string, CommitInfo>();
  const wanted = [...new Set(revisions.filter(isSafeRevision))];
  if (wanted.length === 0) return result;
  (
    await batchOf(
      runner,
      session,
      wanted.map((rev) => `${rev}^{commit}`),
    )
  ).forEach((entry, i) => {
    if (entry.kind === 'object' && entry.type === 'commit') {
      result.set(wanted[i], parseCommitObject(entry.sha, entry.body.toString('utf8')));
    }
  });
  return result;
}

/** `cat-file --batch` answers to the lines: through the open session when there is one, else one process of their own. */
async function batchOf(runner: GitRunner, session: CatFileSession | null, lines: string[]): Promise<BatchEntry[]> {
  if (session) return session.request(lines);
  return parseCatFileBatch(await runner.catFileBytes(['--batch'], lines.map((line) => `${line}\n`).join('')));
}
