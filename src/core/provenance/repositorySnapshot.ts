import { CommitGraph } from '../git/ancestry';
import type { GitRunner } from '../git/gitRunner';
import { HistoryCut, readShallowFile } from '../git/historyCut';
import { isFullSha } from '../git/revisions';
import { ShaPrefixIndex } from './shaPrefixIndex';

/** The state of the refs: what the cached commit graph was built from. */
export interface RefsState {
  /** The ref tips and the shallow boundary, sorted and joined: two equal signatures mean nothing moved. */
  signature: string;
  tips: string[];
  shallow: boolean;
  /** The shallow file's commits (where history stops); empty when the clone is whole. */
  boundary: string[];
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
  /** The graph's answers, withheld where they depend on history a shallow clone cut off. */
  cut: HistoryCut;
  shas: ShaPrefixIndex;
  loadedAt: number;
}

/**
 * One process: whether the clone is shallow, where its shallow file is (read from disk, so
 * the boundary costs no process), and the object every ref points at. `--all` rather than
 * HEAD alone, so that a SHA from another branch or a remote still resolves.
 */
export async function readRefs(runner: GitRunner): Promise<RefsState> {
  const lines = (await runner.text(['rev-parse', '--is-shallow-repository', '--git-path', 'shallow', '--all'])).split('\n').map((l) => l.trim());
  const shallow = lines[0] === 'true';
  const boundary = shallow ? await readShallowFile(runner.cwd, lines[1]) : [];
  const tips = [...new Set(lines.slice(2).filter(isFullSha).map((s) => s.toLowerCase()))].sort();
  // A deepening fetch moves the boundary without moving any ref: it is part of the state.
  return { signature: [...tips, ...boundary.map((b) => `shallow:${b}`)].join(' '), tips, shallow, boundary };
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
  const graph = CommitGraph.fromRevList(output);
  return { refs, graph, cut: new HistoryCut(graph, { shallow: refs.shallow, boundary: refs.boundary }), shas: new ShaPrefixIndex(shas), loadedAt: now };
}
