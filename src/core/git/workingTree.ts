import type { GitRunner } from './gitRunner';
import { toPathspecs } from './pathMatcher';

/**
 * Repo-relative paths under the globs with uncommitted changes: staged, unstaged, deleted,
 * and untracked files that are not ignored. Sorted, each path once.
 */
export async function dirtyFiles(runner: GitRunner, pathGlobs: string[]): Promise<string[]> {
  const pathspecs = toPathspecs(pathGlobs);
  const output = await runner.text([
    // A background status must not take index.lock: the user's own git commands would fail
    // while it runs.
    '--no-optional-locks',
    'status',
    '--porcelain=v1',
    '-z',
    // Individual files, not "dir/": a new folder may straddle the globs.
    '--untracked-files=all',
    '--no-renames',
    ...(pathspecs.length > 0 ? ['--', ...pathspecs] : []),
  ]);
  return parseStatus(output);
}

/** Parses `git status --porcelain=v1 -z`: "XY path\0", plus "orig\0" after renames and copies. */
export function parseStatus(output: string): string[] {
  const paths = new Set<string>();
  const tokens = output.split('\0');
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.length < 4) continue;
    const status = token.slice(0, 2);
    if (status === '!!') continue;
    paths.add(token.slice(3));
    if (/[RC]/.test(status)) {
      i += 1;
      if (tokens[i]) paths.add(tokens[i]);
    }
  }
  return [...paths].sort();
}
