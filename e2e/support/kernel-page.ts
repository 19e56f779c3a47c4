/**
 * Page helpers for kernel journeys: open an empty notebook with the kernel ready, run code in a
 * cell the way a user does, and read what it printed.
 */
import type { Page } from 'playwright-core';
import { openKiln, type KilnSession } from './kiln';
import { cellAt, DEMO_NAME, typeText, waitForMonaco, waitForNotebook } from './notebook-page';

export async function waitForKernel(page: Page, status: string, timeout = 60_000): Promise<void> {
  await page.locator(`[data-testid="kernel-status"][data-status="${status}"]`).waitFor({ timeout });
}

/** Opens Kiln in a fresh profile and a new, empty notebook with Monaco ready and the kernel idle. */
export async function openEmptyNotebook(): Promise<KilnSession> {
  const kiln = await openKiln();
  const { page } = kiln;
  try {
    await waitForNotebook(page, DEMO_NAME);
    await page.click('[data-testid="new-notebook"]');
    await page.locator('[data-testid="notebook"][data-cell-count="1"]').waitFor();
    await waitForMonaco(page);
    await waitForKernel(page, 'idle');
    return kiln;
  } catch (error) {
    await kiln.close();
    throw error;
  }
}

/** Types into the cell at `index` (focusing its editor) and runs it with Shift+Enter. */
export async function runInCell(page: Page, index: number, source: string): Promise<void> {
  await cellAt(page, index).locator('[data-testid="cell-editor"]').click();
  await typeText(page, source);
  await page.keyboard.press('Shift+Enter');
}

export async function outputText(page: Page, index: number): Promise<string> {
  const outputs = cellAt(page, index).locator('[data-testid="cell-outputs"]');
  await outputs.waitFor({ timeout: 30_000 });
  return outputs.innerText();
}

export async function waitForCellRun(page: Page, index: number, count: number): Promise<void> {
  await cellAt(page, index).locator('[data-testid="execution-count"]', { hasText: `[${count}]` }).waitFor({ timeout: 60_000 });
}


/**
 * Replaces the cell's text and runs it in place. insertText skips autocompletion, but Monaco still
 * auto-closes a bracket that starts the text, so sources passed here do not start with one.
 */
export async function runCode(page: Page, index: number, source: string): Promise<void> {
  await cellAt(page, index).locator('[data-testid="cell-editor"]').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Control+Enter');
}
