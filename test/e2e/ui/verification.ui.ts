import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runFromPalette } from './palette';
import { openWorkbench, uiSession, type Workbench } from './workbench';

describe('Verify Deployment Before Backfill from the command palette', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('says stale and names the undeployed commit', async () => {
    // HEAD of the demo is the worker commit pushed after the last deployment.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: uiSession().demo, encoding: 'utf8' }).trim();
    // A file of the worker is active: verification picks its service, and the status bar already tells.
    await wb.openFile('predictions/worker/worker.py');
    const status = wb.page.locator('.statusbar-item', { hasText: 'prediction-worker: 1 commit not deployed' });
    await wb.step('the status bar shows the worker undeployed', () => status.first().waitFor({ timeout: 60_000 }));
    await runFromPalette(wb, 'Pipeline Lens: Verify Deployment Before Backfill');
    const message = await wb.waitForNotification(/prediction-worker: stale/, 60_000);
    assert.ok(message.includes(head.slice(0, 8)), `the notification names ${head.slice(0, 8)}: ${message}`);
    assert.match(message, /1 commit not deployed/);
    const actions = await wb.page.locator('.notifications-toasts .notification-list-item .monaco-button').allInnerTexts();
    assert.ok(actions.includes('Copy Deploy Command'), `actions: ${actions.join(', ')}`);
    // The progress toast closes as the verdict arrives; the picture should show the verdict alone.
    await wb.page
      .locator('.notifications-toasts .notification-list-item', { hasText: 'Verifying that' })
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    await wb.screenshot('verification');
  });
});
