import picomatch from 'picomatch';

/**
 * Service path globs (`predictions/worker/**`, `!predictions/worker/docs`) are matched two
 * ways: by git, through `:(glob)` pathspecs, and in memory, through `pathMatcher`. Both
 * follow git's glob rules so the two never disagree: `*` stops at `/`, `**` crosses directories, dotfiles
 * match, a pattern without wildcards also names everything under it, and a leading `!`
 * excludes. No positive pattern means the whole repository, as with git.
 */
interface ParsedGlob {
  pattern: string;
  exclude: boolean;
}

function parseGlobs(globs: readonly string[]): ParsedGlob[] {
  const parsed: ParsedGlob[] = [];
  for (const raw of globs) {
    const exclude = raw.startsWith('!');
    const pattern = (exclude ? raw.slice(1) : raw)
      .trim()
      .replace(/\\/g, '/')
      .replace(/^(\.\/)+/, '')
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    if (pattern) parsed.push({ pattern, exclude });
  }
  return parsed;
}

const WILDCARD = /[*?[]/;

function compile(pattern: string): (path: string) => boolean {
  if (!WILDCARD.test(pattern)) return (path) => path === pattern || path.startsWith(`${pattern}/`);
  return picomatch(pattern, { dot: true });
}

/** In-memory matcher for repo-relative paths (forward slashes), agreeing with `toPathspecs`. */
export function pathMatcher(globs: readonly string[]): (path: string) => boolean {
  const parsed = parseGlobs(globs);
  const includes = parsed.filter((glob) => !glob.exclude).map((glob) => compile(glob.pattern));
  const excludes = parsed.filter((glob) => glob.exclude).map((glob) => compile(glob.pattern));
  return (path) => {
    const normalized = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    if (includes.length > 0 && !includes.some((match) => match(normalized))) return false;
    return !excludes.some((match) => match(normalized));
  };
}

/**
 * git pathspecs for the same globs. `top` anchors them at the repository root whatever the
 * working directory; exclusions alone get an explicit `:/` (the whole tree) to exclude from.
 */
export function toPathspecs(globs: readonly string[]): string[] {
  const parsed = parseGlobs(globs);
  if (parsed.length === 0) return [];
  const specs = parsed.map(({ pattern, exclude }) => `:(top,glob${exclude ? ',exclude' : ''})${pattern}`);
  return parsed.some((glob) => !glob.exclude) ? specs : [':/', ...specs];
}
