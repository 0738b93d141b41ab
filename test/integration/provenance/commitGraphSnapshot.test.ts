import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeThatBrought } from '../../../src/core/git/commitLinks';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { ObjectIdTable } from '../../../src/core/git/objectIdTable';
import { loadSnapshot, readRefs, type RepositorySnapshot } from '../../../src/core/provenance/repositorySnapshot';
import { SnapshotStore } from '../../../src/core/provenance/snapshotStore';
import { createGitFixture, createShallowClone, runGit, type FixtureCommit, type GitFixture } from '../../fixtures/gitFixture';

/** Deterministic choices, so a failure names the same pairs on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A history with merges from a dozen feature branches (some merged, some left open), then
 * commits that only pull refs reach, annotated and lightweight tags, and commits only a
 * detached HEAD reaches.
 */
async function buildHistory(): Promise<{ fixture: GitFixture; pullOnly: string[]; headOnly: string[]; all: string[] }> {
  const pick = random(12);
  const commits: FixtureCommit[] = [{ message: 'root', files: { 'svc/app.py': '0\n' }, date: '2026-01-01T00:00:00Z', branch: 'main' }];
  let day = 1;
  const date = () => new Date(Date.UTC(2026, 0, 1) + (day += 1) * 3_600_000).toISOString();
  for (let f = 0; f < 12; f += 1) {
    const branch = `feature-${f}`;
    commits.push({ message: `main ${f}`, files: { [`main/${f}.txt`]: `${f}\n` }, date: date(), branch: 'main' });
    const length = 1 + Math.floor(pick() * 4);
    for (let c = 0; c < length; c += 1) commits.push({ message: `${branch} ${c}`, files: { [`${branch}/${c}.txt`]: `${c}\n` }, date: date(), branch });
    // Feature branches start from main where it is; most are merged back a little later.
    if (f % 4 !== 3) commits.push({ message: `merge ${branch}`, files: {}, date: date(), branch: 'main', merge: branch });
    if (f % 3 === 0) commits.push({ message: `main after ${f}`, files: { 'svc/app.py': `${f}\n` }, date: date(), branch: 'main', tag: `v${f}` });
  }
  const fixture = await createGitFixture(commits);
  const git = (args: string[], input?: string) => runGit(fixture.root, args, input).then((s) => s.trim());
  await git(['tag', '-a', '-m', 'release', 'release-1', fixture.shas[5]]);
  const pullOnly: string[] = [];
  for (let n = 1; n <= 6; n += 1) {
    const base = fixture.shas[Math.floor(pick() * fixture.shas.length)];
    const tree = await git(['rev-parse', `${base}^{tree}`]);
    const first = await git(['commit-tree', tree, '-p', base, '-m', `pull ${n}`]);
    const second = await git(['commit-tree', tree, '-p', first, '-m', `pull ${n} again`]);
    await git(['update-ref', `refs/pull/${n}/head`, n % 2 ? second : first]);
    pullOnly.push(first);
    if (n % 2) pullOnly.push(second);
  }
  for (let n = 0; n < 30; n += 1) await git(['update-ref', `refs/pull/${100 + n}/head`, fixture.shas[Math.floor(pick() * fixture.shas.length)]]);
  await git(['checkout', '-q', '--detach', 'feature-3']);
  const headOnly: string[] = [];
  for (let n = 0; n < 3; n += 1) {
    await git(['commit', '-q', '--allow-empty', '-m', `experiment ${n}`]);
    headOnly.push(await git(['rev-parse', 'HEAD']));
  }
  const all = [...fixture.shas, ...pullOnly, ...headOnly];
  return { fixture, pullOnly, headOnly, all };
}

describe('the commit graph of every ref and HEAD, against git', () => {
  let history: Awaited<ReturnType<typeof buildHistory>>;
  let snapshot: RepositorySnapshot;
  let storage: string;

  before(async () => {
    history = await buildHistory();
    storage = await mkdtemp(join(tmpdir(), 'pipeline-lens-storage-'));
    const runner = new GitRunner(history.fixture.root);
    snapshot = await loadSnapshot(runner, await readRefs(runner));
  });
  after(async () => {
    await history.fixture.cleanup();
    await rm(storage, { recursive: true, force: true });
  });

  it('holds every commit, including those only pull refs and a detached HEAD reach', () => {
    for (const sha of history.all) assert.ok(snapshot.graph.knows(sha), sha);
    assert.equal(snapshot.graph.size, new Set(history.all).size);
  });

  it('answers contains and countBetween as `git merge-base --is-ancestor` and `git rev-list --count` do', async () => {
    const pick = random(7);
    const { all, pullOnly, headOnly } = history;
    const choose = () => all[Math.floor(pick() * all.length)];
    const pairs: Array<[string, string]> = [];
    for (const special of [...pullOnly, ...headOnly]) pairs.push([choose(), special], [special, choose()]);
    while (pairs.length < 160) pairs.push([choose(), choose()]);
    let contained = 0;
    for (const [revision, commit] of pairs) {
      const isAncestor = await runGit(history.fixture.root, ['merge-base', '--is-ancestor', commit, revision]).then(
        () => true,
        () => false,
      );
      assert.equal(snapshot.graph.contains(revision, commit), isAncestor, `${revision} contains ${commit}`);
      if (isAncestor) contained += 1;
      const count = Number(await runGit(history.fixture.root, ['rev-list', '--count', `${revision}..${commit}`]));
      assert.equal(snapshot.graph.countBetween(revision, commit), count, `${revision}..${commit}`);
    }
    // Both answers must occur, or the comparison proves little.
    assert.ok(contained > 10 && contained < pairs.length - 10, `${contained} of ${pairs.length} contained`);
  });

  it('names the merge that brought each commit into main as git does: the oldest first-parent commit of main containing it', async () => {
    const root = history.fixture.root;
    const line = (await runGit(root, ['rev-list', '--first-parent', 'refs/heads/main'])).trim().split('\n');
    const reach = await Promise.all(line.map(async (sha) => new Set((await runGit(root, ['rev-list', sha])).trim().split('\n'))));
    let merges = 0;
    for (const commit of history.all) {
      let oldest = -1;
      for (let i = 0; i < line.length; i += 1) if (reach[i].has(commit)) oldest = i;
      const parents = oldest === -1 ? 0 : (await runGit(root, ['rev-list', '--parents', '-n', '1', line[oldest]])).trim().split(' ').length - 1;
      const expected = oldest === -1 ? undefined : line[oldest] === commit || parents < 2 ? null : line[oldest];
      assert.equal(mergeThatBrought(snapshot.graph, line[0], commit), expected, commit);
      assert.equal(mergeThatBrought(snapshot.graph, line[0].toUpperCase(), commit.toUpperCase()), expected, `${commit} in capitals`);
      if (expected) merges += 1;
    }
    assert.ok(merges > 5, `${merges} commits brought in by a merge`);
    assert.equal(mergeThatBrought(snapshot.graph, 'f'.repeat(40), history.all[0]), undefined, 'a tip the graph does not know');
  });

  it('resolves abbreviations of commits only HEAD reaches', () => {
    const sha = history.headOnly[0];
    assert.equal(snapshot.graph.resolve(sha.slice(0, 10)), sha);
  });

  it('is read back from the storage folder with the same answers, and brought up to date when refs move', async () => {
    const root = history.fixture.root;
    const runner = new GitRunner(root);
    const store = new SnapshotStore(storage, root);
    await store.write(snapshot);
    const stored = await loadSnapshot(runner, await readRefs(runner), { store });
    assert.equal(stored.origin, 'stored');
    assert.equal(runner.processCount, 1, 'only rev-parse: no walk of the history');
    for (const sha of history.all) assert.ok(stored.graph.knows(sha));
    assert.equal(stored.graph.contains(history.headOnly[2], history.fixture.shas[0]), true);

    // A new commit on main, and a force-push that drops a pull ref's commits.
    await runGit(root, ['checkout', '-q', 'main']);
    await runGit(root, ['commit', '-q', '--allow-empty', '-m', 'new on main']);
    const added = (await runGit(root, ['rev-parse', 'HEAD'])).trim();
    const dropped = history.pullOnly[0];
    await runGit(root, ['update-ref', 'refs/pull/1/head', history.fixture.shas[1]]);
    const moved = await loadSnapshot(runner, await readRefs(runner), { store });
    assert.equal(moved.origin, 'updated');
    assert.ok(moved.graph.knows(added));
    assert.equal(moved.graph.knows(dropped), false, 'a commit no ref reaches any more is gone');
    const fresh = await loadSnapshot(runner, await readRefs(runner));
    assert.equal(fresh.origin, 'walked');
    assert.equal(moved.graph.size, fresh.graph.size);
    for (const sha of [...history.all, added]) {
      assert.equal(moved.graph.knows(sha), fresh.graph.knows(sha), sha);
      if (fresh.graph.knows(sha)) assert.equal(moved.graph.contains(added, sha), fresh.graph.contains(added, sha), sha);
    }
    // The store follows the refs: the next session starts from the moved graph.
    await waitForStored(store, moved.refs.signature);
  });

  it('is never trusted when the file is damaged, or belongs to another repository', async () => {
    const root = history.fixture.root;
    const store = new SnapshotStore(storage, root);
    await store.write(snapshot);
    assert.ok(await store.read());
    const data = await readFile(store.file);
    data[Math.floor(data.length / 2)] ^= 0xff;
    await writeFile(store.file, data);
    assert.equal(await store.read(), null, 'a flipped byte fails the checksum');
    await writeFile(store.file, data.subarray(0, 100));
    assert.equal(await store.read(), null, 'a cut file');
    await store.write(snapshot);
    const other = new SnapshotStore(storage, join(root, 'elsewhere'));
    await writeFile(other.file, await readFile(store.file));
    assert.equal(await other.read(), null, 'a graph of another repository');
    const runner = new GitRunner(root);
    await writeFile(store.file, data);
    const rebuilt = await loadSnapshot(runner, await readRefs(runner), { store });
    assert.equal(rebuilt.origin, 'walked', 'a damaged file is walked around, not read');
    assert.equal(rebuilt.graph.size, (await loadSnapshot(runner, await readRefs(runner))).graph.size);
  });

  it('keeps the ids in byte order, so a later session searches prefixes without sorting them, and the order is the one a fresh sort gives', async () => {
    const root = history.fixture.root;
    const store = new SnapshotStore(storage, root);
    await store.write(snapshot);
    const stored = await store.read();
    assert.ok(stored);
    const kept = Array.from(stored.graph.oids.byteOrder());
    const fresh = ObjectIdTable.fromBytes(stored.graph.oids.width, stored.graph.oids.raw, stored.graph.size);
    assert.deepEqual(kept, Array.from(fresh.byteOrder()));
    assert.deepEqual(
      kept,
      [...history.all].sort().map((sha) => stored.graph.idOf(sha)),
    );
    for (const sha of history.all) assert.equal(stored.graph.resolve(sha.slice(0, 7)), snapshot.graph.resolve(sha.slice(0, 7)), sha);
    assert.equal(stored.graph.resolve('0000000'), snapshot.graph.resolve('0000000'));
  });

  it('ignores a file of the earlier format and one whose id order is wrong, even with a valid checksum, and walks the history instead', async () => {
    const root = history.fixture.root;
    const runner = new GitRunner(root);
    const store = new SnapshotStore(storage, root);
    await store.write(snapshot);
    const data = await readFile(store.file);
    const headerLength = data.readUInt32LE(8);
    const header = JSON.parse(data.subarray(12, 12 + headerLength).toString('utf8')) as { version: number; count: number; edges: number; width: number };
    const { count, edges, width } = header;
    let pos = 12 + headerLength;
    pos += (4 - (pos % 4)) % 4;
    pos += (count + 1) * 4 + edges * 4 + count * 4;
    const order = data.subarray(pos, (pos += count * 4));
    const oids = data.subarray(pos, (pos += count * width));
    const sealed = (parts: Buffer[]) => {
      const body = Buffer.concat(parts);
      return Buffer.concat([body, createHash('sha256').update(body).digest()]);
    };

    // Version 1 as an earlier release wrote it, from the graph itself: no id order, the ids before the edges.
    const { graph } = snapshot;
    const bytes = (array: Int32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    const v1Header = Buffer.from(JSON.stringify({ ...header, version: 1 }), 'utf8');
    const v1Length = Buffer.alloc(4);
    v1Length.writeUInt32LE(v1Header.length);
    await writeFile(
      store.file,
      sealed([Buffer.from('PLGRAPH\n', 'latin1'), v1Length, v1Header, Buffer.from(graph.oids.raw), bytes(graph.parentStart), bytes(graph.parentIds), bytes(graph.generation)]),
    );
    assert.equal(await store.read(), null, 'a file of the earlier format');
    const walked = await loadSnapshot(runner, await readRefs(runner), { store });
    assert.equal(walked.origin, 'walked');
    const fresh = await loadSnapshot(runner, await readRefs(runner));
    assert.equal(walked.graph.size, fresh.graph.size);
    for (const sha of history.all) assert.equal(walked.graph.resolve(sha.slice(0, 8)), fresh.graph.resolve(sha.slice(0, 8)), sha);

    // The current format with two ids of the order swapped and the checksum made to match.
    const swapped = Buffer.from(order);
    const first = Buffer.from(swapped.subarray(0, 4));
    swapped.copy(swapped, 0, 4, 8);
    first.copy(swapped, 4);
    await writeFile(store.file, sealed([data.subarray(0, pos - count * width - count * 4), swapped, oids]));
    assert.equal(await store.read(), null, 'an order a prefix search would misread');
    await writeFile(store.file, sealed([data.subarray(0, pos - count * width - count * 4), order, oids]));
    assert.ok(await store.read(), 'the same bytes with the order as written');
  });

  it('refuses a storage folder inside the repository', () => {
    const root = history.fixture.root;
    assert.match(SnapshotStore.refusal(join(root, '.vscode'), root) ?? '', /inside the repository/);
    assert.equal(SnapshotStore.refusal(storage, root), null);
  });
});

describe('a stored graph of a shallow clone', () => {
  it('is walked again when the clone is deepened', async () => {
    const commits: FixtureCommit[] = Array.from({ length: 8 }, (_, i) => ({ message: `c${i}`, files: { 'a.txt': `${i}\n` }, date: `2026-02-0${i + 1}T00:00:00Z` }));
    const source = await createGitFixture(commits);
    const clone = await createShallowClone(source.root, 3);
    const storage = await mkdtemp(join(tmpdir(), 'pipeline-lens-storage-'));
    try {
      const runner = new GitRunner(clone.root);
      const store = new SnapshotStore(storage, clone.root);
      const shallow = await loadSnapshot(runner, await readRefs(runner), { store });
      assert.equal(shallow.graph.size, 3);
      await waitForStored(store, shallow.refs.signature);
      await runGit(clone.root, ['fetch', '-q', '--deepen=3']);
      const deeper = await loadSnapshot(runner, await readRefs(runner), { store });
      assert.equal(deeper.origin, 'walked', 'new parents of the old boundary are not in the stored graph');
      assert.equal(deeper.graph.size, 6);
      assert.equal(deeper.graph.contains(source.shas[7], source.shas[2]), true);
      assert.deepEqual(await readdir(clone.root).then((names) => names.filter((n) => n.includes('commit-graph'))), [], 'nothing written into the repository');
    } finally {
      await clone.cleanup();
      await source.cleanup();
      await rm(storage, { recursive: true, force: true });
    }
  });
});

/** The store is written after the answer is given; waits until it holds the graph for these refs. */
async function waitForStored(store: SnapshotStore, signature: string): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    const kept = await store.read();
    if (kept?.refs.signature === signature) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('the graph was not kept in the storage folder');
}
