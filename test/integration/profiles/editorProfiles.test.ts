import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDemo, type DemoManifest } from '../../../demo/generateDemo';
import { SelectProfileRequest, TreeRequest, type SelectProfileResult, type TreeResult } from '../../../src/shared/protocol';
import { LspHarness } from '../server/lspHarness';

/*
 * The editor's "Select Warehouse Profile" through the real language server: the demo
 * workspace with two embedded snapshots as profiles, the staging one missing every graded
 * row of catboost_v9 (the model the lenses lead with) from CUT on. The tree and the lenses must show the snapshot chosen.
 */

const MODEL = 'catboost_v9';
const CUT = '2026-01-20';
const GRADED = 'nba_predictions.prediction_accuracy';

describe('warehouse profiles in the editor: Select Warehouse Profile', () => {
  let dir: string;
  let demo: DemoManifest;
  let removed: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-editor-profiles-'));
    demo = await generateDemo(join(dir, 'demo'));
    const configFile = join(demo.root, 'pipeline-lens.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as { warehouse: { files: Record<string, string> } } & Record<string, unknown>;
    const production = config.warehouse;
    await mkdir(join(demo.root, 'staging'));
    const source = join(demo.root, production.files[GRADED]);
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    const counted = await c.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${source}') WHERE system_id = '${MODEL}' AND game_date >= DATE '${CUT}' AND prediction_correct IS NOT NULL`,
    );
    removed = Number(counted.getRowObjects()[0].n);
    await c.run(
      `COPY (SELECT * FROM read_parquet('${source}') WHERE NOT (system_id = '${MODEL}' AND game_date >= DATE '${CUT}')) TO '${join(demo.root, 'staging', 'prediction_accuracy.parquet')}' (FORMAT parquet)`,
    );
    c.closeSync();
    instance.closeSync();
    assert.ok(removed > 0, 'the planted difference removes graded rows');
    const { warehouse: _single, ...rest } = config;
    await writeFile(
      configFile,
      JSON.stringify({
        ...rest,
        warehouses: { production, staging: { kind: 'embedded', files: { ...production.files, [GRADED]: 'staging/prediction_accuracy.parquet' } } },
        defaultWarehouse: 'production',
      }),
    );
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const gradedOf = (tree: TreeResult) => tree.models.find((m) => m.model === MODEL)!.metrics.graded;
  const lensTitlesOf = async (server: LspHarness, uri: string) => (await server.lensTitles(uri)).map((l) => l.title).join('\n');

  it('switches the tree and the lenses between two snapshots, and back to the default', async () => {
    const server = await LspHarness.start({ folders: [demo.root] });
    try {
      const status = await server.loaded();
      assert.deepEqual(
        status.workspaces[0].profiles.map((p) => [p.name, p.isDefault, p.kind]),
        [
          ['production', true, 'embedded'],
          ['staging', false, 'embedded'],
        ],
      );
      assert.equal(status.workspaces[0].activeProfile, 'production');
      const note = join(demo.root, 'notes.md');
      await writeFile(note, `The worker build ${demo.commits.preFixBuild} ran the backfill.\n`);
      const uri = await server.open(note, 'markdown');

      const production = gradedOf(await server.connection.sendRequest<TreeResult>(TreeRequest.method, {}));
      const productionLens = await lensTitlesOf(server, uri);
      const refreshes = server.lensRefreshes;

      const chosen = await server.connection.sendRequest<SelectProfileResult>(SelectProfileRequest.method, { scope: uri, profile: 'staging' });
      assert.deepEqual(chosen, { root: demo.root, activeProfile: 'staging', notice: null });
      assert.equal((await server.status()).workspaces[0].activeProfile, 'staging');
      const staging = gradedOf(await server.connection.sendRequest<TreeResult>(TreeRequest.method, {}));
      assert.equal(staging, production - removed, 'the tree counts the staging snapshot');
      await server.loaded();
      const stagingLens = await lensTitlesOf(server, uri);
      assert.notEqual(stagingLens, productionLens, 'the lens figures come from the staging snapshot');
      assert.ok(server.lensRefreshes > refreshes || (await waitFor(() => server.lensRefreshes > refreshes)), 'the client is told to redraw the lenses');

      const back = await server.connection.sendRequest<SelectProfileResult>(SelectProfileRequest.method, { scope: uri, profile: null });
      assert.equal(back.activeProfile, 'production');
      assert.equal(gradedOf(await server.connection.sendRequest<TreeResult>(TreeRequest.method, {})), production);
      await server.loaded();
      assert.equal(await lensTitlesOf(server, uri), productionLens);
    } finally {
      await server.stop();
    }
  });

  it('refuses a profile the config does not name, naming the profiles, and changes nothing', async () => {
    const server = await LspHarness.start({ folders: [demo.root] });
    try {
      await server.ready();
      await server.connection.sendRequest(SelectProfileRequest.method, { profile: 'staging' });
      await assert.rejects(server.connection.sendRequest(SelectProfileRequest.method, { profile: 'qa' }), /No warehouse profile "qa".*production, staging/);
      assert.equal((await server.status()).workspaces[0].activeProfile, 'staging');
    } finally {
      await server.stop();
    }
  });

  it('opens with the profile chosen in an earlier session', async () => {
    const server = await LspHarness.start({ folders: [demo.root], profiles: { [demo.root]: 'staging' } });
    try {
      const status = await server.ready();
      assert.equal(status.workspaces[0].activeProfile, 'staging');
      const tree = await server.connection.sendRequest<TreeResult>(TreeRequest.method, {});
      const production = await LspHarness.start({ folders: [demo.root] });
      try {
        await production.ready();
        assert.equal(gradedOf(tree), gradedOf(await production.connection.sendRequest<TreeResult>(TreeRequest.method, {})) - removed);
      } finally {
        await production.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('falls back to the default when the chosen profile is gone, and says so once', async () => {
    const server = await LspHarness.start({ folders: [demo.root], profiles: { [demo.root]: 'qa' } });
    try {
      const status = await server.ready();
      assert.equal(status.workspaces[0].activeProfile, 'production');
      await server.connection.sendNotification('pipelineLens/refresh');
      await server.ready();
      const said = server.logs.filter((l) => l.startsWith('[shown]') && l.includes('"qa"'));
      assert.equal(said.length, 1, server.logs.join('\n'));
      assert.match(said[0], /no longer in .*pipeline-lens\.json.*reading the default profile "production".*Select Warehouse Profile/);
    } finally {
      await server.stop();
    }
  });
});

async function waitFor(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}
