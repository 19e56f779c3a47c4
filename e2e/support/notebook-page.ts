/**
 * Page helpers for the notebook journeys: read what the user sees (cells in DOM order, the
 * sidebar, toasts) and do what the user does (command-mode keys, typing, downloads, uploads).
 * They read the DOM only; nothing reaches into the app's state.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';

export const DEMO_NAME = 'Penguins: from data to a deployable model';

export const notebookRoot = (page: Page): Locator => page.locator('[data-testid="notebook"]');
export const cells = (page: Page): Locator => page.locator('[data-testid="notebook"] [data-testid="cell"]');
export const cellAt = (page: Page, index: number): Locator => cells(page).nth(index);
export const saveIndicator = (page: Page): Locator => page.locator('[data-testid="save-indicator"]');
export const notebookItems = (page: Page): Locator => page.locator('[data-testid="notebook-list"] [data-testid="notebook-item"]');
export const toasts = (page: Page): Locator => page.locator('[data-testid="toast"]');

/** Waits until a notebook is shown with at least one cell and its title is filled in. */
export async function waitForNotebook(page: Page, name?: string, timeout = 20_000): Promise<void> {
  await notebookRoot(page).waitFor({ state: 'visible', timeout });
  await cellAt(page, 0).waitFor({ state: 'attached', timeout });
  if (name !== undefined) await waitForTitle(page, name, timeout);
}

export async function waitForTitle(page: Page, name: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (expected) => (document.querySelector('[data-testid="notebook-title"]') as HTMLInputElement | null)?.value === expected,
    name,
    { timeout },
  );
}

export async function notebookTitle(page: Page): Promise<string> {
  return page.locator('[data-testid="notebook-title"]').inputValue();
}

/** Waits until at least one cell editor has been upgraded to Monaco. */
export async function waitForMonaco(page: Page, timeout = 30_000): Promise<void> {
  await page.locator('[data-testid="cell-editor"][data-engine="monaco"] .monaco-editor .view-lines').first().waitFor({ state: 'attached', timeout });
}

export type CellSnapshot = { type: string; text: string; selected: boolean; engine: string | null };

/**
 * Every cell in DOM order, as the user reads it: the editor's text (plain textarea or Monaco's
 * rendered lines) or the rendered markdown.
 */
export async function readCells(page: Page): Promise<CellSnapshot[]> {
  return page.evaluate(() => {
    const normalise = (text: string) => text.replace(/\u00a0/g, ' ').replace(/\s+$/u, '');
    return [...document.querySelectorAll<HTMLElement>('[data-testid="notebook"] [data-testid="cell"]')].map((cell) => {
      const editor = cell.querySelector<HTMLElement>('[data-testid="cell-editor"]');
      const textarea = cell.querySelector<HTMLTextAreaElement>('textarea.plain-editor');
      const viewLines = cell.querySelector<HTMLElement>('.monaco-editor .view-lines');
      const rendered = cell.querySelector<HTMLElement>('[data-testid="markdown-rendered"]');
      let text = '';
      if (textarea) text = textarea.value;
      else if (viewLines) {
        const lines = [...viewLines.querySelectorAll<HTMLElement>('.view-line')].sort(
          (a, b) => parseFloat(a.style.top || '0') - parseFloat(b.style.top || '0'),
        );
        text = lines.map((line) => line.textContent ?? '').join('\n');
      } else if (rendered) text = rendered.innerText;
      return {
        type: cell.dataset.cellType ?? '',
        text: normalise(text),
        selected: cell.dataset.selected === 'true',
        engine: editor?.dataset.engine ?? null,
      };
    });
  });
}

export async function cellTexts(page: Page): Promise<string[]> {
  return (await readCells(page)).map((cell) => cell.text);
}

/** Polls until the cells' texts equal `expected` (the DOM settles a frame or two after a key). */
export async function expectCellTexts(page: Page, expected: string[], timeout = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let texts = await cellTexts(page);
  while (JSON.stringify(texts) !== JSON.stringify(expected) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    texts = await cellTexts(page);
  }
  return texts;
}

export async function selectedIndex(page: Page): Promise<number> {
  return (await readCells(page)).findIndex((cell) => cell.selected);
}

export async function notebookMode(page: Page): Promise<string | null> {
  return notebookRoot(page).getAttribute('data-mode');
}

export async function waitForMode(page: Page, mode: 'command' | 'edit', timeout = 5_000): Promise<void> {
  await page.locator(`[data-testid="notebook"][data-mode="${mode}"]`).waitFor({ state: 'attached', timeout });
}

/** Esc out of the editor into command mode. */
export async function leaveEditor(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await waitForMode(page, 'command');
}

/**
 * Types text where the caret is. Monaco's suggestion widget may open while typing identifiers;
 * the text typed here avoids characters that would accept a suggestion.
 */
export async function typeText(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 15 });
}

export async function waitForSaved(page: Page, timeout = 10_000): Promise<void> {
  await page.locator('[data-testid="save-indicator"][data-status="saved"]').waitFor({ state: 'attached', timeout });
}

export async function sidebarNames(page: Page): Promise<string[]> {
  return notebookItems(page).evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.name ?? ''));
}

export async function waitForSidebarNames(page: Page, predicate: (names: string[]) => boolean, timeout = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let names = await sidebarNames(page);
  while (!predicate(names) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    names = await sidebarNames(page);
  }
  return names;
}

export const sidebarItem = (page: Page, name: string): Locator => page.locator(`[data-testid="notebook-item"][data-name="${cssString(name)}"]`);

/** Hovers a sidebar entry (its buttons show on hover, as for a mouse user) and clicks one of them. */
export async function clickSidebarAction(page: Page, name: string, action: 'Rename' | 'Duplicate' | 'Delete'): Promise<void> {
  const item = sidebarItem(page, name);
  await item.hover();
  await item.getByRole('button', { name: `${action} ${name}`, exact: true }).click();
}

function cssString(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/** Clicks `trigger`, captures the download it starts and returns the file's name and text. */
export async function captureDownload(page: Page, trigger: () => Promise<void>): Promise<{ fileName: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), trigger()]);
  const file = await download.path();
  return { fileName: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

/** Chooses a file in the hidden .ipynb import input, as the file picker would. */
export async function importFile(page: Page, name: string, content: string | Buffer): Promise<void> {
  await page.locator('input[data-testid="import-ipynb-input"]').setInputFiles({
    name,
    mimeType: 'application/x-ipynb+json',
    buffer: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
  });
}

/** Waits for a toast whose text matches and returns its text. */
export async function waitForToast(page: Page, pattern: RegExp, timeout = 10_000): Promise<string> {
  const toast = toasts(page).filter({ hasText: pattern }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return (await toast.innerText()).trim();
}
