import { CommitGraph } from '../git/ancestry';
import type { GitRunner } from '../git/gitRunner';
import { HistoryCut, readShallowFile } from '../git/historyCut';
import { readRemoteFromConfigFile } from '../git/commitLinks';
import type { RemoteRepository } from '../git/remoteLinks';
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
  /** The commit HEAD names; null before the first commit or on an unborn branch. */
  head: string | null;
  /** The repository's remote, for links out: read from its config file, so it costs no process. */
  remote: RemoteRepository | null;
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
 * One process: whether the clone is shallow, where its shallow file and its config are (both
 * read from disk, so the boundary and the remote cost no process), the object every ref
 * points at, and HEAD. `--all` rather than HEAD alone, so that a SHA from another branch or
 * a remote still resolves. HEAD comes last, after the path of the HEAD file: rev-parse
 * stops at a HEAD it cannot resolve (an unborn branch), and the path line marks where it starts.
 */
export async function readRefs(runner: GitRunner): Promise<RefsState> {
  const lines = (await runner.text(['rev-parse', '--is-shallow-repository', '--git-path', 'shallow', '--git-path', 'config', '--all', '--git-path', 'HEAD', '--revs-only', 'HEAD']))
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i) => l !== '' || i < 3);
  const shallow = lines[0] === 'true';
  const boundary = shallow ? await readShallowFile(runner.cwd, lines[1]) : [];
  const remote = lines[2] ? await readRemoteFromConfigFile(runner.cwd, lines[2]) : null;
  const last = lines[lines.length - 1];
  const head = lines.length > 4 && isFullSha(last) && !isFullSha(lines[lines.length - 2]) ? last.toLowerCase() : null;
  const tips = [...new Set(lines.slice(3).filter(isFullSha).map((s) => s.toLowerCase()))].sort();
  // A deepening fetch moves the boundary without moving any ref: it is part of the state.
  return { signature: [...tips, ...boundary.map((b) => `shallow:${b}`)].join(' '), tips, shallow, boundary, head, remote };
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
