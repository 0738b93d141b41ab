import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ObjectIdTable, type OidWidth } from './objectIdTable';
import { configValue } from './remoteLinks';
import type { GraphArrays } from './revListReader';

/**
 * Git's own commit-graph file (`objects/info/commit-graph`, or a split chain under
 * `objects/info/commit-graphs/`), read straight from disk: the sorted id list and each
 * commit's parent positions are the graph `git rev-list --parents` would print, for a few
 * tens of milliseconds instead of seconds of text. The format is gitformat-commit-graph(5).
 *
 * Every count, offset and position is bounds-checked, the ids must be sorted, each commit's
 * stored topological level must be one more than its parents' highest, and the trailing
 * checksum must match: a cut or damaged file is refused, never read into a wrong graph.
 */

export interface CommitGraphFileGraph {
  arrays: GraphArrays;
  /** Each commit's topological level as stored, checked against its parents: what `CommitGraph` calls its generation. */
  generation: Int32Array;
  /** Files read: 1 for `objects/info/commit-graph`, the chain's length for a split graph. */
  layers: number;
  /** Ids below this are in ascending byte order: the whole file, or a chain's base layer. */
  sortedCount: number;
}

/**
 * The graph, or why there is none: `absent` (no file, the usual case for a fresh clone),
 * `ignored` (git itself would not use it here), `damaged` (cut, corrupt, or of another format).
 */
export type CommitGraphFileRead = { graph: CommitGraphFileGraph } | { graph: null; kind: 'absent' | 'ignored' | 'damaged'; reason: string };

const SIGNATURE = 0x43475048; // CGPH
const CHUNK_OIDF = 0x4f494446;
const CHUNK_OIDL = 0x4f49444c;
const CHUNK_CDAT = 0x43444154;
const CHUNK_EDGE = 0x45444745;
const CHUNK_BASE = 0x42415345;
const NO_PARENT = 0x70000000;
/** On a second parent: the rest are in the extra edge list from there; on an extra edge: the last parent. */
const OCTOPUS = 0x80000000;
/** Git stores levels in 30 bits and caps them there: a capped level no longer says the commit's depth. */
const LEVEL_CAP = 0x3fffffff;

class Unusable extends Error {}

function damaged(reason: string): never {
  throw new Unusable(reason);
}

/**
 * The commit graph git keeps for the repository whose common directory (where `config`,
 * `objects` and `refs` are) is `gitDir`, when git would use it and its answers would be
 * those of `rev-list`: not with `core.commitGraph` false, a shallow clone, grafts, replace
 * refs or alternates (the last because objects, and so commits, may live elsewhere).
 */
export async function readRepositoryCommitGraph(gitDir: string, env: NodeJS.ProcessEnv = process.env): Promise<CommitGraphFileRead> {
  const objects = join(gitDir, 'objects');
  // Checked first: most clones have no file, and there is then nothing to say about why it is not used.
  if (!(await exists(join(objects, 'info', 'commit-graph'))) && !(await exists(join(objects, 'info', 'commit-graphs', 'commit-graph-chain')))) {
    return { graph: null, kind: 'absent', reason: 'the repository has no commit-graph file' };
  }
  for (const name of ['GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_GRAFT_FILE', 'GIT_REPLACE_REF_BASE', 'GIT_SHALLOW_FILE']) {
    if (env[name]) return { graph: null, kind: 'ignored', reason: `the environment sets ${name}, which changes which commits and parents git sees` };
  }
  const config = await readConfig(gitDir, env);
  if (config.problem) return { graph: null, kind: 'ignored', reason: config.problem };
  if (!config.commitGraph) return { graph: null, kind: 'ignored', reason: 'core.commitGraph is false, so git does not use the file either' };
  if (await exists(join(gitDir, 'shallow'))) return { graph: null, kind: 'ignored', reason: 'the clone is shallow, so git does not use the file' };
  if (await exists(join(gitDir, 'info', 'grafts'))) return { graph: null, kind: 'ignored', reason: 'the repository has grafts, which change parents the file records' };
  if (await hasReplaceRefs(gitDir)) return { graph: null, kind: 'ignored', reason: 'the repository has replace refs, which change commits the file records' };
  if (await exists(join(objects, 'info', 'alternates'))) return { graph: null, kind: 'ignored', reason: 'the repository borrows objects from another (objects/info/alternates)' };
  return readCommitGraphFiles(objects, config.width);
}

/**
 * The graph in `objects` (a repository's objects directory), as git loads it: the single
 * file when there is one, else the chain's layers from the base up.
 */
export async function readCommitGraphFiles(objects: string, width: OidWidth): Promise<CommitGraphFileRead> {
  const single = join(objects, 'info', 'commit-graph');
  let files: string[];
  const hashes: Uint8Array[] = [];
  if (await exists(single)) {
    files = [single];
  } else {
    const dir = join(objects, 'info', 'commit-graphs');
    let chain: string;
    try {
      chain = await readFile(join(dir, 'commit-graph-chain'), 'latin1');
    } catch {
      return { graph: null, kind: 'absent', reason: 'the repository has no commit-graph file' };
    }
    const lines = chain.split('\n').filter((l) => l !== '');
    if (lines.length === 0) return { graph: null, kind: 'damaged', reason: 'its commit-graph chain names no file' };
    for (const line of lines) {
      const hash = hexBytes(line, width);
      if (!hash)
        return { graph: null, kind: 'damaged', reason: `its commit-graph chain has a line "${line.slice(0, 80)}" that is not a ${width === 20 ? 'SHA-1' : 'SHA-256'} hash` };
      hashes.push(hash);
    }
    files = lines.map((l) => join(dir, `graph-${l}.graph`));
  }
  try {
    const layers: Layer[] = [];
    let total = 0;
    for (let i = 0; i < files.length; i += 1) {
      const layer = await readLayer(files[i], width, total, hashes.slice(0, i), files.length > 1 || hashes.length > 0);
      layers.push(layer);
      total += layer.count;
    }
    return { graph: assemble(layers, width, total) };
  } catch (error) {
    if (error instanceof Unusable) return { graph: null, kind: 'damaged', reason: error.message };
    return { graph: null, kind: 'damaged', reason: `reading it failed: ${(error as Error).message}` };
  }
}

interface Layer {
  /** Commits in this layer; their positions start at `first`. */
  count: number;
  first: number;
  oids: Uint8Array;
  /** The file, and where its commit data and extra edges start (-1: no extra edges; `edges` entries). */
  data: Buffer;
  cdat: number;
  edge: number;
  edges: number;
}

/** One file: header, chunk table and the three chunks the graph needs, each checked to lie inside the file. */
async function readLayer(file: string, width: OidWidth, first: number, bases: Uint8Array[], chained: boolean): Promise<Layer> {
  const name = chained ? `commit-graph layer ${file.slice(file.lastIndexOf('graph-'))}` : 'commit-graph file';
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    damaged(`its ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  // Chunks end where the trailing checksum starts.
  const end = data.length - width;
  if (end < 8) damaged(`its ${name} is cut short: it has no room for a header`);
  verifyChecksum(data, end, width, name);
  if (data.readUInt32BE(0) !== SIGNATURE) damaged(`its ${name} does not start with the commit-graph signature`);
  if (data[4] !== 1) damaged(`its ${name} has format version ${data[4]}, which this reader does not know`);
  const hashWidth = data[5] === 1 ? 20 : data[5] === 2 ? 32 : 0;
  if (hashWidth !== width)
    damaged(`its ${name} is for ${data[5] === 1 ? 'SHA-1' : data[5] === 2 ? 'SHA-256' : `hash version ${data[5]}`} ids, the repository uses ${width === 20 ? 'SHA-1' : 'SHA-256'}`);
  const chunkCount = data[6];
  const baseCount = data[7];
  if (baseCount !== bases.length) damaged(`its ${name} builds on ${baseCount} other layers, where the chain puts it on ${bases.length}`);
  const tableEnd = 8 + (chunkCount + 1) * 12;
  if (tableEnd > end) damaged(`its ${name} is cut short: the chunk table lies outside the file`);
  const offsetAt = (i: number): number => {
    const high = data.readUInt32BE(8 + i * 12 + 4);
    const offset = high * 2 ** 32 + data.readUInt32BE(8 + i * 12 + 8);
    if (offset < tableEnd || offset > end) damaged(`its ${name} is cut short or damaged: a chunk lies outside the file`);
    return offset;
  };
  const chunks = new Map<number, { offset: number; length: number }>();
  for (let i = 0; i < chunkCount; i += 1) {
    const id = data.readUInt32BE(8 + i * 12);
    const offset = offsetAt(i);
    const next = offsetAt(i + 1);
    if (next < offset) damaged(`its ${name}'s chunk table is out of order`);
    if (id === 0 || chunks.has(id)) damaged(`its ${name}'s chunk table repeats a chunk or ends early`);
    chunks.set(id, { offset, length: next - offset });
  }
  if (data.readUInt32BE(8 + chunkCount * 12) !== 0) damaged(`its ${name}'s chunk table does not end where its header says`);
  const chunk = (id: number, label: string): { offset: number; length: number } => chunks.get(id) ?? damaged(`its ${name} has no ${label} chunk`);
  const fanout = chunk(CHUNK_OIDF, 'OID fanout');
  if (fanout.length !== 1024) damaged(`its ${name}'s OID fanout chunk is ${fanout.length} bytes, not 1024`);
  for (let i = 1; i < 256; i += 1) if (data.readUInt32BE(fanout.offset + i * 4) < data.readUInt32BE(fanout.offset + (i - 1) * 4)) damaged(`its ${name}'s OID fanout decreases`);
  const count = data.readUInt32BE(fanout.offset + 1020);
  if (first + count >= NO_PARENT) damaged(`its ${name} claims more commits than the format can hold`);
  const lookup = chunk(CHUNK_OIDL, 'OID lookup');
  if (lookup.length !== count * width) damaged(`its ${name}'s OID lookup chunk does not hold the ${count} ids its fanout counts`);
  const commits = chunk(CHUNK_CDAT, 'commit data');
  if (commits.length !== count * (width + 16)) damaged(`its ${name}'s commit data chunk does not hold the ${count} commits its fanout counts`);
  const extra = chunks.get(CHUNK_EDGE);
  if (extra && extra.length % 4 !== 0) damaged(`its ${name}'s extra edge chunk is not a whole number of entries`);
  if (baseCount > 0) {
    const base = chunk(CHUNK_BASE, 'base graphs');
    if (base.length !== baseCount * width) damaged(`its ${name}'s base graphs chunk does not hold ${baseCount} hashes`);
    for (let b = 0; b < baseCount; b += 1) {
      if (!sameBytes(data, base.offset + b * width, bases[b], width)) damaged(`its ${name} builds on other layers than the chain lists`);
    }
  }
  const oids = data.subarray(lookup.offset, lookup.offset + lookup.length);
  checkSorted(oids, count, width, name);
  return { count, first, oids, data, cdat: commits.offset, edge: extra ? extra.offset : -1, edges: extra ? extra.length / 4 : 0 };
}

/**
 * The trailing hash of everything before it. Bounds checks catch a cut or garbled structure;
 * only this catches a changed id or parent that still lies in bounds. Hashed here rather than
 * by WebCrypto on a worker thread, which copies the whole file first.
 */
function verifyChecksum(data: Buffer, end: number, width: OidWidth, name: string): void {
  const digest = createHash(width === 20 ? 'sha1' : 'sha256')
    .update(data.subarray(0, end))
    .digest();
  if (!sameBytes(data, end, digest, width)) damaged(`its ${name} fails its checksum`);
}

/** Ids strictly ascending: the fanout and lookup rely on it, and a sorted table needs no sort for prefix search. */
function checkSorted(oids: Uint8Array, count: number, width: number, name: string): void {
  for (let i = 1; i < count; i += 1) {
    const a = (i - 1) * width;
    const b = i * width;
    let k = 0;
    while (k < width && oids[a + k] === oids[b + k]) k += 1;
    if (k === width || oids[a + k] > oids[b + k]) damaged(`its ${name}'s ids are not in ascending order`);
  }
}

/** The layers as one graph: positions already index across layers (base first), which is how ids are numbered here. */
function assemble(layers: Layer[], width: OidWidth, total: number): CommitGraphFileGraph {
  const bytes = new Uint8Array(total * width);
  for (const layer of layers) bytes.set(layer.oids, layer.first * width);
  // A single file's ids arrive sorted; a chain is sorted only within each layer.
  const oids = ObjectIdTable.fromSortedBytes(width, bytes, total);
  oids.keepsSortedPrefix(layers[0].count);
  if (layers.length > 1) {
    for (let id = layers[0].count; id < total; id += 1) {
      if (oids.findBytes(bytes, id * width) !== id) damaged('two of its layers hold the same commit');
    }
  }
  const record = width + 16;
  const parentStart = new Int32Array(total + 1);
  const level = new Int32Array(total);
  // First pass: counts and bounds, so the edge list is allocated once.
  let edges = 0;
  for (const { data, cdat, edge, edges: extra, first, count } of layers) {
    const limit = first + count;
    let extraUsed = 0;
    for (let i = 0; i < count; i += 1) {
      const at = cdat + i * record + width;
      const p1 = data.readUInt32BE(at);
      const p2 = data.readUInt32BE(at + 4);
      level[first + i] = data.readUInt32BE(at + 8) >>> 2;
      let n = 0;
      if (p1 !== NO_PARENT) {
        if (p1 >= limit) damaged('a parent position lies outside the graph');
        n = 1;
        if (p2 !== NO_PARENT && p2 < OCTOPUS) {
          if (p2 >= limit) damaged('a parent position lies outside the graph');
          n = 2;
        } else if (p2 !== NO_PARENT) {
          for (let e = p2 - OCTOPUS; ; e += 1) {
            if (e >= extra) damaged('an octopus merge runs past the extra edge chunk');
            const value = data.readUInt32BE(edge + e * 4);
            if (value % OCTOPUS >= limit) damaged('a parent position lies outside the graph');
            n += 1;
            extraUsed += 1;
            if (value >= OCTOPUS) break;
          }
          // Each octopus has a run of its own: more reads than entries means runs overlap.
          if (extraUsed > extra) damaged('its octopus merges share extra edge entries');
        }
      } else if (p2 !== NO_PARENT) {
        damaged('a commit has a second parent without a first');
      }
      parentStart[first + i + 1] = n;
      edges += n;
    }
  }
  for (let id = 0; id < total; id += 1) parentStart[id + 1] += parentStart[id];
  const parentIds = new Int32Array(edges);
  for (const { data, cdat, edge, first, count } of layers) {
    for (let i = 0; i < count; i += 1) {
      let next = parentStart[first + i];
      const end = parentStart[first + i + 1];
      if (next === end) continue;
      const at = cdat + i * record + width;
      parentIds[next++] = data.readUInt32BE(at);
      if (next === end) continue;
      const p2 = data.readUInt32BE(at + 4);
      if (p2 < OCTOPUS) {
        parentIds[next] = p2;
        continue;
      }
      for (let e = p2 - OCTOPUS; next < end; e += 1) parentIds[next++] = data.readUInt32BE(edge + e * 4) % OCTOPUS;
    }
  }
  // Levels one above the parents' highest also prove there is no cycle, which a damaged position could make.
  for (let id = 0; id < total; id += 1) {
    let highest = 0;
    for (let i = parentStart[id]; i < parentStart[id + 1]; i += 1) if (level[parentIds[i]] > highest) highest = level[parentIds[i]];
    if (level[id] !== highest + 1 || level[id] >= LEVEL_CAP) damaged('its generation numbers do not agree with its parents');
  }
  return { arrays: { oids, parentStart, parentIds }, generation: level, layers: layers.length, sortedCount: layers[0].count };
}

interface RepositoryConfig {
  commitGraph: boolean;
  width: OidWidth;
  problem: string | null;
}

/**
 * What the config files git would read say about the commit-graph: system, global, then the
 * repository's, the last value winning. Includes are not followed, so a repository config
 * with any is not trusted to leave `core.commitGraph` alone.
 */
async function readConfig(gitDir: string, env: NodeJS.ProcessEnv): Promise<RepositoryConfig> {
  const result: RepositoryConfig = { commitGraph: true, width: 20, problem: null };
  const home = env.HOME ?? homedir();
  const files: Array<{ path: string; local: boolean }> = [];
  if (!env.GIT_CONFIG_NOSYSTEM) files.push({ path: env.GIT_CONFIG_SYSTEM ?? '/etc/gitconfig', local: false });
  if (env.GIT_CONFIG_GLOBAL !== undefined) {
    files.push({ path: env.GIT_CONFIG_GLOBAL, local: false });
  } else {
    files.push({ path: join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'), local: false });
    files.push({ path: join(home, '.gitconfig'), local: false });
  }
  files.push({ path: join(gitDir, 'config'), local: true });
  for (const { path, local } of files) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    for (const { section, key, value } of configEntries(text)) {
      if (section === 'core' && key === 'commitgraph') result.commitGraph = configBoolean(value);
      if (!local) continue;
      if (section === 'extensions' && key === 'objectformat') {
        const format = (value ?? '').toLowerCase();
        if (format === 'sha256') result.width = 32;
        else if (format !== 'sha1') result.problem = `the repository's object format "${value ?? ''}" is not one this reader knows`;
      }
      if (section === 'extensions' && key === 'refstorage' && (value ?? '').toLowerCase() !== 'files') {
        result.problem = 'the repository keeps its refs in a format this reader cannot check for replace refs';
      }
      if (section === 'include' || section.startsWith('includeif')) result.problem = "the repository's config includes other files, which may turn core.commitGraph off";
    }
  }
  const parameters = env.GIT_CONFIG_PARAMETERS ?? '';
  if (/core\.commitgraph/i.test(parameters)) result.problem = 'the environment sets core.commitGraph';
  const counted = Number(env.GIT_CONFIG_COUNT ?? 0);
  for (let i = 0; i < counted; i += 1) if ((env[`GIT_CONFIG_KEY_${i}`] ?? '').toLowerCase() === 'core.commitgraph') result.problem = 'the environment sets core.commitGraph';
  return result;
}

/** Section (lower case, a subsection after a space), key (lower case) and value (null for a bare key, which means true). */
function* configEntries(text: string): Generator<{ section: string; key: string; value: string | null }> {
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(line);
    if (header) {
      const name = header[1].toLowerCase();
      section = header[2] === undefined ? name : `${name} ${header[2]}`;
      line = header[3].trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!entry) continue;
    yield { section, key: entry[1].toLowerCase(), value: entry[2] === undefined ? null : configValue(entry[2]) };
  }
}

/** Git's booleans: a bare key is true, an empty value false; anything unrecognised is taken as true, git's default here. */
function configBoolean(value: string | null): boolean {
  if (value === null) return true;
  const v = value.toLowerCase();
  if (v === 'false' || v === 'no' || v === 'off' || v === '0' || v === '') return false;
  return true;
}

/**
 * What the annotated tags in `packed-refs` point at, from its `^` lines (tag object id →
 * peeled id, lower-case hex): git writes them when it packs refs, so tags need no process to peel.
 */
export async function readPackedPeels(gitDir: string): Promise<Map<string, string>> {
  const peels = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(join(gitDir, 'packed-refs'), 'latin1');
  } catch {
    return peels;
  }
  let previous: string | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('^')) {
      const peeled = line.slice(1).trim().toLowerCase();
      if (previous && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(peeled)) peels.set(previous, peeled);
      previous = null;
    } else {
      const space = line.indexOf(' ');
      previous = space === 40 || space === 64 ? line.slice(0, space).toLowerCase() : null;
    }
  }
  return peels;
}

/** Replace refs, loose (any file under refs/replace) or packed. */
async function hasReplaceRefs(gitDir: string): Promise<boolean> {
  if (await hasAnyFile(join(gitDir, 'refs', 'replace'))) return true;
  try {
    const packed = await readFile(join(gitDir, 'packed-refs'));
    return packed.indexOf(' refs/replace/') !== -1;
  } catch {
    return false;
  }
}

async function hasAnyFile(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) return true;
    if (await hasAnyFile(join(dir, entry.name))) return true;
  }
  return false;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function hexBytes(hex: string, width: OidWidth): Uint8Array | null {
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== width * 2) return null;
  return Buffer.from(hex, 'hex');
}

function sameBytes(a: Uint8Array, offset: number, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i += 1) if (a[offset + i] !== b[i]) return false;
  return true;
}
