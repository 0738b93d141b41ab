import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, type Workbench } from './workbench';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; displayName: string };
const id = `${manifest.publisher}.${manifest.name}`;
const installedFromVsix = process.env.PIPELINE_LENS_E2E_INSTALL === 'vsix';

describe('the packaged extension (npm run package) installed into code-server', { skip: !installedFromVsix && 'the runner linked the repository (--link)' }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('was installed by --install-extension with everything it runs beside its bundles', () => {
    const extensionsDir = process.env.PIPELINE_LENS_E2E_EXTENSIONS_DIR!;
    const folder = readdirSync(extensionsDir).find((f) => f.startsWith(`${id}-${manifest.version}`));
    assert.ok(folder, `${id} is installed in ${extensionsDir}: ${readdirSync(extensionsDir).join(', ')}`);
    const root = join(extensionsDir, folder);
    assert.ok(!lstatSync(root).isSymbolicLink(), 'a copy from the VSIX, not a link to the repository');
    for (const file of ['dist/extension.js', 'dist/startExtension.js', 'dist/server.js', 'dist/googleCloud.js', 'dist/duckdb.node']) {
      assert.ok(existsSync(join(root, file)), `${file} is in the VSIX`);
    }
    assert.ok(!existsSync(join(root, 'node_modules')), 'the VSIX carries no node_modules');
  });

  it('is listed as installed in the Extensions view', async () => {
    await wb.openViewContainer('Extensions');
    // Offline, the view opens on its INSTALLED section.
    const item = wb.page.locator('.extensions-viewlet .extension-list-item', { hasText: manifest.displayName }).first();
    await wb.step('the Extensions view lists Pipeline Lens', () => item.waitFor({ timeout: 30_000 }));
    await wb.screenshot('extension-installed');
  });
});
