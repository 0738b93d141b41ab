import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceConfig } from '../../../src/core/config/types';
import { nearestStage } from '../../../src/core/provenance/nearestStage';

const stage = (name: string, paths: string[]): ServiceConfig => ({ name, paths, deployments: null, deployCommand: null, table: null });
const stages = [stage('prediction-worker', ['predictions/worker/**', 'shared/config/**']), stage('feature-store-processor', ['data_processors/precompute/ml_feature_store/**'])];

describe('nearestStage', () => {
  it('names the stage sharing the most leading folders with a changed file', () => {
    assert.deepEqual(nearestStage(['docs/a.md', 'data_processors/precompute/odds/loader.py'], stages), {
      service: 'feature-store-processor',
      glob: 'data_processors/precompute/ml_feature_store/**',
      file: 'data_processors/precompute/odds/loader.py',
      sharedFolders: 2,
    });
    assert.equal(nearestStage(['predictions/batch/run.py'], stages)?.service, 'prediction-worker');
  });

  it('names none when no stage shares a folder, and ignores excluded globs and partial names', () => {
    assert.equal(nearestStage(['docs/handoffs/note.md', 'README.md'], stages), null);
    assert.equal(nearestStage(['docs/x.md'], [stage('s', ['!docs/**', 'src/**'])]), null);
    // `pred*` names no folder: `predictions_old/` shares nothing with it.
    assert.equal(nearestStage(['predictions_old/x.py'], [stage('s', ['pred*/worker/**'])]), null);
  });
});
