import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFromPalette } from './palette';
import { openWorkbench, type Workbench } from './workbench';

const FIX_SHA = '38ab3820';

describe('rendered reports and the handoff note in a real VS Code', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  const report = () => wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  it("renders a lens's provenance with clickable links, not markdown source", async () => {
    await wb.openFile('docs/handoffs/2026-02-02-prediction-regression.md');
    await wb.waitForCodeLens(/\+15h53m/);
    // A lens refresh can replace the lens under the pointer as it is clicked: then nothing
    // opens, and the person clicks again.
    await wb.step('click the lens of the fix, and the provenance renders its deployments table', async () => {
      for (let attempt = 1; ; attempt++) {
        await wb.settledCodeLenses();
        await wb.page.locator('.codelens-decoration a', { hasText: '+15h53m' }).first().click();
        try {
          await report().locator('table').first().waitFor({ timeout: 20_000 });
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    });
    const text = await report().locator('main').innerText();
    assert.ok(text.includes('fix(worker)'), 'the subject reads as written');
    assert.ok(!text.includes('\\('), 'no markdown escapes on screen');
    const diff = report().locator('a', { hasText: 'Show diff' });
    await wb.screenshot('provenance-report');
    await diff.click();
    const tab = wb.page.locator('.tabs-container .tab', { hasText: FIX_SHA });
    await wb.step('the link opens the diff', () => tab.first().waitFor({ timeout: 30_000 }));
  });

  it('Investigate opens the report panel with every finding', async () => {
    await runFromPalette(wb, 'Pipeline Lens: Investigate');
    const first = report().locator('h3', { hasText: /^1\. \[critical\] Backfill of 2026-01-09/ });
    await wb.step('the report lists the deployment gap first', () => first.waitFor({ timeout: 120_000 }));
    assert.ok((await report().locator('h3').count()) >= 10, 'every finding has its section');
    // The timeline's hit-rate chart, with the deployments and the backfill, above the findings.
    const chart = report().locator('svg.hit-rate-chart');
    await wb.step('the report shows the hit-rate chart', () => chart.waitFor({ timeout: 30_000 }));
    assert.ok((await chart.locator('polyline.series').count()) >= 1, 'a hit-rate line');
    assert.ok((await chart.locator('line.marker.deployment').count()) >= 1, 'deployment markers');
    const backfill = chart.locator('rect.marker.backfill');
    assert.ok((await backfill.count()) >= 1, 'a backfill marker');
    assert.match((await backfill.first().locator('title').textContent()) ?? '', /2026-01-09\.\.2026-01-28/);
    const above = await report()
      .locator('main')
      .evaluate((main) => {
        const svg = main.querySelector('svg.hit-rate-chart');
        const h3 = main.querySelector('h3');
        return !!(svg && h3 && svg.compareDocumentPosition(h3) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
    assert.ok(above, 'the chart comes before the first finding');
    await wb.screenshot('investigation-report');
    await chart.scrollIntoViewIfNeeded();
    await wb.screenshot('investigation-report-chart');
  });

  it("the report's chart shows a day's hit rate, interval and n under the pointer", async () => {
    const chart = report().locator('svg.hit-rate-chart');
    await chart.scrollIntoViewIfNeeded();
    // A day of the backfilled range, of the most graded model (the first drawn).
    const point = chart.locator('g.point.series-0[aria-label*=" on 2026-01-20: "]');
    const tip = point.locator('g.tip');
    assert.equal(await tip.isVisible(), false, 'the figures wait for the pointer');
    await point.locator('circle.hit-area').hover({ force: true });
    await wb.step("the point's figures show", () => tip.waitFor({ state: 'visible', timeout: 10_000 }));
    const text = (await tip.locator('tspan').allTextContents()).join('\n');
    assert.match(text, /^2026-01-20 · /, text);
    assert.match(text, /\d+\.\d% \[\d+\.\d, \d+\.\d\] n=\d+/, `the rate with its interval and n:\n${text}`);
    assert.match(text, /\d+ graded of \d+ predictions/, text);
    await wb.screenshot('investigation-report-chart-hover');
  });

  it('exports the report as a handoff note at a path the user confirms, and the note gets lenses', async () => {
    await report().locator('a', { hasText: 'Export as handoff note' }).click();
    const input = wb.page.locator('.quick-input-widget input');
    await wb.step('the path is offered for confirmation', () => input.waitFor({ timeout: 30_000 }));
    const offered = await input.inputValue();
    assert.match(offered, /^docs\/handoffs\/\d{4}-\d{2}-\d{2}-investigation-.*\.md$/);
    await wb.page.keyboard.press('Enter');
    const name = offered.split('/').pop()!;
    await wb.step('the note opens', () => wb.page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 30_000 }));
    await wb.waitForCodeLens(/\+15h53m/, 90_000);
    await wb.screenshot('handoff-export');
  });

  it("clicking a deployment on the report's chart opens that commit's provenance", async () => {
    await runFromPalette(wb, 'Pipeline Lens: Investigate');
    const chart = report().locator('svg.hit-rate-chart');
    await wb.step('the report shows the hit-rate chart', () => chart.waitFor({ timeout: 120_000 }));
    const deployment = chart.locator(`a.marker-link.deployment[aria-label*="from ${FIX_SHA}"]`);
    await chart.scrollIntoViewIfNeeded();
    // A keyboard user reaches the marker and reads its name.
    await deployment.focus();
    await wb.step('the focused marker names the deployment', () => deployment.locator('g.tip').waitFor({ state: 'visible', timeout: 10_000 }));
    assert.match((await deployment.locator('g.tip').textContent()) ?? '', /Deployed prediction-worker prediction-worker-00069-wqf/);
    await deployment.blur();
    assert.equal(await deployment.locator('g.tip').isVisible(), false, 'the name waits for the pointer or the focus');
    // The pointer finds it too, near its top (above the days' points), and a click opens the commit.
    const reach = deployment.locator('rect.hit-area');
    // Its left edge: a deployment hours later (another service's) is drawn over the right of its band.
    const top = { x: 1, y: 4 };
    await reach.hover({ position: top });
    await wb.step('the marker under the pointer names the deployment', () => deployment.locator('g.tip').waitFor({ state: 'visible', timeout: 10_000 }));
    await wb.screenshot('investigation-report-chart-deployment');
    await reach.click({ position: top });
    await wb.step('the provenance of the deployed commit renders', () => report().locator('main', { hasText: 'fix(worker)' }).waitFor({ timeout: 60_000 }));
    assert.ok((await report().locator('main').innerText()).includes(FIX_SHA), 'the provenance of the fix commit');
  });
});
