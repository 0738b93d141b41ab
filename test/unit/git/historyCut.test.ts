import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommitGraph } from '../../../src/core/git/ancestry';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cutMessage, HistoryCut, isCut, readShallowState } from '../../../src/core/git/historyCut';
import { readRefs } from '../../../src/core/provenance/repositorySnapshot';
import { createGitFixture, createShallowClone, runGit, type GitFixture } from '../../fixtures/gitFixture';

/** A 40-hex SHA per name, so graphs read like the pictures in the comments. */
const id = (name: string) => Buffer.from(name.padEnd(20, '.')).toString('hex');

/** `rev-list --parents` output: "child parent parent" per line, names for SHAs. */
function graph(lines: string[]): CommitGraph {
  return CommitGraph.fromRevList(lines.map((l) => l.split(' ').map(id).join(' ')).join('\n'));
}

describe('HistoryCut (in memory)', () => {
  /*
   * What a shallow clone of main with a long-lived side branch shows (git grafts B and Z
   * to have no parents):
   *
   *   M ─ L ─ K ─ B╳        main, cut at B (its parent P and everything below are missing)
   *    └─ S ─ X ─ R0        the side branch, forked long ago from R0 (a root: nothing cut)
   *
   * Upstream, R0 is an ancestor of P: a known commit below the cut.
   */
  const g = graph(['M L S', 'L K', 'K B', 'B', 'S X', 'X R0', 'R0']);
  const cut = new HistoryCut(g, { shallow: true, boundary: [id('B')] });

  it('takes a walk that finds the commit as proof', () => {
    assert.equal(cut.contains(id('M'), id('R0')), true);
    assert.equal(cut.contains(id('L'), id('B')), true);
  });

  it('takes "lacks" as proof only when the walk reached no boundary, or the revision is an ancestor of the commit', () => {
    assert.equal(cut.contains(id('S'), id('K')), false, "S's history is whole: it ends at a root");
    assert.equal(cut.contains(id('K'), id('L')), false, 'K is an ancestor of L: history has no cycles');
    assert.deepEqual(cut.contains(id('K'), id('R0')), { cutAt: id('B') }, 'upstream K does contain R0: the graph alone would say it does not');
    assert.equal(g.contains(id('K'), id('R0')), false);
    assert.deepEqual(cut.contains(id('K'), id('S')), { cutAt: id('B') });
  });

  it('gives a count only when nothing beyond the cut could change it', () => {
    assert.equal(cut.countBetween(id('K'), id('L')), 1, 'L descends from K, and no boundary is in K..L');
    assert.equal(cut.countBetween(id('R0'), id('S')), 2, "R0's history is whole: S and X");
    assert.deepEqual(cut.countBetween(id('L'), id('S')), { cutAt: id('B') }, 'X and R0 may be below the cut: upstream R0 is');
    assert.equal(g.countBetween(id('L'), id('S')), 3);
    assert.deepEqual(cut.countBetween(id('X'), id('M')), { cutAt: id('B') }, 'B is in the range: what lies below it would count');
    assert.deepEqual(cut.countBetween(id('gone'), id('M')), { cutAt: id('B') }, 'a commit the clone lacks');
  });

  it('knows the boundary commits, and answers as the graph does in a whole clone', () => {
    assert.equal(cut.isBoundary(id('B')), true);
    assert.equal(cut.isBoundary(id('K')), false);
    assert.equal(cut.boundaryBelow(id('M')), id('B'));
    assert.equal(cut.boundaryBelow(id('S')), null);
    const whole = new HistoryCut(g, { shallow: false, boundary: [] });
    assert.equal(whole.contains(id('K'), id('R0')), false);
    assert.equal(whole.countBetween(id('L'), id('S')), 3);
    assert.equal(isCut(whole.contains(id('K'), id('S'))), false);
  });

  it('counts the ancestry path as git does', () => {
    assert.equal(g.countAncestryPath(id('K'), id('M')), 2, 'L and M');
    assert.equal(g.countAncestryPath(id('R0'), id('M')), 3, 'X, S and M');
    assert.equal(g.countAncestryPath(id('S'), id('L')), 0);
  });

  it('says where history is cut, what it cannot tell and how to fetch the rest', () => {
    assert.equal(
      cutMessage(id('B'), 'whether worker contains this commit'),
      `history is cut at ${id('B').slice(0, 7)} (shallow clone): cannot tell whether worker contains this commit — run \`git fetch --unshallow\``,
    );
  });
});

describe('reading where a real shallow clone is cut', () => {
  let fixture: GitFixture;
  let clone: { root: string; cleanup(): Promise<void> };

  before(async () => {
    fixture = await createGitFixture(Array.from({ length: 6 }, (_, i) => ({ message: `c${i}`, files: { 'a.txt': `${i}\n` }, date: `2026-01-0${i + 1}T00:00:00Z` })));
    clone = await createShallowClone(fixture.root, 2);
  });

  after(async () => {
    await clone?.cleanup();
    await fixture?.cleanup();
  });

  it('reads the boundary with the refs, in the one rev-parse they cost', async () => {
    const runner = new GitRunner(clone.root);
    const refs = await readRefs(runner);
    assert.equal(runner.processCount, 1);
    assert.equal(refs.shallow, true);
    assert.deepEqual(refs.boundary, [fixture.shas[4]]);
  });

  it('changes the signature when a fetch deepens the clone, though no ref moved', async () => {
    const runner = new GitRunner(clone.root);
    const before = await readRefs(runner);
    await runGit(clone.root, ['fetch', '-q', '--deepen=2']);
    const deeper = await readRefs(runner);
    assert.deepEqual(deeper.tips, before.tips);
    assert.deepEqual(deeper.boundary, [fixture.shas[2]]);
    assert.notEqual(deeper.signature, before.signature);
  });

  it('reads a whole clone as not shallow', async () => {
    assert.deepEqual(await readShallowState(new GitRunner(fixture.root)), { shallow: false, boundary: [] });
    const state = await readShallowState(new GitRunner(clone.root));
    assert.equal(state.shallow, true);
  });
});
