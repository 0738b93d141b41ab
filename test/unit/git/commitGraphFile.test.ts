import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommitGraph } from '../../../src/core/git/ancestry';
import { readRepositoryCommitGraph, type CommitGraphFileRead } from '../../../src/core/git/commitGraphFile';
import { addBranch, assertAncestryLikeGit, assertSameGraph, createGraphHistory, parentsOf, revListParents, type GraphHistory } from '../../fixtures/commitGraphHistory';
import { createShallowClone, fixtureGitEnv, runGit } from '../../fixtures/gitFixture';

/*
 * git's commit-graph file read directly, against `git rev-list --parents` and `git merge-base
 * --is-ancestor` on repositories whose files git itself wrote: a single file, a split chain,
 * a SHA-256 repository; and refused, never misread, when cut, changed, or not what git would use.
 */

const env = fixtureGitEnv();
const read = (root: string): Promise<CommitGraphFileRead> => readRepositoryCommitGraph(join(root, '.git'), env);

function graphOf(result: CommitGraphFileRead): CommitGraph {
  assert.ok(result.graph, result.graph ? '' : `${result.kind}: ${result.reason}`);
  return new CommitGraph(result.graph.arrays, result.graph.generation);
}

function assertRefused(result: CommitGraphFileRead, kind: 'absent' | 'ignored' | 'damaged', reason: RegExp, label: string): void {
  assert.equal(result.graph, null, `${label}: a graph was read`);
  if (result.graph) return;
  assert.equal(result.kind, kind, `${label}: ${result.reason}`);
  assert.match(result.reason, reason, label);
}

describe('reading a commit-graph file git wrote', () => {
  let history: GraphHistory;

  before(async () => {
    history = await createGraphHistory();
    await history.git(['commit-graph', 'write', '--reachable']);
  });
  after(() => history.fixture.cleanup());

  it('gives the commits and parents rev-list gives, octopus parents in order, and answers ancestry as git does', async () => {
    const result = await read(history.root);
    const graph = graphOf(result);
    assert.equal(result.graph?.layers, 1);
    const expected = await revListParents(history.root);
    assertSameGraph(graph, expected, 'single file');
    for (const octopus of history.octopuses) assert.deepEqual(parentsOf(graph, octopus.sha), octopus.parents, 'octopus parents, from the extra edge list');
    await assertAncestryLikeGit(history.root, graph, [...expected.keys()], 3);
  });

  it('resolves abbreviations from the sorted ids it was given', async () => {
    const graph = graphOf(await read(history.root));
    const all = [...(await revListParents(history.root)).keys()];
    for (const sha of all) assert.equal(graph.resolve(sha.slice(0, 9)), sha);
    assert.equal(graph.resolve('0000000'), null);
  });
});

describe('reading a split commit-graph chain', () => {
  let history: GraphHistory;

  before(async () => {
    history = await createGraphHistory(9, 5);
    await history.git(['commit-graph', 'write', '--reachable', '--split=no-merge']);
    const main = await history.git(['rev-parse', 'main']);
    const first = await addBranch(history, 'later-1', main, 4);
    await history.git(['commit-graph', 'write', '--reachable', '--split=no-merge']);
    // A merge whose parents lie in two lower layers.
    const tree = await history.git(['rev-parse', 'main^{tree}']);
    const merge = await history.git(['commit-tree', tree, '-p', first[3], '-p', history.octopuses[0].sha, '-m', 'across layers']);
    await history.git(['update-ref', 'refs/heads/later-2', merge]);
    await addBranch(history, 'later-3', merge, 3);
    await history.git(['commit-graph', 'write', '--reachable', '--split=no-merge']);
  });
  after(() => history.fixture.cleanup());

  it('joins the layers, base first, into the graph rev-list gives', async () => {
    const chain = await readFile(join(history.root, '.git', 'objects', 'info', 'commit-graphs', 'commit-graph-chain'), 'utf8');
    assert.equal(chain.trim().split('\n').length, 3, 'git wrote three layers');
    const result = await read(history.root);
    const graph = graphOf(result);
    assert.equal(result.graph?.layers, 3);
    const expected = await revListParents(history.root);
    assertSameGraph(graph, expected, 'split chain');
    await assertAncestryLikeGit(history.root, graph, [...expected.keys()], 4);
    assert.equal(graph.resolve(history.octopuses[1].sha.slice(0, 10)), history.octopuses[1].sha);
  });

  it('is refused when a layer the chain names is missing', async () => {
    const dir = join(history.root, '.git', 'objects', 'info', 'commit-graphs');
    const chain = (await readFile(join(dir, 'commit-graph-chain'), 'utf8')).trim().split('\n');
    const layer = join(dir, `graph-${chain[1]}.graph`);
    const kept = await readFile(layer);
    await rm(layer);
    try {
      assertRefused(await read(history.root), 'damaged', /cannot be read/, 'missing layer');
    } finally {
      await writeFile(layer, kept);
    }
  });
});

describe('reading a SHA-256 repository', () => {
  it('reads 32-byte ids', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'pipeline-lens-sha256-'));
    try {
      try {
        await runGit(root, ['init', '-q', '--object-format=sha256', '--initial-branch=main']);
      } catch {
        t.skip('this git cannot make SHA-256 repositories');
        return;
      }
      const git = (args: string[]) => runGit(root, args).then((s) => s.trim());
      await git(['config', 'user.name', 'Fixture']);
      await git(['config', 'user.email', 'fixture@fixture.test']);
      const tree = await git(['write-tree']);
      const a = await git(['commit-tree', tree, '-m', 'a']);
      const b = await git(['commit-tree', tree, '-p', a, '-m', 'b']);
      const c = await git(['commit-tree', tree, '-p', a, '-m', 'c']);
      const d = await git(['commit-tree', tree, '-p', b, '-p', c, '-p', a, '-m', 'd']);
      await git(['update-ref', 'refs/heads/main', d]);
      await git(['commit-graph', 'write', '--reachable']);
      const graph = graphOf(await read(root));
      assert.equal(d.length, 64);
      assertSameGraph(graph, await revListParents(root), 'sha256');
      assert.equal(graph.contains(d, c), true);
      assert.equal(graph.contains(b, c), false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** Where each chunk of a commit-graph file starts, by id. */
function chunkOffsets(data: Buffer): Map<string, number> {
  const offsets = new Map<string, number>();
  for (let i = 0; i < data[6]; i += 1) offsets.set(data.subarray(8 + i * 12, 12 + i * 12).toString('latin1'), Number(data.readBigUInt64BE(12 + i * 12)));
  return offsets;
}

/** The file with its trailing SHA-1 made right again, so only the structural checks can catch the change. */
function rehashed(data: Buffer): Buffer {
  const out = Buffer.from(data);
  createHash('sha1')
    .update(out.subarray(0, out.length - 20))
    .digest()
    .copy(out, out.length - 20);
  return out;
}

describe('a damaged commit-graph file', () => {
  let history: GraphHistory;
  let file: string;
  let good: Buffer;
  let commits: number;

  before(async () => {
    history = await createGraphHistory(11, 4);
    await history.git(['commit-graph', 'write', '--reachable']);
    file = join(history.root, '.git', 'objects', 'info', 'commit-graph');
    good = await readFile(file);
    commits = good.readUInt32BE(chunkOffsets(good).get('OIDF')! + 1020);
  });
  after(() => history.fixture.cleanup());

  async function readWith(data: Buffer): Promise<CommitGraphFileRead> {
    await writeFile(file, data);
    try {
      return await read(history.root);
    } finally {
      await writeFile(file, good);
    }
  }

  it('is refused when cut anywhere', async () => {
    for (let length = 0; length < good.length; length += Math.max(1, Math.floor(good.length / 97))) {
      assertRefused(await readWith(good.subarray(0, length)), 'damaged', /./, `cut to ${length} bytes`);
    }
    assertRefused(await readWith(good.subarray(0, good.length - 1)), 'damaged', /./, 'cut by one byte');
  });

  it('is refused when any byte is changed', async () => {
    for (let at = 0; at < good.length; at += Math.max(1, Math.floor(good.length / 211))) {
      const data = Buffer.from(good);
      data[at] ^= 0x10;
      assertRefused(await readWith(data), 'damaged', /./, `byte ${at} changed`);
    }
  });

  it('is refused when a change keeps the checksum but breaks the structure', async () => {
    const chunks = chunkOffsets(good);
    const cdat = chunks.get('CDAT')!;
    const oidl = chunks.get('OIDL')!;
    const record = 20 + 16;
    // Which commit sits at a position follows from the ids, which follow from the fixture's dates: the octopus damage needs one with a first parent.
    let withParent = 0;
    while (good.readUInt32BE(cdat + withParent * record + 20) === 0x70000000) withParent += 1;
    const damage: Array<[string, (d: Buffer) => void, RegExp]> = [
      ['a parent position past the last commit', (d) => d.writeUInt32BE(commits + 5, cdat + 5 * record + 20), /outside the graph/],
      ['a commit its own parent', (d) => d.writeUInt32BE(5, cdat + 5 * record + 20), /generation numbers/],
      [
        'a second parent without a first',
        (d) => (d.writeUInt32BE(0x70000000, cdat + 5 * record + 20), d.writeUInt32BE(1, cdat + 5 * record + 24)),
        /second parent without a first/,
      ],
      ['an octopus run past the extra edges', (d) => d.writeUInt32BE(0x80000000 + 1000, cdat + withParent * record + 24), /past the extra edge/],
      ['two ids swapped', (d) => (d.copy(d, oidl, oidl + 20, oidl + 40), good.copy(d, oidl + 20, oidl, oidl + 20)), /ascending order/],
      ['a chunk past the end', (d) => d.writeBigUInt64BE(BigInt(good.length * 2), 12 + 12), /outside the file/],
      ['more chunks than the table holds', (d) => (d[6] += 1), /./],
      ['a SHA-256 file in a SHA-1 repository', (d) => (d[5] = 2), /SHA-256/],
    ];
    for (const [label, change, reason] of damage) {
      const data = Buffer.from(good);
      change(data);
      assertRefused(await readWith(rehashed(data)), 'damaged', reason, label);
    }
    // The same rewriting with nothing changed still reads: the refusals above are the changes'.
    assert.ok((await readWith(rehashed(good))).graph);
  });
});

describe('a commit-graph git would not use', () => {
  let history: GraphHistory;

  before(async () => {
    history = await createGraphHistory(13, 3);
    await history.git(['commit-graph', 'write', '--reachable']);
  });
  after(() => history.fixture.cleanup());

  it('is read when nothing stands in the way', async () => {
    assert.ok((await read(history.root)).graph);
  });

  it('is not read with core.commitGraph false in the repository config', async () => {
    await history.git(['config', 'core.commitGraph', 'false']);
    try {
      assertRefused(await read(history.root), 'ignored', /core\.commitGraph/, 'core.commitGraph=false');
    } finally {
      await history.git(['config', '--unset', 'core.commitGraph']);
    }
    await history.git(['config', 'core.commitGraph', 'true']);
    assert.ok((await read(history.root)).graph, 'core.commitGraph=true');
    await history.git(['config', '--unset', 'core.commitGraph']);
  });

  it('is not read with core.commitGraph false in the global config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-global-'));
    try {
      await writeFile(join(dir, 'gitconfig'), '[core]\n\tcommitGraph = no\n');
      assertRefused(await readRepositoryCommitGraph(join(history.root, '.git'), { ...env, GIT_CONFIG_GLOBAL: join(dir, 'gitconfig') }), 'ignored', /core\.commitGraph/, 'global');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is not read when a replace ref changes a commit, loose or packed', async () => {
    const [a, b] = history.fixture.shas;
    await history.git(['replace', a, b]);
    try {
      assertRefused(await read(history.root), 'ignored', /replace refs/, 'loose replace ref');
      await history.git(['pack-refs', '--all']);
      assertRefused(await read(history.root), 'ignored', /replace refs/, 'packed replace ref');
    } finally {
      await history.git(['replace', '-d', a]);
    }
    assert.ok((await read(history.root)).graph);
  });

  it('is not read with grafts or alternates', async () => {
    const info = join(history.root, '.git', 'info');
    await mkdir(info, { recursive: true });
    await writeFile(join(info, 'grafts'), `${history.fixture.shas[2]}\n`);
    try {
      assertRefused(await read(history.root), 'ignored', /grafts/, 'grafts');
    } finally {
      await rm(join(info, 'grafts'));
    }
    const alternates = join(history.root, '.git', 'objects', 'info', 'alternates');
    await appendFile(alternates, `${join(history.root, '.git', 'objects')}\n`);
    try {
      assertRefused(await read(history.root), 'ignored', /alternates/, 'alternates');
    } finally {
      await rm(alternates);
    }
  });

  it('is not read in a shallow clone, and is absent where none was written', async () => {
    const clone = await createShallowClone(history.root, 2);
    try {
      assertRefused(await read(clone.root), 'absent', /no commit-graph/, 'fresh clone');
      // git writes none in a shallow clone; one left from before the clone was made shallow is what is met.
      const name = join('.git', 'objects', 'info', 'commit-graph');
      await writeFile(join(clone.root, name), await readFile(join(history.root, name)));
      assertRefused(await read(clone.root), 'ignored', /shallow/, 'shallow clone');
    } finally {
      await clone.cleanup();
    }
  });
});
