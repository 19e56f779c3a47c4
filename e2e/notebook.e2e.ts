/**
 * User journeys through the notebook, in headless Chromium against the production build. Every
 * test starts a fresh browser profile, so each one begins as a first visit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openKiln, saveScreenshot, type KilnSession } from './support/kiln';
import {
  DEMO_NAME,
  captureDownload,
  clickSidebarAction,
  cellAt,
  cellTexts,
  cells,
  expectCellTexts,
  importFile,
  leaveEditor,
  notebookItems,
  notebookMode,
  notebookTitle,
  readCells,
  selectedIndex,
  sidebarItem,
  sidebarNames,
  toasts,
  typeText,
  waitForMode,
  waitForMonaco,
  waitForNotebook,
  waitForSaved,
  waitForSidebarNames,
  waitForTitle,
  waitForToast,
} from './support/notebook-page';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

describe('first visit', () => {
  it('creates the demo notebook, shows it with rendered markdown and code cells, and lists it in the sidebar', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);

    const shown = await readCells(page);
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.filter((cell) => cell.type === 'code').length).toBeGreaterThan(2);
    // The first cell is markdown, rendered: its title is a heading, not "# ..." source text.
    expect(shown[0]?.type).toBe('markdown');
    const heading = cellAt(page, 0).locator('[data-testid="markdown-rendered"] h1');
    expect((await heading.innerText()).trim()).toBe(DEMO_NAME);
    expect(await cellAt(page, 0).locator('textarea, .monaco-editor').count()).toBe(0);
    // Code cells show their source in an editor.
    const firstCode = shown.find((cell) => cell.type === 'code');
    expect(firstCode?.text).toContain('data.load');

    expect(await sidebarNames(page)).toEqual([DEMO_NAME]);
    expect(await notebookItems(page).first().getAttribute('class')).toContain('is-open');
    expect(page.url()).toMatch(/#\/notebook\/nb_\w+$/);
    await saveScreenshot(page, 'notebook');

    await waitForMonaco(page);
    const engines = (await readCells(page)).map((cell) => cell.engine);
    expect(engines).toContain('monaco');
    // Monaco shows the same source the plain editor did.
    expect((await readCells(page)).find((cell) => cell.type === 'code')?.text).toBe(firstCode?.text);
    await saveScreenshot(page, 'notebook-monaco');
    expect(kiln.pageErrors).toEqual([]);
  });
});

describe('keyboard (Jupyter command mode)', () => {
  it('inserts, edits, retypes, navigates, moves, deletes and restores cells with single keys', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    await page.locator('[data-testid="new-notebook"]').click();
    await waitForTitle(page, 'Untitled');
    await expect.poll(() => cells(page).count()).toBe(1);
    await waitForMonaco(page);

    // Select the only cell by clicking its editor, type, then Esc to command mode.
    await cellAt(page, 0).locator('[data-testid="cell-editor"]').click();
    await waitForMode(page, 'edit');
    await typeText(page, '// one');
    await leaveEditor(page);
    expect(await expectCellTexts(page, ['// one'])).toEqual(['// one']);

    // B: a new code cell below, selected.
    await page.keyboard.press('b');
    expect(await expectCellTexts(page, ['// one', ''])).toEqual(['// one', '']);
    expect(await selectedIndex(page)).toBe(1);
    expect(await notebookMode(page)).toBe('command');

    // Enter edits it; typing goes into the new cell.
    await page.keyboard.press('Enter');
    await waitForMode(page, 'edit');
    await typeText(page, '// two');
    await leaveEditor(page);
    expect(await expectCellTexts(page, ['// one', '// two'])).toEqual(['// one', '// two']);

    // A: a new cell above the selected one.
    await page.keyboard.press('a');
    expect(await expectCellTexts(page, ['// one', '', '// two'])).toEqual(['// one', '', '// two']);
    expect(await selectedIndex(page)).toBe(1);
    await page.keyboard.press('Enter');
    await waitForMode(page, 'edit');
    await typeText(page, 'three');
    await leaveEditor(page);
    expect(await expectCellTexts(page, ['// one', 'three', '// two'])).toEqual(['// one', 'three', '// two']);

    // M: markdown (rendered), Y: back to code.
    await page.keyboard.press('m');
    await expect.poll(async () => (await readCells(page)).map((cell) => cell.type)).toEqual(['code', 'markdown', 'code']);
    expect(await cellAt(page, 1).locator('[data-testid="markdown-rendered"]').innerText()).toBe('three');
    await page.keyboard.press('y');
    await expect.poll(async () => (await readCells(page)).map((cell) => cell.type)).toEqual(['code', 'code', 'code']);
    expect(await expectCellTexts(page, ['// one', 'three', '// two'])).toEqual(['// one', 'three', '// two']);

    // J / K move the selection, not the cells.
    await page.keyboard.press('j');
    await expect.poll(() => selectedIndex(page)).toBe(2);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect.poll(() => selectedIndex(page)).toBe(0);
    await page.keyboard.press('j');
    await expect.poll(() => selectedIndex(page)).toBe(1);
    expect(await cellTextsNow()).toEqual(['// one', 'three', '// two']);

    // Ctrl+Shift+↓ moves the selected cell down; the selection follows it.
    await page.keyboard.press('Control+Shift+ArrowDown');
    expect(await expectCellTexts(page, ['// one', '// two', 'three'])).toEqual(['// one', '// two', 'three']);
    expect(await selectedIndex(page)).toBe(2);

    // D D deletes the selected (middle) cell; Z restores it at the same index.
    await page.keyboard.press('k');
    await expect.poll(() => selectedIndex(page)).toBe(1);
    await page.keyboard.press('d');
    // One D alone does nothing.
    expect(await cellTextsNow()).toEqual(['// one', '// two', 'three']);
    await page.keyboard.press('d');
    expect(await expectCellTexts(page, ['// one', 'three'])).toEqual(['// one', 'three']);
    await page.keyboard.press('z');
    expect(await expectCellTexts(page, ['// one', '// two', 'three'])).toEqual(['// one', '// two', 'three']);
    expect(await selectedIndex(page)).toBe(1);

    // ? opens the shortcut sheet; Esc closes it.
    const sheet = page.locator('dialog[aria-label="Keyboard shortcuts"]');
    await page.keyboard.press('?');
    await sheet.waitFor({ state: 'visible' });
    expect(await sheet.innerText()).toContain('Undo cell deletion');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    // Keys work again once the sheet is closed.
    await page.keyboard.press('j');
    await expect.poll(() => selectedIndex(page)).toBe(2);
    expect(kiln.pageErrors).toEqual([]);

    async function cellTextsNow(): Promise<string[]> {
      return (await readCells(page)).map((cell) => cell.text);
    }
  });
});

describe('autosave', () => {
  it('keeps an edit across a reload, both after "Saved" shows and 1 s after typing', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    await waitForMonaco(page);
    const before = await cellTexts(page);

    // "+ Code" appends a cell and puts the caret in it.
    await page.locator('[data-testid="add-code-cell"]').click();
    await waitForMode(page, 'edit');
    await typeText(page, '// autosaved line');
    expect(await expectCellTexts(page, [...before, '// autosaved line'])).toEqual([...before, '// autosaved line']);
    await waitForSaved(page);

    await page.reload();
    await waitForNotebook(page, DEMO_NAME);
    expect(await expectCellTexts(page, [...before, '// autosaved line'])).toEqual([...before, '// autosaved line']);

    // An edit visible for a second survives a reload even if nobody waited for "Saved".
    await waitForMonaco(page);
    await page.locator('[data-testid="add-markdown-cell"]').click();
    await waitForMode(page, 'edit');
    await typeText(page, 'Quick note');
    await page.waitForTimeout(1_000);
    await page.reload();
    await waitForNotebook(page, DEMO_NAME);
    const after = await readCells(page);
    expect(after.map((cell) => cell.text)).toEqual([...before, '// autosaved line', 'Quick note']);
    expect(after.at(-1)?.type).toBe('markdown');
    expect(kiln.pageErrors).toEqual([]);
  });
});

describe('many notebooks', () => {
  it('creates, renames, duplicates, searches, deletes and undoes a delete from the sidebar', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);

    // + New: an untitled notebook, opened and listed first (most recent).
    await page.locator('[data-testid="new-notebook"]').click();
    await waitForTitle(page, 'Untitled');
    expect(await waitForSidebarNames(page, (names) => names.length === 2)).toEqual(['Untitled', DEMO_NAME]);
    await waitForMonaco(page);
    await cellAt(page, 0).locator('[data-testid="cell-editor"]').click();
    await typeText(page, '// experiment body');
    await leaveEditor(page);
    await waitForSaved(page);

    // Rename by double-clicking its sidebar entry (the open notebook: the title follows).
    await sidebarItem(page, 'Untitled').locator('.notebook-open').dblclick();
    const renameInput = page.locator('[data-testid="notebook-list"] .rename-input');
    await renameInput.fill('Experiment A');
    await renameInput.press('Enter');
    await waitForTitle(page, 'Experiment A');
    expect(await waitForSidebarNames(page, (names) => names.includes('Experiment A'))).toEqual(['Experiment A', DEMO_NAME]);

    // Rename a notebook that is not open, with ✎; Esc on a second rename cancels it.
    await clickSidebarAction(page, DEMO_NAME, 'Rename');
    await renameInput.fill('Penguins (renamed)');
    await renameInput.press('Enter');
    expect((await waitForSidebarNames(page, (names) => names.includes('Penguins (renamed)'))).sort()).toEqual(['Experiment A', 'Penguins (renamed)']);
    await clickSidebarAction(page, 'Experiment A', 'Rename');
    await renameInput.fill('Should not stick');
    await renameInput.press('Escape');
    await renameInput.waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    expect((await sidebarNames(page)).sort()).toEqual(['Experiment A', 'Penguins (renamed)']);
    expect(await notebookTitle(page)).toBe('Experiment A');

    // Duplicate: a copy with the same cells, opened.
    await clickSidebarAction(page, 'Experiment A', 'Duplicate');
    await waitForTitle(page, 'Experiment A (copy)');
    expect(await expectCellTexts(page, ['// experiment body'])).toEqual(['// experiment body']);
    expect(await waitForSidebarNames(page, (names) => names.length === 3)).toContain('Experiment A (copy)');

    // Search filters the list as you type.
    const search = page.getByRole('searchbox', { name: 'Search notebooks' });
    await search.fill('copy');
    expect(await waitForSidebarNames(page, (names) => names.length === 1)).toEqual(['Experiment A (copy)']);
    await search.fill('PENGUINS');
    expect(await waitForSidebarNames(page, (names) => names.length === 1)).toEqual(['Penguins (renamed)']);
    await search.fill('no such notebook');
    expect(await waitForSidebarNames(page, (names) => names.length === 0)).toEqual([]);
    expect(await page.locator('[data-testid="notebook-list"] .empty').innerText()).toBe('No notebook matches.');
    await search.fill('');
    expect((await waitForSidebarNames(page, (names) => names.length === 3)).sort()).toEqual(['Experiment A', 'Experiment A (copy)', 'Penguins (renamed)']);

    // Delete the open notebook: it leaves the list and another opens; Undo brings it back.
    const copyUrl = page.url();
    await clickSidebarAction(page, 'Experiment A (copy)', 'Delete');
    const toastText = await waitForToast(page, /Deleted/);
    expect(toastText).toContain('Deleted “Experiment A (copy)”');
    expect((await waitForSidebarNames(page, (names) => names.length === 2)).sort()).toEqual(['Experiment A', 'Penguins (renamed)']);
    await expect.poll(() => notebookTitle(page)).not.toBe('Experiment A (copy)');
    await toasts(page).filter({ hasText: 'Deleted' }).getByRole('button', { name: 'Undo' }).click();
    expect((await waitForSidebarNames(page, (names) => names.length === 3)).sort()).toEqual(['Experiment A', 'Experiment A (copy)', 'Penguins (renamed)']);
    await waitForTitle(page, 'Experiment A (copy)');
    expect(page.url()).toBe(copyUrl);
    expect(await expectCellTexts(page, ['// experiment body'])).toEqual(['// experiment body']);

    // All of it is stored: a reload shows the same three notebooks.
    await page.reload();
    await waitForNotebook(page);
    expect((await waitForSidebarNames(page, (names) => names.length === 3)).sort()).toEqual(['Experiment A', 'Experiment A (copy)', 'Penguins (renamed)']);
    expect(kiln.pageErrors).toEqual([]);
  });
});

type IpynbJson = { nbformat: number; nbformat_minor: number; cells: { cell_type: string; source: string | string[]; outputs?: unknown[] }[] };
const joined = (source: string | string[]): string => (Array.isArray(source) ? source.join('') : source);

describe('.ipynb and HTML', () => {
  it('exports the notebook as nbformat 4 and imports that file back as a new notebook with the same cells', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    const shipped = JSON.parse(await readFile(path.join(inject('kilnDist'), 'demo', 'penguins.ipynb'), 'utf8')) as IpynbJson;
    const shown = await readCells(page);

    const { fileName, text } = await captureDownload(page, () => page.locator('[data-testid="export-ipynb"]').click());
    expect(fileName).toMatch(/\.ipynb$/);
    const exported = JSON.parse(text) as IpynbJson;
    expect(exported.nbformat).toBe(4);
    expect(exported.nbformat_minor).toBeGreaterThanOrEqual(4);
    expect(exported.cells.map((cell) => cell.cell_type)).toEqual(shipped.cells.map((cell) => cell.cell_type));
    expect(exported.cells.map((cell) => joined(cell.source))).toEqual(shipped.cells.map((cell) => joined(cell.source)));
    expect(exported.cells.map((cell) => cell.cell_type)).toEqual(shown.map((cell) => cell.type));

    const urlBefore = page.url();
    await importFile(page, fileName, text);
    expect(await waitForToast(page, /Imported/)).toContain(`Imported ${fileName} (${shipped.cells.length} cells)`);
    await expect.poll(() => page.url()).not.toBe(urlBefore);
    await waitForNotebook(page, fileName.replace(/\.ipynb$/, ''));
    expect(await waitForSidebarNames(page, (names) => names.length === 2)).toHaveLength(2);
    const imported = await readCells(page);
    expect(imported.map((cell) => cell.type)).toEqual(shown.map((cell) => cell.type));
    expect(imported.map((cell) => cell.text)).toEqual(shown.map((cell) => cell.text));
    expect(kiln.pageErrors).toEqual([]);
  });

  it('imports a Python Jupyter notebook verbatim, with its outputs shown and kept', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    const fixture = await readFile(path.join(ROOT, 'src/core/ipynb/__fixtures__/python-jupyter.ipynb'), 'utf8');
    const source = JSON.parse(fixture) as IpynbJson;

    await importFile(page, 'python-jupyter.ipynb', fixture);
    await waitForNotebook(page, 'python-jupyter');
    const shown = await readCells(page);
    expect(shown.map((cell) => cell.type)).toEqual(source.cells.map((cell) => cell.cell_type));
    // Code and raw cells show their source exactly (the hidden-input cell shows a bar instead).
    source.cells.forEach((cell, index) => {
      if (cell.cell_type === 'markdown' || index === 3) return;
      expect(shown[index]?.text, `cell ${index}`).toBe(joined(cell.source).replace(/\s+$/u, ''));
    });
    expect(await cellAt(page, 3).locator('.collapsed-bar').innerText()).toContain('input hidden');
    expect(await cellAt(page, 0).locator('[data-testid="markdown-rendered"] h1').innerText()).toBe('Iris exploration');

    // The outputs Jupyter saved are shown as they were.
    const outputs = (index: number) => cellAt(page, index).locator('[data-testid="cell-outputs"]');
    expect(await outputs(1).innerText()).toContain('loading iris.csv\n150 rows');
    expect(await outputs(1).innerText()).toContain('FutureWarning: something changed');
    expect(await outputs(2).locator('table').count()).toBeGreaterThan(0);
    expect(await outputs(2).innerText()).toContain('setosa');
    expect(await cellAt(page, 1).locator('[data-testid="execution-count"]').innerText()).toBe('[1]');
    // Output areas are not editable.
    expect(await page.locator('[data-testid="cell-outputs"] [contenteditable="true"], [data-testid="cell-outputs"] textarea, [data-testid="cell-outputs"] input').count()).toBe(0);

    // Kiln's kernel runs TypeScript: running a Python cell must not replace what Jupyter produced.
    await cellAt(page, 1).locator('[data-testid="execution-count"]').click();
    await waitForMode(page, 'command');
    await expect.poll(() => selectedIndex(page)).toBe(1);
    await page.keyboard.press('Control+Enter');
    expect(await waitForToast(page, /runs only TypeScript/)).toContain('python notebook');
    await page.waitForTimeout(1_000);
    expect(await outputs(1).innerText()).toContain('loading iris.csv\n150 rows');
    expect(await cellAt(page, 1).locator('[data-testid="cell-error"]').count()).toBe(0);
    expect(await cellAt(page, 1).locator('[data-testid="execution-count"]').innerText()).toBe('[1]');

    // Exported again, the Python outputs go back untouched.
    const { text } = await captureDownload(page, () => page.locator('[data-testid="export-ipynb"]').click());
    const exported = JSON.parse(text) as IpynbJson;
    expect(exported.cells.map((cell) => joined(cell.source))).toEqual(source.cells.map((cell) => joined(cell.source)));
    expect(exported.cells[1]?.outputs).toEqual(source.cells[1]?.outputs);
    expect(kiln.pageErrors).toEqual([]);
  });

  it('rejects malformed files with an error naming the problem and leaves the notebook list unchanged', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    await waitForSaved(page);
    const namesBefore = await waitForSidebarNames(page, (names) => names.length === 1);
    const titleBefore = await notebookTitle(page);

    const cases: { file: string; content: string; expected: RegExp }[] = [
      { file: 'not-json.ipynb', content: '{"cells": [', expected: /Could not import not-json\.ipynb: .*not valid JSON/ },
      {
        file: 'old-format.ipynb',
        content: JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] }),
        expected: /Could not import old-format\.ipynb: nbformat: .*nbformat 3/,
      },
      {
        file: 'bad-cell.ipynb',
        content: JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [
            { cell_type: 'markdown', metadata: {}, source: '# fine' },
            { cell_type: 'code', metadata: {}, source: 42, outputs: [], execution_count: null },
          ],
        }),
        expected: /Could not import bad-cell\.ipynb: cells\[1\]\.source: expected a string or an array of strings, got a number \(42\)/,
      },
    ];
    for (const { file, content, expected } of cases) {
      await importFile(page, file, content);
      const message = await waitForToast(page, expected);
      expect(message).toMatch(expected);
      expect(await toasts(page).filter({ hasText: file }).getAttribute('role')).toBe('alert');
    }
    await page.waitForTimeout(500);
    expect(await sidebarNames(page)).toEqual(namesBefore);
    expect(await notebookTitle(page)).toBe(titleBefore);
    await page.reload();
    await waitForNotebook(page, DEMO_NAME);
    expect(await waitForSidebarNames(page, (names) => names.length >= 1)).toEqual(namesBefore);
    expect(kiln.pageErrors).toEqual([]);
  });

  it('exports HTML with the rendered markdown', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    const { fileName, text } = await captureDownload(page, () => page.locator('[data-testid="export-html"]').click());
    expect(fileName).toMatch(/\.html$/);
    expect(text).toMatch(/^<!doctype html>/i);
    // The markdown title is rendered as a heading, not left as "# ..." source.
    expect(text).toMatch(new RegExp(`<h1[^>]*>\\s*${DEMO_NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*</h1>`));
    expect(text).not.toContain('# Penguins: from data');
    expect(text).toContain('data.load');
  });
});

describe('two tabs', () => {
  it('keeps the second tab read-only until it takes over, then hands it the latest edits', async () => {
    kiln = await openKiln();
    const { page: first, context } = kiln;
    await waitForNotebook(first, DEMO_NAME);
    await waitForMonaco(first);
    const before = await cellTexts(first);

    const second = await context.newPage();
    const secondErrors: string[] = [];
    second.on('pageerror', (error) => secondErrors.push(error.message));
    await second.goto(first.url());
    await waitForNotebook(second, DEMO_NAME);
    await second.locator('[data-testid="read-only-banner"]').waitFor({ state: 'visible' });
    expect(await second.locator('[data-testid="read-only-banner"]').innerText()).toContain('open in another tab');
    expect(await second.locator('[data-testid="save-indicator"]').getAttribute('data-status')).toBe('read-only');
    expect(await first.locator('[data-testid="read-only-banner"]').count()).toBe(0);

    // The second tab cannot edit: no add buttons, read-only editors, command keys do nothing.
    expect(await second.locator('[data-testid="add-code-cell"]').count()).toBe(0);
    expect(await second.locator('[data-testid="cell-editor"][data-editable="true"]').count()).toBe(0);
    await waitForMonaco(second);
    const secondCode = second.locator('[data-testid="cell"][data-cell-type="code"]').first();
    await secondCode.locator('[data-testid="cell-editor"]').click();
    await typeText(second, 'zzz');
    await second.keyboard.press('Escape');
    await second.keyboard.press('b');
    await second.keyboard.press('d');
    await second.keyboard.press('d');
    await second.waitForTimeout(300);
    expect(await cellTexts(second)).toEqual(before);

    // The first tab keeps editing, and the read-only tab follows what it saves.
    await first.locator('[data-testid="add-code-cell"]').click();
    await waitForMode(first, 'edit');
    await typeText(first, '// from the first tab');
    await waitForSaved(first);
    expect(await expectCellTexts(second, [...before, '// from the first tab'])).toEqual([...before, '// from the first tab']);

    // More edits, then the second tab takes over.
    await typeText(first, ' again');
    await waitForSaved(first);
    await second.locator('[data-testid="take-over"]').click();
    await second.locator('[data-testid="read-only-banner"]').waitFor({ state: 'detached' });
    await first.locator('[data-testid="read-only-banner"]').waitFor({ state: 'visible' });
    expect(await first.locator('[data-testid="read-only-banner"]').innerText()).toContain('Another tab took this notebook over');
    expect(await expectCellTexts(second, [...before, '// from the first tab again'])).toEqual([...before, '// from the first tab again']);
    expect(await first.locator('[data-testid="add-code-cell"]').count()).toBe(0);

    // The second tab now edits and saves; the first, read-only, follows.
    await second.locator('[data-testid="add-markdown-cell"]').click();
    await waitForMode(second, 'edit');
    await typeText(second, 'Written in the second tab');
    await leaveEditor(second);
    await waitForSaved(second);
    const expected = [...before, '// from the first tab again', 'Written in the second tab'];
    expect(await expectCellTexts(second, expected)).toEqual(expected);
    expect(await expectCellTexts(first, expected)).toEqual(expected);

    // The first tab's edits are refused now.
    await first.keyboard.press('Escape');
    await first.keyboard.press('b');
    await first.waitForTimeout(300);
    expect(await cellTexts(first)).toEqual(expected);
    expect(kiln.pageErrors).toEqual([]);
    expect(secondErrors).toEqual([]);
  });

  it('keeps a rename made in another tab: the owning tab shows it and its next save keeps it', async () => {
    kiln = await openKiln();
    const { page: first, context } = kiln;
    await waitForNotebook(first, DEMO_NAME);
    await waitForMonaco(first);

    // The second tab, where the demo is open read-only, renames it: the writing tab takes the name.
    const second = await context.newPage();
    await second.goto(first.url());
    await waitForNotebook(second, DEMO_NAME);
    await second.locator('[data-testid="read-only-banner"]').waitFor({ state: 'visible' });
    const renameInput = second.locator('[data-testid="notebook-list"] .rename-input');
    await clickSidebarAction(second, DEMO_NAME, 'Rename');
    await renameInput.fill('Penguins, renamed read-only');
    await renameInput.press('Enter');
    await waitForTitle(first, 'Penguins, renamed read-only');
    await waitForTitle(second, 'Penguins, renamed read-only');

    // Then it opens a notebook of its own and renames the demo again, now not open there.
    await second.locator('[data-testid="new-notebook"]').click();
    await waitForTitle(second, 'Untitled');
    await clickSidebarAction(second, 'Penguins, renamed read-only', 'Rename');
    await renameInput.fill('Penguins, renamed elsewhere');
    await renameInput.press('Enter');

    await waitForTitle(first, 'Penguins, renamed elsewhere');
    await first.locator('[data-testid="add-code-cell"]').click();
    await waitForMode(first, 'edit');
    await typeText(first, '// edited after the rename');
    await waitForSaved(first);

    // What is stored: a fresh tab lists the new name, and the demo under it has the new cell.
    const third = await context.newPage();
    await third.goto(first.url());
    expect((await waitForSidebarNames(third, (names) => names.length === 2)).sort()).toEqual(['Penguins, renamed elsewhere', 'Untitled']);
    await sidebarItem(third, 'Penguins, renamed elsewhere').locator('.notebook-open').click();
    await waitForTitle(third, 'Penguins, renamed elsewhere');
    expect(await expectCellTexts(third, await cellTexts(first))).toContain('// edited after the rename');
    expect(kiln.pageErrors).toEqual([]);
  });
});
