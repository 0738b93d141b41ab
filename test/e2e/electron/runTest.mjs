// The extension-host suite (test/e2e/extension) in a downloaded desktop VS Code, through
// @vscode/test-electron: for a laptop or a public CI that can reach VS Code's update server.
// This project's machines cannot (no route to it); there the same suite runs in code-server:
// scripts/e2e/runExtensionTests.mjs.
//
//   node test/e2e/electron/runTest.mjs            VS Code 1.100.3 (the oldest engines.vscode allows)
//   VSCODE_VERSION=stable node test/e2e/electron/runTest.mjs
//   (on a Linux machine without a display: xvfb-run -a node test/e2e/electron/runTest.mjs)
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { scratchFolder } from '../../../scripts/e2e/codeServer.mjs';
import { repoRoot, vscodeTestDir } from '../../../scripts/e2e/layout.mjs';
import { buildExtension, compileExtensionTests, generateDemo } from '../../../scripts/e2e/prepare.mjs';

async function main() {
  buildExtension({ skip: process.argv.includes('--no-build') });
  const testsIndex = await compileExtensionTests();
  const scratch = scratchFolder('electron');
  const demo = generateDemo(join(scratch, 'demo'));
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    cachePath: join(vscodeTestDir, 'electron'),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testsIndex,
    launchArgs: [
      demo,
      '--disable-extensions', // other extensions; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir',
      join(scratch, 'user-data'),
      '--extensions-dir',
      join(scratch, 'extensions'),
    ],
  });
}

main().catch((error) => {
  console.error(`Extension-host tests failed: ${error?.message ?? error}`);
  process.exit(1);
});
