import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { readCommitDetails } from '../../../src/core/provenance/commitDetailsBatch';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { ProvenanceService } from '../../../src/core/provenance/documentProvenance';
import { Workspace } from '../../../src/core/workspace';
import { createGitFixture, runGit, type GitFixture } from '../../fixtures/gitFixture';
import { createPipelineFixture, type PipelineFixture } from '../server/pipelineFixture';

describe('readCommitDetails', () => {
  let fixture: GitFixture;

  before(async () => {
    fixture = await createGitFixture([
      { message: 'root: two files', files: { 'a.txt': 'a\n', 'dir/b.txt': 'b\n' }, date: '2026-01-01T00:00:00Z' },
      { message: 'empty change', files: {}, date: '2026-01-02T00:00:00Z' },
      { message: 'side: c', files: { 'c.txt': 'c\n' }, date: '2026-01-03T00:00:00Z', branch: 'side' },
      { message: 'main: a again', files: { 'a.txt': 'a2\n' }, date: '2026-01-04T00:00:00Z', branch: 'main' },
      { message: 'Merge side — über ✓', files: {}, date: '2026-01-05T00:00:00Z', merge: 'side', author: 'Zoë Ölmez <z@x.test>' },
    ]);
  });

  after(async () => {
    await fixture?.cleanup();
  });

  it('reads subject, author, times, parents and files of every commit in one process', async () => {
    const runner = new GitRunner(fixture.root);
    const [root, empty, side, main, merge] = fixture.shas;
    const details = await readCommitDetails(runner, [merge, root, empty, side, main, 'f'.repeat(40), 'not-a-sha']);
    assert.equal(runner.processCount, 1);
    assert.deepEqual(details.get(root)?.files, ['a.txt', 'dir/b.txt'], 'a root commit lists everything');
    assert.deepEqual(details.get(empty)?.files, []);
    assert.deepEqual(details.get(main)?.files, ['a.txt']);
    assert.deepEqual(details.get(merge)?.files, ['c.txt'], 'a merge lists what it brought against its first parent');
    assert.equal(details.get(merge)?.commit.subject, 'Merge side — über ✓');
    assert.equal(details.get(merge)?.commit.author, 'Zoë Ölmez');
    assert.deepEqual(details.get(merge)?.commit.parents, [main, side]);
    assert.equal(details.get(side)?.commit.committedAt, '2026-01-03T00:00:00.000Z');
    assert.equal(details.has('f'.repeat(40)), false);
  });
});

describe('ProvenanceService', () => {
  let fixture: PipelineFixture;
  let workspace: Workspace;

  before(async () => {
    fixture = await createPipelineFixture({ commits: 200 });
    workspace = Workspace.open({ cwd: fixture.root });
  });

  after(async () => {
    await workspace?.close();
    await fixture?.cleanup();
  });

  it('resolves any number of tokens in memory after two processes, and reads details once per commit', async () => {
    const service = new ProvenanceService(workspace);
    const tokens = [...fixture.shas.map((s, i) => s.slice(0, 7 + (i % 34))), 'abcdef0', fixture.sha.fix.toUpperCase()];
    const resolved = await service.resolveShas(tokens);
    assert.equal(resolved.size, fixture.shas.length + 1);
    assert.equal(resolved.get(fixture.sha.fix.toUpperCase()), fixture.sha.fix);
    assert.equal(service.gitProcessCount, 2, 'rev-parse --all and rev-list');
    await service.commitDetails(fixture.shas);
    await service.commitDetails(fixture.shas.slice(0, 50));
    assert.equal(service.gitProcessCount, 3);
  });

  it('assembles the same provenance as the one-shot engine path', async () => {
    const service = new ProvenanceService(workspace);
    const view = await service.provenance([fixture.sha.fix, fixture.sha.undeployed], { waitMs: null });
    const window = view.window!;
    const [fix, undeployed] = await commitProvenance(workspace, [fixture.sha.fix, fixture.sha.undeployed], { window });
    const strip = (p: typeof fix) => ({ ...p, query: '' });
    assert.deepEqual(strip(view.commits.get(fixture.sha.fix)!), strip(fix));
    assert.deepEqual(strip(view.commits.get(fixture.sha.undeployed)!), strip(undeployed));
    assert.equal(fix.services[0].gapRuns[0].mode, 'backfill');
    assert.equal(undeployed.services[0].behindBy, 1);
  });

  it('answers without the warehouse when told not to wait, and says what is loading', async () => {
    const service = new ProvenanceService(workspace);
    const view = await service.provenance([fixture.sha.fix], { waitMs: 0 });
    assert.equal(view.results.state, 'loading');
    assert.ok(view.commits.get(fixture.sha.fix)?.commit);
    const changes: string[] = [];
    service.onDidChange((c) => changes.push(c));
    const settled = await service.provenance([fixture.sha.fix], { waitMs: null });
    assert.equal(settled.results.state, 'ready');
    assert.ok(changes.includes('results'));
  });

  it('stops waiting when the caller aborts, without failing the shared work', async () => {
    const service = new ProvenanceService(workspace);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(service.provenance([fixture.sha.fix], { waitMs: null, signal: controller.signal }), { name: 'AbortError' });
    const view = await service.provenance([fixture.sha.fix], { waitMs: null });
    assert.equal(view.results.state, 'ready');
  });

  it('notices refs that moved, with one rev-parse, and only then rebuilds the graph', async () => {
    const service = new ProvenanceService(workspace, { refsRecheckMs: 0 });
    await service.resolveShas([fixture.sha.fix]);
    const changes: string[] = [];
    service.onDidChange((c) => changes.push(c));
    await service.resolveShas([fixture.sha.fix]);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(service.gitProcessCount, 3, 'one check, nothing moved');
    await writeFile(join(fixture.root, 'worker', 'new.py'), 'x\n');
    await runGit(fixture.root, ['add', '.']);
    await runGit(fixture.root, ['commit', '-q', '-m', 'worker: new']);
    const head = (await runGit(fixture.root, ['rev-parse', 'HEAD'])).trim();
    assert.equal((await service.resolveShas([head])).size, 0, 'served from the old graph while the check runs');
    for (let i = 0; i < 40 && !changes.includes('refs'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(changes, ['refs']);
    assert.equal((await service.resolveShas([head])).get(head), head);
  });
});
