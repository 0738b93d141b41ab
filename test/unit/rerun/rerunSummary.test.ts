import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderRerun } from '../../../src/cli/render/renderRerun';
import type { ModelRerun, RerunImpact } from '../../../src/core/rerun/rerunImpact';
import { rerunLines } from '../../../src/core/rerun/rerunSummary';

/*
 * The re-run report's figures in the shared wording: a figure the sources do not hold is
 * "not recorded", a mean over no rows is "no sample (n=0)"; neither reads as "n/a" or 0.
 */

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

function model(overrides: Partial<ModelRerun>): ModelRerun {
  return {
    model: 'catboost_v8',
    dates: { first: '2026-01-10', last: '2026-01-10' },
    replacedRows: 3,
    replacedKeys: 3,
    regenerated: 3,
    deleted: 0,
    added: 0,
    replacedRepeatedly: 0,
    severalCurrent: 0,
    changed: 2,
    flipped: 1,
    meanChange: 0.5,
    meanAbsChange: 0.75,
    maxAbsChange: 1,
    changeN: 3,
    hits: null,
    replacedMade: null,
    rerunMade: null,
    builds: [{ old: OLD, new: NEW, replacedRows: 3, regenerated: 3, deleted: 0, added: 0 }],
    sameBuild: false,
    ...overrides,
  };
}

const changeLine = (m: ModelRerun) => rerunLines(m).details.find((d) => d.includes('mean change')) ?? '';

describe('re-run summary wording', () => {
  it('gives the mean changes with their n when the rows hold them', () => {
    assert.match(changeLine(model({})), /mean change \+0\.50, mean \|change\| 0\.75, largest 1\.00 \(n=3\)/);
  });

  it('says "not recorded" for the changes and their n when the sources do not count them, never n/a or n=0', () => {
    const line = changeLine(model({ meanChange: null, meanAbsChange: null, maxAbsChange: null, changeN: null }));
    assert.match(line, /mean change not recorded, mean \|change\| not recorded, largest not recorded \(n=not recorded\)/);
    assert.doesNotMatch(line, /n\/a|n=0/);
  });

  it('says "no sample (n=0)" for a mean over no compared rows', () => {
    const line = changeLine(model({ meanChange: null, meanAbsChange: null, maxAbsChange: null, changeN: 0 }));
    assert.match(line, /mean change no sample \(n=0\), mean \|change\| no sample \(n=0\), largest no sample \(n=0\)/);
    assert.doesNotMatch(line, /n\/a/);
  });

  it('prints a missing line in the largest changes as "not recorded"', () => {
    const impact: RerunImpact & { recorded: true } = {
      recorded: true,
      window: { from: '2026-01-02', to: '2026-01-11' },
      models: null,
      markedBy: ['tables.predictions.columns.active'],
      notRecorded: [],
      perModel: [model({})],
      largestChanges: [{ model: 'catboost_v8', entity: 'p1', date: '2026-01-10', old: 20.5, new: 22, oldLine: null, newLine: null, actual: null, oldCommit: OLD, newCommit: NEW }],
    };
    const text = renderRerun(impact);
    const row = text.split('\n').find((l) => l.includes('p1')) ?? '';
    assert.match(row, /20\.5\s+22\s+not recorded\s+not graded/, text);
    assert.doesNotMatch(text, /n\/a/, text);
  });
});
