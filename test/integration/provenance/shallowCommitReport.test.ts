import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { createShallowPipeline, type ShallowPipeline } from '../../fixtures/shallowPipeline';

/*
 * `pipeline-lens commit` and `investigate` on a --depth 30 clone, against the full clone of
 * the same repository (test/fixtures/shallowPipeline.ts describes the history).
 */

const CUT = /history is cut at [0-9a-f]{7} \(shallow clone\): cannot tell .+ — run `git fetch --unshallow`/;

describe('the commit report on a shallow clone', () => {
  let pipeline: ShallowPipeline;

  const run = async (root: string, ...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };
  const json = async (root: string, ...names: string[]) => {
    const r = await run(root, 'commit', '--json', ...names.map((n) => pipeline.sha[n].slice(0, 10)));
    assert.equal(r.code, 0, r.stderr);
    return Object.fromEntries((JSON.parse(r.stdout).commits as Array<{ commit: { subject: string } }>).map((c) => [c.commit.subject.split(':')[0], c])) as Record<string, any>;
  };

  before(async () => {
    pipeline = await createShallowPipeline();
  });

  after(async () => {
    await pipeline?.cleanup();
  });

  it('gives a boundary commit no file list, instead of every file', async () => {
    const [full, shallow] = [await json(pipeline.full, 'm60'), await json(pipeline.shallow, 'm60')];
    assert.deepEqual(full.m60.files, ['worker/part_0.txt']);
    assert.equal(shallow.m60.files, null);
    assert.deepEqual(
      shallow.m60.services.map((s: { touchesService: boolean | null }) => s.touchesService),
      [null, null, null],
    );
    assert.match(shallow.m60.historyCut.message, CUT);
    assert.match(shallow.m60.historyCut.unknown[0], /which files this commit changed/);
    assert.equal(shallow.m60.historyCut.at, pipeline.sha.m60);

    const text = await run(pipeline.shallow, 'commit', pipeline.sha.m60.slice(0, 10));
    assert.match(text.stdout, /files changed unknown/);
    assert.match(text.stdout, CUT);
    assert.doesNotMatch(text.stdout, /\d+ file\(s\) changed/);
  });

  it('withholds a count of commits behind that includes history beyond the cut', async () => {
    const [full, shallow] = [await json(pipeline.full, 'm79'), await json(pipeline.shallow, 'm79')];
    assert.equal(full.m79.services[0].behindBy, 12);
    assert.equal(full.m79.services[0].status, 'not-deployed');
    assert.equal(shallow.m79.services[0].behindBy, null);
    assert.equal(shallow.m79.services[0].status, 'unknown');
    assert.match(shallow.m79.services[0].problem, CUT);
    assert.ok(shallow.m79.historyCut.unknown.some((u: string) => /how many commits behind this one the serving build of feeds/.test(u)));

    const text = await run(pipeline.shallow, 'commit', pipeline.sha.m79.slice(0, 10));
    assert.doesNotMatch(text.stdout, /commit\(s\) behind/);
    assert.match(text.stdout, /^\? feeds: unknown — history is cut at/m);
  });

  it('keeps an exact count, and says what else it cannot tell', async () => {
    const shallow = await json(pipeline.shallow, 'm87');
    const worker = shallow.m87.services[0];
    assert.equal(worker.behindBy, 3, 'm85..m87: every commit counted descends from the serving build');
    assert.equal(worker.status, 'unknown', 'worker-00001 names a commit beyond the cut');
    assert.match(worker.problem, /cannot tell whether worker contains this commit \(worker-00001 with its commit not in local history\)/);
    const text = await run(pipeline.shallow, 'commit', pipeline.sha.m87.slice(0, 10));
    assert.match(text.stdout, /serving worker-00004 \([0-9a-f]{8}\) is 3 commit\(s\) behind this one/);
  });

  it('gives the full answer where the cut history plays no part', async () => {
    const [full, shallow] = [await json(pipeline.full, 'm81', 'm66'), await json(pipeline.shallow, 'm81', 'm66')];
    for (const name of ['m81', 'm66']) {
      assert.equal(shallow[name].historyCut, null, name);
      assert.deepEqual(shallow[name].services, full[name].services, name);
      assert.deepEqual(shallow[name].models, full[name].models, name);
    }
    assert.equal(shallow.m81.services[0].gapRuns[0].mode, 'backfill');
  });

  it('does not claim the first deployment, or runs on older code, when earlier builds are beyond the cut', async () => {
    const [full, shallow] = [await json(pipeline.full, 's1', 'm63'), await json(pipeline.shallow, 's1', 'm63')];
    assert.equal(full.s1.services[0].gapRuns.length, 2);
    assert.deepEqual(full.s1.services[0].earlierUnknown, []);
    assert.deepEqual(shallow.s1.services[0].earlierUnknown, ['worker-00002'], "worker-00002's history stops at the boundary");
    assert.equal(shallow.s1.services[0].gapRuns.length, 0);
    assert.equal(shallow.s1.services[0].undecidedRuns, 2);
    assert.match(shallow.s1.historyCut.message, /whether an earlier revision of worker \(worker-00002\) already had this commit/);

    assert.equal(full.m63.services[0].gapRuns.length, 1, 'a run on worker-00001 (m3) after m63 was committed');
    assert.equal(shallow.m63.services[0].gapRuns.length, 0);
    assert.equal(shallow.m63.services[0].undecidedRuns, 1, 'm3 is beyond the cut: whether it had m63 is unknown');
    assert.deepEqual(shallow.m63.services[0].firstDeployment, full.m63.services[0].firstDeployment);

    const text = await run(pipeline.shallow, 'commit', pipeline.sha.s1.slice(0, 10));
    assert.match(text.stdout, /✓ worker: in worker-00003 by 2026-03-04 08:00 UTC \(at most \+9h45m after the commit; earlier revisions worker-00002 unknown\)/);
  });

  it('leaves the rows of builds beyond the cut out of the results, saying how many', async () => {
    const args = (root: string) => run(root, 'commit', '--json', '--from', '2026-01-01', '--to', '2026-03-31', pipeline.sha.m81.slice(0, 10));
    const full = JSON.parse((await args(pipeline.full)).stdout).commits[0];
    const shallow = JSON.parse((await args(pipeline.shallow)).stdout).commits[0];
    assert.equal(full.models[0].lacking.predictions, 120, 'm3, m63 and m78 lack m81');
    assert.equal(shallow.models[0].lacking.predictions, 80, "m3's rows are neither containing nor lacking");
    assert.deepEqual(shallow.models[0].containing, full.models[0].containing);
    assert.match(shallow.historyCut.message, /cannot tell whether 1 build with 40 predictions in the window contains it \(left out of the results\)/);
  });

  it('investigate names the deployment gaps it cannot check in a shallow clone, and finds the others', async () => {
    const full = await run(pipeline.full, 'investigate', '--json');
    const shallow = await run(pipeline.shallow, 'investigate', '--json');
    assert.equal(shallow.code, 0, shallow.stderr);
    const gaps = (r: { stdout: string }) =>
      (JSON.parse(r.stdout).findings as Array<{ kind: string; data: { commit: { subject: string } } }>)
        .filter((f) => f.kind === 'deployment-gap')
        .map((f) => f.data.commit.subject.split(':')[0]);
    assert.ok(gaps(full).includes('m63'));
    assert.ok(!gaps(shallow).includes('m63'), 'the run on m3 after m63 cannot be placed');
    for (const name of ['m81', 'm66', 'm69', 'm72']) assert.ok(gaps(shallow).includes(name), `${name}: ${gaps(shallow).join(',')}`);
    const skipped: string[] = JSON.parse(shallow.stdout).skipped;
    assert.ok(
      skipped.some((s) => /^deployment gaps of worker before worker-00002: history is cut at [0-9a-f]{7} \(shallow clone\)/.test(s)),
      skipped.join('\n'),
    );
    assert.ok(
      skipped.some((s) => s.startsWith(`deployment gap of worker after ${pipeline.sha.s1.slice(0, 8)}: `) && CUT.test(s)),
      skipped.join('\n'),
    );
  });
});
