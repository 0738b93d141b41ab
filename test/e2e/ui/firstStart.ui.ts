import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, uiSession, type Workbench } from './workbench';

const NOTE = '2026-02-02-prediction-regression.md';

/**
 * A demo workspace opened for the first time shows where the story starts: the handoff
 * note (with its lenses) and the Pipeline Lens view, as after `npm start` or Open Demo
 * Workspace. The shared code-server's user settings ask for no startup editor
 * (`workbench.startupEditor: none`, which the extension honours), so this demo, a copy of
 * the session's in a folder never opened before (workspace state is kept per folder), asks
 * in its own settings for what `npm start` asks: no startup editor in a folder, so none of
 * VS Code's races the note for the focus.
 */
describe('the first start of a demo workspace', () => {
  let wb: Workbench;
  let demo: string;

  before(() => {
    demo = join(uiSession().scratch, `first-start-demo-${process.pid}`);
    // A copy, not a second generation: generating costs a minute of a shared machine's CPU.
    cpSync(uiSession().demo, demo, { recursive: true });
    mkdirSync(join(demo, '.vscode'), { recursive: true });
    writeFileSync(join(demo, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'welcomePageInEmptyWorkbench' }));
  });

  after(async () => {
    await wb?.close();
  });

  it('opens the handoff note, whose SHAs get lenses, beside the Pipeline Lens view', async () => {
    wb = await openWorkbench({ folder: demo });
    const tab = wb.page.locator('.tabs-container .tab.active', { hasText: NOTE });
    await wb.step('the handoff note is the active editor', () => tab.waitFor({ timeout: 90_000 }));
    const sidebar = wb.page.locator('.part.sidebar .composite.title', { hasText: /pipeline lens/i });
    await wb.step('the side bar shows Pipeline Lens', () => sidebar.waitFor({ timeout: 30_000 }));
    assert.match(await wb.waitForCodeLens(/\+15h53m/), /✓ prediction-worker 19:10 \(\+15h53m\)/);
    await wb.screenshot('first-start');
  });

  it('does it once: reopened, the workspace keeps what the person left', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.step('no editor is open', () => wb.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 30_000 }));
    // VS Code's own reload saves the workbench's state (the closed editors, the extension's
    // memento) before it goes; a browser reload may not.
    const reloaded = wb.page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await reloaded;
    await wb.waitForReady();
    // The views answer once the extension has activated and its server has started: by then
    // a first start would have opened the note.
    await wb.openViewContainer('Pipeline Lens');
    await wb.step('the Models view lists catboost_v8', () =>
      wb
        .treeItem(/catboost_v8/)
        .first()
        .waitFor({ timeout: 60_000 }),
    );
    assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: NOTE }).count(), 0, 'the note was not opened again');
  });
});
