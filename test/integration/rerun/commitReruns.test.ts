import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import { rerunsAfterCommits } from '../../../src/core/rerun/commitReruns';
import { rerunImpact, type ModelRerun } from '../../../src/core/rerun/rerunImpact';
import type { DateWindow } from '../../../src/core/warehouse/catalog';
import { Workspace } from '../../../src/core/workspace';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';
import { runCliProcess } from '../../fixtures/cliProcess';
import { createGitFixture, type GitFixture } from '../../fixtures/gitFixture';
import { createParityDataset, type ParityDataset } from '../bigquery/parityDataset';

/*
 * The re-runs `commit` reports are those of rerun-impact over the same window whose standing
 * rows were last written at or after the commit. The parity dataset regenerates catboost_v8
 * on 2026-01-10 with rows written 2026-01-11 08:00:00.000001 to 09:30:00; xgb_v3 has a
 * replaced row and no regeneration. Commits land before the re-run, inside it, exactly at its
 * last write and after it. Each answer is compared with rerun-impact's per-model figures
 * filtered by that rule, on both engines and both ways of marking replaced rows.
 */

const WINDOW: DateWindow = { from: '2026-01-01', to: '2026-01-12' };

describe('re-runs after a commit', () => {
  let repo: GitFixture;
  let dataset: ParityDataset;
  let fake: FakeBigQuery;
  const commit = (label: string) => repo.shas[LABELS.indexOf(label)];
  const LABELS = ['first', 'fix', 'during', 'at last write', 'after', 'docs'];

  before(async () => {
    repo = await createGitFixture([
      { message: 'worker: first model', files: { 'worker/app.py': 'v1\n' }, date: '2025-12-19T10:00:00Z' },
      { message: 'fix(worker): read the line', files: { 'worker/app.py': 'v2\n' }, date: '2026-01-06T03:17:00Z' },
      { message: 'worker: during the re-run', files: { 'worker/app.py': 'v3\n' }, date: '2026-01-11T09:00:00Z' },
      { message: 'worker: at its last write', files: { 'worker/app.py': 'v4\n' }, date: '2026-01-11T09:30:00Z' },
      { message: 'worker: after it', files: { 'worker/app.py': 'v5\n' }, date: '2026-01-11T09:30:01Z' },
      { message: 'docs only', files: { 'docs/readme.md': 'hello\n' }, date: '2026-01-12T10:00:00Z' },
    ]);
    dataset = await createParityDataset({ a: repo.shas[0], b: repo.shas[1] });
    fake = await FakeBigQuery.start({ database: dataset.database });
    const predictions = dataset.tables.predictions as { columns: object };
    const superseded = {
      ...dataset.tables,
      predictions: { ...predictions, table: 'preds.predictions_superseded', columns: { ...predictions.columns, active: null, supersededAt: 'superseded_at' } },
    };
    const write = (name: string, warehouse: unknown, tables = dataset.tables) =>
      writeFile(join(repo.root, name), JSON.stringify({ warehouse, tables, services: [{ name: 'prediction-worker', paths: ['worker/**'] }] }));
    await write('embedded.json', { kind: 'embedded', database: dataset.database });
    await write('bigquery.json', { kind: 'bigquery', project: 'pl-rerun', location: 'US', apiEndpoint: fake.url });
    await write('superseded-at.json', { kind: 'embedded', database: dataset.database }, superseded);
  });
  after(async () => {
    await fake?.close();
    await dataset?.cleanup();
    await repo?.cleanup();
  });

  /** Runs `task` on a workspace of `config`, with the names of the warehouse queries it ran. */
  const withWorkspace = async <T>(config: string, task: (w: Workspace, queries: string[]) => Promise<T>): Promise<T> => {
    const w = Workspace.open({ configFile: join(repo.root, config) });
    try {
      const warehouse = await w.warehouse();
      const queries: string[] = [];
      const query = warehouse.query.bind(warehouse);
      warehouse.query = (q, options) => {
        queries.push(q.name);
        return query(q, options);
      };
      return await task(w, queries);
    } finally {
      await w.close();
    }
  };

  /** Per commit label, the models of rerun-impact whose re-run rows were last written at or after it. */
  const expected = (perModel: ModelRerun[], labels: string[], committedAt: Map<string, string>) =>
    new Map(labels.map((l) => [l, perModel.filter((m) => m.rerunMade && !(Date.parse(m.rerunMade.last) < Date.parse(committedAt.get(l)!)))]));

  for (const config of ['embedded.json', 'bigquery.json', 'superseded-at.json']) {
    it(`reports, per commit, exactly rerun-impact's re-runs written at or after it (${config})`, async () => {
      const labels = LABELS.filter((l) => l !== 'docs');
      const { reference, answers, committedAt } = await withWorkspace(config, async (w) => {
        const provenances = await commitProvenance(w, labels.map(commit), { window: WINDOW });
        const committedAt = new Map(provenances.map((p, i) => [labels[i], p.commit!.committedAt]));
        const impact = await rerunImpact(w, { window: WINDOW, changes: 0 });
        assert.ok(impact.recorded);
        // One commit at a time: asked together, the earliest commit decides what is read.
        const answers = new Map<string, ModelRerun[]>();
        for (const [i, l] of labels.entries()) {
          const reruns = await rerunsAfterCommits(w, [provenances[i]], WINDOW);
          assert.ok(reruns.recorded);
          answers.set(
            l,
            reruns.byCommit.get(commit(l))!.map((r) => r.rerun),
          );
        }
        return { reference: impact.perModel, answers, committedAt };
      });
      const want = expected(reference, labels, committedAt);
      assert.deepEqual(
        [...want].map(([l, models]) => [l, models.map((m) => m.model)]),
        [
          ['first', ['catboost_v8']],
          ['fix', ['catboost_v8']],
          ['during', ['catboost_v8']],
          ['at last write', ['catboost_v8']],
          ['after', []],
        ],
        'the dataset has one re-run, last written 2026-01-11 09:30:00',
      );
      for (const l of labels) assert.deepEqual(answers.get(l), want.get(l), `re-runs after "${l}"`);
    });
  }

  it('runs no pairing of re-runs when none was written after the commits, one query for when they were', async () => {
    await withWorkspace('embedded.json', async (w, queries) => {
      const provenances = await commitProvenance(w, [commit('after')], { window: WINDOW });
      queries.length = 0;
      const reruns = await rerunsAfterCommits(w, provenances, WINDOW);
      assert.ok(reruns.recorded);
      assert.deepEqual(reruns.byCommit.get(commit('after')), []);
      assert.deepEqual(queries, ['rerunLastWrites']);
    });
    await withWorkspace('embedded.json', async (w, queries) => {
      const provenances = await commitProvenance(w, [commit('after'), commit('fix')], { window: WINDOW });
      queries.length = 0;
      const reruns = await rerunsAfterCommits(w, provenances, WINDOW);
      assert.ok(reruns.recorded);
      assert.deepEqual(
        reruns.byCommit.get(commit('fix'))?.map((r) => [r.rerun.model, r.builds]),
        [['catboost_v8', 'contain it']],
      );
      assert.deepEqual(queries, ['rerunLastWrites', 'rerunImpact'], 'the pairing runs for the one model written to after the fix');
    });
  });

  it('the CLI prints the same re-runs for a commit asked alone or beside others', async () => {
    const run = async (...shas: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['--cwd', repo.root, '--config', 'embedded.json', 'commit', ...shas, '--from', WINDOW.from, '--to', WINDOW.to, '--json'], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      });
      assert.equal(code, 0, stderr);
      return JSON.parse(stdout) as { commits: Array<{ commit: { sha: string }; reruns: unknown[] | null; rerunsNotRecorded: string | null }> };
    };
    const together = await run(commit('fix'), commit('after'), commit('docs'));
    const alone = await run(commit('fix'));
    assert.deepEqual(together.commits[0], alone.commits[0]);
    assert.equal(together.commits[0].reruns?.length, 1);
    assert.deepEqual(together.commits[1].reruns, [], 'no re-run was written after it');
    assert.deepEqual(together.commits[2].reruns, [], 'touches no service');
    assert.equal(together.commits[0].rerunsNotRecorded, null);
  });

  it('places the re-run builds with the walk the commit already had: no further git process', async () => {
    // Counted through a `git` on PATH that logs its arguments, in a CLI process of its own.
    const wrapperDir = await mkdtemp(join(tmpdir(), 'pipeline-lens-git-count-'));
    try {
      const logFile = join(wrapperDir, 'calls.log');
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      await writeFile(join(wrapperDir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logFile}'\nexec '${realGit}' "$@"\n`);
      await chmod(join(wrapperDir, 'git'), 0o755);
      const run = await runCliProcess(['--cwd', repo.root, '--config', 'embedded.json', 'commit', commit('fix'), '--from', WINDOW.from, '--to', WINDOW.to, '--json'], {
        ...process.env,
        PATH: `${wrapperDir}${delimiter}${process.env.PATH ?? ''}`,
      });
      assert.equal(run.code, 0, run.stderr);
      const [answer] = (JSON.parse(run.stdout) as { commits: Array<{ reruns: Array<{ rerun: { model: string }; builds: string }> | null }> }).commits;
      assert.deepEqual(
        answer.reruns?.map((r) => [r.rerun.model, r.builds]),
        [['catboost_v8', 'contain it']],
      );
      const calls = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean);
      assert.equal(calls.filter((c) => c.includes('rev-list')).length, 1, calls.join('; '));
      assert.ok(calls.length <= 3, calls.join('; '));
    } finally {
      await rm(wrapperDir, { recursive: true, force: true });
    }
  });
});
