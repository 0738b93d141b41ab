import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { benchScenario, type BenchScenario } from '../../../bench/history/benchScenario';
import { generatedHistory, SERVICE_FOLDERS, type GeneratedHistory } from '../../../bench/history/generatedHistory';
import { measureFloor } from '../../../bench/floor/floor';
import { runGit } from '../../fixtures/gitFixture';

/*
 * The benchmark's figures are only as honest as the history they run on. A small history
 * from the same generator must have what the big one promises: merges, long-lived branches,
 * pull refs, tags, notes, commits only a detached HEAD reaches, packed refs and no
 * commit-graph file; and the scenario built on it must ask about the commits it says it does.
 */

const COMMITS = 3_000;
const SIZES = { deployments: 12, shas: 200 };

describe('the benchmark history and scenario', () => {
  let cache: string;
  let previousCache: string | undefined;
  let history: GeneratedHistory;
  let scenario: BenchScenario;
  const log = () => undefined;

  before(async () => {
    cache = await mkdtemp(join(tmpdir(), 'pipeline-lens-bench-test-'));
    previousCache = process.env.PIPELINE_LENS_BENCH_CACHE;
    process.env.PIPELINE_LENS_BENCH_CACHE = cache;
    history = await generatedHistory({ commits: COMMITS }, log);
    scenario = await benchScenario(history.root, { sizes: SIZES, mainRef: history.mainRef, serviceFolders: SERVICE_FOLDERS }, log);
  });

  after(async () => {
    if (previousCache === undefined) delete process.env.PIPELINE_LENS_BENCH_CACHE;
    else process.env.PIPELINE_LENS_BENCH_CACHE = previousCache;
    await rm(cache, { recursive: true, force: true });
  });

  it('has the shape of a busy repository: merges, branches, pull refs, tags, notes', async () => {
    const count = Number((await runGit(history.root, ['rev-list', '--all', '--count'])).trim());
    assert.ok(count >= COMMITS, `${count} commits reachable`);
    assert.equal(history.commits, count);
    const merges = Number((await runGit(history.root, ['rev-list', '--all', '--merges', '--count'])).trim());
    assert.ok(merges > 100, `${merges} merges`);
    const mergesIntoNext = await runGit(history.root, ['log', '--merges', '--format=%s', 'next']);
    assert.match(mergesIntoNext, /into next/, 'features are merged into the long-lived next');
    assert.ok(history.refs.pull > 50, `${history.refs.pull} pull refs`);
    assert.ok(history.refs.tags > 5 && history.refs.heads > 3 && history.refs.notes === 1, JSON.stringify(history.refs));
    const refs = await runGit(history.root, ['for-each-ref', '--format=%(refname)']);
    assert.match(refs, /^refs\/pull\/\d+\/head$/m);
    assert.doesNotMatch(refs, /refs\/heads\/lane\//, 'the lanes the generator writes through are gone');
    assert.ok((await stat(join(history.root, '.git', 'packed-refs'))).size > 0, 'refs are packed, as in a clone');
  });

  it('has no commit-graph file, and HEAD detached on commits no ref reaches', async () => {
    await assert.rejects(stat(join(history.root, '.git', 'objects', 'info', 'commit-graph')));
    assert.equal(scenario.commitGraph, false);
    await assert.rejects(runGit(history.root, ['symbolic-ref', '-q', 'HEAD']), 'HEAD is detached');
    const detached = scenario.document.filter((d) => d.kind === 'detached');
    assert.ok(detached.length > 0);
    const tips = (await runGit(history.root, ['for-each-ref', '--format=%(objectname)'])).split('\n').filter(Boolean);
    const fromRefs = new Set((await runGit(history.root, ['rev-list', '--stdin'], tips.map((t) => `${t}\n`).join(''))).split('\n'));
    for (const d of detached) assert.ok(!fromRefs.has(d.sha), `${d.sha} is reachable from a ref`);
  });

  it('asks about the commits it says: deployed ones on main, others on side branches, every SHA distinct', async () => {
    assert.equal(scenario.document.length, SIZES.shas);
    assert.equal(new Set(scenario.document.map((d) => d.sha)).size, SIZES.shas);
    assert.equal(scenario.deployments.length, SIZES.deployments);
    assert.deepEqual(
      scenario.services.map((s) => s.folder),
      SERVICE_FOLDERS,
    );
    const firstParent = new Set((await runGit(history.root, ['rev-list', '--first-parent', 'main'])).split('\n'));
    for (const d of scenario.deployments) assert.ok(firstParent.has(d.commit), `deployed ${d.commit} is on main's first-parent line`);
    const onMain = new Set((await runGit(history.root, ['rev-list', 'main'])).split('\n'));
    for (const d of scenario.document) {
      if (d.kind === 'side' || d.kind === 'detached') assert.ok(!onMain.has(d.sha), `${d.kind} ${d.sha} is on main`);
      else assert.ok(onMain.has(d.sha), `${d.kind} ${d.sha} is not on main`);
      assert.ok(d.sha.startsWith(d.token) && d.token.length >= 7 && /[a-f]/.test(d.token), `token ${d.token}`);
    }
    assert.ok(scenario.document.some((d) => d.kind === 'side'));
    assert.ok(scenario.document.some((d) => d.token.length < 40) && scenario.document.some((d) => d.token.length === 40));
  });

  it('is the same history on a second build (deterministic) and is reused from the cache', async () => {
    const again = await benchScenario(history.root, { sizes: SIZES, mainRef: history.mainRef, serviceFolders: SERVICE_FOLDERS }, log);
    assert.deepEqual(again.document, scenario.document);
    const second = await generatedHistory({ commits: COMMITS }, () => assert.fail('rebuilt instead of reused'));
    assert.equal(second.commits, history.commits);
  });

  it('chooses a real repository’s services from the folders its main line changes most', async () => {
    const chosen = await benchScenario(history.root, { sizes: SIZES, mainRef: history.mainRef }, log);
    assert.equal(chosen.services.length, 3);
    for (const s of chosen.services) assert.ok(!s.folder.includes('/'), `${s.folder} is a top-level folder`);
  });

  it('measures a floor that finds the document’s commits and walks from the deployed revisions', async () => {
    const floor = await measureFloor(
      { cwd: history.root, tokens: scenario.document.map((d) => d.token), revisions: scenario.deployments.map((d) => d.commit), details: true, sql: 'SELECT 42 AS answer' },
      1,
    );
    assert.equal(floor.steps.found, SIZES.shas);
    assert.ok(floor.steps.logBytes > 0 && floor.steps.revListBytes > 0);
    assert.equal(floor.steps.rows, 1);
    assert.ok(floor.ms > 0 && floor.rssMB > 0);
  });
});
