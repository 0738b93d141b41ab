import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { investigate } from '../../../src/core/findings/investigate';
import { Workspace } from '../../../src/core/workspace';
import { createLineagePipeline, type LineagePipeline } from '../../fixtures/lineagePipeline';

/*
 * A shift attributed by rows to the feature build as well as the scorer build: a bad feature
 * build and an unrelated scorer deploy on the same day (test/fixtures/lineagePipeline.ts).
 */

const NOW = () => new Date('2026-06-21T00:00:00Z');

async function shiftOf(pipeline: LineagePipeline) {
  const workspace = Workspace.open({ cwd: pipeline.root, now: NOW });
  try {
    const result = await investigate(workspace);
    const shift = result.findings.find((f) => f.kind === 'metric-shift');
    assert.ok(shift, result.findings.map((f) => f.title).join('\n'));
    return { shift, skipped: result.skipped };
  } finally {
    await workspace.close();
  }
}

describe('lineage of a metric shift across stages', () => {
  let half: LineagePipeline;
  let all: LineagePipeline;
  let unjoined: LineagePipeline;

  before(async () => {
    [half, all, unjoined] = await Promise.all([
      createLineagePipeline({ rollout: 'half' }),
      createLineagePipeline({ rollout: 'all' }),
      createLineagePipeline({ rollout: 'half', featureJoin: false }),
    ]);
  });

  after(async () => {
    await Promise.all([half?.cleanup(), all?.cleanup(), unjoined?.cleanup()]);
  });

  it('names the bad feature build, not the scorer deploy of the same day, by rows', async () => {
    const { shift } = await shiftOf(half);
    const feature = half.sha.featureBuild.slice(0, 8);
    const scorer = half.sha.scorerDeploy.slice(0, 8);
    // The calendar puts the shift at the scorer's build; the rows put it on the feature build.
    assert.match(shift.title, new RegExp(`with build ${scorer}`));
    const lineage = shift.data.lineage as { featureBuilds: string[]; scorerBuilds: string[]; confounded: boolean };
    assert.deepEqual(lineage.featureBuilds, [half.sha.featureBuild]);
    assert.deepEqual(lineage.scorerBuilds, []);
    assert.equal(lineage.confounded, false);
    assert.ok(shift.subjects.commits?.includes(half.sha.featureBuild));
    const text = shift.evidence.join('\n');
    assert.match(
      text,
      new RegExp(
        `Feature build ${feature} \\(feature-builder\\) is behind the drop, by rows: with scorer build ${scorer} held fixed, rows that read it hit \\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d\\] n=200 against \\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d\\] n=200 on other feature builds`,
      ),
    );
    assert.match(text, new RegExp(`Scorer build ${scorer} is not behind the drop, by rows: on rows reading feature build ${half.sha.base.slice(0, 8)}`));
    assert.match(text, new RegExp(`Rows by feature build × scorer build from 2026-06-11: .*feature ${feature} × scorer ${scorer} \\d+\\.\\d% \\[[\\d., ]+\\] n=200`));
  });

  it('says the rows cannot tell the two apart when the feature build and the scorer changed on every row together', async () => {
    const { shift } = await shiftOf(all);
    const lineage = shift.data.lineage as { featureBuilds: string[]; scorerBuilds: string[]; confounded: boolean };
    assert.equal(lineage.confounded, true);
    assert.deepEqual(lineage.featureBuilds, []);
    assert.match(shift.evidence.join('\n'), /every graded row was made by one scorer build reading one feature build: the rows cannot tell which of the two is behind the shift/);
  });

  it('without tables.predictions.featureJoin, says the lineage was not checked and which key to set', async () => {
    const { shift, skipped } = await shiftOf(unjoined);
    assert.equal(shift.data.lineage, undefined);
    assert.ok(
      skipped.some((s) => /tables\.predictions\.featureJoin is not set/.test(s)),
      skipped.join('\n'),
    );
  });
});
