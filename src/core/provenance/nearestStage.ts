import type { ServiceConfig } from '../config/types';
import { parseGlobs } from '../git/pathMatcher';
import { isGlobSpecial } from '../git/wildmatch';

/**
 * The configured stage whose paths come closest to a commit that touches none of them:
 * a change next to a stage's code (a sibling folder, a file beside its glob) is often code
 * the stage runs that its paths forgot, and the reader should be told which one.
 */
export interface NearestStage {
  service: string;
  /** The glob of the stage's paths that came closest, as written in the config. */
  glob: string;
  /** The changed file that came closest to it. */
  file: string;
  /** Leading folders the file shares with the glob. */
  sharedFolders: number;
}

/** Folders of a glob before its first wildcard: `a/b/**` → [a, b]; `a/b` (a folder or file) → [a, b]. */
function literalFolders(pattern: string): string[] {
  let end = 0;
  while (end < pattern.length && !isGlobSpecial(pattern.charCodeAt(end))) end += 1;
  const literal = pattern.slice(0, end);
  const parts = literal.split('/');
  // A glob cut mid-name (`a/b*`) leaves a partial last part that names no folder.
  if (end < pattern.length) parts.pop();
  return parts.filter(Boolean);
}

/**
 * The stage sharing the most leading folders with a changed file, or null when none shares
 * even one (a docs commit next to no stage's code). Ties go to the stage listed first.
 */
export function nearestStage(files: readonly string[], services: readonly ServiceConfig[]): NearestStage | null {
  let best: NearestStage | null = null;
  for (const service of services) {
    for (const glob of parseGlobs(service.paths)) {
      if (glob.exclude) continue;
      const folders = literalFolders(glob.pattern);
      for (const file of files) {
        const parts = file.split('/').slice(0, -1);
        let shared = 0;
        while (shared < folders.length && shared < parts.length && folders[shared] === parts[shared]) shared += 1;
        if (shared > 0 && (!best || shared > best.sharedFolders)) best = { service: service.name, glob: glob.raw, file, sharedFolders: shared };
      }
    }
  }
  return best;
}
