import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CommitGraph } from '../../../src/core/git/ancestry';
import { GitRepository } from '../../../src/core/git/gitRepository';
import type { AncestryIndex } from '../../../src/core/git/types';
import { createGitFixture, runGit, type FixtureCommit, type GitFixture } from '../../fixtures/gitFixture';

describe('GitRepository.ancestryIndex on a real history', () => {
  // 0 root ─ 1 base ─┬─ 3 main work ─────────┬─ 5 merge feature ─┬─ 7 after merge   (main)
  //                  └─ 2 feature 1 ─ 4 feature 2 ┘               └─ 6 diverged      (hotfix)
  let fixture: GitFixture;
  let repo: GitRepository;
  let sha: string[];
  let index: AncestryIndex;

  before(async () => {
    fixture = await createGitFixture([
      { message: 'root', files: { 'svc/app.py': '0\n' }, date: '2026-01-01T00:00:00Z' },
      { message: 'base', files: { 'svc/app.py': '1\n' }, date: '2026-01-02T00:00:00Z' },
      { message: 'feature 1', files: { 'svc/feature.py': 'a\n' }, date: '2026-01-03T00:00:00Z', branch: 'feature' },
      { message: 'main work', files: { 'docs/notes.md': 'n\n' }, date: '2026-01-04T00:00:00Z', branch: 'main' },
      { message: 'feature 2', files: { 'svc/feature.py': 'b\n' }, date: '2026-01-05T00:00:00Z', branch: 'feature' },
      { message: 'merge feature', files: {}, date: '2026-01-06T00:00:00Z', branch: 'main', merge: 'feature' },
      { message: 'diverged', files: { 'svc/hotfix.py': 'h\n' }, date: '2026-01-07T00:00:00Z', branch: 'hotfix' },
      { message: 'after merge', files: { 'svc/app.py': '2\n' }, date: '2026-01-08T00:00:00Z', branch: 'main' },
    ]);
    sha = fixture.shas;
    repo = await GitRepository.open(fixture.root);
    index = await repo.ancestryIndex(['main', sha[6]]);
  });
  after(() => fixture.cleanup());

  it('knows every commit reachable from the tips and nothing else', () => {
    for (const s of sha) assert.equal(index.knows(s), true, s);
    assert.equal(index.knows('0123456789abcdef0123456789abcdef01234567'), false);
    assert.equal(index.knows(sha[7].toUpperCase()), true, 'SHAs are matched case-insensitively');
  });

  it('sees side-branch commits in the merge and in everything after it', () => {
    assert.equal(index.contains(sha[5], sha[4]), true);
    assert.equal(index.contains(sha[5], sha[2]), true);
    assert.equal(index.contains(sha[7], sha[2]), true);
    assert.equal(index.contains(sha[6], sha[4]), true, 'a branch made after the merge has the feature');
  });

  it('does not see commits made on another branch before the merge', () => {
    assert.equal(index.contains(sha[3], sha[2]), false, 'main before the merge lacks the feature');
    assert.equal(index.contains(sha[4], sha[3]), false, 'the feature branch lacks main work');
  });

  it('answers false both ways for diverged revisions, and for a descendant', () => {
    assert.equal(index.contains(sha[7], sha[6]), false);
    assert.equal(index.contains(sha[6], sha[7]), false);
    assert.equal(index.contains(sha[0], sha[7]), false);
    assert.equal(index.contains(sha[1], sha[5]), false);
  });

  it('counts a revision as containing itself, and nothing about unknown SHAs', () => {
    assert.equal(index.contains(sha[3], sha[3]), true);
    const unknown = 'f'.repeat(40);
    assert.equal(index.contains(unknown, sha[0]), false);
    assert.equal(index.contains(sha[7], unknown), false);
  });

  it('counts commits between two revisions exactly as `git rev-list --count` does', async () => {
    const pairs: Array<[number, number]> = [
      [3, 7],
      [0, 7],
      [6, 7],
      [7, 6],
      [7, 3],
      [2, 5],
      [5, 5],
    ];
    for (const [from, to] of pairs) {
      const expected = Number((await runGit(fixture.root, ['rev-list', '--count', `${sha[from]}..${sha[to]}`])).trim());
      assert.equal(index.countBetween(sha[from], sha[to]), expected, `${from}..${to}`);
    }
  });

  it('only indexes what the tips reach', async () => {
    const mainBeforeMerge = await repo.ancestryIndex([sha[3]]);
    assert.equal(mainBeforeMerge.knows(sha[1]), true);
    assert.equal(mainBeforeMerge.knows(sha[2]), false);
    assert.equal(mainBeforeMerge.knows(sha[7]), false);
  });

  it('skips tips that are not in local history instead of failing', async () => {
    const partial = await repo.ancestryIndex(['f'.repeat(40), 'no-such-branch', sha[4]]);
    assert.equal(partial.knows(sha[2]), true);
    assert.equal(partial.contains(sha[4], sha[0]), true);
    assert.equal(partial.knows('f'.repeat(40)), false);
  });

  it('costs the same git processes for one tip as for every commit as a tip', async () => {
    let start = repo.processCount;
    await repo.ancestryIndex([sha[7]]);
    const one = repo.processCount - start;
    start = repo.processCount;
    await repo.ancestryIndex([...sha, 'f'.repeat(40), 'hotfix', 'feature']);
    assert.equal(repo.processCount - start, one);
  });
});

/** Deterministic pseudo-random numbers so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Synthetic {
  shas: string[];
  parents: number[][];
  revList: string;
}

/** A history with long first-parent chains, side branches and merges, printed newest first like rev-list. */
function syntheticHistory(count: number, seed: number): Synthetic {
  const next = random(seed);
  const shas = Array.from({ length: count }, (_, i) => createHash('sha1').update(`commit ${seed} ${i}`).digest('hex'));
  const parents: number[][] = [[]];
  for (let i = 1; i < count; i += 1) {
    const first = next() < 0.2 ? Math.max(0, i - 1 - Math.floor(next() * 40)) : i - 1;
    const list = [first];
    if (next() < 0.15) {
      const second = Math.max(0, i - 1 - Math.floor(next() * 300));
      if (second !== first) list.push(second);
    }
    parents.push(list);
  }
  const lines: string[] = [];
  for (let i = count - 1; i >= 0; i -= 1) lines.push([shas[i], ...parents[i].map((p) => shas[p])].join(' '));
  return { shas, parents, revList: `${lines.join('\n')}\n` };
}

function ancestorsNaive(history: Synthetic, from: number): Set<number> {
  const seen = new Set<number>([from]);
  const queue = [from];
  while (queue.length) {
    for (const parent of history.parents[queue.pop()!]) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      queue.push(parent);
    }
  }
  return seen;
}

describe('CommitGraph (in memory)', () => {
  it('agrees with a plain graph walk on a 50,000-commit history, including counts', () => {
    const history = syntheticHistory(50_000, 7);
    const graph = CommitGraph.fromRevList(history.revList);
    assert.equal(graph.size, 50_000);
    const next = random(11);
    const tips = Array.from({ length: 100 }, () => 40_000 + Math.floor(next() * 10_000));
    for (let q = 0; q < 60; q += 1) {
      const r = tips[q % tips.length];
      const truth = ancestorsNaive(history, r);
      const inside = [...truth][Math.floor(next() * truth.size)];
      const anywhere = Math.floor(next() * 50_000);
      assert.equal(graph.contains(history.shas[r], history.shas[inside]), true);
      assert.equal(graph.contains(history.shas[r], history.shas[anywhere]), truth.has(anywhere), `${r} ∋ ${anywhere}`);
    }
    const [a, b] = [tips[0], tips[1]];
    const fromA = ancestorsNaive(history, a);
    const expected = [...ancestorsNaive(history, b)].filter((id) => !fromA.has(id)).length;
    assert.equal(graph.countBetween(history.shas[a], history.shas[b]), expected);
  });

  it('does not depend on the order rev-list prints commits in', () => {
    const history = syntheticHistory(400, 3);
    const shuffled = history.revList.trim().split('\n');
    const next = random(5);
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const graph = CommitGraph.fromRevList(shuffled.join('\n'));
    for (let r = 0; r < 400; r += 37) {
      const truth = ancestorsNaive(history, r);
      for (let c = 0; c < 400; c += 1) assert.equal(graph.contains(history.shas[r], history.shas[c]), truth.has(c));
    }
  });

  it('treats parents missing from the walk (a shallow boundary) as unknown', () => {
    const graph = CommitGraph.fromRevList(`${'b'.repeat(40)} ${'a'.repeat(40)}\n`);
    assert.equal(graph.knows('b'.repeat(40)), true);
    assert.equal(graph.knows('a'.repeat(40)), false);
    assert.equal(graph.contains('b'.repeat(40), 'a'.repeat(40)), false);
  });
});

describe('CommitGraph.prepare: ancestor sets of many revisions at once, then of more', () => {
  let fixture: GitFixture;
  let revisions: string[];
  let all: string[];
  /** Per revision, its ancestors as `git rev-list` lists them. */
  const truth = new Map<string, Set<string>>();

  before(async () => {
    // Main, with feature branches opened from it and merged back (some left open): more
    // than 32 revisions, so they span several words of each commit's mask.
    const commits: FixtureCommit[] = [{ message: 'root', files: { 'a.txt': '0\n' }, date: '2026-03-01T00:00:00Z', branch: 'main' }];
    let hour = 0;
    const date = () => new Date(Date.UTC(2026, 2, 1) + (hour += 1) * 3_600_000).toISOString();
    for (let f = 0; f < 14; f += 1) {
      const branch = `topic-${f}`;
      commits.push({ message: `main ${f}`, files: { [`main/${f}.txt`]: `${f}\n` }, date: date(), branch: 'main' });
      for (let c = 0; c < 2 + (f % 3); c += 1) commits.push({ message: `${branch} ${c}`, files: { [`${branch}/${c}.txt`]: `${c}\n` }, date: date(), branch });
      if (f % 5 !== 4) commits.push({ message: `merge ${branch}`, files: {}, date: date(), branch: 'main', merge: branch });
    }
    fixture = await createGitFixture(commits);
    all = fixture.shas;
    // Every commit but the root is a revision asked about: tips of open branches, merges, plain commits.
    revisions = all.slice(1);
    assert.ok(revisions.length > 42, `${revisions.length} revisions`);
    for (const revision of revisions) truth.set(revision, new Set((await runGit(fixture.root, ['rev-list', revision])).trim().split('\n')));
  });
  after(() => fixture.cleanup());

  it('answers as git does after a first batch and a second batch that adds revisions to it', async () => {
    const output = await runGit(fixture.root, ['rev-list', '--parents', '--all']);
    const graph = CommitGraph.fromRevList(output);
    // The deployed revisions first, then the builds results name (some the same, some new).
    graph.prepare(revisions.slice(0, 10));
    graph.prepare([...revisions.slice(5, 10), ...revisions.slice(10)]);
    for (const revision of revisions) {
      for (const commit of all) assert.equal(graph.contains(revision, commit), truth.get(revision)!.has(commit), `${revision} ∋ ${commit}`);
    }
    // The same answers as `git merge-base --is-ancestor` on a sample of the pairs, both ways.
    const pick = random(3);
    let contained = 0;
    for (let q = 0; q < 40; q += 1) {
      const revision = revisions[Math.floor(pick() * revisions.length)];
      const commit = all[Math.floor(pick() * all.length)];
      const isAncestor = await runGit(fixture.root, ['merge-base', '--is-ancestor', commit, revision]).then(
        () => true,
        () => false,
      );
      assert.equal(graph.contains(revision, commit), isAncestor, `${revision} ∋ ${commit}`);
      if (isAncestor) contained += 1;
    }
    assert.ok(contained > 5 && contained < 35, `${contained} of 40 contained`);
  });

  it('answers as git does when computed in slices, with questions asked between the slices', async () => {
    const graph = CommitGraph.fromRevList(await runGit(fixture.root, ['rev-list', '--parents', '--all']));
    let pauses = 0;
    const computed = await graph.prepareInSlices(revisions, async () => {
      pauses += 1;
      // Asked while the sets are half done: answered by a walk of its own, and right.
      const revision = revisions[pauses % revisions.length];
      for (const commit of all) assert.equal(graph.contains(revision, commit), truth.get(revision)!.has(commit), `${revision} ∋ ${commit} mid-way`);
      await new Promise((resolve) => setImmediate(resolve));
    });
    assert.equal(computed, revisions.length);
    assert.ok(pauses >= 2, `${pauses} pauses`);
    for (const revision of revisions) {
      for (const commit of all) assert.equal(graph.contains(revision, commit), truth.get(revision)!.has(commit), `${revision} ∋ ${commit}`);
    }
    assert.equal(await graph.prepareInSlices(revisions, () => Promise.resolve()), 0, 'nothing is computed twice');
  });

  it('answers as a plain graph walk for 300 revisions prepared together (more than one pass holds) on a 50,000-commit history', () => {
    const history = syntheticHistory(50_000, 17);
    const graph = CommitGraph.fromRevList(history.revList);
    const next = random(19);
    const tips = [...new Set(Array.from({ length: 300 }, () => 30_000 + Math.floor(next() * 20_000)))];
    assert.ok(tips.length > 256, `${tips.length} revisions`);
    graph.prepare(tips.map((t) => history.shas[t]));
    for (const tip of tips.filter((_, i) => i % 23 === 0 || i >= 256)) {
      const ancestors = ancestorsNaive(history, tip);
      for (let c = 0; c < 50_000; c += 7) assert.equal(graph.contains(history.shas[tip], history.shas[c]), ancestors.has(c), `${tip} ∋ ${c}`);
    }
  });
});
