import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Deployment } from '../../src/core/deployments/types';
import { verifyDeployment } from '../../src/core/verify/verifyDeployment';
import { Workspace } from '../../src/core/workspace';
import { createGitFixture, runGit, type FixtureCommit, type FixtureGitlink } from '../fixtures/gitFixture';
import { runs } from './propertyRuns';

/*
 * Verification under generated histories: linear commits, branches, merges (three-way and
 * `-s ours`), reverts, renames across the service's boundary, submodule bumps and docs-only
 * commits, with a deployed commit and a target picked anywhere in them. Whenever verify says
 * ok, an oracle that shares no code with it must agree: the service's blobs and gitlinks,
 * read with the fixture's own `git ls-tree` and selected by the hand-written `inService`,
 * are identical at both commits. Whenever the oracle sees a difference, verify must not say
 * ok. The content witness must report what the oracle sees.
 */

const SERVICE_PATHS = ['worker/**', 'vendor/featlib/**', '!worker/docs/**'];

/** The service's paths, written by hand for these histories (not through pathMatcher). */
function inService(path: string): boolean {
  if (path === 'vendor/featlib' || path.startsWith('vendor/featlib/')) return true;
  return path.startsWith('worker/') && !path.startsWith('worker/docs/');
}

const BRANCHES = ['main', 'side', 'hotfix'] as const;
const SERVICE_FILES = ['worker/app.py', 'worker/util.py'] as const;
const OTHER_FILES = ['docs/readme.md', 'worker/docs/notes.md', 'worker.md', 'vendor/other.py'] as const;
const GITLINKS = ['vendor/featlib', 'worker/sub'] as const;
const LIB_SHAS = ['1', '2', '3'].map((d) => d.repeat(40));

type Op =
  | { kind: 'edit'; branch: number; path: number; value: number }
  | { kind: 'docs'; branch: number; path: number; value: number }
  | { kind: 'bump'; branch: number; link: number; value: number }
  | { kind: 'revert'; branch: number; path: number }
  | { kind: 'rename'; branch: number; into: boolean }
  | { kind: 'merge'; into: number; from: number; ours: boolean }
  /**
   * A hotfix branched from main's tip and merged back with -s ours after a docs commit on
   * main: the change is dropped, and since main moved on, history shows no commit missing.
   */
  | { kind: 'dropped'; path: number; value: number };

const branch = fc.nat({ max: BRANCHES.length - 1 });
// Service edits land mostly on side branches and merges mostly into main: the shape in which
// a merge can drop a deployed change while main's own history touches nothing.
const sideBranch = fc.constantFrom(0, 1, 1, 2, 2);
const intoBranch = fc.constantFrom(0, 0, 0, 1, 2);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('edit' as const), branch: sideBranch, path: fc.nat({ max: SERVICE_FILES.length - 1 }), value: fc.nat({ max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('docs' as const), branch, path: fc.nat({ max: OTHER_FILES.length - 1 }), value: fc.nat({ max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bump' as const), branch, link: fc.nat({ max: GITLINKS.length - 1 }), value: fc.nat({ max: LIB_SHAS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revert' as const), branch, path: fc.nat({ max: SERVICE_FILES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), branch, into: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('merge' as const), into: intoBranch, from: sideBranch, ours: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropped' as const), path: fc.nat({ max: SERVICE_FILES.length - 1 }), value: fc.nat({ max: 3 }) }) },
);

/**
 * Pairs of (deployed, target), mapped to commits once the history is built: anywhere; a side
 * branch's commit against main's tip; or what a merge brought in against the merge (or
 * main's tip), where a merge that dropped a change hides it from history.
 */
interface Pick {
  how: 'anywhere' | 'side' | 'merged';
  deployed: number;
  target: number;
}
const picks = fc.array(fc.record({ how: fc.constantFrom('anywhere' as const, 'side' as const, 'merged' as const), deployed: fc.nat(), target: fc.nat() }), {
  minLength: 3,
  maxLength: 3,
});

async function pick(root: string, commits: FixtureCommit[], shas: string[], p: Pick): Promise<{ deployed: string; target: string }> {
  // The branch each commit landed on: the fixture keeps committing to the last branch named.
  let current = 'main';
  const on = commits.map((c) => (current = c.branch ?? current));
  const side = shas.filter((_, i) => on[i] !== 'main');
  const main = shas.filter((_, i) => on[i] === 'main');
  const merges = shas.filter((_, i) => commits[i].merge !== undefined);
  if (p.how === 'merged' && merges.length > 0) {
    const merge = merges[p.deployed % merges.length];
    const brought = (await runGit(root, ['rev-parse', `${merge}^2`])).trim();
    return { deployed: brought, target: p.target % 2 === 0 ? merge : main[main.length - 1] };
  }
  if (p.how === 'side' && side.length > 0) return { deployed: side[p.deployed % side.length], target: main[main.length - 1] };
  return { deployed: shas[p.deployed % shas.length], target: shas[p.target % shas.length] };
}

/** Turns operations into fixture commits; operations that make no sense where they land (a merge of a branch into itself) are dropped. */
function historyOf(ops: Op[]): FixtureCommit[] {
  let day = 0;
  const date = () => new Date(Date.UTC(2026, 0, 1) + ++day * 3_600_000).toISOString();
  const commits: FixtureCommit[] = [
    {
      message: 'init',
      files: { 'worker/app.py': 'app v0\n', 'docs/readme.md': 'readme v0\n', 'lib/shared.py': 'shared\n', 'vendor/featlib': { gitlink: LIB_SHAS[0] } },
      date: date(),
      branch: 'main',
    },
  ];
  const started = new Set<string>(['main']);
  // What each branch last wrote to a service file, to revert to.
  const written = new Map<string, string[]>();
  let hotfixes = 0;
  for (const o of ops) {
    if (o.kind === 'dropped') {
      // A docs commit on main first, so the hotfix branch starts from main's tip.
      const hotfix = `hotfix-${++hotfixes}`;
      const path = SERVICE_FILES[o.path];
      commits.push({ message: 'docs: changelog', files: { 'docs/changelog.md': `entry ${hotfixes}\n` }, date: date(), branch: 'main' });
      commits.push({ message: `hotfix: ${path} v${o.value}`, files: { [path]: `${path} hotfix ${hotfixes} v${o.value}\n` }, date: date(), branch: hotfix });
      commits.push({ message: 'docs: release notes', files: { 'docs/release.md': `notes ${hotfixes}\n` }, date: date(), branch: 'main' });
      commits.push({ message: `merge ${hotfix} into main (-s ours)`, files: {}, date: date(), branch: 'main', merge: hotfix, mergeStrategy: 'ours' });
      started.add('main');
      continue;
    }
    if (o.kind === 'merge') {
      const into = BRANCHES[o.into];
      const from = BRANCHES[o.from];
      if (into === from || !started.has(from) || !started.has(into)) continue;
      commits.push({
        message: `merge ${from} into ${into}${o.ours ? ' (-s ours)' : ''}`,
        files: {},
        date: date(),
        branch: into,
        merge: from,
        mergeStrategy: o.ours ? 'ours' : 'prefer-ours',
      });
      continue;
    }
    const name = BRANCHES[o.branch];
    started.add(name);
    let files: Record<string, string | FixtureGitlink | null>;
    let message: string;
    if (o.kind === 'edit' || o.kind === 'revert') {
      const path = SERVICE_FILES[o.path];
      const key = `${name}:${path}`;
      const history = written.get(key) ?? [];
      let value: string;
      if (o.kind === 'edit') {
        value = `${path} v${o.value}\n`;
        history.push(value);
        message = `worker: ${path} v${o.value}`;
      } else {
        history.pop();
        value = history.at(-1) ?? `${path} v0\n`;
        message = `revert ${path}`;
      }
      written.set(key, history);
      files = { [path]: value };
    } else if (o.kind === 'docs') {
      files = { [OTHER_FILES[o.path]]: `${OTHER_FILES[o.path]} v${o.value}\n` };
      message = `docs: ${OTHER_FILES[o.path]}`;
    } else if (o.kind === 'bump') {
      files = { [GITLINKS[o.link]]: { gitlink: LIB_SHAS[o.value] } };
      message = `bump ${GITLINKS[o.link]}`;
    } else {
      // Moves shared code into the worker's folder or out of it: a change to the service either way.
      files = o.into ? { 'lib/shared.py': null, 'worker/shared.py': 'shared\n' } : { 'worker/shared.py': null, 'lib/shared.py': 'shared\n' };
      message = o.into ? 'move shared into worker' : 'move shared out of worker';
    }
    commits.push({ message, files, date: date(), branch: name });
  }
  return commits;
}

/** The oracle's view of a commit: each service path with its mode and object, from the fixture's own git. */
async function serviceTree(root: string, sha: string): Promise<Map<string, string>> {
  const out = await runGit(root, ['ls-tree', '-r', '-z', sha]);
  const tree = new Map<string, string>();
  for (const record of out.split('\0').filter(Boolean)) {
    const [meta, path] = [record.slice(0, record.indexOf('\t')), record.slice(record.indexOf('\t') + 1)];
    const [mode, , oid] = meta.split(' ');
    if (inService(path)) tree.set(path, `${mode} ${oid}`);
  }
  return tree;
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([path, entry]) => b.get(path) === entry);
}

describe('verify under generated histories', () => {
  it('says ok only when the service tree is identical at the deployed commit and the target', async () => {
    const seen = { histories: 0, pairs: 0, ok: 0, differ: 0, staleSameTree: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 16 }), picks, async (ops, pairs) => {
        seen.histories += 1;
        const commits = historyOf(ops);
        const fixture = await createGitFixture(commits);
        try {
          await writeFile(
            join(fixture.root, 'pipeline-lens.json'),
            JSON.stringify({
              warehouse: { kind: 'embedded', files: { 'ds.preds': 'preds.parquet', 'ds.graded': 'graded.parquet' } },
              tables: { predictions: { table: 'ds.preds' }, graded: { table: 'ds.graded' } },
              services: [{ name: 'worker', paths: SERVICE_PATHS, deployments: { kind: 'file', path: 'deployments.json' } }],
            }),
          );
          const workspace = Workspace.open({ cwd: fixture.root, now: () => new Date('2026-03-01T00:00:00Z') });
          const trees = new Map<string, Promise<Map<string, string>>>();
          const treeAt = (sha: string) => trees.get(sha) ?? trees.set(sha, serviceTree(fixture.root, sha)).get(sha)!;
          try {
            for (const p of pairs) {
              const { deployed, target } = await pick(fixture.root, commits, fixture.shas, p);
              const record: Deployment = { service: 'worker', revision: 'worker-00001-abc', commit: deployed, createdAt: '2026-02-01T00:00:00.000Z', trafficPercent: 100 };
              workspace.deployments = () => Promise.resolve([record]);
              const r = await verifyDeployment(workspace, 'worker', target);
              const differs = !sameTree(await treeAt(deployed), await treeAt(target));
              seen.pairs += 1;
              if (r.verdict === 'ok') seen.ok += 1;
              if (differs) seen.differ += 1;
              if (r.verdict === 'stale' && !differs) seen.staleSameTree += 1;
              const context = `deployed ${deployed.slice(0, 8)}, target ${target.slice(0, 8)}: ${r.verdict}, ${r.reason}`;
              assert.notEqual(r.verdict, 'unknown', `a complete history whose paths select files has an answer (${context})`);
              assert.ok(!(r.verdict === 'ok' && differs), `verify said ok but the service's files differ (${context})`);
              assert.equal(r.witnesses.content.answer, differs ? 'objects' : 'agrees', `the content witness reports what the oracle sees (${context})`);
              if (deployed === target) assert.equal(r.verdict, 'ok', `a deployment of the target itself is ok (${context})`);
            }
          } finally {
            await workspace.close();
          }
        } finally {
          await fixture.cleanup();
        }
      }),
      runs('verifyHistories'),
    );
    console.log(
      `verify properties: ${seen.histories} generated histories, ${seen.pairs} deployed/target pairs: ${seen.ok} ok, ${seen.differ} with differing service files, ${seen.staleSameTree} stale with identical files`,
    );
    assert.ok(seen.histories >= runs('verifyHistories').numRuns, `only ${seen.histories} histories were generated`);
    assert.ok(seen.ok > 0 && seen.differ > 0, 'the generated pairs include both ok verdicts and differing trees, or the property proves nothing');
  });
});
