import type { GitRunner } from './gitRunner';
import { isFullSha } from './revisions';
import { GitError } from './types';

/** One entry of a commit's tree, as `git ls-tree -r` lists it. */
export interface TreeEntry {
  /** `100644`, `100755`, `120000` (symlink) or `160000` (gitlink: a submodule's commit). */
  mode: string;
  type: 'blob' | 'commit';
  /** The blob's id, or the commit a gitlink points at. */
  oid: string;
  /** Repo-relative, forward slashes, as git stores it (no quoting). */
  path: string;
}

/**
 * Every file and gitlink of a commit's tree, in one `git ls-tree -r`. Paths are not limited
 * here: ls-tree understands no glob pathspecs, so the service's globs are applied by the
 * caller, with the matcher that agrees with git.
 */
export async function treeEntries(runner: GitRunner, commit: string): Promise<TreeEntry[]> {
  if (!isFullSha(commit)) throw new GitError(`"${commit}" is not a full commit id; resolve it before listing its tree.`, 'unknown-commit');
  const output = await runner.text(['ls-tree', '-r', '-z', '--full-tree', commit]);
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, Math.max(tab, 0)).split(' ');
    if (tab === -1 || !mode || !oid || (type !== 'blob' && type !== 'commit')) {
      throw new GitError(`git ls-tree printed an entry Pipeline Lens cannot read ("${record.slice(0, 120)}"); its answer is not used.`);
    }
    entries.push({ mode, type, oid, path: record.slice(tab + 1) });
  }
  return entries;
}
