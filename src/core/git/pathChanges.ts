import { LOG_FORMAT, parseLogRecords } from './commitInfo';
import { toGitError, type GitRunner } from './gitRunner';
import { toPathspecs } from './pathMatcher';
import { explainMissingRevisions } from './repositoryState';
import { isFullSha, isSafeRevision } from './revisions';
import { GitError, type CommitInfo } from './types';

/**
 * Commits reachable from `to` and not from `from`, newest first, limited to those touching
 * the globs (or the exact paths, e.g. gitlinks the globs reach into). git's default history
 * simplification applies, as in `git log from..to -- path`: merges appear only when they
 * change the paths themselves, and the side-branch commits they bring in are listed on
 * their own.
 */
export async function commitsBetween(runner: GitRunner, from: string, to: string, pathGlobs?: string[], exactPaths: readonly string[] = []): Promise<CommitInfo[]> {
  for (const rev of [from, to]) {
    if (!isSafeRevision(rev)) throw new GitError(`"${rev}" is not a revision git can look up.`, 'unknown-commit');
  }
  const pathspecs = toPathspecs(pathGlobs ?? [], exactPaths);
  const args = [
    'log',
    '-z',
    // These neutralise user config that changes log output: a signature check prints
    // extra lines, log.follow with a glob pathspec crashes git, and i18n.logOutputEncoding
    // or color.ui=always would garble what is parsed.
    '--no-show-signature',
    '--no-follow',
    '--no-color',
    '--encoding=UTF-8',
    // A submodule bump is a change: diff.ignoreSubmodules or a submodule's `ignore` setting
    // must not hide it.
    '--ignore-submodules=none',
    `--format=${LOG_FORMAT}`,
    '--end-of-options',
    `${from}..${to}`,
    ...(pathspecs.length > 0 ? ['--', ...pathspecs] : []),
  ];
  try {
    return parseLogRecords(await runner.text(args));
  } catch (error) {
    const failure = toGitError(error, args);
    if (failure.reason === 'git-missing') throw failure;
    throw await explainMissingRevisions(runner, [from, to], failure);
  }
}

/**
 * Files each commit changed against its first parent (everything, for a root commit), for
 * any number of commits in one `git diff-tree --stdin`. Renames count as a deletion plus an
 * addition so a file moved out of a service's folder still shows up under it.
 * Commits git does not have are left out of the map.
 */
export async function filesChanged(runner: GitRunner, shas: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  // diff-tree --stdin only understands full ids; anything else would be echoed back into
  // the stream.
  const keyOf = new Map(shas.filter(isFullSha).map((sha) => [sha.toLowerCase(), sha]));
  if (keyOf.size === 0) return result;
  const output = await runner.text(
    // --always prints the id of a commit that changed nothing, so it maps to [] rather than
    // looking unknown.
    ['diff-tree', '--stdin', '-r', '--root', '--always', '--no-renames', '--no-ext-diff', '--diff-merges=first-parent', '--name-only', '-z'],
    [...keyOf.keys()].map((sha) => `${sha}\n`).join(''),
  );
  // "<sha>\0" opens each commit's block, then one "<path>\0" per file.
  let current: string[] | undefined;
  for (const token of output.split('\0')) {
    if (token === '') continue;
    const key = keyOf.get(token);
    if (key !== undefined) {
      current = [];
      result.set(key, current);
    } else {
      current?.push(token);
    }
  }
  return result;
}

/** The last commit that changed a glob's paths, and which of them it moved or removed. */
export interface LastChange {
  sha: string;
  subject: string;
  renamed: Array<{ from: string; to: string }>;
  deleted: string[];
}

/**
 * The newest commit of `rev` touching the glob, with renames detected across the whole
 * commit (`--full-diff`), so a folder moved out of the glob shows where it went. Null when
 * no commit ever touched it.
 */
export async function lastChange(runner: GitRunner, rev: string, glob: string): Promise<LastChange | null> {
  if (!isSafeRevision(rev)) throw new GitError(`"${rev}" is not a revision git can look up.`, 'unknown-commit');
  const output = await runner.text([
    'log',
    '-1',
    '-z',
    '-M',
    '--full-diff',
    '--name-status',
    '--no-color',
    '--no-show-signature',
    '--no-follow',
    '--encoding=UTF-8',
    '--format=%H%x1f%s',
    '--end-of-options',
    rev,
    '--',
    ...toPathspecs([glob]),
  ]);
  // "<sha>\x1f<subject>\0", then "\n<status>\0<path>\0" (two paths after R and C statuses).
  const tokens = output.split('\0');
  const header = tokens[0]?.split('\x1f');
  if (!header || !isFullSha(header[0] ?? '')) return null;
  const change: LastChange = { sha: header[0], subject: header.slice(1).join('\x1f'), renamed: [], deleted: [] };
  for (let i = 1; i < tokens.length; i += 1) {
    const status = tokens[i].replace(/^\n+/, '');
    if (!status) continue;
    if (/^[RC]/.test(status)) {
      if (status.startsWith('R')) change.renamed.push({ from: tokens[i + 1], to: tokens[i + 2] });
      i += 2;
    } else {
      if (status === 'D') change.deleted.push(tokens[i + 1]);
      i += 1;
    }
  }
  return change;
}
