import type { BatchEntry } from './catFileBatch';
import type { CatFileSession } from './catFileSession';
import type { CommitInfo } from './types';

interface TreeEntry {
  mode: string;
  name: string;
  /** The object id as bytes in hex, for comparison. */
  id: string;
  isTree: boolean;
}

/**
 * Files each commit changed against its first parent (everything, for a root commit or a
 * shallow clone's boundary commit, whose parent is not there), read through an open
 * `cat-file --batch` by comparing trees, with what `git diff-tree -r --root --no-renames
 * --name-only --diff-merges=first-parent` prints, in its order: a file whose content or mode
 * changed, every file under a folder added or removed, a submodule whose commit moved.
 * Commits whose trees cannot be read are left out of the map.
 */
export async function filesChangedThrough(session: CatFileSession, commits: CommitInfo[]): Promise<Map<string, string[]>> {
  const trees = new TreeReader(session);
  const result = new Map<string, string[]>();
  await Promise.all(
    commits.map(async (commit) => {
      const [own, parent] = await Promise.all([trees.rootOf(commit.sha), commit.parents.length ? trees.rootOf(commit.parents[0]) : Promise.resolve(null)]);
      if (own === null) return;
      const files: string[] = [];
      await compare(trees, '', parent, own, files);
      result.set(commit.sha, files);
    }),
  );
  return result;
}

/** Appends the paths that differ between two trees (ids; null: no tree), in git's tree order. */
async function compare(trees: TreeReader, prefix: string, before: string | null, after: string | null, out: string[]): Promise<void> {
  const [a, b] = await Promise.all([before ? trees.read(before) : [], after ? trees.read(after) : []]);
  // Subtrees are read together, then their paths appended in order.
  const parts: Array<string | Promise<string[]>> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const order = i >= a.length ? 1 : j >= b.length ? -1 : compareEntries(a[i], b[j]);
    if (order < 0) {
      parts.push(...side(trees, prefix, a[i]));
      i += 1;
    } else if (order > 0) {
      parts.push(...side(trees, prefix, b[j]));
      j += 1;
    } else {
      const x = a[i];
      const y = b[j];
      if (x.id !== y.id || x.mode !== y.mode) {
        if (x.isTree && y.isTree) parts.push(subtree(trees, `${prefix}${y.name}/`, x.id, y.id));
        else parts.push(`${prefix}${y.name}`);
      }
      i += 1;
      j += 1;
    }
  }
  for (const part of parts) {
    if (typeof part === 'string') out.push(part);
    else out.push(...(await part));
  }
}

/** An entry on one side only: the path itself, or every file under the folder. */
function side(trees: TreeReader, prefix: string, entry: TreeEntry): Array<string | Promise<string[]>> {
  if (!entry.isTree) return [`${prefix}${entry.name}`];
  return [subtree(trees, `${prefix}${entry.name}/`, null, entry.id)];
}

async function subtree(trees: TreeReader, prefix: string, before: string | null, after: string | null): Promise<string[]> {
  const out: string[] = [];
  await compare(trees, prefix, before, after, out);
  return out;
}

/** git's tree order: names compared bytewise, a folder's as if it ended with "/". */
function compareEntries(x: TreeEntry, y: TreeEntry): number {
  const a = Buffer.from(x.isTree ? `${x.name}/` : x.name, 'utf8');
  const b = Buffer.from(y.isTree ? `${y.name}/` : y.name, 'utf8');
  return Buffer.compare(a, b);
}

/**
 * Trees read through the session, each once: the reads asked for in one turn of the event
 * loop go out as one request.
 */
class TreeReader {
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();
  private queued: Array<{ name: string; resolve: (entry: BatchEntry) => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly session: CatFileSession) {}

  /** The id of a commit's root tree, or null when the commit (or its tree) is not in the repository. */
  async rootOf(commit: string): Promise<string | null> {
    const entry = await this.fetch(`${commit}^{tree}`);
    if (entry.kind !== 'object' || entry.type !== 'tree') return null;
    this.trees.set(entry.sha, Promise.resolve(parseTree(entry.body, entry.sha.length / 2)));
    return entry.sha;
  }

  read(id: string): Promise<TreeEntry[]> {
    let tree = this.trees.get(id);
    if (!tree) {
      tree = this.fetch(id).then((entry) => {
        if (entry.kind !== 'object' || entry.type !== 'tree') throw new Error(`git cat-file could not read the tree ${id}: the repository is missing objects; run \`git fsck\`.`);
        return parseTree(entry.body, id.length / 2);
      });
      this.trees.set(id, tree);
    }
    return tree;
  }

  private fetch(name: string): Promise<BatchEntry> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ name, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    this.session.request(batch.map((q) => q.name)).then(
      (entries) => batch.forEach((q, i) => q.resolve(entries[i])),
      (error: unknown) => batch.forEach((q) => q.reject(error)),
    );
  }
}

/** A tree object's entries: "<mode> <name>\0" then the id's bytes, one after the other. */
function parseTree(body: Buffer, width: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const nul = body.indexOf(0x00, space);
    if (space === -1 || nul === -1 || nul + 1 + width > body.length) throw new Error('git cat-file printed a tree that could not be read; run `git fsck`.');
    const mode = body.subarray(pos, space).toString('latin1');
    const name = body.subarray(space + 1, nul).toString('utf8');
    const id = body.subarray(nul + 1, nul + 1 + width).toString('hex');
    entries.push({ mode, name, id, isTree: mode === '40000' });
    pos = nul + 1 + width;
  }
  return entries;
}
