import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { failOnVerdict } from '../../../src/cli/failOn';
import type { Finding, Severity } from '../../../src/core/findings/types';
import { createReadyPipeline, type ReadyPipeline } from '../../fixtures/readyPipeline';

/*
 * What a scheduler sees: `investigate --fail-on`, and the shell behind action.yml
 * (scripts/action/checks.sh) running the real command line (src/cli/main.ts through tsx)
 * on a pipeline that can be made ready, stale or undecided.
 */

const REPO = resolve(__dirname, '../../..');
const SCRIPT = join(REPO, 'scripts/action/checks.sh');

const finding = (severity: Severity): Finding => ({ kind: 'grading-incomplete', severity, score: 0, title: severity, evidence: [], subjects: {}, data: {} });

describe('investigate --fail-on', () => {
  it('fails on critical only for critical, and on warning for anything but a low note', () => {
    assert.equal(failOnVerdict([finding('high'), finding('low')], 'critical').exitCode, 0);
    assert.equal(failOnVerdict([finding('critical')], 'critical').exitCode, 1);
    assert.equal(failOnVerdict([finding('medium')], 'warning').exitCode, 1);
    assert.equal(failOnVerdict([finding('low')], 'warning').exitCode, 0);
    assert.equal(failOnVerdict([], 'warning').matched, 0);
  });
});

describe('exit codes for schedulers, through the real command line', () => {
  let pipeline: ReadyPipeline;
  let scratch: string;

  before(async () => {
    pipeline = await createReadyPipeline();
    scratch = await mkdtemp(join(tmpdir(), 'pl-action-'));
    await pipeline.write('pipeline-lens.json');
    await pipeline.write('no-critical.json', { registry: [{ index: 2, name: 'constant_one' }] });
    // The deployed build is the first commit: HEAD's fix is not deployed.
    await pipeline.write('stale.json', {
      extra: { services: [{ name: 'prediction-worker', paths: ['worker/**'], deployments: { kind: 'file', path: 'stale-deployments.json' } }] },
    });
    await writeFile(
      join(pipeline.repo.root, 'stale-deployments.json'),
      JSON.stringify([{ service: 'prediction-worker', revision: 'worker-00001-aaa', commit: pipeline.repo.shas[0], createdAt: '2025-12-20T10:00:00Z', trafficPercent: 100 }]),
    );
  });
  after(async () => {
    await pipeline?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--cwd', pipeline.repo.root, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };

  it('investigate exits 0 without a critical finding, 1 with a warning-level one, 2 on error', async () => {
    const critical = await cli('investigate', '--from', '2026-01-01', '--to', '2026-01-12', '--fail-on', 'critical', '--json');
    assert.equal(critical.code, 0, critical.stderr);
    const body = JSON.parse(critical.stdout);
    assert.deepEqual(body.failOn, { level: 'critical', matched: 0, exitCode: 0 });
    assert.ok(!body.findings.some((f: Finding) => f.severity === 'critical'));
    const warning = await cli('investigate', '--from', '2026-01-01', '--to', '2026-01-12', '--fail-on', 'warning');
    assert.equal(warning.code, 1, warning.stderr);
    assert.match(warning.stdout, /--fail-on warning: \d+ high(, \d+ medium)? findings?: exit 1\./);
    const wrong = await cli('investigate', '--fail-on', 'sometimes');
    assert.equal(wrong.code, 2);
    const nothing = await cli('investigate', '--from', '2030-01-01', '--to', '2030-01-02', '--fail-on', 'critical');
    assert.equal(nothing.code, 2, 'no data is an error, not a pass');
  });

  let run = 0;
  async function action(env: Record<string, string>) {
    const outputs = join(scratch, `outputs-${++run}`);
    await writeFile(outputs, '');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, reject) => {
      const child = spawn('bash', [SCRIPT, process.execPath, '--import', 'tsx', join(REPO, 'src/cli/main.ts')], {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, GITHUB_OUTPUT: outputs, PL_WORKING_DIRECTORY: pipeline.repo.root, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    const written = Object.fromEntries(
      (await readFile(outputs, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('=') as [string, string]),
    );
    return { ...result, outputs: written };
  }

  it('the action passes when the service is verified and the date is ready', async () => {
    const r = await action({ PL_SERVICES: 'prediction-worker', PL_DATE: '2026-01-10' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(r.outputs, { 'verify-exit-code': '0', 'check-exit-code': '0', 'exit-code': '0' });
    assert.match(r.stdout, /✓ OK/);
    assert.match(r.stdout, /✓ READY for 2026-01-10/);
  });

  it('the action fails with 1 when the date is not ready, and runs every check anyway', async () => {
    const r = await action({ PL_SERVICES: 'prediction-worker', PL_DATE: '2026-01-11', PL_FAIL_ON: 'critical' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(r.outputs, { 'verify-exit-code': '0', 'check-exit-code': '1', 'investigate-exit-code': '0', 'exit-code': '1' });
    assert.match(r.stdout, /✗ NOT READY for 2026-01-11/);
  });

  it('the action fails with 1 on a stale service, before an undecided check', async () => {
    const r = await action({ PL_CONFIG: 'stale.json', PL_SERVICES: 'prediction-worker', PL_DATE: '2026-01-10' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.outputs['verify-exit-code'], '1');
    assert.match(r.stdout, /✗ STALE/);
  });

  it('the action fails with 2 when a check cannot decide, never passes', async () => {
    const r = await action({ PL_CONFIG: 'no-critical.json', PL_DATE: '2026-01-10' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.deepEqual(r.outputs, { 'check-exit-code': '2', 'exit-code': '2' });
    const missing = await action({ PL_CONFIG: 'missing.json', PL_DATE: 'skip', PL_SERVICES: 'prediction-worker' });
    assert.equal(missing.code, 2, 'an error (no such config) is not a pass');
    assert.deepEqual(missing.outputs, { 'verify-exit-code': '2', 'exit-code': '2' });
  });

  it('action.yml passes every input to the script through the environment it reads', async () => {
    const yml = await readFile(join(REPO, 'action.yml'), 'utf8');
    const script = await readFile(SCRIPT, 'utf8');
    assert.match(yml, /using: composite/);
    assert.match(yml, /bash "\$GITHUB_ACTION_PATH\/scripts\/action\/checks\.sh" node "\$GITHUB_ACTION_PATH\/bin\/pipeline-lens\.js"/);
    for (const [input, variable] of [
      ['working-directory', 'PL_WORKING_DIRECTORY'],
      ['config', 'PL_CONFIG'],
      ['services', 'PL_SERVICES'],
      ['target', 'PL_TARGET'],
      ['date', 'PL_DATE'],
      ['fail-on', 'PL_FAIL_ON'],
    ]) {
      assert.match(yml, new RegExp(`\\n  ${input}:\\n`), `input ${input} is declared`);
      assert.match(yml, new RegExp(`${variable}: \\$\\{\\{ inputs\\.${input} \\}\\}`), `${input} reaches ${variable}`);
      assert.ok(script.includes(variable), `the script reads ${variable}`);
    }
    // Inputs never reach the shell as text: only through env.
    assert.ok(!/run:[^\n]*\$\{\{/.test(yml), 'no ${{ }} inside a run: line');
  });
});
