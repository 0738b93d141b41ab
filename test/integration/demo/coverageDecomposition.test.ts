import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { main } from '../../../src/cli/main';

/*
 * The feature-store coverage collapse (99.4% → 43.4% in backfill mode) split into who is in
 * the population and how each group is covered, checked against counts taken straight from
 * the demo's parquet files with SQL of the test's own, not the product's catalog.
 */

interface Side {
  n: number;
  covered: number;
}

describe('investigate decomposes the demo coverage drop', () => {
  let parent: string;
  let demo: DemoManifest;

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-demo-decompose-'));
    demo = await generateDemo(join(parent, 'demo'));
  });

  after(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  /** Backfill-mode rows per period and expected-list membership, counted directly. */
  async function directCounts(from: string, split: string, to: string): Promise<Record<string, Side>> {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const c = await instance.connect();
    try {
      const file = (name: string) => `read_parquet('${join(demo.root, 'data', `${name}.parquet`).replace(/'/g, "''")}')`;
      const reader = await c.runAndReadAll(`
        WITH exp AS (SELECT DISTINCT player_lookup, game_date FROM ${file('upcoming_player_game_context')})
        SELECT CASE WHEN f.game_date < DATE '${split}' THEN 'before' ELSE 'after' END || '/' ||
               CASE WHEN exp.player_lookup IS NULL THEN 'not expected' ELSE 'expected' END AS k,
               COUNT(*) AS n, COUNT_IF(f.features[26] > 0) AS covered
        FROM ${file('ml_feature_store_v2')} AS f
        LEFT JOIN exp ON exp.player_lookup = f.player_lookup AND exp.game_date = f.game_date
        WHERE f.feature_source_mode = 'backfill' AND f.game_date BETWEEN DATE '${from}' AND DATE '${to}'
        GROUP BY 1`);
      const out: Record<string, Side> = {};
      for (const r of reader.getRowObjectsJson()) out[r.k as string] = { n: Number(r.n), covered: Number(r.covered) };
      return out;
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  }

  it('reports the Vegas drop in backfill mode as mostly within-group: players off the expected list lost their lines at the Vegas-source commit', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', demo.root, 'investigate', '--json'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout);
    const finding = json.findings.find(
      (f: { kind: string; data: { index: number; mode: string } }) => f.kind === 'feature-coverage-drop' && f.data.index === 25 && f.data.mode === 'backfill',
    );
    assert.ok(finding, json.findings.map((f: { title: string }) => f.title).join('\n'));
    const d = finding.data.decomposition;
    assert.ok(d, finding.evidence.join('\n'));

    const counts = await directCounts(json.window.from, finding.data.from, finding.data.to);
    const side = (period: string) => {
      const parts = ['expected', 'not expected'].map((g) => counts[`${period}/${g}`] ?? { n: 0, covered: 0 });
      return { n: parts[0].n + parts[1].n, covered: parts[0].covered + parts[1].covered };
    };
    assert.deepEqual([d.before.n, d.before.covered], [side('before').n, side('before').covered]);
    assert.deepEqual([d.after.n, d.after.covered], [side('after').n, side('after').covered]);
    for (const g of d.groups) {
      assert.deepEqual(
        [g.before.n, g.before.covered, g.after.n, g.after.covered],
        [counts[`before/${g.group}`].n, counts[`before/${g.group}`].covered, counts[`after/${g.group}`].n, counts[`after/${g.group}`].covered],
        g.group,
      );
    }

    // Kitagawa from the direct counts: the parts add up to the whole change.
    const rate = (s: Side) => s.covered / s.n;
    let mix = 0;
    let within = 0;
    for (const g of ['expected', 'not expected']) {
      const b = counts[`before/${g}`];
      const a = counts[`after/${g}`];
      const w1 = b.n / side('before').n;
      const w2 = a.n / side('after').n;
      mix += (w2 - w1) * ((rate(b) + rate(a)) / 2);
      within += (rate(a) - rate(b)) * ((w1 + w2) / 2);
    }
    assert.ok(Math.abs(d.mix - mix) < 1e-9 && Math.abs(d.within - within) < 1e-9, `mix ${d.mix} vs ${mix}, within ${d.within} vs ${within}`);
    assert.ok(Math.abs(d.mix + d.within - (rate(side('after')) - rate(side('before')))) < 1e-9);

    // What the data says: players off the list were covered before and are not after.
    const off = counts['before/not expected'];
    const offAfter = counts['after/not expected'];
    assert.ok(rate(off) > 0.95 && offAfter.covered === 0, `not expected: ${rate(off)} → ${rate(offAfter)}`);
    assert.equal(d.dominant, 'within');
    assert.ok(d.within < -0.5, `within ${d.within}`);

    assert.equal(d.changePoint.at, demo.commits.vegasSourceChange);
    assert.equal(d.changePoint.deployment.revision, 'feature-store-processor-00037-t5v');
    const line = finding.evidence.find((e: string) => e.startsWith('Of the '));
    assert.match(
      line,
      /^Of the 56\.\d-point drop in vegas_points_line coverage \(99\.4% \[[\d.]+%, [\d.]+%\] n=[\d,]+ → 43\.4% \[[\d.]+%, [\d.]+%\] n=[\d,]+\), −6\d\.\d points come from coverage within groups and \+\d\.\d points come from who is in the population \(rows per day \d+ → \d+\)/,
    );
    assert.ok(finding.evidence.some((e: string) => e.startsWith(`At the change point build ${demo.commits.vegasSourceChange.slice(0, 8)} wrote the first rows`)));
  });
});
