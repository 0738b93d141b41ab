import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CommitGraph } from '../git/ancestry';
import { ObjectIdTable } from '../git/objectIdTable';
import type { RefsState } from './repositorySnapshot';

const MAGIC = Buffer.from('PLGRAPH\n', 'latin1');
/** 2: the ids' byte order is kept after the ids, so a later session skips sorting them. */
const VERSION = 2;
const CHECKSUM_BYTES = 32;

/** What a stored graph was built from, with the graph: enough to extend it when refs move. */
export interface StoredSnapshot {
  refs: RefsState;
  graph: CommitGraph;
  /** Annotated tags among the tips, and the commit each names (tag objects never change). */
  peeled: Map<string, string>;
}

interface Header {
  version: number;
  endianness: string;
  repository: string;
  width: number;
  count: number;
  edges: number;
  refs: RefsState;
  peeled: Array<[string, string]>;
}

/**
 * The commit graph of one repository, kept in a folder of the editor's own (never in the
 * repository) so a new session starts from it instead of walking the whole history again.
 * A file is trusted only if its checksum, format version and repository all match; anything
 * else reads as no file, and the graph is built from git as if there were none.
 */
export class SnapshotStore {
  readonly file: string;

  constructor(
    folder: string,
    private readonly repository: string,
  ) {
    const key = createHash('sha256').update(resolve(repository)).digest('hex').slice(0, 16);
    this.file = join(folder, `commit-graph-${key}.bin`);
  }

  /**
   * Why a folder cannot hold the graph, or null when it can. Inside the repository it would
   * show up as an untracked file, or be committed.
   */
  static refusal(folder: string, repository: string): string | null {
    const rel = relative(resolve(repository), resolve(folder));
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
      return `The storage folder ${folder} is inside the repository ${repository}; the commit graph is not kept there (give the server a storage path outside the repository).`;
    }
    return null;
  }

  async read(): Promise<StoredSnapshot | null> {
    let data: Buffer;
    try {
      data = await readWhole(this.file);
    } catch {
      return null;
    }
    try {
      return this.decode(data);
    } catch {
      return null;
    }
  }

  /** Writes atomically (a whole file or the previous one); throws what went wrong. */
  async write(snapshot: StoredSnapshot): Promise<void> {
    const data = this.encode(snapshot);
    await mkdir(join(this.file, '..'), { recursive: true });
    const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temporary, data);
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private encode({ refs, graph, peeled }: StoredSnapshot): Buffer {
    const header: Header = {
      version: VERSION,
      endianness: endianness(),
      repository: resolve(this.repository),
      width: graph.oids.width,
      count: graph.size,
      edges: graph.parentIds.length,
      refs,
      peeled: [...peeled.entries()],
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length);
    // Padded so the integer arrays start on a 4-byte boundary: read back, they are views of the file's bytes, not copies.
    const padding = Buffer.alloc((4 - ((MAGIC.length + 4 + headerBytes.length) % 4)) % 4);
    const parts = [
      MAGIC,
      length,
      headerBytes,
      padding,
      bytesOf(graph.parentStart),
      bytesOf(graph.parentIds),
      bytesOf(graph.generation),
      bytesOf(graph.oids.byteOrder()),
      graph.oids.raw,
    ];
    const body = Buffer.concat(parts);
    return Buffer.concat([body, createHash('sha256').update(body).digest()]);
  }

  private decode(data: Buffer): StoredSnapshot | null {
    if (data.length < MAGIC.length + 4 + CHECKSUM_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const body = data.subarray(0, data.length - CHECKSUM_BYTES);
    if (
      !createHash('sha256')
        .update(body)
        .digest()
        .equals(data.subarray(data.length - CHECKSUM_BYTES))
    )
      return null;
    const headerLength = body.readUInt32LE(MAGIC.length);
    let pos = MAGIC.length + 4;
    const header = JSON.parse(body.subarray(pos, pos + headerLength).toString('utf8')) as Header;
    pos += headerLength;
    // An earlier format (no id order, other offsets) is never read as this one: it reads as no file.
    if (header.version !== VERSION || header.endianness !== endianness() || header.repository !== resolve(this.repository)) return null;
    if (header.width !== 20 && header.width !== 32) return null;
    const { count, edges, width } = header;
    if (!Number.isInteger(count) || !Number.isInteger(edges) || count < 0 || edges < 0) return null;
    pos += (4 - (pos % 4)) % 4;
    const expected = pos + (count + 1) * 4 + edges * 4 + count * 4 + count * 4 + count * width;
    if (body.length !== expected) return null;
    const parentStart = int32s(body, pos, count + 1);
    pos += (count + 1) * 4;
    const parentIds = int32s(body, pos, edges);
    pos += edges * 4;
    const generation = int32s(body, pos, count);
    pos += count * 4;
    const order = int32s(body, pos, count);
    pos += count * 4;
    for (let i = 0; i < edges; i += 1) if (parentIds[i] < 0 || parentIds[i] >= count) return null;
    if (parentStart[0] !== 0 || parentStart[count] !== edges) return null;
    for (let id = 0; id < count; id += 1) if (parentStart[id + 1] < parentStart[id]) return null;
    const oids = ObjectIdTable.fromBytes(width, body.subarray(pos, pos + count * width), count, { adopt: true });
    if (!oids.useOrder(order)) return null;
    return { refs: header.refs, graph: new CommitGraph({ oids, parentStart, parentIds }, generation), peeled: new Map(header.peeled) };
  }
}

/**
 * The file in memory of its own (never a shared pool's), in one read: the graph keeps views
 * of it as its arrays.
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const data = Buffer.from(new ArrayBuffer(size));
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(data, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return data.subarray(0, read);
  } finally {
    await handle.close();
  }
}

function bytesOf(array: Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * The integers at `offset`: a view of the file's bytes when they are aligned (the file is
 * read into memory of its own, which the graph then keeps), else a copy.
 */
function int32s(data: Buffer, offset: number, count: number): Int32Array {
  const at = data.byteOffset + offset;
  if (at % 4 === 0) return new Int32Array(data.buffer, at, count);
  const out = new Int32Array(count);
  new Uint8Array(out.buffer).set(data.subarray(offset, offset + count * 4));
  return out;
}
