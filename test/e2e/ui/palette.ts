import type { Workbench } from './workbench';

/**
 * Runs a command by its palette title, retrying while the palette does not list it yet:
 * right after the workbench loads, the palette's list is built before the extension's
 * contributions are in, and an open palette does not refresh it.
 */
export async function runFromPalette(wb: Workbench, title: string, timeout = 45_000): Promise<void> {
  await wb.step(`run ${title} from the palette`, async () => {
    const deadline = Date.now() + timeout;
    const input = wb.page.locator('.quick-input-widget input');
    // Anchored: "Run Query" must not pick "Dry Run Query".
    const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first();
    for (;;) {
      if (await wb.page.locator('.quick-input-widget').isVisible()) await wb.page.keyboard.press('Escape');
      try {
        // A tab that opens as the palette appears (a diff, a webview) takes the focus and
        // closes the palette: then the input is there but hidden, and the whole step repeats.
        await wb.page.keyboard.press('F1');
        await input.waitFor({ timeout: 10_000 });
        await input.fill(`>${title}`, { timeout: 5_000 });
        await row.waitFor({ timeout: 3_000 });
        // Clicked rather than Enter: Enter runs the highlighted row, which may be another match.
        await row.click();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await wb.page.keyboard.press('Escape');
        await wb.page.waitForTimeout(1_000);
      }
    }
  });
}
