/**
 * IntelliSense in cells, as a user meets it in Chromium: completions for `tf.` and `dfd.` and for
 * names declared in an earlier cell, the Kiln APIs' docs on hover, and a type error marked with a
 * squiggle that does not stop the cell from running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openKiln, saveScreenshot, type KilnSession } from './support/kiln';
import { openEmptyNotebook, outputText, waitForCellRun } from './support/kernel-page';
import { cellAt, cells, DEMO_NAME, typeText, waitForMonaco, waitForNotebook } from './support/notebook-page';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

/** The tfjs and danfo declarations load after Monaco, in their own chunk; allow for a slow machine. */
const TYPES_TIMEOUT = 45_000;
/** Monaco validates a model about half a second after it changes or appears; this leaves room. */
const VALIDATION_SETTLE_MS = 2_000;

const suggestWidget = (page: Page): Locator => page.locator('.suggest-widget.visible');

/** The labels in the open suggestion list (the rows it renders: filter by typing to bring one in). */
async function suggestionLabels(page: Page): Promise<string[]> {
  return suggestWidget(page).locator('.monaco-list-row .label-name').allInnerTexts();
}

/** Closes the suggestion list if it is open (Escape then closes the list, not the editor). */
async function closeSuggestions(page: Page): Promise<void> {
  if (await suggestWidget(page).count()) await page.keyboard.press('Escape');
  await suggestWidget(page).waitFor({ state: 'hidden' });
}

/**
 * Waits until the suggestion list at the caret offers `label`, and returns what it lists. While
 * waiting, suggestions are asked for again (Ctrl+Space): an earlier answer may predate the
 * library declarations.
 */
async function waitForSuggestion(page: Page, label: string, timeout = TYPES_TIMEOUT): Promise<string[]> {
  const row = suggestWidget(page).locator('.monaco-list-row .label-name', { hasText: new RegExp(`^${label}$`) }).first();
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await row.waitFor({ timeout: 2_000 }).then(() => true, () => false)) return suggestionLabels(page);
    if (Date.now() > deadline) throw new Error(`no suggestion "${label}" within ${timeout} ms; last list: ${(await suggestionLabels(page)).join(', ')}`);
    await closeSuggestions(page);
    await page.keyboard.press('Control+Space');
  }
}

/** Replaces the focused cell's text. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await typeText(page, text);
}

type Point = { x: number; y: number };

/**
 * Points the mouse at `target` until Monaco's hover says `expected`. The target is looked up
 * again on each try: a squiggle drawn while the text was half typed gives way to the final one.
 */
async function expectHover(page: Page, target: () => Promise<Point>, expected: string, timeout = 15_000): Promise<void> {
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  const deadline = Date.now() + timeout;
  let said = '';
  while (!said.includes(expected)) {
    if (Date.now() > deadline) throw new Error(`the hover did not say "${expected}" within ${timeout} ms; last: "${said}"`);
    const point = await target();
    await page.mouse.move(0, 0);
    await page.mouse.move(point.x, point.y);
    said = await hover.waitFor({ timeout: 3_000 }).then(() => hover.innerText(), () => '');
  }
}

async function centerOf(target: Locator): Promise<Point> {
  const box = await target.boundingBox();
  if (!box) throw new Error('nothing to point at: the target is not shown');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The middle of the first whole `word` in a cell's editor (one token span may hold several words). */
async function wordIn(cell: Locator, word: string): Promise<Point> {
  const lines = cell.locator('[data-engine="monaco"] .view-lines');
  await lines.waitFor();
  return lines.evaluate((root, wanted) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = (node.textContent ?? '').search(new RegExp(`\\b${wanted}\\b`));
      if (at === -1) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      const rect = range.getBoundingClientRect();
      return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
    }
    throw new Error(`no "${wanted}" in the editor`);
  }, word);
}

describe('IntelliSense', () => {
  it('completes tf. and dfd. from the library types, and names declared in an earlier cell', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await cellAt(page, 0).locator('[data-testid="cell-editor"]').click();

    await typeText(page, 'tf.');
    const startedAt = Date.now();
    await typeText(page, 'ten');
    const tensorLabels = await waitForSuggestion(page, 'tensor');
    console.info(`tf completions appeared ${Date.now() - startedAt} ms after typing (types load after Monaco)`);
    expect(tensorLabels).toEqual(expect.arrayContaining(['tensor', 'tensor2d', 'Tensor']));
    await saveScreenshot(page, 'intellisense-tf-completions');
    // With `tensor` selected, the details (Ctrl+Space) carry tfjs' own documentation.
    await typeText(page, 'sor');
    await waitForSuggestion(page, 'tensor');
    await page.keyboard.press('Control+Space');
    await expect.poll(() => page.locator('.suggest-details-container').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/Creates a tf\.Tensor/);
    await closeSuggestions(page);

    await retype(page, 'tf.seq');
    expect(await waitForSuggestion(page, 'sequential')).toContain('sequential');
    await closeSuggestions(page);

    await retype(page, 'dfd.Data');
    expect(await waitForSuggestion(page, 'DataFrame')).toContain('DataFrame');
    await closeSuggestions(page);

    // A name declared in one cell is offered in the next, as the kernel keeps it.
    await retype(page, 'const penguinCount = 3;');
    await page.keyboard.press('Shift+Enter');
    await waitForCellRun(page, 0, 1);
    await expect.poll(() => cells(page).count()).toBe(2);
    await typeText(page, 'penguinC');
    expect(await waitForSuggestion(page, 'penguinCount')).toContain('penguinCount');
    await closeSuggestions(page);
    expect(kiln.pageErrors).toEqual([]);
  }, 120_000);

  it('shows the docs of Kiln APIs on hover, and marks a type error without stopping the cell from running', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    const cell = cellAt(page, 0);
    await cell.locator('[data-testid="cell-editor"]').click();
    await typeText(page, "const n: number = 'x';");
    await page.keyboard.press('Enter');
    await typeText(page, 'display(n);');

    const squiggle = cell.locator('.squiggly-error');
    await squiggle.first().waitFor({ timeout: TYPES_TIMEOUT });
    await expectHover(page, () => centerOf(squiggle.first()), "Type 'string' is not assignable to type 'number'.");
    await expectHover(page, () => wordIn(cell, 'display'), 'Shows each value as a rich output below the cell');
    await saveScreenshot(page, 'intellisense-hover-display');

    await page.mouse.move(0, 0);
    await cell.locator('[data-testid="cell-editor"]').click();
    await page.keyboard.press('Shift+Enter');
    await waitForCellRun(page, 0, 1);
    expect(await outputText(page, 0)).toContain('x');
    expect(await cell.locator('[data-testid="cell-error"]').count()).toBe(0);
    expect(kiln.pageErrors).toEqual([]);
  }, 120_000);

  it('marks nothing in the demo notebook once the library types are in', async () => {
    kiln = await openKiln({ viewport: { width: 1280, height: 1000 } });
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    await waitForMonaco(page);
    // `tf.sequential` reads as its real signature only once the tfjs declarations are in.
    const modelCell = page.locator('[data-testid="cell"]', { hasText: 'tf.sequential' });
    await modelCell.scrollIntoViewIfNeeded();
    const startedAt = Date.now();
    await expectHover(page, () => wordIn(modelCell, 'sequential'), 'Sequential', TYPES_TIMEOUT);
    console.info(`tf.sequential's type shown ${Date.now() - startedAt} ms after Monaco came up on the demo notebook`);
    await page.mouse.move(0, 0);

    const codeCells = page.locator('[data-testid="cell"][data-cell-type="code"]');
    const count = await codeCells.count();
    expect(count).toBeGreaterThan(5);
    for (let i = 0; i < count; i += 1) {
      const cell = codeCells.nth(i);
      await cell.scrollIntoViewIfNeeded();
      await cell.locator('[data-testid="cell-editor"][data-engine="monaco"] .view-lines').waitFor();
      await page.waitForTimeout(VALIDATION_SETTLE_MS);
      expect(await cell.locator('.squiggly-error, .squiggly-warning').count(), `squiggles in code cell ${i}`).toBe(0);
    }

    // The same check sees a squiggle when there is one: a mistake typed into the last cell.
    const last = codeCells.nth(count - 1);
    await last.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await typeText(page, 'predicted.toFixed(2);');
    await last.locator('.squiggly-error').first().waitFor({ timeout: 10_000 });
    expect(kiln.pageErrors).toEqual([]);
  }, 120_000);
});
