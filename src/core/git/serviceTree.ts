import { globMatcher, globReachesInto, parseGlobs, pathMatcher, type ParsedGlob } from './pathMatcher';
import type { TreeEntry } from './treeEntries';

/**
 * The part of a commit's tree that a service's globs select: the files they match and the
 * gitlinks they match or reach into (a submodule under `libs/featurelib/**` is the gitlink
 * `libs/featurelib`: its files are in another repository, its version is in this tree).
 */
export function serviceEntries(globs: readonly string[], entries: readonly TreeEntry[]): Map<string, TreeEntry> {
  const selects = pathMatcher(globs);
  const reaches = gitlinkReach(globs);
  const selected = new Map<string, TreeEntry>();
  for (const entry of entries) {
    if (selects(entry.path) || (entry.type === 'commit' && reaches(entry.path))) selected.set(entry.path, entry);
  }
  return selected;
}

/** Gitlinks among the entries that the globs reach into without matching them: git's own pathspecs would miss them. */
export function reachedGitlinks(globs: readonly string[], entries: readonly TreeEntry[]): string[] {
  const selects = pathMatcher(globs);
  const reaches = gitlinkReach(globs);
  return entries.filter((entry) => entry.type === 'commit' && !selects(entry.path) && reaches(entry.path)).map((entry) => entry.path);
}

function gitlinkReach(globs: readonly string[]): (path: string) => boolean {
  const parsed = parseGlobs(globs);
  const includes = parsed.filter((glob) => !glob.exclude);
  const excludes = parsed.filter((glob) => glob.exclude).map((glob) => globMatcher(glob.pattern));
  return (path) => includes.some((glob) => globReachesInto(glob.pattern, path)) && !excludes.some((match) => match(path));
}

/** Positive globs that select nothing in any of the trees: a renamed folder, a case typo, a glob character meant literally. */
export function globsMatchingNothing(globs: readonly string[], trees: ReadonlyArray<readonly TreeEntry[]>): ParsedGlob[] {
  return parseGlobs(globs)
    .filter((glob) => !glob.exclude)
    .filter((glob) => {
      const match = globMatcher(glob.pattern);
      return !trees.some((entries) => entries.some((entry) => match(entry.path) || (entry.type === 'commit' && globReachesInto(glob.pattern, entry.path))));
    });
}

/** Paths whose entry (content, mode, or gitlink target) differs between two selections, or that only one holds; sorted. */
export function entriesThatDiffer(a: ReadonlyMap<string, TreeEntry>, b: ReadonlyMap<string, TreeEntry>): string[] {
  const differ: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path);
    const y = b.get(path);
    if (!x || !y || x.oid !== y.oid || x.mode !== y.mode) differ.push(path);
  }
  return differ.sort();
}
