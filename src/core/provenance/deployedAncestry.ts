import { CommitGraph, walkGraph } from '../git/ancestry';
import type { GitRunner } from '../git/gitRunner';
import type { RevListReader } from '../git/revListReader';
import { isFullSha, isShaPrefix } from '../git/revisions';
import type { ShaLookup } from './commitProvenance';

/**
 * What a value (a token in a document, a deployment's commit) names according to the object
 * database, which is what the graph of every ref would say only once that commit is known to
 * be reachable: `undecided` when several commits share the abbreviation, since the graph
 * could still name one of them (the others unreachable).
 */
export type NamedCommit = { kind: 'commit'; sha: string } | { kind: 'none' } | { kind: 'undecided' };

/**
 * Names every value with one `git cat-file --batch-check`. Each is asked twice: with
 * `^{commit}`, so git chooses among commits as the graph does (a prefix a commit shares with
 * a blob still names the commit), and bare, because `^{commit}` reports a prefix several
 * commits share as missing, the same as one nothing has.
 */
export async function nameCommits(runner: GitRunner, values: Iterable<string>): Promise<Map<string, NamedCommit>> {
  const asked = [...new Set([...values].filter(isShaPrefix).map((v) => v.toLowerCase()))];
  const named = new Map<string, NamedCommit>();
  if (asked.length === 0) return named;
  const output = await runner.text(['cat-file', '--batch-check=%(objectname) %(objecttype)'], asked.map((v) => `${v}^{commit}\n${v}\n`).join(''));
  const lines = output.split('\n');
  asked.forEach((value, i) => {
    const peeled = /^([0-9a-f]{40}|[0-9a-f]{64}) commit$/.exec((lines[2 * i] ?? '').trim());
    // A tag's prefix peels to a commit that does not start with it: no commit starts with it.
    if (peeled) named.set(value, peeled[1].startsWith(value) ? { kind: 'commit', sha: peeled[1] } : { kind: 'none' });
    else named.set(value, (lines[2 * i + 1] ?? '').trim().endsWith(' ambiguous') ? { kind: 'undecided' } : { kind: 'none' });
  });
  return named;
}

/**
 * The history of the deployed revisions alone (`rev-list --parents` from them), which answers
 * "does revision R contain C" exactly for every deployed R, long before the graph of every
 * ref is walked. The product's answers are about commits reachable from a ref or HEAD, so
 * one is given only for commits the whole walk has shown to be reachable: printed by it
 * so far, or contained in a deployed commit it has printed.
 */
export class DeployedAncestry {
  private readonly confirmedRoots = new Set<string>();

  private constructor(
    readonly graph: CommitGraph,
    private readonly names: Map<string, NamedCommit>,
    private readonly roots: string[],
    private readonly wholeWalk: () => RevListReader | null,
  ) {}

  /** Two processes: one `cat-file --batch-check` naming the deployed values, one `rev-list --parents` from the commits they name. */
  static async build(runner: GitRunner, deployedValues: Iterable<string>, wholeWalk: () => RevListReader | null): Promise<DeployedAncestry> {
    const names = await nameCommits(runner, deployedValues);
    const roots = [...new Set([...names.values()].flatMap((n) => (n.kind === 'commit' ? [n.sha] : [])))];
    const graph = roots.length ? new CommitGraph(await walkGraph(runner, roots)) : CommitGraph.empty();
    graph.prepare(roots);
    return new DeployedAncestry(graph, names, roots, wholeWalk);
  }

  /** Whether a ref or HEAD is known to reach the commit (full SHA) yet. */
  reachable(sha: string): boolean {
    const walk = this.wholeWalk();
    if (!walk) return false;
    const commit = sha.toLowerCase();
    if (walk.printed(commit)) return true;
    if (!this.graph.knows(commit)) return false;
    for (const root of this.roots) {
      if (!this.confirmedRoots.has(root)) {
        if (!walk.printed(root)) continue;
        this.confirmedRoots.add(root);
      }
      if (this.graph.contains(root, commit)) return true;
    }
    return false;
  }

  /**
   * The commit a record's value names, as the graph of every ref will: 'undecided' when that
   * cannot be told yet (an abbreviation several commits share, a commit not known to be
   * reachable, a value neither named nor in this history).
   */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'undecided' names the answer a caller must handle
  decide(value: string | null | undefined): string | null | 'undecided' {
    if (!value) return null;
    const key = value.toLowerCase();
    const named = this.names.get(key);
    if (named) {
      if (named.kind === 'none') return null;
      if (named.kind === 'undecided') return 'undecided';
      return this.reachable(named.sha) ? named.sha : 'undecided';
    }
    if (isFullSha(key) && this.graph.knows(key) && this.reachable(key)) return key;
    return 'undecided';
  }

  /** Whether every value is decided: then `lookup` answers each of them as the graph of every ref will. */
  decides(values: Iterable<string | null | undefined>): boolean {
    for (const value of values) if (this.decide(value) === 'undecided') return false;
    return true;
  }

  /** For assembling answers once `decides` has held for every value they read. */
  lookup(): ShaLookup {
    return {
      full: (value) => {
        const decided = this.decide(value);
        return decided === 'undecided' ? null : decided;
      },
    };
  }
}
