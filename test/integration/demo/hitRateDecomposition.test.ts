import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { main } from '../../../src/cli/main';
import { FakeBigQuery } from '../../fakes/fakeBigQuery';

/*
 * The demo records the run mode on the feature store only (feature_source_mode), so its
 * hit-rate shifts are decomposed over the mode of the feature row each prediction read
 * (tables.predictions.modeFrom "featureJoin"). The figures are checked against counts taken
 * straight from the demo's parquet files with SQL of the test's own, and the investigation
 * is run again through the real BigQuery client against the fake, serving the same rows.
 */

interface Side {
  n: number;
  correct: number;
}
interface Decomposition {
  groupedBy: string;
  modeSource: string;
  comparedBy: string;
  builds?: { before: string[]; after: string[] };
  before: Side;
  after: Side;
  mix: number;
  within: number;
  groups: Array<{ group: string; before: Side; after: Side }>;
}
interface ShiftFinding {
  kind: string;
  title: string;
  evidence: string[];
  subjects: { models?: string[] };
  data: { at: string; before: { commit: string | null; graded: number }; after: { commit: string | null; graded: number }; decomposition?: Decomposition };
}

const parquet = (root: string, name: string) => `read_parquet('${join(root, 'data', `${name}.parquet`).replace(/'/g, "''")}')`;

describe('investigate decomposes the demo hit-rate shifts over the feature row run mode', () => {
  let parent: string;
  let demo: DemoManifest;
  let shifts: ShiftFinding[];
  let window: { from: string; to: string };

  async function investigate(): Promise<{ findings: ShiftFinding[]; window: { from: string; to: string } }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', demo.root, 'investigate', '--json'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout);
    return { findings: json.findings.filter((f: ShiftFinding) => f.kind === 'metric-shift'), window: json.window };
  }

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-demo-hitmix-'));
    demo = await generateDemo(join(parent, 'demo'));
    ({ findings: shifts, window } = await investigate());
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  /** Graded rows of one model per (build, feature-row mode), counted directly: build from the grading row, mode from the feature row of the same player and date. */
  async function directCounts(model: string): Promise<Map<string, Side>> {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const c = await instance.connect();
    try {
      const reader = await c.runAndReadAll(`
        SELECT g.build_commit_sha || '/' || COALESCE(f.feature_source_mode, '(no feature row)') AS k,
               COUNT(*) AS n, COUNT_IF(g.prediction_correct) AS correct
        FROM ${parquet(demo.root, 'prediction_accuracy')} AS g
        LEFT JOIN ${parquet(demo.root, 'ml_feature_store_v2')} AS f ON f.player_lookup = g.player_lookup AND f.game_date = g.game_date
        WHERE g.system_id = '${model}' AND g.prediction_correct IS NOT NULL
          AND g.game_date BETWEEN DATE '${window.from}' AND DATE '${window.to}'
        GROUP BY 1`);
      const out = new Map<string, Side>();
      for (const r of reader.getRowObjectsJson()) out.set(r.k as string, { n: Number(r.n), correct: Number(r.correct) });
      return out;
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  }

  it('decomposes every shift, catboost_v8 at the regressed build by the rows of each build, matching direct counts', async () => {
    assert.ok(shifts.length > 0, 'the demo has hit-rate shifts');
    for (const s of shifts) {
      assert.ok(s.data.decomposition, `${s.title}\n${s.evidence.join('\n')}`);
      assert.ok(!s.evidence.some((e) => e.startsWith('Hit-rate change not decomposed')), s.evidence.join('\n'));
    }
    const v8 = shifts.find((s) => s.subjects.models?.includes('catboost_v8') && s.data.at === 'build' && s.data.after.commit === demo.commits.preFixBuild);
    assert.ok(v8, shifts.map((s) => s.title).join('\n'));
    const d = v8.data.decomposition!;
    assert.equal(d.groupedBy, 'mode');
    assert.equal(d.comparedBy, 'build');
    assert.deepEqual(d.builds, { before: [v8.data.before.commit], after: [demo.commits.preFixBuild] });
    assert.match(d.modeSource, /tables\.featureStore\.columns\.mode through tables\.predictions\.featureJoin/);
    // Each side is exactly the graded rows of its build, as the shift counts them.
    assert.deepEqual([d.before.n, d.after.n], [v8.data.before.graded, v8.data.after.graded]);

    const counts = await directCounts('catboost_v8');
    const of = (build: string, mode: string) => counts.get(`${build}/${mode}`) ?? { n: 0, correct: 0 };
    const modes = new Set([...counts.keys()].map((k) => k.split('/')[1]));
    const total = (build: string) => [...modes].reduce((s, m) => ({ n: s.n + of(build, m).n, correct: s.correct + of(build, m).correct }), { n: 0, correct: 0 });
    const builds = d.builds;
    assert.ok(builds, 'the shift names its two builds');
    const [[a], [b]] = [builds.before, builds.after];
    assert.deepEqual([d.before.n, d.before.correct, d.after.n, d.after.correct], [total(a).n, total(a).correct, total(b).n, total(b).correct]);
    for (const g of d.groups) {
      assert.deepEqual([g.before.n, g.before.correct], [of(a, g.group).n, of(a, g.group).correct], `${g.group} before`);
      assert.deepEqual([g.after.n, g.after.correct], [of(b, g.group).n, of(b, g.group).correct], `${g.group} after`);
    }
    assert.deepEqual(new Set(d.groups.map((g) => g.group)), new Set([...modes].filter((m) => of(a, m).n + of(b, m).n > 0)));

    // Kitagawa from the direct counts.
    let mix = 0;
    let within = 0;
    for (const m of modes) {
      const [x, y] = [of(a, m), of(b, m)];
      if (x.n + y.n === 0) continue;
      const [w1, w2] = [x.n / total(a).n, y.n / total(b).n];
      const r1 = x.n ? x.correct / x.n : y.correct / y.n;
      const r2 = y.n ? y.correct / y.n : r1;
      mix += (w2 - w1) * ((r1 + r2) / 2);
      within += (r2 - r1) * ((w1 + w2) / 2);
    }
    assert.ok(Math.abs(d.mix - mix) < 1e-9 && Math.abs(d.within - within) < 1e-9, `mix ${d.mix} vs ${mix}, within ${d.within} vs ${within}`);

    const line = v8.evidence.find((e) => e.startsWith('By run mode'));
    assert.match(
      line ?? '',
      new RegExp(
        `^By run mode \\(tables\\.featureStore\\.columns\\.mode through tables\\.predictions\\.featureJoin\\), the graded rows of build ${a.slice(0, 8)} against those of build ${b.slice(0, 8)} \\(each build's own rows, .*, not a split by date\\): of the −14\\.8-point change \\(65\\.4% \\[62\\.8%, 68\\.0%\\] n=1,299 → 50\\.6% \\[46\\.8%, 54\\.4%\\] n=668\\)`,
      ),
      v8.evidence.join('\n'),
    );
  });

  it('gives the same decompositions through BigQuery (the fake) as on the embedded engine', async () => {
    const database = join(parent, 'demo.duckdb');
    const config = JSON.parse(await readFile(join(demo.root, 'pipeline-lens.json'), 'utf8'));
    const instance = await DuckDBInstance.create(database);
    const c = await instance.connect();
    for (const [name, file] of Object.entries(config.warehouse.files as Record<string, string>)) {
      const [schema] = name.split('.');
      await c.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.run(`CREATE TABLE ${name} AS SELECT * FROM read_parquet('${join(demo.root, file).replace(/'/g, "''")}')`);
    }
    c.closeSync();
    instance.closeSync();
    const fake = await FakeBigQuery.start({ database });
    try {
      await writeFile(
        join(demo.root, 'pipeline-lens.json'),
        JSON.stringify({ ...config, warehouse: { kind: 'bigquery', project: 'pl-demo', location: 'US', apiEndpoint: fake.url } }),
      );
      const viaBigQuery = await investigate();
      assert.ok(
        fake.jobRequests.some((j) => j.labels.query === 'hitratebymode'),
        'the decomposition queries went to BigQuery',
      );
      const key = (s: ShiftFinding) => `${s.subjects.models?.join(',')} ${s.data.before.commit} ${s.data.after.commit}`;
      assert.deepEqual(new Map(viaBigQuery.findings.map((s) => [key(s), s.data.decomposition])), new Map(shifts.map((s) => [key(s), s.data.decomposition])));
    } finally {
      await fake.close();
    }
  });
});
