import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommitProvenance, ModelProvenance, ServiceProvenance } from '../../../src/core/provenance/commitProvenance';
import type { PartState, RerunState } from '../../../src/core/provenance/documentProvenance';
import { comparePaired, type PairedTable } from '../../../src/core/metrics/pairedProportions';
import type { ModelRerun } from '../../../src/core/rerun/rerunImpact';
import { compareProportions } from '../../../src/core/metrics/compareProportions';
import { sliceMetrics } from '../../../src/core/metrics/aggregate';
import { describeRuns, headlineModel, leadingModels, lensTitle } from '../../../src/server/lensTitle';
import { provenanceMarkdown } from '../../../src/server/provenanceMarkdown';
import { parseSettings, DEFAULT_SETTINGS } from '../../../src/server/settings';

const ready: PartState = { state: 'ready' };
const loading: PartState = { state: 'loading' };
const parts = { deployments: ready, runs: ready, results: ready };

const sums = (predictions: number, graded: number, correct: number) => ({
  predictions,
  graded,
  correct,
  absErrorSum: graded * 4.4,
  errorSum: 0,
  errorSqSum: graded * 30,
  directionN: graded,
  directionHits: correct,
  highEdgeN: 0,
  highEdgeHits: 0,
});

function model(name: string, containing: [number, number, number], replaced: [number, number, number]): ModelProvenance {
  const c = sliceMetrics(sums(...containing));
  const r = sliceMetrics(sums(...replaced));
  return {
    model: name,
    build: c,
    containing: c,
    containingBuilds: ['c'.repeat(40)],
    replaced: { ...r, commit: 'b'.repeat(40) },
    lacking: r,
    hitRateChange: compareProportions(r.hitRate, c.hitRate),
  };
}

function service(overrides: Partial<ServiceProvenance>): ServiceProvenance {
  return {
    service: 'prediction-worker',
    touchesService: true,
    status: 'deployed',
    firstDeployment: {
      revision: 'prediction-worker-00069-wqf',
      commit: 'a'.repeat(40),
      createdAt: '2026-01-30T19:10:00.000Z',
      trafficPercent: 0,
      delaySeconds: 15 * 3600 + 53 * 60,
    },
    earlierUnknown: [],
    serving: null,
    servingUnknown: null,
    replaced: null,
    behindBy: null,
    gapRuns: [
      {
        mode: 'backfill',
        commit: 'c'.repeat(40),
        revision: 'r67',
        startedAt: '2026-01-30T07:41:00.000Z',
        endedAt: '2026-01-30T08:37:00.000Z',
        firstDate: '2026-01-09',
        lastDate: '2026-01-28',
        runs: 20,
        rowsProduced: 2006,
        failedRuns: 0,
      },
    ],
    undecidedRuns: 0,
    problem: null,
    inferredFrom: null,
    ...overrides,
  };
}

function provenance(services: ServiceProvenance[], models: ModelProvenance[] = []): CommitProvenance {
  return {
    query: '38ab3820',
    resolution: 'found',
    candidates: [],
    problem: null,
    commit: {
      sha: '38ab38201f5d0715bd4726077d0e27a37b66ee7d',
      shortSha: '38ab382',
      subject: 'fix(worker): populate | features',
      author: 'Dana',
      authorEmail: 'd@x',
      committedAt: '2026-01-30T03:17:00.000Z',
      authoredAt: '2026-01-30T03:17:00.000Z',
      parents: [],
    },
    files: ['predictions/worker/worker.py'],
    services,
    models,
    window: { from: '2025-10-02', to: '2026-02-03' },
    historyCut: null,
    nearestStage: null,
    resultsNotApplicable: null,
  };
}

describe('lensTitle', () => {
  it('reads deployed, runs on older code and the headline result at a glance', () => {
    const p = provenance([service({})], [model('catboost_v8', [559, 41, 24], [2303, 668, 338]), model('catboost_v9', [346, 140, 116], [2313, 2060, 1600])]);
    assert.equal(lensTitle(p, parts), '✓ prediction-worker 19:10 (+15h53m) · ⚠ 1 backfill ran on older code · catboost_v9 82.9% [75.8, 88.2] n=140 (+1 model)');
    assert.equal(lensTitle(p, parts, '', ['catboost_v8']), '✓ prediction-worker 19:10 (+15h53m) · ⚠ 1 backfill ran on older code · catboost_v8 58.5% [43.4, 72.2] n=41 (+1 model)');
  });

  it('says how far behind an undeployed commit the deployed build is', () => {
    const p = provenance([
      service({
        status: 'not-deployed',
        firstDeployment: null,
        gapRuns: [],
        serving: { revision: 'r72', commit: '47763d6b497a1518c640e22cb0540822ffedce53', createdAt: '2026-02-02T20:07:00Z', trafficPercent: 100 },
        behindBy: 2,
      }),
    ]);
    assert.equal(lensTitle(p, parts), '✗ not in prediction-worker (deployed: 47763d6, 2 commits behind)');
  });

  it('says the distance is loading when it waits for the graph of every ref, and never counts it as none', () => {
    const p = provenance([
      service({
        status: 'not-deployed',
        firstDeployment: null,
        gapRuns: [],
        serving: { revision: 'r72', commit: '47763d6b497a1518c640e22cb0540822ffedce53', createdAt: '2026-02-02T20:07:00Z', trafficPercent: 100 },
        behindBy: null,
        behindPending: true,
      }),
    ]);
    assert.equal(lensTitle(p, parts), '✗ not in prediction-worker (deployed: 47763d6, ⋯ distance loading)');
  });

  it('shows the date when the deployment was on another day, and what is still loading', () => {
    const p = provenance([
      service({ firstDeployment: { revision: 'r', commit: null, createdAt: '2026-01-31T09:00:00.000Z', trafficPercent: null, delaySeconds: 106_380 }, gapRuns: [] }),
    ]);
    assert.equal(lensTitle(p, { deployments: ready, runs: loading, results: loading }), '✓ prediction-worker 2026-01-31 09:00 (+1d5h) · ⋯ runs loading · ⋯ results loading');
    assert.equal(lensTitle(p, { deployments: loading, runs: loading, results: { state: 'failed', error: 'x' } }), '⋯ deployments loading · ⋯ runs loading');
  });

  it('leaves results out for a commit that touches no configured stage, never a ✓', () => {
    const p = provenance([service({ touchesService: false, gapRuns: [] })], [model('m', [10, 10, 5], [10, 10, 5])]);
    assert.equal(lensTitle(p, parts, 'abc1234: '), 'abc1234: ○ touches no configured stage');
  });

  it('names the nearest stage by path when one shares a folder with the commit', () => {
    const p = {
      ...provenance([service({ touchesService: false, gapRuns: [] })]),
      nearestStage: { service: 'feature-store-processor', glob: 'data_processors/precompute/ml_feature_store/**', file: 'data_processors/precompute/odds.py', sharedFolders: 2 },
    };
    assert.equal(lensTitle(p, parts), '○ touches no configured stage (nearest by path: feature-store-processor, data_processors/precompute/ml_feature_store/**)');
  });

  it('names runs by mode', () => {
    const run = (mode: string | null) => ({
      mode,
      commit: null,
      revision: null,
      startedAt: '',
      endedAt: '',
      firstDate: '',
      lastDate: '',
      runs: 1,
      rowsProduced: null,
      failedRuns: 0,
    });
    assert.equal(describeRuns([run('backfill'), run('daily'), run('daily'), run('rerun'), run(null)]), '1 backfill + 2 daily runs + 1 rerun + 1 run');
  });

  it('heads with the most graded model, not a thinly graded one that moved most', () => {
    assert.equal(headlineModel([model('a', [100, 50, 30], [100, 50, 29]), model('b', [10, 10, 9], [100, 100, 50])])?.model, 'a');
    assert.equal(headlineModel([model('a', [100, 0, 0], [0, 0, 0])]), null);
  });

  it('heads with the first configured primary model that has graded rows', () => {
    const models = [model('a', [100, 50, 30], [100, 50, 29]), model('b', [10, 10, 9], [100, 100, 50]), model('c', [10, 0, 0], [10, 0, 0])];
    assert.equal(headlineModel(models, ['c', 'b'])?.model, 'b');
    assert.equal(headlineModel(models, ['missing'])?.model, 'a');
  });
});

describe('provenanceMarkdown', () => {
  it('escapes text from git, tables every part, links the commands', () => {
    const p = provenance([service({})], [model('catboost_v8', [559, 41, 24], [2303, 668, 338])]);
    const md = provenanceMarkdown(p, parts, { scope: 'file:///x.md', full: true });
    assert.match(md, /fix\\\(worker\\\): populate \\\| features/);
    assert.match(md, /\| backfill \| 2026-01-30 07:41–08:37 UTC \| 2026-01-09 → 2026-01-28 \| 2,006 \|/);
    assert.match(md, /catboost\\_v8 \| 58\.5% \[43\.4, 72\.2\] n=41/);
    assert.match(md, /\[Copy SHA\]\(command:pipelineLens\.copySha\?/);
    const args = JSON.parse(decodeURIComponent(/command:pipelineLens\.copySha\?([^)]+)\)/.exec(md)![1]));
    assert.deepEqual(args, [{ sha: p.commit!.sha, scope: 'file:///x.md' }]);
  });

  it('the hover: a line per stage, one per mode of runs on older code, at most three models with the primary first, "More…" into the panel', () => {
    const backfill = service({}).gapRuns[0];
    const daily = {
      ...backfill,
      mode: 'daily',
      startedAt: '2026-01-30T15:00:00.000Z',
      endedAt: '2026-01-30T15:14:00.000Z',
      firstDate: '2026-01-30',
      lastDate: '2026-01-30',
      rowsProduced: null,
    };
    const untouched = service({ service: 'grading', touchesService: false, gapRuns: [] });
    const notDeployed = service({
      service: 'feature-store',
      status: 'not-deployed',
      firstDeployment: null,
      gapRuns: [],
      serving: { revision: 'fs-00012', commit: 'd'.repeat(40), createdAt: '2026-01-20T00:00:00.000Z', trafficPercent: 100 },
      behindBy: 2,
    });
    const models = [
      model('most_graded', [900, 500, 300], [900, 500, 290]),
      model('catboost_v8', [559, 41, 24], [2303, 668, 338]),
      model('second', [800, 400, 200], [800, 400, 210]),
      model('third', [700, 300, 150], [700, 300, 140]),
      model('fourth', [600, 200, 100], [600, 200, 90]),
    ];
    const p = provenance([service({ gapRuns: [backfill, daily] }), notDeployed, untouched], models);
    const md = provenanceMarkdown(p, parts, { scope: 'file:///x.md', primaryModels: ['catboost_v8'] });
    assert.doesNotMatch(md, /^\|/m, md);
    const lines = md.split('\n').filter((l) => l.trim() !== '');
    assert.deepEqual(lines.slice(2, 7), [
      '✓ **prediction-worker** deployed 2026-01-30 19:10 UTC in prediction-worker-00069-wqf, +15h53m after the commit  ',
      '✗ **feature-store** **not deployed** — serving fs-00012 (`ddddddd`), 2 commits behind  ',
      '○ changes none of the paths of **grading**  ',
      '⚠ 1 backfill of prediction-worker ran on older code after the commit: 2026-01-30 07:41–08:37 UTC, game dates 2026-01-09 → 2026-01-28, 2,006 rows  ',
      '⚠ 1 daily run of prediction-worker ran on older code after the commit: 2026-01-30 15:00–15:14 UTC, game date 2026-01-30, rows not recorded  ',
    ]);
    // The configured primary model alone leads; the others are one click away.
    assert.match(lines[8], /^\*\*catboost\\_v8\*\* 58\.5% \[43\.4, 72\.2\] n=41 · 50\.6% \[46\.8, 54\.4\] n=668 · \+7\.9 pts/);
    assert.match(lines[9], /^\[More… \\\(4 more models\\\)\]\(command:pipelineLens\.showCommitProvenance\?/);
    // Without primary models: the three most graded.
    const unconfigured = provenanceMarkdown(p, parts).split('\n');
    assert.deepEqual(
      unconfigured.filter((l) => /^\*\*\w/.test(l) && !l.startsWith('**Hit')).map((l) => /^\*\*([\w\\]+)\*\*/.exec(l)![1]),
      ['most\\_graded', 'second', 'third'],
    );
  });

  it('leadingModels: the configured primary models with graded rows, in order, else the most graded, at most the limit', () => {
    const models = [model('a', [100, 50, 30], [100, 50, 29]), model('b', [10, 10, 9], [100, 100, 50]), model('c', [10, 0, 0], [10, 0, 0]), model('d', [90, 90, 40], [9, 9, 4])];
    assert.deepEqual(
      leadingModels(models, ['c', 'b', 'a']).map((m) => m.model),
      ['b', 'a'],
    );
    assert.deepEqual(
      leadingModels(models).map((m) => m.model),
      ['d', 'a', 'b'],
    );
    assert.deepEqual(
      leadingModels(models, [], 2).map((m) => m.model),
      ['d', 'a'],
    );
    assert.deepEqual(
      leadingModels(models, ['missing'], 1).map((m) => m.model),
      ['d'],
    );
  });

  it('under a run that re-ran dates: the rows of the models it replaced while it ran, the hit rate on the same keys pooled over them', () => {
    const rerun = (model: string, made: { first: string; last: string } | null, rows: number, hits: PairedTable): ModelRerun => ({
      model,
      dates: { first: '2026-01-09', last: '2026-01-28' },
      replacedRows: rows,
      replacedKeys: rows,
      regenerated: rows - 1,
      deleted: 1,
      added: 0,
      replacedRepeatedly: 0,
      severalCurrent: 0,
      changed: 0,
      flipped: 0,
      meanChange: 0,
      meanAbsChange: 0,
      maxAbsChange: 0,
      changeN: rows - 1,
      hits: { ...hits, ...comparePaired(hits) },
      replacedMade: null,
      rerunMade: made,
      builds: [],
      sameBuild: false,
    });
    const impact = (perModel: ModelRerun[]): RerunState => ({
      state: 'ready',
      impact: {
        recorded: true,
        window: { from: '2026-01-09', to: '2026-01-28' },
        models: null,
        markedBy: ['tables.predictions.columns.active'],
        notRecorded: [],
        perModel,
        largestChanges: [],
      },
    });
    const during = { first: '2026-01-30T07:42:00.000Z', last: '2026-01-30T08:30:00.000Z' };
    const a = { bothHit: 40, oldOnly: 10, newOnly: 0, neither: 50 };
    const b = { bothHit: 20, oldOnly: 0, newOnly: 5, neither: 25 };
    const p = provenance([service({})]);
    const lineAfterBackfill = (state: RerunState) => {
      const lines = provenanceMarkdown(p, parts, { reruns: new Map([['2026-01-09..2026-01-28', state]]) }).split('\n');
      return lines[lines.findIndex((l) => l.startsWith('⚠ 1 backfill')) + 1];
    };
    // A model re-run the next day, by another run, is not this backfill's.
    const later = rerun('later_model', { first: '2026-02-02T10:00:00.000Z', last: '2026-02-02T11:00:00.000Z' }, 300, b);
    const pooled = comparePaired({ bothHit: 60, oldOnly: 10, newOnly: 5, neither: 75 });
    const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
    assert.equal(
      lineAfterBackfill(impact([rerun('m1', during, 100, a), rerun('m2', during, 50, b), later])),
      `↳ 150 rows of 2 models superseded: 148 keys regenerated, 2 deleted without replacement; hit rate on the same keys 46.7% → 43.3%, change ${pts(pooled.change.difference!)} pts [${pts(pooled.change.low)}, ${pts(pooled.change.high)}] (paired, n=150)  `,
    );
    assert.doesNotMatch(lineAfterBackfill(impact([later])) ?? '', /↳/);
    // Rows that record no write time cannot be tied to the run by time: the line says every re-run of the dates is counted.
    assert.match(
      lineAfterBackfill(impact([rerun('m1', null, 100, a)])),
      /^↳ 100 rows of m1 superseded: .*\(rows record no write time, tables\.predictions\.columns\.createdAt: every re-run of these dates is counted\) {2}$/,
    );
    assert.match(
      lineAfterBackfill(impact([rerun('m1', { first: during.first, last: '2026-02-02T11:00:00.000Z' }, 100, a)])),
      /\(these dates were also re-run at other times, counted with it\) {2}$/,
    );
    assert.equal(lineAfterBackfill({ state: 'loading' }), '↳ rows it superseded: loading… (the warehouse has not answered yet)  ');
  });

  it('says what is loading or unavailable instead of leaving it out', () => {
    const p = provenance([service({})]);
    const md = provenanceMarkdown(p, { deployments: ready, runs: loading, results: { state: 'failed', error: 'quotaExceeded' } });
    assert.match(md, /Runs between the commit and its deployment: loading/);
    assert.match(md, /Results by build: unavailable — quotaExceeded/);
  });
});

describe('parseSettings', () => {
  it('fills defaults and clamps values of the wrong type or range', () => {
    assert.deepEqual(parseSettings(undefined), DEFAULT_SETTINGS);
    const s = parseSettings({ hover: { warehouseBudgetMs: -5 }, maxFileSize: 'big', codeLens: { enabled: false, warehouseWaitMs: 99_999_999 } });
    assert.equal(s.hoverWarehouseBudgetMs, 0);
    assert.equal(s.maxFileSize, DEFAULT_SETTINGS.maxFileSize);
    assert.equal(s.codeLens.enabled, false);
    assert.equal(s.lensWarehouseWaitMs, 60_000);
  });
});
