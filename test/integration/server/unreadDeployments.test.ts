import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { buildComparison } from '../../../src/extension/buildComparison';
import { deploymentDetail, deploymentSummary } from '../../../src/extension/buildDeploymentText';
import { CommitProvenanceRequest, TreeRequest, type CommitProvenanceResult, type TreeCommit, type TreeResult } from '../../../src/shared/protocol';
import { createEnergyPipeline, type EnergyPipeline } from '../../fixtures/energy/energyPipeline';
import { LspHarness, positionOf } from './lspHarness';

/*
 * A deployment record that cannot be read says nothing about what was deployed: the models
 * view, the build comparison, the hover and the CLI say it was not read and why, never
 * "not deployed". "not deployed" stays for a record that was read and lists no revision.
 */

const WINDOW = { from: '2026-03-01', to: '2026-03-20' };
const thresholds = { hitRate: 0.55, gradingCoverage: 0.8, featureCoverage: 0.8, minSample: 30 };

describe('a deployment record that cannot be read', () => {
  /** releases.ndjson is there but is not NDJSON. */
  let malformed: EnergyPipeline;
  /** services[0].deployments.path names a file that does not exist. */
  let missing: EnergyPipeline;
  /** The service names no deployment source at all. */
  let unconfigured: EnergyPipeline;
  /** The record read, listing no revision built from the fix. */
  let readable: EnergyPipeline;
  let server: LspHarness;

  before(async () => {
    // A second stage whose record is read: a record read elsewhere proves nothing of the forecaster's.
    malformed = await createEnergyPipeline({
      editConfig: (c) => (c.services as unknown[]).push({ name: 'grid-docs', paths: ['docs/**'], deployments: { kind: 'file', path: 'docs-releases.ndjson' } }),
    });
    await writeFile(join(malformed.root, 'releases.ndjson'), '{"service": "load-forecaster", "revision": "rel-41"\nnot json\n');
    await writeFile(
      join(malformed.root, 'docs-releases.ndjson'),
      `${JSON.stringify({ service: 'grid-docs', revision: 'docs-1', commit: malformed.sha.docs, createdAt: '2026-03-17T10:00:00Z', trafficPercent: 100 })}\n`,
    );
    missing = await createEnergyPipeline({ editConfig: (c) => ((c.services as Array<{ deployments: { path: string } }>)[0].deployments.path = 'exports/releases.ndjson') });
    unconfigured = await createEnergyPipeline({ editConfig: (c) => delete (c.services as Array<{ deployments?: unknown }>)[0].deployments });
    readable = await createEnergyPipeline();
    // The fix was never deployed: its revision is taken out of the record.
    const releases = (await readFile(join(readable.root, 'releases.ndjson'), 'utf8')).split('\n').filter((line) => !line.includes('"rel-43"'));
    await writeFile(join(readable.root, 'releases.ndjson'), releases.join('\n'));
    server = await LspHarness.start({ folders: [malformed.root, missing.root, unconfigured.root, readable.root] });
    await server.ready();
  });

  after(async () => {
    await server?.stop();
    await malformed?.cleanup();
    await missing?.cleanup();
    await unconfigured?.cleanup();
    await readable?.cleanup();
  });

  const tree = (root: string) =>
    server.connection.sendRequest<TreeResult>(TreeRequest.method, { scope: pathToFileURL(join(root, 'pipeline-lens.json')).toString(), window: WINDOW });
  const builds = (t: TreeResult, model = 'gbm_v2') => t.models.find((m) => m.model === model)!.commits;

  it('models view, malformed record: every build says the record was not read, naming the setting and the file, never "not deployed"', async () => {
    const t = await tree(malformed.root);
    const all = builds(t);
    assert.equal(all.length, 3);
    for (const b of all) {
      assert.equal(b.deployment.state, 'not-read', b.commit);
      assert.deepEqual(b.deployedAs, []);
      assert.deepEqual(
        b.deployment.unread.map((u) => [u.service, u.key]),
        [['load-forecaster', 'services[0].deployments']],
      );
      const summary = deploymentSummary(b);
      assert.match(summary, /^deployment record not read \(services\[0\]\.deployments \(load-forecaster\): .*releases\.ndjson line \d+ is not a JSON object/, summary);
      const detail = deploymentDetail(b).join('\n');
      assert.match(detail, /unknown: a deployment record could not be read/, detail);
      for (const text of [summary, detail]) assert.doesNotMatch(text, /not deployed|No revision was built/, text);
    }
    const comparison = buildComparison('gbm_v2', all[0], all[1], thresholds);
    assert.match(comparison, /\| deployed as \| deployment record not read \(services\[0\]\.deployments \(load-forecaster\): .*\| deployment record not read/, comparison);
    assert.doesNotMatch(comparison, /not deployed/, comparison);
  });

  it('models view, missing file: the row says the file does not exist and which setting names it', async () => {
    const t = await tree(missing.root);
    for (const b of builds(t)) {
      assert.equal(b.deployment.state, 'not-read');
      const summary = deploymentSummary(b);
      assert.match(
        summary,
        /deployment record not read \(services\[0\]\.deployments \(load-forecaster\): Cannot read the deployment history .*exports\/releases\.ndjson \(no such file\); fix services\[\]\.deployments\.path/,
        summary,
      );
      assert.doesNotMatch(summary, /not deployed/);
    }
  });

  it('models view, no deployment source configured: the row says which setting to add, never "not deployed"', async () => {
    const t = await tree(unconfigured.root);
    for (const b of builds(t)) {
      assert.equal(b.deployment.state, 'not-read');
      const summary = deploymentSummary(b);
      assert.match(
        summary,
        /deployment record not read \(services\[0\]\.deployments \(load-forecaster\): Service load-forecaster has no deployment source; set services\[\]\.deployments/,
        summary,
      );
      assert.doesNotMatch(summary, /not deployed/);
    }
  });

  it('models view, record read: "not deployed" for the build no revision was built from, the revision for the others', async () => {
    const t = await tree(readable.root);
    const state = (b: TreeCommit) => [b.commit, b.deployment.state, deploymentSummary(b)];
    assert.deepEqual(builds(t).map(state), [
      [readable.sha.base, 'deployed', 'deployed rel-41'],
      [readable.sha.feed, 'deployed', 'deployed rel-42'],
      [readable.sha.fix, 'not-deployed', 'not deployed'],
    ]);
    assert.ok(builds(t).every((b) => b.deployment.unread.length === 0));
    assert.match(deploymentDetail(builds(t)[2]).join('\n'), /every deployment record was read/);
  });

  it('hover: the stage is unknown with the reason, and runs in the gap are "not checked", never "no run"', async () => {
    const short = malformed.sha.feed.slice(0, 10);
    const text = `The feed ${short} was re-run.\n`;
    const uri = await server.open(join(malformed.root, 'notes.md'), 'markdown', text);
    await server.hover(uri, positionOf(text, short, 2));
    for (;;) {
      const { workspaces } = await server.status();
      if (workspaces.every((w) => ['ready', 'failed'].includes(w.runs) && ['ready', 'failed'].includes(w.results))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const hover = ((await server.hover(uri, positionOf(text, short, 2))) ?? '').replace(/\\(.)/g, '$1');
    assert.match(hover, /\? \*\*load-forecaster\*\* unknown: .*releases\.ndjson line \d+ is not a JSON object/, hover);
    assert.match(hover, /Runs between the commit and the deployment of load-forecaster: not checked \(the deployment is unknown\)/, hover);
    assert.doesNotMatch(hover, /not deployed|No run executed older code/, hover);
  });

  it('provenance report: its re-runs are not said to run "while it is not deployed" when the record was not read', async () => {
    const scope = pathToFileURL(join(malformed.root, 'pipeline-lens.json')).toString();
    const report = await server.connection.sendRequest<CommitProvenanceResult>(CommitProvenanceRequest.method, { sha: malformed.sha.feed, scope });
    const markdown = report.markdown.replace(/\\(.)/g, '$1');
    assert.match(markdown, /re-run at a time its deployment is unknown \(the deployment record of load-forecaster was not read\)/, markdown);
    assert.doesNotMatch(markdown, /not deployed|No run executed older code/, markdown);
  });

  const cli = async (root: string, args: string[]) => {
    let out = '';
    const code = await main(['--cwd', root, ...args, '--from', WINDOW.from, '--to', WINDOW.to], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { code, out };
  };

  it('CLI commit: the stage is "unknown" with the reason, and its re-runs are not "while it is not deployed"', async () => {
    const { code, out } = await cli(malformed.root, ['commit', malformed.sha.feed]);
    assert.equal(code, 0, out);
    assert.match(out, /\? load-forecaster: unknown — .*releases\.ndjson line \d+ is not a JSON object/, out);
    assert.match(out, /re-run at a time its deployment is unknown \(the deployment record of load-forecaster was not read\)/, out);
    assert.doesNotMatch(out, /not deployed/, out);
    const json = await cli(malformed.root, ['commit', malformed.sha.feed, '--json']);
    const reruns = (JSON.parse(json.out) as { commits: Array<{ reruns: Array<{ when: string; unreadServices?: string[] }> }> }).commits[0].reruns;
    assert.ok(reruns.length > 0);
    for (const r of reruns) assert.deepEqual([r.when, r.unreadServices], ['deployment-unknown', ['load-forecaster']]);
  });

  it('CLI commit, record read: a re-run of a commit never deployed is "while it is not deployed"', async () => {
    const { out } = await cli(readable.root, ['commit', readable.sha.fix]);
    assert.match(out, /✗ load-forecaster: not deployed/, out);
    assert.match(out, /re-run while it is not deployed/, out);
  });
});
