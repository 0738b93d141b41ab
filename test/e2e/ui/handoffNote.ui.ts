import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, type Workbench } from './workbench';

const HANDOFF_NOTE = 'docs/handoffs/2026-02-02-prediction-regression.md';
const FIX_SHA = '38ab3820';

describe('the demo handoff note in a real VS Code', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('loads the demo workspace in the workbench', async () => {
    // The Explorer lists the demo's config at its root.
    await wb.step('the Explorer shows pipeline-lens.json', () => wb.treeItem('pipeline-lens.json').waitFor({ timeout: 30_000 }));
    await wb.screenshot('workbench');
  });

  it("shows the fix SHA's deployment delay in a CodeLens", async () => {
    await wb.openFile(HANDOFF_NOTE);
    const lens = await wb.waitForCodeLens(/\+15h53m/);
    assert.match(lens, /✓ prediction-worker 19:10 \(\+15h53m\)/);
    await wb.screenshot('lens');
  });

  it('shows the provenance of the fix SHA on hover', async () => {
    const hover = await wb.hoverWord(FIX_SHA, { contains: 'prediction-worker-00069-wqf' });
    assert.ok(hover.includes(FIX_SHA.slice(0, 7)), `the hover names the commit:\n${hover}`);
    assert.ok(hover.includes('+15h53m'), `the hover gives the deployment delay:\n${hover}`);
    await wb.screenshot('hover');
  });
});
