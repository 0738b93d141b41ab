import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFromPalette } from './palette';
import { openWorkbench, type Workbench } from './workbench';

const FIX_SHA = '38ab3820';

describe('the timeline webview in a real VS Code', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('draws hit rate with its markers: the fix, the deployments, the backfill', async () => {
    await runFromPalette(wb, 'Pipeline Lens: Show Timeline');
    // A webview is an iframe holding the page's own iframe.
    const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const fix = page.locator(`button.marker[data-kind="fix"][data-sha^="${FIX_SHA}"]`);
    await wb.step('the timeline marks the fix commit', () => fix.waitFor({ state: 'attached', timeout: 60_000 }));
    assert.ok((await page.locator('button.marker[data-kind="deployment"]').count()) >= 4, 'the deployments are marked');
    assert.equal(await page.locator('button.marker[data-kind="backfill"]').count(), 1, 'the Jan 9-28 backfill is shaded');
    assert.ok(await page.locator('canvas').isVisible(), 'the chart is drawn');
    assert.match((await fix.getAttribute('title')) ?? '', /^Fix 38ab3820 "fix\(worker\): populate vegas/);
    const models = await page.locator('fieldset.models input:checked').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).dataset.model));
    assert.ok(models.includes('catboost_v8'), `models drawn: ${models.join(', ')}`);
    // The page runs under a strict CSP: anything it tried that the policy refused is a bug.
    assert.deepEqual(
      wb.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)),
      [],
    );
    await wb.screenshot('timeline');
  });

  it("opens a marker's commit when it is clicked", async () => {
    const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await page.locator(`button.marker[data-kind="fix"][data-sha^="${FIX_SHA}"]`).click();
    const tab = wb.page.locator('.tabs-container .tab', { hasText: FIX_SHA });
    await wb.step('the fix commit opens', () => tab.first().waitFor({ timeout: 30_000 }));
  });
});
