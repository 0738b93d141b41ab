import type { GitRepository } from '../git/gitRepository';
import { globMatcher, globReachesInto, type ParsedGlob } from '../git/pathMatcher';
import type { TreeEntry } from '../git/treeEntries';
import { isGlobSpecial } from '../git/wildmatch';

/**
 * Why a service's globs select nothing, and what was probably meant. A glob that matches no
 * file makes every history query empty, which reads as "nothing to deploy": verification
 * must say so instead, naming the config key and, when one is close, the path that exists.
 */
export interface UnmatchedGlobs {
  reason: string;
  hint: string;
}

export interface UnmatchedContext {
  git: GitRepository;
  /** Position of the service in `services`, for the config key. */
  serviceIndex: number;
  configFile: string;
  targetRev: string;
  targetSha: string;
  deployedSha: string;
  /** Every entry of the target's and the deployed commit's trees. */
  entries: readonly TreeEntry[];
}

export async function explainUnmatchedGlobs(unmatched: readonly ParsedGlob[], context: UnmatchedContext): Promise<UnmatchedGlobs> {
  const where = `at ${context.targetRev} (${context.targetSha.slice(0, 7)}) nor at the deployed ${context.deployedSha.slice(0, 7)}`;
  const keys = unmatched.map((glob) => configKey(context.serviceIndex, glob));
  const sentences: string[] = [];
  for (const glob of unmatched) {
    const guess = closeMatch(glob, context.entries) ?? (await movedAway(glob, context));
    sentences.push(`${configKey(context.serviceIndex, glob)} "${glob.raw}" matches no file ${where}${guess ? `; ${guess}` : ''}`);
  }
  return {
    reason: `${sentences.join('. ')}. Verification cannot see changes to paths that select nothing.`,
    hint:
      `Fix ${keys.join(', ')} in ${context.configFile}: paths are globs from the repository root, matched case-sensitively; ` +
      'a backslash makes a glob character literal (written "\\\\[" in JSON). Then verify again.',
  };
}

export function configKey(serviceIndex: number, glob: ParsedGlob): string {
  return `services[${serviceIndex}].paths[${glob.index}]`;
}

/** The same glob with another spelling of its case or its glob characters, when that selects a file. */
function closeMatch(glob: ParsedGlob, entries: readonly TreeEntry[]): string | null {
  const selects = (pattern: string, path: string, entry: TreeEntry) => globMatcher(pattern)(path) || (entry.type === 'commit' && globReachesInto(pattern, path));

  const lower = glob.pattern.toLowerCase();
  const sameButCase = entries.find((entry) => selects(lower, entry.path.toLowerCase(), entry));
  if (sameButCase) {
    const literal = literalPrefixLength(glob.pattern);
    const fixed =
      sameButCase.path.slice(0, literal).toLowerCase() === glob.pattern.slice(0, literal).toLowerCase() ? sameButCase.path.slice(0, literal) + glob.pattern.slice(literal) : null;
    return `${sameButCase.path} exists${fixed ? `: did you mean "${withNegation(glob, fixed)}"?` : ''} (paths are case-sensitive)`;
  }

  const escaped = glob.pattern.replace(/(?<!\\)([[\]?])/g, '\\$1');
  if (escaped !== glob.pattern) {
    const literalMatch = entries.find((entry) => selects(escaped, entry.path, entry));
    if (literalMatch) {
      return `${literalMatch.path} exists: to match [, ] or ? literally escape them, "${JSON.stringify(withNegation(glob, escaped)).slice(1, -1)}" in JSON`;
    }
  }
  return null;
}

/** Where the glob's files went, from the last commit of the target that touched them. */
async function movedAway(glob: ParsedGlob, context: UnmatchedContext): Promise<string | null> {
  const change = await context.git.lastChange(context.targetSha, glob.pattern);
  if (!change) return `no commit of ${context.targetRev} ever touched it`;
  const commit = `${change.sha.slice(0, 7)} "${change.subject}"`;
  const rename = change.renamed.find((r) => globMatcher(glob.pattern)(r.from));
  if (rename) {
    const [from, to] = stripCommonSuffix(rename.from, rename.to);
    const literal = glob.pattern.slice(0, literalPrefixLength(glob.pattern));
    if (from && (literal === from || literal.startsWith(`${from}/`))) {
      return `its files moved to ${to}/ in ${commit}: did you mean "${withNegation(glob, to + glob.pattern.slice(from.length))}"?`;
    }
    return `${rename.from} moved to ${rename.to} in ${commit}`;
  }
  if (change.deleted.length > 0) return `its last files were deleted in ${commit}`;
  return null;
}

function withNegation(glob: ParsedGlob, pattern: string): string {
  return glob.exclude ? `!${pattern}` : pattern;
}

function literalPrefixLength(pattern: string): number {
  let i = 0;
  while (i < pattern.length && !isGlobSpecial(pattern.charCodeAt(i))) i += 1;
  return i;
}

/** `worker/app.py` → `predict/app.py` gives `worker` and `predict`: the folders that were renamed. */
function stripCommonSuffix(from: string, to: string): [string, string] {
  const a = from.split('/');
  const b = to.split('/');
  while (a.length > 1 && b.length > 1 && a[a.length - 1] === b[b.length - 1]) {
    a.pop();
    b.pop();
  }
  return [a.join('/'), b.join('/')];
}
