import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommitGraph } from '../../../src/core/git/ancestry';
import { GitRepository } from '../../../src/core/git/gitRepository';
import { createGitFixture, runGit, type FixtureCommit, type GitFixture } from '../../fixtures/gitFixture';

/*
 * A walk started from the tips known first and joined later with `rev-list <new> --not
 * <first tips>` must answer as one walk from every tip: on a history with feature branches
 * merged late, branches never merged, and commit dates that run backwards (git's walk with
 * `--not` stops by date, so skewed clocks are where a join could lose or repeat commits).
 */

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

describe('GrowingAncestry against one walk from every tip', () => {
  let fixture: GitFixture;
  let repo: GitRepository;
  let all: string[];

  before(async () => {
    const next = random(7);
    const commits: FixtureCommit[] = [];
    const open: string[] = [];
    let t = Date.parse('2026-01-01T00:00:00Z');
    // Dates mostly advance, but one commit in six is dated days before its parent.
    const date = () => {
      t += 3600_000;
      return new Date(next() < 1 / 6 ? t - 5 * 86400_000 : t).toISOString();
    };
    for (let i = 0; i < 160; i += 1) {
      const roll = next();
      if (roll < 0.15) {
        const name = `f${i}`;
        commits.push({ message: `main ${i}`, files: { [`main/${i % 9}.txt`]: `${i}\n` }, date: date(), branch: 'main' });
        commits.push({ message: `open ${name}`, files: { [`${name}/a.txt`]: `${i}\n` }, date: date(), branch: name });
        open.push(name);
      } else if (roll < 0.45 && open.length) {
        const name = open[Math.floor(next() * open.length)];
        commits.push({ message: `work ${i}`, files: { [`${name}/b.txt`]: `${i}\n` }, date: date(), branch: name });
      } else if (roll < 0.6 && open.length > 2) {
        // Leave a few branches unmerged: only their own tips reach them.
        const name = open.splice(Math.floor(next() * open.length), 1)[0];
        commits.push({ message: `merge ${name}`, files: {}, date: date(), branch: 'main', merge: name });
      } else {
        commits.push({ message: `main ${i}`, files: { [`main/${i % 9}.txt`]: `${i}\n` }, date: date(), branch: 'main' });
      }
    }
    fixture = await createGitFixture(commits);
    repo = await GitRepository.open(fixture.root);
    all = (await runGit(fixture.root, ['rev-list', '--all'])).split('\n').filter(Boolean).sort();
  });
  after(() => fixture?.cleanup());

  const same = (joined: CommitGraph, whole: CommitGraph, label: string) => {
    assert.equal(joined.size, whole.size, `${label}: commits in the index`);
    for (const sha of all) assert.equal(joined.knows(sha), whole.knows(sha), `${label}: knows ${sha}`);
    const known = all.filter((sha) => whole.knows(sha));
    for (const r of known) {
      for (const c of known) {
        assert.equal(joined.contains(r, c), whole.contains(r, c), `${label}: ${r} contains ${c}`);
      }
    }
    const next = random(label.length);
    for (let k = 0; k < 200; k += 1) {
      const from = known[Math.floor(next() * known.length)];
      const to = known[Math.floor(next() * known.length)];
      assert.equal(joined.countBetween(from, to), whole.countBetween(from, to), `${label}: ${from}..${to}`);
    }
  };

  it('knows the same commits and answers every containment and count the same, whatever the split', async () => {
    const next = random(99);
    for (let round = 0; round < 6; round += 1) {
      const tips = all.filter(() => next() < 0.06);
      const first = tips.filter(() => next() < 0.5);
      const later = tips.filter((t) => !first.includes(t));
      const whole = (await repo.ancestryIndex(tips)) as CommitGraph;
      const walk = repo.growingAncestry(first);
      // Some of the later tips first, then all: each question joins what the ones before walked.
      await walk.index(later.filter(() => next() < 0.5));
      const joined = await walk.index(tips);
      same(joined, whole, `round ${round} (${first.length} first, ${later.length} later)`);
    }
  });

  it("answers a conversation's later containment questions as a walk of their own tips would", async () => {
    const next = random(5);
    for (let round = 0; round < 4; round += 1) {
      const first = all.filter(() => next() < 0.05);
      const builds = all.filter(() => next() < 0.05);
      const own = await repo.ancestryIndex(builds);
      const shared = await repo.batched(async (git) => {
        git.growingAncestry(first);
        return git.ancestryIncluding(builds);
      });
      for (const b of builds) {
        assert.equal(shared.knows(b), own.knows(b), `round ${round}: knows ${b}`);
        for (const c of all) assert.equal(shared.contains(b, c), own.contains(b, c), `round ${round}: ${b} contains ${c}`);
      }
    }
  });

  it('walks once when the first walk reached every later tip, and from scratch when nothing was walked first', async () => {
    const head = (await runGit(fixture.root, ['rev-parse', 'main'])).trim();
    const below = (await runGit(fixture.root, ['rev-parse', 'main~5'])).trim();
    const before = repo.processCount;
    const reached = await repo.growingAncestry([head]).index([head, below]);
    assert.equal(repo.processCount - before, 1);
    same(reached, (await repo.ancestryIndex([head])) as CommitGraph, 'reached');
    const fresh = await repo.growingAncestry([]).index([below]);
    same(fresh, (await repo.ancestryIndex([below])) as CommitGraph, 'nothing first');
  });
});
