import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { ReadinessRequest, type ReadinessResponse } from '../../../src/shared/protocol';
import { createReadyPipeline, type ReadyPipeline } from '../../fixtures/readyPipeline';
import { LspHarness } from './lspHarness';

/*
 * The palette's "Check Readiness for a Date" asks the server; the server runs the code behind
 * `pipeline-lens check --date`, so both must give the same checks and verdict.
 */

describe('readiness through the language server', () => {
  let pipeline: ReadyPipeline;
  let server: LspHarness;

  before(async () => {
    pipeline = await createReadyPipeline();
    await pipeline.write('pipeline-lens.json');
    server = await LspHarness.start({ folders: [pipeline.repo.root] });
    await server.loaded();
  });
  after(async () => {
    await server?.stop();
    await pipeline?.cleanup();
  });

  const cli = async (date: string, ...options: string[]) => {
    let stdout = '';
    const code = await main(['--cwd', pipeline.repo.root, 'check', '--date', date, ...options], { stdout: (t) => (stdout += t), stderr: () => undefined });
    return { code, stdout };
  };
  const cliJson = async (date: string) => {
    const { code, stdout } = await cli(date, '--json');
    return { code, body: JSON.parse(stdout) };
  };

  for (const [date, verdict, exitCode] of [
    ['2026-01-10', 'ready', 0],
    ['2026-01-11', 'not-ready', 1],
  ] as const) {
    it(`answers ${verdict} for ${date}, as the command line does`, async () => {
      const answer = await server.connection.sendRequest<ReadinessResponse>(ReadinessRequest.method, { date });
      assert.equal(answer.verdict, verdict);
      assert.equal(answer.exitCode, exitCode);
      const json = await cliJson(date);
      assert.equal(json.code, exitCode);
      const { version: _version, command: _command, ...fromCli } = json.body;
      const { text, ...checks } = answer;
      assert.deepEqual(checks, fromCli);
      // The editor's output channel shows the command line's own words.
      assert.equal(`${text}\n`, (await cli(date)).stdout);
    });
  }

  it('refuses a date that is not one, saying what to give', async () => {
    await assert.rejects(server.connection.sendRequest(ReadinessRequest.method, { date: 'tomorrow' }), /"tomorrow" is not a date; give YYYY-MM-DD/);
  });
});
