import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { resolveConfig } from '../../../src/core/config/loadConfig';
import { ConfigError } from '../../../src/core/config/configError';
import { investigate } from '../../../src/core/findings/investigate';
import { modelMetrics } from '../../../src/core/metrics/modelMetrics';
import { commitProvenance } from '../../../src/core/provenance/commitProvenance';
import type { QueryOptions, QueryResult, SqlQuery, Warehouse } from '../../../src/core/warehouse/types';
import { Workspace } from '../../../src/core/workspace';

/*
 * Values a user types travel to the warehouse as parameters: hostile text must never appear
 * in the SQL, and the query must still run (a string-built query would break or obey it).
 */

const HOSTILE = [`x' OR '1'='1`, `x"; DROP TABLE t; --`, 'x` UNION SELECT 1 #', "x'); DELETE FROM t; /*", "x\\' -- ", 'x@not_a_param', '$1 $2'];

class RecordingWorkspace extends Workspace {
  readonly sent: SqlQuery[] = [];
  private recording: Promise<Warehouse> | null = null;
  override warehouse(): Promise<Warehouse> {
    this.recording ??= super.warehouse().then((inner) => ({
      kind: inner.kind,
      describe: () => inner.describe(),
      close: () => inner.close(),
      query: (q: SqlQuery, o?: QueryOptions): Promise<QueryResult> => {
        this.sent.push(q);
        return inner.query(q, o);
      },
    }));
    return this.recording;
  }
}

describe('values reach SQL only as parameters', () => {
  let parent: string;
  let demo: DemoManifest;
  let workspace: RecordingWorkspace;

  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'pl-injection-'));
    demo = await generateDemo(join(parent, 'demo'));
    const base = Workspace.open({ cwd: demo.root });
    workspace = new RecordingWorkspace(base.config);
  });

  after(async () => {
    await workspace.close();
    await rm(parent, { recursive: true, force: true });
  });

  const assertNoValueInSql = (value: string) => {
    for (const q of workspace.sent) assert.ok(!q.sql.includes(value), `${q.name} carries ${value} in its SQL text`);
  };

  for (const value of HOSTILE) {
    it(`keeps the model id ${JSON.stringify(value)} out of the SQL text`, async () => {
      workspace.sent.length = 0;
      await assert.rejects(modelMetrics(workspace, value, 'commit'), (e: Error) => e.message.includes(`No predictions of model "${value}"`));
      await assert.rejects(investigate(workspace, { models: [value] }), /No predictions in .* for /);
      assert.ok(workspace.sent.length >= 2);
      assertNoValueInSql(value);
      assert.ok(
        workspace.sent.some((q) => Object.values(q.params).some((p) => (Array.isArray(p) ? p.includes(value) : p === value))),
        'the value travels as a parameter',
      );
    });
  }

  it('passes dates and SHAs as typed parameters', async () => {
    workspace.sent.length = 0;
    await commitProvenance(workspace, [demo.commits.fix], { window: { from: '2026-01-01', to: '2026-02-05' } });
    assertNoValueInSql('2026-01-01');
    assertNoValueInSql('2026-02-05');
    const typed = workspace.sent.flatMap((q) => Object.entries(q.types));
    assert.ok(typed.some(([name, type]) => name === 'from' && type === 'DATE'));
    assert.ok(typed.some(([, type]) => type === 'TIMESTAMP'));
  });

  it('rejects identifiers in config that could carry SQL, naming the path', () => {
    const config = JSON.parse(
      JSON.stringify({
        warehouse: { kind: 'embedded', files: { 'ds.p': 'p.parquet', 'ds.g': 'g.parquet' } },
        tables: { predictions: { table: 'ds.p' }, graded: { table: 'ds.g' } },
      }),
    );
    const attempts: Array<[string, (c: Record<string, any>) => void]> = [
      ['/tables/predictions/table', (c) => (c.tables.predictions.table = 'ds.p; DROP TABLE x')],
      ['/tables/graded/columns/correct', (c) => (c.tables.graded.columns = { correct: 'a OR 1=1' })],
      ['/tables/predictions/partitionColumn', (c) => (c.tables.predictions.partitionColumn = 'game_date--')],
      ['/tables/predictions/columns/model', (c) => (c.tables.predictions.columns = { model: 'system_id`' })],
    ];
    for (const [path, mutate] of attempts) {
      const c = JSON.parse(JSON.stringify(config));
      mutate(c);
      assert.throws(
        () => resolveConfig(c, '/ws/pipeline-lens.json'),
        (e: unknown) => e instanceof ConfigError && e.message.includes(path),
        path,
      );
    }
  });
});
