import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, type Workbench } from './workbench';

const PRE_FIX_SHA = '62c12d62';
const FIX_SHA = '38ab3820';

describe('the Pipeline Lens views in a real VS Code', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('shows catboost_v8 with its builds in the Models tree', async () => {
    await wb.openViewContainer('Pipeline Lens');
    const model = wb.treeItem(/^catboost_v8\b/);
    await wb.step('the Models tree lists catboost_v8', () => model.first().waitFor({ timeout: 60_000 }));
    await model.first().click();
    const preFix = wb.treeItem(new RegExp(`^${PRE_FIX_SHA}`));
    await wb.step('catboost_v8 expands to its builds', () => preFix.first().waitFor({ timeout: 30_000 }));
    // At the side bar's default width each row's label (the name and its one figure) is whole;
    // only the description after it may be cut.
    const rows = wb.page
      .locator('.pane')
      .filter({ has: wb.page.locator('.pane-header', { hasText: 'Models' }) })
      .getByRole('treeitem');
    const cut = await rows.evaluateAll((items) =>
      items.flatMap((item) => {
        const name = item.querySelector('.label-name');
        const box = item.querySelector('.monaco-icon-label-container');
        if (!name || !box) return [];
        return name.getBoundingClientRect().right > box.getBoundingClientRect().right + 1 ? [name.textContent ?? ''] : [];
      }),
    );
    assert.ok((await rows.count()) >= 3, 'the model and its builds are measured');
    assert.deepEqual(cut, [], 'labels cut at the default side bar width');
    await wb.screenshot('tree-default-width');
    await widenSideBar(wb);
    assert.ok(
      await wb
        .treeItem(new RegExp(`^${FIX_SHA}`))
        .first()
        .isVisible(),
      'the fix build is listed too',
    );
    // The row says what the record says: 50.6% of 668 graded, below the threshold.
    const text = await preFix.first().innerText();
    assert.match(text.replace(/\s+/g, ' '), /50\.6%\s*\[46\.8, 54\.4\] n=668/);
    await wb.screenshot('tree');
  });

  it('ranks the findings, the deployment gap first', async () => {
    const gap = wb.treeItem(/^Backfill of 2026-01-09\.\.2026-01-28 ran 07:41–08:37 on older build/);
    await wb.step('the Findings view shows the deployment gap', () => gap.first().waitFor({ timeout: 60_000 }));
    // Collapse the models so the findings have the room, then open the first to its evidence.
    await wb
      .treeItem(/^catboost_v8\b/)
      .first()
      .click();
    await gap.first().click();
    const evidence = wb.treeItem(/Deployed to prediction-worker as prediction-worker-00069-wqf .* 15h53m after the commit/);
    await wb.step('the finding expands to its evidence', () => evidence.first().waitFor({ timeout: 30_000 }));
    await wb.screenshot('findings');
  });
});

/** The side bar's default width cuts the figures off; a person would drag it wider. */
async function widenSideBar(wb: Workbench): Promise<void> {
  const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
  if (!sidebar) return;
  const x = sidebar.x + sidebar.width;
  const y = sidebar.y + sidebar.height / 2;
  await wb.page.mouse.move(x, y);
  await wb.page.mouse.down();
  await wb.page.mouse.move(x + 420, y, { steps: 8 });
  await wb.page.mouse.up();
}
