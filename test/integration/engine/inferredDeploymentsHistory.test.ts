import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Workspace } from '../../../src/core/workspace';
import { createPipelineFixture, type PipelineFixture } from '../server/pipelineFixture';

/*
 * Deployments inferred from a stage's build column date each build by its first appearance
 * in the table, however long ago: a build first seen more than a year before the data ends
 * keeps its day, and a build seen only then is still found.
 */

/** The day after the fixture's data ends (its game dates run 2026-03-01 to 03-10). */
const NOW = () => new Date('2026-03-11T00:00:00Z');

describe('deployments inferred from a build column over the whole history of the table', () => {
  let fixture: PipelineFixture;
  let workspace: Workspace;
  let onlyOld: string;

  before(async () => {
    fixture = await createPipelineFixture({
      editConfig: (config) => {
        config.services.push({ name: 'features', paths: ['worker/**'], table: 'featureStore' });
      },
    });
    onlyOld = fixture.shas[2];
    // The first build's first feature row, 414 days before the data's last day, and a build
    // that wrote only 424 days before it.
    const planted = [
      { player_lookup: 'player_0', game_date: '2025-01-20', features: [10, 0, 0.5, 20], feature_source_mode: 'daily', build_commit_sha: fixture.sha.first },
      { player_lookup: 'player_1', game_date: '2025-01-10', features: [11, 1, 0.5, 10], feature_source_mode: 'daily', build_commit_sha: onlyOld },
    ];
    await appendFile(join(fixture.root, 'data', 'features.ndjson'), planted.map((r) => JSON.stringify(r)).join('\n') + '\n');
    workspace = Workspace.open({ cwd: fixture.root, now: NOW });
  });

  after(async () => {
    await workspace?.close();
    await fixture?.cleanup();
  });

  it('dates a build by a first row more than a year before the data ends, and finds a build seen only then', async () => {
    assert.equal(workspace.config.services.find((s) => s.name === 'features')?.deployments?.kind, 'buildColumn');
    const list = await workspace.deployments('features');
    const firstSeen = new Map(list.map((d) => [d.commit, d.createdAt]));
    assert.equal(firstSeen.get(onlyOld), '2025-01-10T00:00:00.000Z', JSON.stringify(list));
    assert.equal(firstSeen.get(fixture.sha.first), '2025-01-20T00:00:00.000Z', JSON.stringify(list));
    assert.ok(list.every((d) => d.trafficPercent === null && d.revision.startsWith('build-')));
  });
});
