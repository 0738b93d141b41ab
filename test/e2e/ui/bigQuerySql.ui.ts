import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, type Workbench } from './workbench';

describe('a .sql file of the demo opens as BigQuery SQL', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('with the BigQuery SQL language, the Run · Dry run lens and the feature name on hover', async () => {
    await wb.openFile('sql/vegas_coverage.sql');
    // The language picker in the status bar names the language the file opened with.
    const mode = wb.page.locator('.statusbar-item#status\\.editor\\.mode');
    await wb.step('the status bar says BigQuery SQL', () => mode.filter({ hasText: 'BigQuery SQL' }).waitFor({ timeout: 30_000 }));
    assert.equal((await mode.innerText()).trim(), 'BigQuery SQL');
    await wb.waitForCodeLens(/▶ Run/);
    await wb.waitForCodeLens(/Dry run/);
    const hover = await wb.hoverWord('OFFSET(25)', { occurrence: 1, contains: 'vegas_points_line' });
    assert.match(hover, /vegas_points_line/);
    assert.match(hover, /feature index 25 of 33/);
    await wb.screenshot('bigquery-sql');
  });
});
