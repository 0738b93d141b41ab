// Debian's Chromium driven by playwright-core (no browser download: the executable is given).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './layout.mjs';
import { isolatedEnv } from './codeServer.mjs';

/** Without the networking flags Chromium keeps dialling Google's hosts, refused on a closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A headless Chromium whose profile, home and tmp are under `scratch`. */
export async function launchBrowser(scratch, { headless = true } = {}) {
  const dir = join(scratch, 'browser');
  mkdirSync(dir, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath, headless, args: chromiumArgs, env: isolatedEnv(dir) });
}
