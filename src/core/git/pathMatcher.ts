import { isGlobSpecial, wildmatch } from './wildmatch';

/**
 * Service path globs (`predictions/worker/**`, `!predictions/worker/docs`) are matched two
 * ways: by git, through `:(glob)` pathspecs, and in memory, through `pathMatcher`. The
 * in-memory side reproduces git's own pathspec matching, so the two never disagree:
 *
 * - a glob first matches literally: the path itself, or everything under it when it names
 *   a folder (so `svc` is the folder `svc` and all it holds);
 * - otherwise the part before the first `*`, `?`, `[` or `\` must be the start of the path,
 *   and the rest is a wildmatch pattern: `*` stops at `/`, `**` crosses folders, dotfiles
 *   match, a backslash makes the next character literal (`svc\[1\]/**` is the folder
 *   `svc[1]`);
 * - matching is case-sensitive, on every platform;
 * - a leading `!` excludes, and no positive glob means the whole repository.
 */
export interface ParsedGlob {
  /** The glob as written in the config. */
  raw: string;
  /** Its position in the service's `paths`. */
  index: number;
  /** The pattern git is given, without `!`, `./`, or leading and trailing slashes. */
  pattern: string;
  exclude: boolean;
}

export function parseGlobs(globs: readonly string[]): ParsedGlob[] {
  const parsed: ParsedGlob[] = [];
  globs.forEach((raw, index) => {
    const exclude = raw.startsWith('!');
    const pattern = (exclude ? raw.slice(1) : raw)
      .trim()
      .replace(/^(\.\/)+/, '')
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    if (pattern) parsed.push({ raw, index, pattern, exclude });
  });
  return parsed;
}

const SLASH = 0x2f;

/** One glob compiled for matching UTF-8 paths the way git matches a `:(glob)` pathspec. */
export function globMatcher(pattern: string): (path: string) => boolean {
  const match = compileGlob(pattern);
  return (path) => match(Buffer.from(path, 'utf8'));
}

/** The same, on a path already encoded: a matcher of several globs encodes each path once. */
function compileGlob(pattern: string): (text: Buffer) => boolean {
  const bytes = Buffer.from(pattern, 'utf8');
  let literal = 0;
  while (literal < bytes.length && !isGlobSpecial(bytes[literal])) literal += 1;
  const head = bytes.subarray(0, literal);
  const rest = bytes.subarray(literal);
  return (text) => {
    if (text.length >= bytes.length && bytes.equals(text.subarray(0, bytes.length)) && (text.length === bytes.length || text[bytes.length] === SLASH)) {
      return true;
    }
    if (literal === bytes.length || text.length < literal || !head.equals(text.subarray(0, literal))) return false;
    return wildmatch(rest, text.subarray(literal));
  };
}

/** In-memory matcher for repo-relative paths (forward slashes), agreeing with `toPathspecs`. */
export function pathMatcher(globs: readonly string[]): (path: string) => boolean {
  const parsed = parseGlobs(globs);
  const includes = parsed.filter((glob) => !glob.exclude).map((glob) => compileGlob(glob.pattern));
  const excludes = parsed.filter((glob) => glob.exclude).map((glob) => compileGlob(glob.pattern));
  return (path) => {
    const text = Buffer.from(path, 'utf8');
    if (includes.length > 0 && !includes.some((match) => match(text))) return false;
    return !excludes.some((match) => match(text));
  };
}

/**
 * Whether a positive glob can select a path inside the folder `dir` (or `dir` itself). A
 * submodule's files are not in this repository's trees, only its gitlink is: a service
 * whose paths reach into `libs/featurelib/**` changes whenever the gitlink at
 * `libs/featurelib` moves. Errs towards yes (a `**` anywhere reaches everywhere below it),
 * since a gitlink counted by mistake can only make verification stricter.
 */
export function globReachesInto(pattern: string, dir: string): boolean {
  if (globMatcher(pattern)(dir)) return true;
  const parts = splitComponents(pattern);
  const dirParts = dir.split('/');
  for (let i = 0; i < Math.min(parts.length, dirParts.length); i += 1) {
    if (parts[i].includes('**')) return true;
    if (!wildmatch(Buffer.from(parts[i], 'utf8'), Buffer.from(dirParts[i], 'utf8'))) return false;
  }
  return parts.length > dirParts.length;
}

/** Path components of a pattern: split at each `/` that no backslash escapes. */
function splitComponents(pattern: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      current += ch + pattern[i + 1];
      i += 1;
    } else if (ch === '/') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * git pathspecs for the same globs. `top` anchors them at the repository root whatever the
 * working directory; exclusions alone get an explicit `:/` (the whole tree) to exclude from.
 * `exactPaths` (gitlinks the globs reach into) are added as literal paths.
 */
export function toPathspecs(globs: readonly string[], exactPaths: readonly string[] = []): string[] {
  const parsed = parseGlobs(globs);
  if (parsed.length === 0) return [];
  const specs = parsed.map(({ pattern, exclude }) => `:(top,glob${exclude ? ',exclude' : ''})${pattern}`);
  const literals = exactPaths.map((path) => `:(top,literal)${path}`);
  return parsed.some((glob) => !glob.exclude) ? [...specs, ...literals] : [':/', ...specs, ...literals];
}
