/**
 * IntelliSense in cells, as a user meets it in Chromium: completions for `tf.` and `dfd.` and for
 * names declared in an earlier cell, the Kiln APIs' docs on hover, and a type error marked with a
 * squiggle that does not stop the cell from running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { saveScreenshot, type KilnSession } from './support/kiln';
import { openEmptyNotebook, outputText, waitForCellRun } from './support/kernel-page';
import { cellAt, cells, typeText } from './support/notebook-page';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

/** The tfjs and danfo declarations load after Monaco, in their own chunk; allow for a slow machine. */
const TYPES_TIMEOUT = 45_000;

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

/** Points the mouse at `target` (text or a squiggle under it) and waits for the hover to say `expected`. */
async function expectHover(page: Page, target: Locator, expected: string): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('nothing to hover: the target is not shown');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await expect.poll(() => hover.innerText().catch(() => ''), { timeout: 10_000 }).toContain(expected);
}

/** A token of a cell's editor, by its whole text. */
const token = (cell: Locator, text: string): Locator => cell.locator('.view-line span span', { hasText: new RegExp(`^${text}$`) }).first();

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
    await expectHover(page, squiggle.first(), "Type 'string' is not assignable to type 'number'.");
    await expectHover(page, token(cell, 'display'), 'Shows each value as a rich output below the cell');
    await saveScreenshot(page, 'intellisense-hover-display');

    await page.mouse.move(0, 0);
    await cell.locator('[data-testid="cell-editor"]').click();
    await page.keyboard.press('Shift+Enter');
    await waitForCellRun(page, 0, 1);
    expect(await outputText(page, 0)).toContain('x');
    expect(await cell.locator('[data-testid="cell-error"]').count()).toBe(0);
    expect(kiln.pageErrors).toEqual([]);
  }, 120_000);
});
