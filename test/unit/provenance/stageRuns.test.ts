import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceConfig } from '../../../src/core/config/types';
import { HistoryCut } from '../../../src/core/git/historyCut';
import type { AncestryIndex } from '../../../src/core/git/types';
import { assembleProvenance } from '../../../src/core/provenance/commitProvenance';
import type { RunRecord } from '../../../src/core/provenance/runSessions';

/*
 * One execution log shared by two stages, told apart by a stage column: the runs between a
 * commit and its deployment are the runs of the stage it changed, never every stage's.
 */

const OLD = 'a'.repeat(40);
const FIX = 'b'.repeat(40);
const stage = (name: string, paths: string[]): ServiceConfig => ({ name, paths, deployments: null, deployCommand: null, table: null });
const services = [stage('scorer', ['scorer/**']), stage('features', ['features/**'])];
// OLD is the parent of FIX: a build of OLD lacks FIX.
const index: AncestryIndex = {
  contains: (revision, commit) => revision === commit || (revision === FIX && commit === OLD),
  knows: (sha) => sha === OLD || sha === FIX,
  countBetween: (from, to) => (from === OLD && to === FIX ? 1 : 0),
  countAncestryPath: () => 0,
};
const run = (id: string, stageName: string | null, startedAt: string): RunRecord => ({
  runId: id,
  commit: OLD,
  revision: null,
  mode: 'daily',
  status: 'success',
  startedAt,
  endedAt: startedAt,
  firstDate: startedAt.slice(0, 10),
  lastDate: startedAt.slice(0, 10),
  dates: 1,
  rowsProduced: 10,
  stage: stageName,
});

function provenanceOf(files: string[], runs: RunRecord[], logService: string | null) {
  const commit = {
    sha: FIX,
    shortSha: FIX.slice(0, 7),
    subject: 'fix',
    author: 'A',
    authorEmail: 'a@x',
    committedAt: '2026-03-01T10:00:00.000Z',
    authoredAt: '2026-03-01T10:00:00.000Z',
    parents: [OLD],
  };
  const deployed = (service: string) => ({ list: [{ service, revision: `${service}-1`, commit: OLD, createdAt: '2026-02-01T00:00:00.000Z', trafficPercent: 100 }] });
  const [p] = assembleProvenance({
    queries: [FIX],
    resolutions: new Map([[FIX, { status: 'found' as const, commit }]]),
    window: { from: '2026-02-01', to: '2026-03-31' },
    files: new Map([[FIX, files]]),
    services,
    deployments: new Map([
      ['scorer', deployed('scorer')],
      ['features', deployed('features')],
    ]),
    runs,
    logService,
    metricRows: [],
    lookup: { full: (v) => (v === OLD || v === FIX ? v : null) },
    ancestry: new HistoryCut(index, { shallow: false, boundary: [] }),
    now: '2026-03-05T00:00:00.000Z',
  });
  return p;
}

describe('runs of a log shared by stages', () => {
  const runs = [run('r1', 'scorer', '2026-03-02T15:00:00.000Z'), run('r2', 'features', '2026-03-02T13:00:00.000Z'), run('r3', 'features', '2026-03-03T13:00:00.000Z')];

  it("gives a commit to the features stage only the features stage's runs", () => {
    const p = provenanceOf(['features/build.py'], runs, 'scorer');
    const features = p.services.find((s) => s.service === 'features')!;
    assert.equal(features.touchesService, true);
    assert.equal(features.status, 'not-deployed');
    assert.equal(
      features.gapRuns.reduce((n, s) => n + s.runs, 0),
      2,
    );
    assert.ok(features.gapRuns.every((s) => s.firstDate >= '2026-03-02'));
    assert.equal(p.services.length, 1, 'only the stage it touches');
  });

  it("gives a commit to the scorer only the scorer's runs, though the log names the scorer as its service", () => {
    const p = provenanceOf(['scorer/app.py'], runs, 'scorer');
    const scorer = p.services.find((s) => s.service === 'scorer')!;
    assert.equal(
      scorer.gapRuns.reduce((n, s) => n + s.runs, 0),
      1,
    );
    assert.equal(scorer.gapRuns[0].startedAt, '2026-03-02T15:00:00.000Z');
  });

  it('without a stage column, the runs stay with the service the log names', () => {
    const unlabelled = runs.map((r) => ({ ...r, stage: null }));
    assert.equal(provenanceOf(['features/build.py'], unlabelled, 'scorer').services[0].gapRuns.length, 0);
    assert.equal(
      provenanceOf(['scorer/app.py'], unlabelled, 'scorer').services[0].gapRuns.reduce((n, s) => n + s.runs, 0),
      3,
    );
  });
});
