import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerifyRequest } from '../../../src/shared/protocol';
import { LspHarness } from './lspHarness';
import { createPipelineFixture, type PipelineFixture } from './pipelineFixture';

/*
 * The git the user configured is the git the server runs, from the first process on: the
 * path the client sends at initialize survives the server's first settings pull (which
 * asks for `pipelineLens` and the built-in git extension's `git.path`), whichever of the
 * two the user set. A wrapper script records every run, then hands over to git.
 */

describe('the configured git path', () => {
  let fixture: PipelineFixture;
  let scratch: string;
  let wrapper: string;
  let log: string;

  before(async () => {
    fixture = await createPipelineFixture();
    scratch = await mkdtemp(join(tmpdir(), 'pl-git-wrapper-'));
    wrapper = join(scratch, 'recording-git');
    log = join(scratch, 'runs.log');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\nexec git "$@"\n`);
    await chmod(wrapper, 0o755);
  });
  after(async () => {
    await fixture?.cleanup();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function runsRecorded(): Promise<string[]> {
    try {
      return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  /** git runs recorded while the server loaded the folder, and while it then verified the worker. */
  async function serveWith(options: { initial: Record<string, unknown>; configuration: Record<string, unknown> }): Promise<{ load: string[]; verify: string[] }> {
    await rm(log, { force: true });
    const server = await LspHarness.start({ folders: [fixture.root], settings: options.initial, configuration: options.configuration });
    try {
      const status = await server.ready();
      assert.equal(status.workspaces[0].commitGraph, 'ready');
      const load = await runsRecorded();
      await server.connection.sendRequest(VerifyRequest.type, { service: 'worker' });
      return { load, verify: (await runsRecorded()).slice(load.length) };
    } finally {
      await server.stop();
    }
  }

  it('sent at initialize, and not repeated by the pull (pipelineLens.gitPath unset, git.path not answered): the wrapper runs git, for lenses and for verify', async () => {
    const runs = await serveWith({ initial: { gitPath: wrapper }, configuration: { pipelineLens: {} } });
    assert.ok(runs.load.length > 0, 'the commit graph was read through the configured git');
    assert.ok(runs.verify.length > 0, 'verify ran the configured git too');
  });

  it('git.path set for the built-in git extension only: the pull finds it', async () => {
    const runs = await serveWith({ initial: {}, configuration: { pipelineLens: {}, 'git.path': wrapper } });
    assert.ok(runs.load.length > 0, 'the commit graph was read through git.path');
  });

  it('no git configured anywhere: git on PATH, the wrapper never runs', async () => {
    const runs = await serveWith({ initial: {}, configuration: { pipelineLens: {} } });
    assert.deepEqual(runs, { load: [], verify: [] });
  });
});
