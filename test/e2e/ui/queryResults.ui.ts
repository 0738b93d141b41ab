import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFromPalette } from './palette';
import { openWorkbench, type Workbench } from './workbench';

describe('Run Query on a SQL file of the demo', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('asks for its parameters and shows the rows in the results grid', async () => {
    await wb.openFile('sql/grading_coverage.sql');
    await runFromPalette(wb, 'Pipeline Lens: Run Query');
    for (const [name, value] of [
      ['start_date', '2026-01-27'],
      ['end_date', '2026-02-02'],
    ]) {
      const input = wb.page.locator('.quick-input-widget', { hasText: `@${name}` }).locator('input');
      await wb.step(`asked for @${name}`, () => input.waitFor({ timeout: 30_000 }));
      await input.fill(value);
      await wb.page.keyboard.press('Enter');
    }
    const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const row = page.locator('table.grid tbody tr', { hasText: 'catboost_v9_2026_02' });
    await wb.step('the grid shows the models', () => row.waitFor({ timeout: 30_000 }));
    // The record: catboost_v9_2026_02 had 222 predictions and none graded.
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /catboost_v9_2026_02 222 0 0/);
    assert.match(await page.locator('.facts').innerText(), /^SELECT · 8 rows · bytes processed: not reported \(embedded engine\)/);
    assert.equal(await page.locator('button.export').count(), 2, 'CSV and JSON export');
    await wb.page
      .locator('.notifications-toasts .notification-list-item', { hasText: 'Running' })
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    await wb.screenshot('query-results');
  });
});
