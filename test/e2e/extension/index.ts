/*
 * The mocha entry point VS Code's extension host loads as `extensionTestsPath`: in
 * code-server through the URL payload (scripts/e2e/runExtensionTests.mjs), in a downloaded
 * VS Code through @vscode/test-electron (test/e2e/electron/runTest.mjs). It runs every
 * `*.e2e.js` beside it (the *.e2e.ts files, bundled by scripts/e2e/compileExtensionTests.mjs).
 */
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  // No colours: the output is read in a terminal log, through the browser console.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, slow: 5_000 });
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.e2e.js'))
    .sort())
    mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed.`)) : resolve()));
  });
}
