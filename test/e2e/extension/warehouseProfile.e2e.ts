import * as assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { StatusRequest, type SelectProfileResult } from '../../../src/shared/protocol';
import { startedApi } from './pipelineLensApi';
import { demoFolder, eventually } from './support';

/*
 * Select Warehouse Profile in a real extension host: the demo's config gains a second
 * profile (a copy of its warehouse) for the length of this file, and is put back after.
 */
describe('Select Warehouse Profile in a real extension host', function () {
  let configFile: string;
  let original: string;

  before(async function () {
    await startedApi();
    configFile = join(demoFolder().fsPath, 'pipeline-lens.json');
    original = await readFile(configFile, 'utf8');
  });

  after(async function () {
    const api = await startedApi();
    await vscode.commands.executeCommand('pipelineLens.selectWarehouseProfile', { profile: 'production' }).then(undefined, () => undefined);
    await writeFile(configFile, original);
    await eventually('the single-profile config to be read again', async () =>
      (await api.client.sendRequest(StatusRequest.type)).workspaces[0]?.profiles.length === 1 ? true : undefined,
    );
  });

  it('shows no profile in the status bar while the config names one', async () => {
    const api = await startedApi();
    await eventually('the server status', async () => ((await api.client.sendRequest(StatusRequest.type)).workspaces.length ? true : undefined));
    assert.equal(api.profileStatus.text, undefined);
  });

  it('switches the profile from the command, and the status bar follows', async () => {
    const api = await startedApi();
    const { warehouse, ...rest } = JSON.parse(original) as { warehouse: unknown } & Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...rest, warehouses: { production: warehouse, staging: warehouse }, defaultWarehouse: 'production' }, null, 2));
    await eventually('the status bar to show the default profile', async () => (api.profileStatus.text === '$(database) production' ? true : undefined));

    const chosen = await vscode.commands.executeCommand<SelectProfileResult>('pipelineLens.selectWarehouseProfile', { profile: 'staging' });
    assert.equal(chosen.activeProfile, 'staging');
    assert.equal(chosen.notice, null);
    assert.equal((await api.client.sendRequest(StatusRequest.type)).workspaces[0].activeProfile, 'staging');
    await eventually('the status bar to show the chosen profile', async () => (api.profileStatus.text === '$(database) staging' ? true : undefined));

    const back = await vscode.commands.executeCommand<SelectProfileResult>('pipelineLens.selectWarehouseProfile', { profile: 'production' });
    assert.equal(back.activeProfile, 'production');
    await eventually('the status bar to show the default again', async () => (api.profileStatus.text === '$(database) production' ? true : undefined));
  });
});
