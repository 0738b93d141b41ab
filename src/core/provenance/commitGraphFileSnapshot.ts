import { CommitGraph, computeGenerations } from '../git/ancestry';
import { readPackedPeels, readRepositoryCommitGraph, type CommitGraphFileRead } from '../git/commitGraphFile';
import type { GitRunner } from '../git/gitRunner';
import { hexValue, type ObjectIdTable } from '../git/objectIdTable';
import { RevListReader } from '../git/revListReader';
import type { RefsState } from './repositorySnapshot';

/** How a graph read from git's commit-graph file was completed: what the file gave, what was walked, what no tip reaches. */
export interface FileGraph {
  graph: CommitGraph;
  /** Commits the file held (reachable or not). */
  fromFile: number;
  /** Commits only the walk beside it found: newer than the file. */
  walked: number;
  /** Commits of the file no tip reaches (deleted branches, commits written without --reachable). */
  dropped: number;
  /** Git processes started: 0 when every tip is a commit in the file, else the one walk. */
  processes: number;
}

/**
 * The graph of everything `tips` reach, as `rev-list --parents <tips>` gives it, from git's
 * commit-graph file when the repository has one git would use: the file is the base, the
 * tips it lacks (newer commits, annotated tags) are walked with `--not` the tips it holds,
 * joined onto it, and what no tip reaches is dropped. Null, with why, when there is no
 * usable file: the caller walks as before.
 */
export async function graphFromCommitGraphFile(
  runner: GitRunner,
  gitDir: string,
  tips: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<FileGraph | Extract<CommitGraphFileRead, { graph: null }>> {
  const [read, peels] = await Promise.all([readRepositoryCommitGraph(gitDir, env), readPackedPeels(gitDir)]);
  if (!read.graph) return read;
  const base = read.graph.arrays;
  const baseCount = base.oids.size;
  const roots: number[] = [];
  const inFile: string[] = [];
  const outside: string[] = [];
  for (const tip of tips) {
    // An annotated tag is walked only when packed-refs does not say which commit it names:
    // `rev-list tag --not <every other tip>` can take longer than the rest of the read.
    const commit = peels.get(tip) ?? tip;
    const id = base.oids.idOf(commit);
    if (id === -1) outside.push(tip);
    else {
      roots.push(id);
      inFile.push(commit);
    }
  }
  let graph = new CommitGraph(base, read.graph.generation);
  if (outside.length > 0) {
    // A walk's own output names what it reached; commits the file already held get no new
    // line in the joined graph, so which of them were printed (an annotated tag's commit that
    // no tip in the file reaches) is noted here.
    const heads = new LineHeads(base.oids);
    // Kept until the walk ends: it often prints nothing (a tag of a blob), and joining
    // nothing would still copy the whole id table.
    const chunks: Buffer[] = [];
    const input = [...outside, ...inFile.map((t) => `^${t}`)].map((r) => `${r}\n`).join('');
    await runner.stream(['rev-list', '--parents', '--ignore-missing', '--stdin'], input, (chunk) => {
      heads.push(chunk);
      chunks.push(Buffer.from(chunk));
    });
    roots.push(...heads.ids);
    if (chunks.some((c) => c.length > 0)) {
      const reader = new RevListReader(base);
      for (const chunk of chunks) reader.push(chunk);
      const joined = reader.finish();
      graph = new CommitGraph(joined, computeGenerations(joined.oids.size, joined.parentStart, joined.parentIds, read.graph.generation));
      // Every commit the walk added was printed by it, so some tip reaches it.
      for (let id = baseCount; id < graph.size; id += 1) roots.push(id);
    }
  }
  const walked = graph.size - baseCount;
  const reachable = graph.reachableFrom(roots);
  const kept = graph.covers(reachable) ? graph : graph.restrictedTo(reachable);
  if (kept !== graph || walked > 0) {
    // Both keep ids in order, so the file's sorted ids stay sorted and first: prefix search sorts only the rest.
    let sorted = 0;
    for (let id = 0; id < read.graph.sortedCount; id += 1) if ((reachable[id >>> 5] & (1 << (id & 31))) !== 0) sorted += 1;
    kept.oids.keepsSortedPrefix(sorted);
  }
  return { graph: kept, fromFile: baseCount, walked, dropped: graph.size - kept.size, processes: outside.length ? 1 : 0 };
}

/**
 * For a cold snapshot: the graph of the refs from git's commit-graph file, or null when the
 * history must be walked whole (no file, a shallow clone, or a file git would not use or
 * that is damaged, which `onProblem` is told about).
 */
export async function snapshotGraphFromFile(runner: GitRunner, refs: RefsState, onProblem?: (message: string) => void): Promise<CommitGraph | null> {
  if (!refs.commonDir || refs.shallow || refs.tips.length === 0) return null;
  const read = await graphFromCommitGraphFile(runner, refs.commonDir, refs.tips);
  if (read.graph) return read.graph;
  if (read.kind !== 'absent') onProblem?.(`Not reading git's commit-graph file: ${read.reason}; walking the history instead.`);
  return null;
}

/** Ids (in `table`) of the commits that start lines of `rev-list --parents` output, read as it streams. */
class LineHeads {
  readonly ids: number[] = [];
  private readonly id: Uint8Array;
  /** Hex digits of the current line's first id read so far; -1 once past it, until the next line. */
  private digits = 0;

  constructor(private readonly table: ObjectIdTable) {
    this.id = new Uint8Array(table.width);
  }

  push(chunk: Buffer): void {
    const hexLength = this.table.width * 2;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.digits === -1) {
        const newline = chunk.indexOf(0x0a, pos);
        if (newline === -1) return;
        pos = newline + 1;
        this.digits = 0;
        continue;
      }
      const value = hexValue(chunk[pos]);
      pos += 1;
      if (value < 0) {
        // Not an id (the reader of the same output reports such lines): skip the line.
        this.digits = -1;
        continue;
      }
      const byte = this.digits >>> 1;
      this.id[byte] = this.digits & 1 ? this.id[byte] | value : value << 4;
      this.digits += 1;
      if (this.digits === hexLength) {
        const id = this.table.findBytes(this.id, 0);
        if (id !== -1) this.ids.push(id);
        this.digits = -1;
      }
    }
  }
}
