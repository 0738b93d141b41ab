// Where the real-VS-Code tooling lives. Everything it installs or writes goes under the
// git-ignored .vscode-test/ and test-output/ folders of the repository.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The newest code-server whose engines accept Node 20 (VS Code 1.100.3). */
export const codeServerVersion = '4.100.3';

export const vscodeTestDir = join(repoRoot, '.vscode-test');
export const codeServerInstallDir = join(vscodeTestDir, 'code-server');
export const codeServerPackageDir = join(codeServerInstallDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerPackageDir, 'out', 'node', 'entry.js');
export const codeServerStamp = join(codeServerInstallDir, `installed-${codeServerVersion}.json`);

/** What the installs print (apt-get, npm, node-gyp): kept here, not on the terminal. */
export const installLog = join(vscodeTestDir, 'install.log');

/** Scratch folders of runs (homes, user data, demo workspaces); safe to delete. */
export const runsDir = join(vscodeTestDir, 'runs');

export const testOutputDir = join(repoRoot, 'test-output');
export const screenshotsDir = join(testOutputDir, 'screenshots');

export const chromiumPath = process.env.PIPELINE_LENS_CHROMIUM ?? '/usr/bin/chromium';

export function log(message) {
  console.log(`[e2e] ${message}`);
}
