import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommitGraph, walkGraph } from '../../../src/core/git/ancestry';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { loadSnapshot, readRefs, type RepositorySnapshot } from '../../../src/core/provenance/repositorySnapshot';
import { ProvenanceService } from '../../../src/core/provenance/documentProvenance';
import { Workspace } from '../../../src/core/workspace';
import { lensTitle } from '../../../src/server/lensTitle';
import { runGit } from '../../fixtures/gitFixture';
import { createPipelineFixture, type PipelineFixture } from '../server/pipelineFixture';
import { addBranch, assertAncestryLikeGit, assertSameGraph, createGraphHistory, parentsOf, type GraphHistory } from '../../fixtures/commitGraphHistory';

/*
 * A cold snapshot read from git's commit-graph file must be the graph the whole walk gives
 * (`rev-list --parents` of every ref and HEAD): the same commits, the same parents in the
 * same order, whether the file is current, older than the refs, holds commits no ref reaches
 * any more, is split in layers, or is damaged or not to be used (then the history is walked).
 */

/** The graph of the existing whole walk, as the reference, keyed by SHA. */
async function walkedParents(root: string): Promise<Map<string, string[]>> {
  const runner = new GitRunner(root);
  const graph = new CommitGraph(await walkGraph(runner, (await readRefs(runner)).tips));
  const parents = new Map<string, string[]>();
  for (let id = 0; id < graph.size; id += 1) parents.set(graph.shaOf(id), parentsOf(graph, graph.shaOf(id)));
  return parents;
}

async function coldSnapshot(root: string): Promise<{ snapshot: RepositorySnapshot; processes: number; problems: string[] }> {
  const runner = new GitRunner(root);
  const problems: string[] = [];
  const snapshot = await loadSnapshot(runner, await readRefs(runner), { onCommitGraphProblem: (m) => problems.push(m) });
  return { snapshot, processes: runner.processCount, problems };
}

async function assertLikeTheWalk(root: string, label: string, origin: RepositorySnapshot['origin'] = 'commit-graph'): Promise<RepositorySnapshot> {
  const { snapshot, problems } = await coldSnapshot(root);
  assert.equal(snapshot.origin, origin, `${label}: ${problems.join(' ')}`);
  const expected = await walkedParents(root);
  assertSameGraph(snapshot.graph, expected, label);
  // Depths come from the file's levels and the walk's additions, not computed afresh: they must agree.
  const runner = new GitRunner(root);
  const walked = new CommitGraph(await walkGraph(runner, (await readRefs(runner)).tips));
  for (const sha of expected.keys()) assert.equal(snapshot.graph.generation[snapshot.graph.idOf(sha)], walked.generation[walked.idOf(sha)], `${label}: generation of ${sha}`);
  return snapshot;
}

describe("a cold snapshot from git's commit-graph file", () => {
  let history: GraphHistory;

  before(async () => {
    history = await createGraphHistory(21, 8);
  });
  after(() => history.fixture.cleanup());

  it('is the graph of the walk, read with no walk once tags are packed', async () => {
    await history.git(['commit-graph', 'write', '--reachable']);
    const loose = await coldSnapshot(history.root);
    assert.equal(loose.snapshot.origin, 'commit-graph');
    assert.equal(loose.processes, 2, 'rev-parse, and one walk for the annotated tag packed-refs does not peel');
    await history.git(['pack-refs', '--all']);
    const packed = await coldSnapshot(history.root);
    assert.equal(packed.processes, 1, 'only rev-parse: the file holds every tip, packed-refs peels the tag');
    const expected = await walkedParents(history.root);
    assertSameGraph(packed.snapshot.graph, expected, 'current file');
    assertSameGraph(loose.snapshot.graph, expected, 'current file, loose tag');
    await assertAncestryLikeGit(history.root, packed.snapshot.graph, [...expected.keys()], 8);
    // A tag of a blob (a signing key, as in git's own repository): walked, and nothing printed.
    const blob = await history.git(['hash-object', '-w', '--stdin'], 'a public key\n');
    await history.git(['tag', '-a', '-m', 'key', 'signing-key', blob]);
    const withBlobTag = await coldSnapshot(history.root);
    assert.equal(withBlobTag.processes, 2);
    assertSameGraph(withBlobTag.snapshot.graph, await walkedParents(history.root), 'a tag of a blob');
    await history.git(['tag', '-d', 'signing-key']);
  });

  it('adds what is newer than the file, and leaves out what no ref reaches any more', async () => {
    await history.git(['commit-graph', 'write', '--reachable']);
    const main = await history.git(['rev-parse', 'main']);
    // Newer than the file: commits on a new branch, a merge of it, a new annotated tag on an old commit.
    const later = await addBranch(history, 'later', main, 5);
    const tree = await history.git(['rev-parse', 'main^{tree}']);
    const merge = await history.git(['commit-tree', tree, '-p', main, '-p', later[4], '-p', history.octopuses[0].parents[2], '-m', 'merge later']);
    await history.git(['update-ref', 'refs/heads/main', merge]);
    await history.git(['tag', '-a', '-m', 'late tag', 'late-tag', history.fixture.shas[2]]);
    // In the file, reachable from no ref now: a deleted branch, and a pull ref moved back.
    const doomed = await addBranch(history, 'doomed', history.fixture.shas[4], 3);
    await history.git(['update-ref', 'refs/pull/7/head', doomed[2]]);
    await history.git(['commit-graph', 'write', '--reachable']);
    await history.git(['branch', '-D', 'doomed']);
    await history.git(['update-ref', 'refs/pull/7/head', doomed[0]]);
    // A loose annotated tag is walked (`tag --not <the other tips>`): the commit it names is in the file and only it reaches it.
    await history.git(['tag', '-a', '-m', 'keeps one', 'doomed-tag', doomed[1]]);
    // Only HEAD reaches this one.
    await history.git(['checkout', '-q', '--detach', later[1]]);
    await history.git(['commit', '-q', '--allow-empty', '-m', 'detached']);
    const detached = await history.git(['rev-parse', 'HEAD']);

    const snapshot = await assertLikeTheWalk(history.root, 'stale file');
    for (const sha of [...later, merge, detached, doomed[0], doomed[1]]) assert.ok(snapshot.graph.knows(sha), sha);
    assert.equal(snapshot.graph.knows(doomed[2]), false, 'reachable from no ref');
    assert.deepEqual(parentsOf(snapshot.graph, merge), [main, later[4], history.octopuses[0].parents[2]]);
    const all = [...(await walkedParents(history.root)).keys()];
    await assertAncestryLikeGit(history.root, snapshot.graph, all, 9, 80);
    // Ids from the file and from the walk are searched together by prefix.
    for (const sha of all) assert.equal(snapshot.graph.resolve(sha.slice(0, 8)), sha);
  });

  it('joins a split chain and what is newer than it', async () => {
    await history.git(['commit-graph', 'write', '--reachable', '--split=no-merge']);
    await addBranch(history, 'chain-1', history.fixture.shas[6], 2);
    await history.git(['commit-graph', 'write', '--reachable', '--split=no-merge']);
    await addBranch(history, 'chain-2', history.octopuses[1].sha, 2);
    await history.git(['commit-graph', 'write', '--reachable', '--split=no-merge']);
    await addBranch(history, 'after-chain', history.fixture.shas[8], 2);
    await assertLikeTheWalk(history.root, 'split chain');
  });
});

describe('a commit-graph file that is not read', () => {
  let history: GraphHistory;

  before(async () => {
    history = await createGraphHistory(23, 4);
    await history.git(['commit-graph', 'write', '--reachable']);
  });
  after(() => history.fixture.cleanup());

  it('is walked around when damaged, saying why, with the same answers', async () => {
    const file = join(history.root, '.git', 'objects', 'info', 'commit-graph');
    const good = await readFile(file);
    const data = Buffer.from(good);
    data[Math.floor(data.length / 2)] ^= 0x01;
    await writeFile(file, data);
    try {
      const { snapshot, problems } = await coldSnapshot(history.root);
      assert.equal(snapshot.origin, 'walked');
      assert.equal(problems.length, 1);
      assert.match(problems[0], /commit-graph file.*checksum.*walking the history instead/);
      assertSameGraph(snapshot.graph, await walkedParents(history.root), 'damaged file');
    } finally {
      await writeFile(file, good);
    }
    assert.equal((await coldSnapshot(history.root)).snapshot.origin, 'commit-graph');
  });

  it('is walked around with core.commitGraph false, or replace refs, which change parents', async () => {
    await history.git(['config', 'core.commitGraph', 'false']);
    try {
      const { snapshot, problems } = await coldSnapshot(history.root);
      assert.equal(snapshot.origin, 'walked');
      assert.match(problems.join(' '), /core\.commitGraph is false/);
    } finally {
      await history.git(['config', '--unset', 'core.commitGraph']);
    }
    // A replacement with other parents: the walk follows it, the file does not know it.
    const target = history.fixture.shas[5];
    const tree = await history.git(['rev-parse', `${target}^{tree}`]);
    const replacement = await history.git(['commit-tree', tree, '-m', 'replaced: no parents']);
    await history.git(['replace', target, replacement]);
    try {
      const { snapshot, problems } = await coldSnapshot(history.root);
      assert.equal(snapshot.origin, 'walked');
      assert.match(problems.join(' '), /replace refs/);
      assertSameGraph(snapshot.graph, await walkedParents(history.root), 'replace refs');
      assert.deepEqual(parentsOf(snapshot.graph, target), [], 'the replaced commit has the replacement parents');
    } finally {
      await history.git(['replace', '-d', target]);
    }
  });

  it('says nothing when there is no file', async () => {
    await history.git(['commit-graph', 'write', '--reachable']);
    const file = join(history.root, '.git', 'objects', 'info', 'commit-graph');
    const kept = await readFile(file);
    await rm(file);
    try {
      const { snapshot, problems } = await coldSnapshot(history.root);
      assert.equal(snapshot.origin, 'walked');
      assert.deepEqual(problems, []);
    } finally {
      await writeFile(file, kept);
    }
  });
});

describe('lenses of a cold service on a repository with a commit-graph file', () => {
  let fixture: PipelineFixture;

  before(async () => {
    fixture = await createPipelineFixture({ commits: 60 });
    const tree = await runGit(fixture.root, ['rev-parse', `${fixture.shas[20]}^{tree}`]).then((s) => s.trim());
    const side = await runGit(fixture.root, ['commit-tree', tree, '-p', fixture.shas[20], '-m', 'side']).then((s) => s.trim());
    await runGit(fixture.root, ['update-ref', 'refs/pull/1/head', side]);
    await runGit(fixture.root, ['commit-graph', 'write', '--reachable']);
  });
  after(() => fixture?.cleanup());

  /** Every commit's lens title from a new service, the git processes it started, and what it reported. */
  async function titles(): Promise<{ titles: Map<string, string>; processes: number; problems: string[] }> {
    const workspace = Workspace.open({ cwd: fixture.root });
    const problems: string[] = [];
    const counter = { started: 0 };
    try {
      const service = new ProvenanceService(workspace, { gitCounter: counter, onStorageProblem: (m) => problems.push(m) });
      const commits = [...(await walkedParents(fixture.root)).keys()];
      const view = await service.provenance(commits, { waitMs: null });
      const titles = new Map<string, string>();
      for (const sha of commits) titles.set(sha, view.commits.get(sha) ? lensTitle(view.commits.get(sha)!, view) : '(none)');
      return { titles, processes: counter.started, problems };
    } finally {
      await workspace.close();
    }
  }

  it('shows the same lenses as with the walk, and says why a damaged file was not read', async () => {
    const fromFile = await titles();
    assert.deepEqual(fromFile.problems, []);
    const file = join(fixture.root, '.git', 'objects', 'info', 'commit-graph');
    const good = await readFile(file);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 30] ^= 0x40;
    await writeFile(file, damaged);
    try {
      const walked = await titles();
      assert.equal(walked.problems.length, 1);
      assert.match(walked.problems[0], /^Not reading git's commit-graph file: .*checksum.*walking the history instead\.$/);
      assert.deepEqual(fromFile.titles, walked.titles);
      assert.ok([...walked.titles.values()].some((t) => t.startsWith('✓')) && [...walked.titles.values()].some((t) => t.startsWith('✗')), 'both answers occur');
      assert.equal(walked.processes, fromFile.processes + 1, 'the file saves the walk');
    } finally {
      await writeFile(file, good);
    }
  });
});
