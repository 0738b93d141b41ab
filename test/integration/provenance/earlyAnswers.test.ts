import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommitGraph } from '../../../src/core/git/ancestry';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { RevListReader } from '../../../src/core/git/revListReader';
import type { CommitProvenance } from '../../../src/core/provenance/commitProvenance';
import { DeployedAncestry } from '../../../src/core/provenance/deployedAncestry';
import { ProvenanceService } from '../../../src/core/provenance/documentProvenance';
import { Workspace } from '../../../src/core/workspace';
import { lensTitle } from '../../../src/server/lensTitle';
import { fixtureGitEnv, runGit } from '../../fixtures/gitFixture';
import { createPipelineFixture, type PipelineFixture } from '../server/pipelineFixture';

/*
 * Answers given while the graph of every ref is walked (from the deployed revisions' history
 * alone) against the answers once it is read, and against git's own `merge-base
 * --is-ancestor`, on a repository with many refs: side branches, pull refs, tags, a branch
 * merged into `next`, a detached HEAD, and a deleted branch whose commits no ref reaches.
 */

const MINUTE = 60_000;

/** A commit with one file changed on top of `parent`, made with plumbing so the working tree stays as it is. */
async function commitOn(root: string, parent: string, path: string, date: string, message: string, otherParents: string[] = []): Promise<string> {
  const env = { ...fixtureGitEnv(), GIT_INDEX_FILE: join(root, '.git', 'fixture-index'), GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  await runGit(root, ['read-tree', parent], undefined, env);
  const blob = (await runGit(root, ['hash-object', '-w', '--stdin'], `${message}\n`, env)).trim();
  await runGit(root, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], undefined, env);
  const tree = (await runGit(root, ['write-tree'], undefined, env)).trim();
  const parents = [parent, ...otherParents].flatMap((p) => ['-p', p]);
  return (await runGit(root, ['commit-tree', tree, ...parents, '-m', message], undefined, env)).trim();
}

async function isAncestor(root: string, commit: string, revision: string): Promise<boolean> {
  try {
    await runGit(root, ['merge-base', '--is-ancestor', commit, revision]);
    return true;
  } catch {
    return false;
  }
}

interface ManyRefs {
  /** Commits on side branches and pull refs (reachable), in creation order. */
  side: string[];
  /** The tip of a side branch that is deployed and never merged into main. */
  deployedSide: string;
  /** Commits of a deleted branch: in the object database, reachable from no ref. */
  gone: string[];
  /** The commit only a detached HEAD reaches. */
  detached: string;
}

/** Adds refs to the pipeline fixture's linear history: what a busy clone with pull refs looks like, at a small size. */
async function addRefs(fixture: PipelineFixture): Promise<ManyRefs> {
  const root = fixture.root;
  const s = fixture.shas;
  const side: string[] = [];
  let deployedSide = '';
  let mergedTip = '';
  const time = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * MINUTE).toISOString();
  const dateOf = async (sha: string) => new Date(Number((await runGit(root, ['show', '-s', '--format=%ct', sha])).trim()) * 1000).toISOString();
  for (let b = 0; b < 10; b += 1) {
    const base = s[10 + b * 10];
    let tip = base;
    const at = await dateOf(base);
    for (let j = 1; j <= 3; j += 1) {
      tip = await commitOn(root, tip, j % 2 ? `worker/side_${b}.py` : `docs/side_${b}.md`, time(at, 7 * j), `side ${b}.${j}`);
      side.push(tip);
    }
    await runGit(root, ['update-ref', b % 2 ? `refs/pull/${b + 1}/head` : `refs/heads/side/${b}`, tip]);
    if (b === 2) deployedSide = tip;
    if (b === 3) mergedTip = tip;
  }
  const last = s[s.length - 1];
  const lastAt = await dateOf(last);
  const next = await commitOn(root, last, 'docs/next.md', time(lastAt, 20), 'Merge side 3 into next', [mergedTip]);
  await runGit(root, ['update-ref', 'refs/heads/next', next]);
  await runGit(root, ['tag', 'v1', s[30]]);
  await runGit(root, ['tag', '-a', 'v2', '-m', 'release 2', s[70]]);
  const gone: string[] = [];
  let goneTip = s[60];
  const goneAt = await dateOf(goneTip);
  for (let j = 1; j <= 2; j += 1) {
    goneTip = await commitOn(root, goneTip, 'worker/gone.py', time(goneAt, 5 * j), `gone ${j}`);
    gone.push(goneTip);
  }
  const detached = await commitOn(root, last, 'worker/experiment.py', time(lastAt, 40), 'experiment on a detached HEAD');
  await runGit(root, ['update-ref', '--no-deref', 'HEAD', detached]);
  return { side, deployedSide, gone, detached };
}

/** Deployments of the fixture's worker plus one from a side branch that main never merged. */
async function deploySide(fixture: PipelineFixture, refs: ManyRefs): Promise<void> {
  const file = join(fixture.root, 'deployments.json');
  const list = JSON.parse(await readFile(file, 'utf8')) as Array<Record<string, unknown>>;
  list.push({ service: 'worker', revision: 'worker-side', commit: refs.deployedSide.slice(0, 10), createdAt: '2026-03-02T01:00:00.000Z', trafficPercent: 0 });
  await writeFile(file, JSON.stringify(list, null, 2));
}

/** A git on PATH's behalf that holds the first `rev-list` (the walk of every ref) after `lines` lines until `open` is created. */
async function heldGit(dir: string, lines: number): Promise<{ binary: string; release(): Promise<void> }> {
  const binary = join(dir, 'git-held.sh');
  const script = [
    '#!/bin/sh',
    'case "$*" in',
    '  *rev-list*)',
    `    if mkdir "${dir}/held" 2>/dev/null; then`,
    `      git "$@" > "${dir}/walk" || exit $?`,
    `      head -n ${lines} "${dir}/walk"`,
    `      while [ ! -e "${dir}/open" ]; do sleep 0.02; done`,
    `      tail -n +${lines + 1} "${dir}/walk"`,
    '      exit 0',
    '    fi;;',
    'esac',
    'exec git "$@"',
    '',
  ].join('\n');
  await writeFile(binary, script);
  await chmod(binary, 0o755);
  return { binary, release: () => writeFile(join(dir, 'open'), '') };
}

/**
 * An early answer with what it left for the graph taken from the final one: "commits behind"
 * of a commit outside every deployed history, and the runs or results it said were loading
 * (a build recorded abbreviated, not among the deployed ones).
 */
function completedWith(early: CommitProvenance, final: CommitProvenance, withheld: { runs: boolean; results: boolean }): CommitProvenance {
  return {
    ...early,
    models: withheld.results ? final.models : early.models,
    services: early.services.map((s, i) => {
      const after = final.services[i];
      const completed = { ...s };
      if (s.behindPending) {
        completed.behindBy = after?.behindBy ?? null;
        delete completed.behindPending;
      }
      if (withheld.runs) {
        completed.gapRuns = after?.gapRuns ?? [];
        completed.undecidedRuns = after?.undecidedRuns ?? 0;
      }
      return completed;
    }),
  };
}

describe('answers before the graph of every ref', () => {
  let fixture: PipelineFixture;
  let refs: ManyRefs;
  let scratch: string;

  before(async () => {
    fixture = await createPipelineFixture({ commits: 120 });
    refs = await addRefs(fixture);
    await deploySide(fixture, refs);
    scratch = await mkdtemp(join(tmpdir(), 'pipeline-lens-early-'));
  });

  after(async () => {
    await fixture?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('at every point of the walk: reachable only when a ref reaches it, containment as the whole graph and merge-base say', async () => {
    const root = fixture.root;
    const runner = new GitRunner(root);
    const walk = await runGit(root, ['rev-list', '--parents', '--all', 'HEAD']);
    const lines = walk.trim().split('\n');
    const whole = CommitGraph.fromRevList(walk);
    const everyCommit = (await runGit(root, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)']))
      .trim()
      .split('\n')
      .filter((l) => l.endsWith(' commit'))
      .map((l) => l.split(' ')[0]);
    assert.ok(
      refs.gone.every((g) => everyCommit.includes(g) && !whole.knows(g)),
      'the deleted branch is in the object database, reachable from no ref',
    );
    const deployed = [
      fixture.sha.first.slice(0, 12),
      fixture.sha.feed,
      fixture.sha.fix,
      refs.deployedSide.slice(0, 10),
      refs.gone[1],
      'f'.repeat(40),
      fixture.shas[100].slice(0, 4),
    ];
    let reader: RevListReader | null = null;
    const ancestry = await DeployedAncestry.build(runner, deployed, () => reader);
    const roots = deployed.map((v) => whole.full(v)).filter((v): v is string => v !== null);
    const truth = new Map<string, boolean>();
    const pairs = roots.flatMap((r) => everyCommit.map((c) => [r, c] as const));
    for (let i = 0; i < pairs.length; i += 8) {
      const chunk = pairs.slice(i, i + 8);
      const answers = await Promise.all(chunk.map(([r, c]) => isAncestor(fixture.root, c, r)));
      chunk.forEach(([r, c], j) => truth.set(`${r}:${c}`, answers[j]));
    }
    let answeredPairs = 0;
    for (const cut of [0, 1, 5, Math.floor(lines.length / 4), Math.floor(lines.length / 2), lines.length]) {
      reader = new RevListReader();
      reader.push(Buffer.from(lines.slice(0, cut).join('\n') + '\n', 'latin1'));
      for (const value of deployed) {
        const decided = ancestry.decide(value);
        if (decided !== 'undecided') assert.equal(decided, whole.full(value), `${value} decided as the whole graph names it (${cut} lines walked)`);
      }
      for (const c of everyCommit) {
        const reachable = ancestry.reachable(c);
        if (reachable) assert.ok(whole.knows(c), `${c} said reachable only when a ref reaches it (${cut} lines walked)`);
        if (cut === lines.length) assert.equal(reachable, whole.knows(c), `${c}: once the walk is whole, reachable as the graph says`);
        if (!reachable) continue;
        for (const root of roots) {
          const expected = truth.get(`${root}:${c}`);
          assert.equal(ancestry.graph.contains(root, c), expected, `${root.slice(0, 7)} contains ${c.slice(0, 7)}: merge-base says ${expected}`);
          assert.equal(whole.contains(root, c), expected);
          answeredPairs += 1;
        }
      }
    }
    assert.equal(ancestry.decide(refs.gone[1]), 'undecided', 'a deployed commit no ref reaches is never decided before the graph (the graph does not know it)');
    assert.equal(ancestry.decide('f'.repeat(40)), null, 'a commit the object database lacks is decided: the graph lacks it too');
    assert.ok(answeredPairs > everyCommit.length, `containment was answered early for many pairs (${answeredPairs})`);
  });

  it('a cold service answers lenses from the deployed history while the walk is held, exactly as it does once the graph is read', async () => {
    // Held just after the walk printed the side branch's deployed commit: every deployed commit is then known reachable.
    const walk = (await runGit(fixture.root, ['rev-list', '--all', 'HEAD'])).trim().split('\n');
    const held = await heldGit(await mkdtemp(join(scratch, 'held-')), walk.indexOf(refs.deployedSide) + 3);
    const workspace = Workspace.open({ cwd: fixture.root });
    try {
      const service = new ProvenanceService(workspace, { gitBinary: held.binary });
      const main = fixture.shas;
      const tokens = [...main.map((sha, i) => sha.slice(0, 7 + (i % 20))), ...refs.side.map((sha) => sha.slice(0, 9)), refs.detached, ...refs.gone, 'deadbeefcafe'];
      const early = await service.resolveShas(tokens, undefined, { early: true });
      assert.equal(service.graphId(), null, 'the walk of every ref is still held');
      const commits = [...new Set(early.values())];
      const view = await service.provenance(commits, { waitMs: null, early: true });
      assert.equal(service.graphId(), null, 'still held: the answer came from the deployed history');
      assert.match(view.key, /^early:/);
      const awaiting = view.awaitingHistory ?? new Set<string>();
      for (const g of refs.gone) assert.ok(awaiting.has(g), 'a commit no ref reaches is never answered before the graph');
      assert.ok(view.commits.size >= main.length / 2, `most commits answered early (${view.commits.size} of ${commits.length})`);

      await held.release();
      await service.warm();
      assert.notEqual(service.graphId(), null);
      const final = await service.resolveShas(tokens);
      for (const [token, sha] of final) assert.equal(early.get(token), sha, `${token} named the same before the graph`);
      for (const [token, sha] of early) if (!final.has(token)) assert.ok(awaiting.has(sha), `${token}: a lens the graph drops only ever said it was loading`);
      const settled = await service.provenance(commits, { waitMs: null });
      assert.doesNotMatch(settled.key, /^early:/);
      let pendingCounts = 0;
      let checkedWithGit = 0;
      for (const [sha, answer] of view.commits) {
        const after = settled.commits.get(sha);
        assert.ok(after, `${sha} is answered after the graph too`);
        pendingCounts += answer.services.filter((s) => s.behindPending).length;
        const withheld = { runs: view.runs.state === 'loading', results: view.results.state === 'loading' };
        assert.deepEqual(completedWith(answer, after, withheld), after, `${sha.slice(0, 7)}: the early answer is the final one`);
        const before = lensTitle(answer, view);
        const now = lensTitle(after, settled);
        if (!answer.services.some((s) => s.behindPending) && view.runs.state === settled.runs.state && view.results.state === settled.results.state) {
          assert.equal(before, now, `${sha.slice(0, 7)}: the same lens title`);
        }
        assert.equal(before.startsWith('✓'), now.startsWith('✓'), `${sha.slice(0, 7)}: never a wrong ✓ (${before} / ${now})`);
        assert.equal(before.startsWith('✗'), now.startsWith('✗'), `${sha.slice(0, 7)}: never a wrong ✗ (${before} / ${now})`);
        const worker = answer.services.find((s) => s.service === 'worker')!;
        // git's own answer for a sample (one merge-base per deployed revision each).
        if (worker.touchesService && (checkedWithGit += 1) % 4 === 0) {
          const list = JSON.parse(await readFile(join(fixture.root, 'deployments.json'), 'utf8')) as Array<{ revision: string; commit: string; createdAt: string }>;
          let first: string | null = null;
          for (const d of [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
            if (await isAncestor(fixture.root, sha, d.commit)) {
              first = d.revision;
              break;
            }
          }
          assert.equal(worker.firstDeployment?.revision ?? null, first, `${sha.slice(0, 7)}: first deployment as merge-base --is-ancestor finds it`);
        }
      }
      assert.ok(pendingCounts > 0, 'some "commits behind" counts waited for the graph');
    } finally {
      await workspace.close();
    }
  });

  it('the held git passes every other command through', async () => {
    const dir = await mkdtemp(join(scratch, 'through-'));
    await mkdir(join(dir, 'held'));
    const held = await heldGit(dir, 1);
    const runner = new GitRunner(fixture.root, { binary: held.binary });
    assert.equal((await runner.text(['rev-list', '--max-count=1', fixture.sha.last])).trim(), fixture.sha.last);
  });
});
