import { dirname, resolve as resolvePath } from 'node:path';
import { CommitGraph, walkGraph } from '../git/ancestry';
import type { GitRunner } from '../git/gitRunner';
import { HistoryCut, readShallowFile } from '../git/historyCut';
import { readRemoteFromConfigFile } from '../git/commitLinks';
import type { RemoteRepository } from '../git/remoteLinks';
import type { RevListReader } from '../git/revListReader';
import { isFullSha } from '../git/revisions';
import { snapshotGraphFromFile } from './commitGraphFileSnapshot';
import type { SnapshotStore, StoredSnapshot } from './snapshotStore';

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
  /** Where the repository's config, objects and refs are (its common directory), for reading git's files without a process. */
  commonDir?: string | null;
}

/**
 * Every commit reachable from any ref or HEAD (branches, tags, remotes, pull refs, a detached
 * HEAD), indexed for ancestry questions and prefix lookups. Built once per state of the
 * refs, it answers "is this hex token a commit", "does revision R contain C" and "which
 * commit does the abbreviated SHA in this warehouse row name" in memory, for every document.
 */
export interface RepositorySnapshot extends StoredSnapshot {
  /** The graph's answers, withheld where they depend on history a shallow clone cut off. */
  cut: HistoryCut;
  loadedAt: number;
  /** How the graph was had: walked whole, read from git's commit-graph file, read from the store, or brought up to date from an earlier one. */
  origin: 'walked' | 'commit-graph' | 'stored' | 'updated';
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
  const tips = [
    ...new Set(
      lines
        .slice(3)
        .filter(isFullSha)
        .map((s) => s.toLowerCase()),
    ),
  ].sort();
  // A deepening fetch moves the boundary without moving any ref: it is part of the state.
  const commonDir = lines[2] ? dirname(resolvePath(runner.cwd, lines[2])) : null;
  return { signature: [...tips, ...boundary.map((b) => `shallow:${b}`)].join(' '), tips, shallow, boundary, head, remote, commonDir };
}

export interface SnapshotSources {
  /** The graph in memory for earlier refs: brought up to date rather than walked again. */
  previous?: RepositorySnapshot | null;
  /** Where graphs are kept between sessions. */
  store?: SnapshotStore | null;
  /** Told when the store could not be written (the graph itself is fine). */
  onStoreProblem?: (message: string) => void;
  now?: number;
  /** Handed the reader of a whole walk as it starts, so commits it has printed can be asked about before it ends. */
  watchWalk?: (reader: RevListReader) => void;
  /** Told why git's commit-graph file, present, was not read (the history is walked instead). */
  onCommitGraphProblem?: (message: string) => void;
}

/**
 * The graph of exactly the tips that were read, so graph and signature agree: from an
 * earlier graph (in memory or stored) when there is one for the same shallow boundary,
 * walking only `rev-list new --not old` and dropping what no tip reaches any more (a
 * force-push, a deleted branch); otherwise from git's commit-graph file when the repository
 * has one git would use, walking only what it lacks; otherwise one `rev-list --parents` of everything.
 */
export async function loadSnapshot(runner: GitRunner, refs: RefsState, sources: SnapshotSources = {}): Promise<RepositorySnapshot> {
  const now = sources.now ?? Date.now();
  let base: StoredSnapshot | null = sources.previous ?? null;
  let origin: RepositorySnapshot['origin'] = 'updated';
  if (!base && sources.store) {
    base = await sources.store.read();
    origin = 'stored';
  }
  // A deepened (or newly shallow) clone gives boundary commits the parents they lacked: rebuild.
  const sameCut = base && base.refs.shallow === refs.shallow && base.refs.boundary.join() === refs.boundary.join();
  let result: StoredSnapshot;
  if (base && sameCut) {
    result = base.refs.signature === refs.signature ? { ...base, refs } : await update(runner, base, refs);
    if (result.graph !== base.graph) origin = 'updated';
  } else {
    const fromFile = await snapshotGraphFromFile(runner, refs, sources.onCommitGraphProblem);
    const graph = fromFile ?? (refs.tips.length ? new CommitGraph(await walkGraph(runner, refs.tips, null, sources.watchWalk)) : CommitGraph.empty());
    result = { refs, graph, peeled: new Map() };
    origin = fromFile ? 'commit-graph' : 'walked';
  }
  const store = sources.store;
  if (store && (origin !== 'stored' || result.refs.signature !== base?.refs.signature)) {
    const kept = result;
    // After the answer: encoding and hashing a large graph takes a few tens of milliseconds.
    setImmediate(() => {
      store
        .write(kept)
        .catch((error: unknown) =>
          sources.onStoreProblem?.(`Could not keep the commit graph in ${store.file}: ${(error as Error).message}; it will be walked again next session.`),
        );
    });
  }
  return { ...result, cut: new HistoryCut(result.graph, { shallow: refs.shallow, boundary: refs.boundary }), loadedAt: now, origin };
}

async function update(runner: GitRunner, base: StoredSnapshot, refs: RefsState): Promise<StoredSnapshot> {
  const before = new Set(base.refs.tips);
  const now = new Set(refs.tips);
  const added = refs.tips.filter((t) => !before.has(t) && !base.graph.knows(base.peeled.get(t) ?? t));
  const removed = base.refs.tips.some((t) => !now.has(t));
  let graph = base.graph;
  if (added.length) {
    // Commits the new tips reach that the old ones did not; parents among the old commits join them up.
    graph = new CommitGraph(await walkGraph(runner, [...added, ...base.refs.tips.map((t) => `^${t}`)], base.graph.arrays()));
  }
  const peeled = new Map(base.peeled);
  if (removed) {
    const ids = await tipCommits(runner, graph, refs.tips, peeled);
    const reachable = graph.reachableFrom(ids);
    if (!graph.covers(reachable)) graph = graph.restrictedTo(reachable);
  }
  for (const tag of peeled.keys()) if (!now.has(tag)) peeled.delete(tag);
  return { refs, graph, peeled };
}

/** The commit of every tip: tips that are not commits are annotated tags, peeled once and remembered. */
async function tipCommits(runner: GitRunner, graph: CommitGraph, tips: string[], peeled: Map<string, string>): Promise<number[]> {
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const tip of tips) {
    const id = graph.idOf(peeled.get(tip) ?? tip);
    if (id !== -1) ids.push(id);
    else if (!peeled.has(tip)) unknown.push(tip);
  }
  if (unknown.length) {
    const output = await runner.text(['cat-file', '--batch-check=%(objectname)'], unknown.map((t) => `${t}^{commit}\n`).join(''));
    output.split('\n').forEach((line, i) => {
      const commit = line.trim().toLowerCase();
      if (i >= unknown.length) return;
      // A tag of a tree or blob peels to no commit: remembered as itself, it names nothing.
      peeled.set(unknown[i], isFullSha(commit) ? commit : unknown[i]);
      const id = isFullSha(commit) ? graph.idOf(commit) : -1;
      if (id !== -1) ids.push(id);
    });
  }
  return ids;
}
