/*
 * The UI-test harness: a real VS Code workbench (code-server, started by
 * scripts/e2e/runUiTests.mjs with the extension installed and the demo workspace generated)
 * in Debian's Chromium, driven by playwright-core, and what a person does in it: open a
 * file, run a command from the palette, read a lens, hover a word, read a notification.
 *
 *   const wb = await openWorkbench();
 *   await wb.openFile('docs/handoffs/2026-02-02-prediction-regression.md');
 *   const lens = await wb.waitForCodeLens(/\+15h53m/);
 *   await wb.screenshot('lens');
 *   await wb.close();
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** What the runner hands the tests through the environment. */
export interface UiSession {
  /** code-server's origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The demo workspace (absolute path). */
  demo: string;
  /** Where screenshots go (test-output/screenshots). */
  screenshots: string;
  /** A scratch folder for browser profiles. */
  scratch: string;
  chromium: string;
}

export function uiSession(): UiSession {
  const env = process.env;
  const origin = env.PIPELINE_LENS_E2E_ORIGIN;
  if (!origin || !env.PIPELINE_LENS_E2E_DEMO || !env.PIPELINE_LENS_E2E_SCRATCH) {
    throw new Error('UI tests run inside a code-server that scripts/e2e/runUiTests.mjs starts: run `node scripts/e2e/runUiTests.mjs`.');
  }
  return {
    origin,
    demo: env.PIPELINE_LENS_E2E_DEMO,
    screenshots: env.PIPELINE_LENS_E2E_SCREENSHOTS ?? join(process.cwd(), 'test-output', 'screenshots'),
    scratch: env.PIPELINE_LENS_E2E_SCRATCH,
    chromium: env.PIPELINE_LENS_CHROMIUM ?? '/usr/bin/chromium',
  };
}

/** The runner's Chromium flags (scripts/e2e/browser.mjs): a closed network, no sandbox as root, no GPU. */
function chromiumArgs(): string[] {
  const raw = process.env.PIPELINE_LENS_CHROMIUM_ARGS;
  if (!raw) throw new Error('PIPELINE_LENS_CHROMIUM_ARGS is unset: run the UI tests through `node scripts/e2e/runUiTests.mjs`.');
  return JSON.parse(raw) as string[];
}

export interface OpenOptions {
  /** The folder to open; the demo workspace by default. */
  folder?: string;
  /** Another code-server (say, one with a freshly installed VSIX); the session's by default. */
  origin?: string;
  viewport?: { width: number; height: number };
}

/** A fresh browser (own profile) on a workbench that has loaded `folder`. */
export async function openWorkbench(options: OpenOptions = {}): Promise<Workbench> {
  const session = uiSession();
  const browser = await chromium.launch({ executablePath: session.chromium, headless: true, args: chromiumArgs() });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const workbench = new Workbench(browser, page, session);
  page.on('console', (message) => {
    if (message.type() === 'error') workbench.consoleErrors.push(message.text());
  });
  const folder = options.folder ?? session.demo;
  await page.goto(`${options.origin ?? session.origin}/?folder=${encodeURIComponent(folder)}`);
  await workbench.waitForReady();
  return workbench;
}

export class Workbench {
  /** Errors the page logged (the marketplace lookups of a closed network among them). */
  readonly consoleErrors: string[] = [];

  constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly session: UiSession,
  ) {}

  /** The workbench has rendered and its extension host has started extensions. */
  async waitForReady(timeout = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator('.activitybar').waitFor({ timeout });
    // The status bar's remote indicator appears once the remote connection is up.
    await this.page.locator('.statusbar').waitFor({ timeout });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P), as a person would, and waits for its editor. */
  async openFile(relativePath: string, timeout = 30_000): Promise<void> {
    const name = relativePath.split('/').pop()!;
    await this.step(`open ${relativePath}`, async () => {
      await this.focusWorkbench();
      await this.page.keyboard.press('Control+P');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ timeout });
      await input.fill(relativePath);
      // The file search answers asynchronously; the first row is the exact path.
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout });
      await this.page.keyboard.press('Enter');
      await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout });
      await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout });
    });
  }

  /** Runs a command by its palette title (`Pipeline Lens: Show Server Status`). */
  async runCommand(title: string, timeout = 30_000): Promise<void> {
    await this.step(`run ${title}`, async () => {
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ timeout });
      await input.fill(`>${title}`);
      await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout });
      await this.page.keyboard.press('Enter');
    });
  }

  /** The text of every CodeLens in the visible editors (`.codelens-decoration`). */
  async codeLenses(): Promise<string[]> {
    return (await this.page.locator('.codelens-decoration').allInnerTexts()).map(normalize);
  }

  /**
   * Waits until no CodeLens says it is loading and the lenses have not changed for `quietMs`:
   * a lens the server is about to refresh is replaced under the pointer, and a click on it is lost.
   */
  async settledCodeLenses(quietMs = 2_000, timeout = 60_000): Promise<string[]> {
    const until = Date.now() + timeout;
    let last = '';
    let since = Date.now();
    for (;;) {
      const lenses = await this.codeLenses();
      const key = lenses.join('\n');
      if (key !== last) {
        last = key;
        since = Date.now();
      } else if (!/loading/.test(key) && Date.now() - since >= quietMs) return lenses;
      if (Date.now() > until) throw new Error(`CodeLenses still changing or loading after ${timeout / 1000} s: ${lenses.join(' | ')}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Waits for a CodeLens whose text matches, and returns it. Lenses resolve in steps ("loading" first). */
  async waitForCodeLens(pattern: RegExp | string, timeout = 45_000): Promise<string> {
    return this.poll(`a CodeLens matching ${pattern}`, async () => (await this.codeLenses()).find((t) => matches(t, pattern)), timeout);
  }

  /**
   * Moves the mouse over the `occurrence`-th appearance of `word` in the active editor's
   * visible lines (found with a DOM Range over the rendered text), waits for the hover and
   * returns its text.
   */
  async hoverWord(word: string, { occurrence = 0, contains, timeout = 30_000 }: { occurrence?: number; contains?: RegExp | string; timeout?: number } = {}): Promise<string> {
    const hover = this.page.locator('.monaco-hover:not(.hidden)').first();
    return this.poll(
      `a hover on ${word}${contains ? ` containing ${contains}` : ''}`,
      async () => {
        const point = await this.wordPosition(word, occurrence);
        if (!point) return undefined;
        // Leave and come back: a hover already shown for the word does not refresh in place.
        await this.page.mouse.move(point.x, point.y + 200);
        await this.page.mouse.move(point.x, point.y);
        try {
          await hover.waitFor({ state: 'visible', timeout: 5_000 });
        } catch {
          return undefined;
        }
        const text = normalize(await hover.innerText());
        return !contains || matches(text, contains) ? text : undefined;
      },
      timeout,
    );
  }

  /** The centre of `word`'s `occurrence`-th appearance in the active editor, in page coordinates. */
  async wordPosition(word: string, occurrence = 0): Promise<{ x: number; y: number } | null> {
    // A string, not a function: tsx would wrap the function's inner helpers in its own
    // `__name`, which does not exist in the page.
    return this.page.evaluate(`(${WORD_POSITION_IN_PAGE})(${JSON.stringify(word)}, ${occurrence})`);
  }

  /** The messages of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(normalize);
  }

  async waitForNotification(pattern: RegExp | string, timeout = 45_000): Promise<string> {
    const text = await this.poll(`a notification matching ${pattern}`, async () => (await this.notifications()).find((t) => matches(t, pattern)), timeout);
    // A toast slides in; a screenshot taken before the animation ends catches it half drawn.
    await this.page
      .locator('.notification-toast.notification-fade-in-done')
      .first()
      .waitFor({ timeout: 5_000 })
      .catch(() => undefined);
    return text;
  }

  /**
   * Opens a view container by its activity bar entry (its title, e.g. `Pipeline Lens`) and
   * waits until the side bar shows it. A click on the entry of the container already shown
   * closes the side bar, and a reloaded workbench restores its last container late (once the
   * extension contributing it has registered, which on a loaded machine is well after the
   * workbench looks ready), so a single click can land either way: click only while the
   * side bar shows something else, until it shows this container.
   */
  async openViewContainer(title: string, timeout = 30_000): Promise<void> {
    const entry = this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
    const shown = this.page.locator('.part.sidebar .composite.title', { hasText: title });
    await this.poll(
      `the side bar showing ${title}`,
      async () => {
        if (await shown.isVisible()) return true;
        await entry.click({ timeout });
        await shown.waitFor({ timeout: 2_000 }).catch(() => undefined);
        return undefined;
      },
      timeout,
    );
  }

  /** A tree item of a visible view, by its accessible name. */
  treeItem(name: string | RegExp): Locator {
    return this.page.getByRole('treeitem', { name });
  }

  /** Saves a PNG of the whole workbench to test-output/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.session.screenshots, { recursive: true });
    const path = join(this.session.screenshots, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Escape closes whatever quick input or hover is open, so keyboard shortcuts reach the workbench. */
  private async focusWorkbench(): Promise<void> {
    if (await this.page.locator('.quick-input-widget').isVisible()) await this.page.keyboard.press('Escape');
  }

  /** Polls `probe` until it returns a value other than undefined; on timeout, a screenshot shows why. */
  async poll<T>(what: string, probe: () => Promise<T | undefined>, timeout: number): Promise<T> {
    return this.step(what, async () => {
      const deadline = Date.now() + timeout;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeout / 1000} s waiting for ${what}.`);
        await this.page.waitForTimeout(250);
      }
    });
  }

  /**
   * Runs one action; if it fails, saves `failed-<action>.png` beside the screenshots and
   * names it in the error, since a picture of the workbench usually says what went wrong.
   */
  async step<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      const name = `failed-${what
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 60)}`;
      const path = await this.screenshot(name).catch(() => null);
      if (!path || !(error instanceof Error)) throw error;
      throw new Error(`${error.message}\nScreenshot: ${path}`, { cause: error });
    }
  }
}

/**
 * Runs in the page: walks the text nodes of the active editor's visible lines in screen
 * order (lines are absolutely positioned, so DOM order is not screen order), and measures
 * the word with a DOM Range.
 */
const WORD_POSITION_IN_PAGE = `function (word, occurrence) {
  const lines = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
  if (!lines) return null;
  const sorted = [...lines.querySelectorAll('.view-line')].sort((a, b) => a.offsetTop - b.offsetTop);
  let seen = 0;
  for (const line of sorted) {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    const text = nodes.map((n) => n.data).join('').replace(/\\u00a0/g, ' ');
    for (let index = text.indexOf(word); index >= 0; index = text.indexOf(word, index + 1)) {
      if (seen++ !== occurrence) continue;
      const locate = (offset) => {
        for (const node of nodes) {
          if (offset <= node.data.length) return [node, offset];
          offset -= node.data.length;
        }
        return [nodes[nodes.length - 1], nodes[nodes.length - 1].data.length];
      };
      const range = document.createRange();
      range.setStart(...locate(index));
      range.setEnd(...locate(index + word.length));
      const rect = range.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    }
  }
  return null;
}`;

function normalize(text: string): string {
  return text.replace(/\u00a0/g, ' ').trim();
}

function matches(text: string, pattern: RegExp | string): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}
