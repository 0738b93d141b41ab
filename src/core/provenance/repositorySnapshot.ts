import { CommitGraph } from '../git/ancestry';
import type { GitRunner } from '../git/gitRunner';
import { isFullSha } from '../git/revisions';
import { ShaPrefixIndex } from './shaPrefixIndex';

/** The state of the refs: what the cached commit graph was built from. */
export interface RefsState {
  /** The ref tips, sorted and joined: two equal signatures mean nothing moved. */
  signature: string;
  tips: string[];
  shallow: boolean;
}

/**
 * Every commit reachable from any ref (branches, tags, remotes, HEAD), indexed for ancestry
 * questions and prefix lookups. Built once per state of the refs, it answers "is this hex
 * token a commit", "does revision R contain C" and "which commit does the abbreviated SHA
 * in this warehouse row name" in memory, for every document.
 */
export interface RepositorySnapshot {
  refs: RefsState;
  graph: CommitGraph;
  shas: ShaPrefixIndex;
  loadedAt: number;
}

/**
 * One process: whether the clone is shallow, and the object every ref points at. `--all`
 * rather than HEAD alone, so that a SHA from another branch or a remote still resolves.
 */
export async function readRefs(runner: GitRunner): Promise<RefsState> {
  const lines = (await runner.text(['rev-parse', '--is-shallow-repository', '--all'])).split('\n').map((l) => l.trim());
  const shallow = lines[0] === 'true';
  const tips = [...new Set(lines.slice(1).filter(isFullSha).map((s) => s.toLowerCase()))].sort();
  return { signature: tips.join(' '), tips, shallow };
}

/** One process: `rev-list --parents` from exactly the tips that were read, so graph and signature agree. */
export async function loadSnapshot(runner: GitRunner, refs: RefsState, now: number = Date.now()): Promise<RepositorySnapshot> {
  const output = refs.tips.length ? await runner.text(['rev-list', '--parents', '--stdin'], refs.tips.map((t) => `${t}\n`).join('')) : '';
  const shas: string[] = [];
  for (const line of output.split('\n')) {
    const space = line.indexOf(' ');
    const sha = space === -1 ? line.trim() : line.slice(0, space);
    if (sha) shas.push(sha);
  }
  return { refs, graph: CommitGraph.fromRevList(output), shas: new ShaPrefixIndex(shas), loadedAt: now };
}
