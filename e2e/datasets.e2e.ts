/**
 * Bringing data in: a CSV dropped on the notebook is checked, fingerprinted and stored in
 * IndexedDB, listed in the datasets panel, loaded by `data.load` in a cell, and still there after
 * a reload; a malformed file is refused with the row and column at fault, and nothing is stored.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, type KilnSession } from './support/kiln';
import { cellAt, waitForNotebook, waitForToast } from './support/notebook-page';
import { openEmptyNotebook, outputText, waitForCellRun, waitForKernel, runCode } from './support/kernel-page';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

const SALES_CSV = 'region,units,price\nnorth,12,3.5\nsouth,7,4.25\neast,30,2.0\n';
/** Row 3 opens a quote that never closes. */
const BROKEN_CSV = 'region,units\nnorth,12\n"south,7\neast,30\n';

/** Drops files on the page the way a browser does: dragenter, dragover, drop with a DataTransfer. */
async function dropFiles(page: Page, files: { name: string; content: string; type: string }[]): Promise<void> {
  await page.evaluate((toDrop) => {
    const transfer = new DataTransfer();
    for (const file of toDrop) transfer.items.add(new File([file.content], file.name, { type: file.type }));
    const target = document.querySelector('[data-testid="notebook"]') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, files);
}

const datasetItems = (page: Page) => page.locator('[data-testid="datasets-panel"] [data-testid="dataset-item"]');

describe('datasets', () => {
  it('stores a dropped CSV with its SHA-256, loads it in a cell, and keeps it across a reload', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;

    await dropFiles(page, [{ name: 'sales.csv', content: SALES_CSV, type: 'text/csv' }]);
    expect(await waitForToast(page, /Added sales\.csv/)).toMatch(/3 rows × 3 columns/);
    const item = datasetItems(page).filter({ hasText: 'sales.csv' });
    await item.waitFor();
    expect(await item.getAttribute('data-sha256')).toBe(createHash('sha256').update(SALES_CSV).digest('hex'));

    await runCode(page, 0, "const sales = await data.load('sales.csv')\nsales.shape.join(' x ')");
    await waitForCellRun(page, 0, 1);
    expect(await outputText(page, 0)).toContain('3 x 3');

    // The fingerprint the kernel records is the one the panel shows.
    await runCode(page, 0, "data.loaded().map((d) => `${d.name} ${d.sha256} ${d.rows}x${d.columns}`).join(';')");
    await waitForCellRun(page, 0, 2);
    expect(await outputText(page, 0)).toContain(`sales.csv ${createHash('sha256').update(SALES_CSV).digest('hex')} 3x3`);
    await saveScreenshot(page, 'datasets-loaded');

    await page.reload();
    await waitForNotebook(page);
    await datasetItems(page).filter({ hasText: 'sales.csv' }).waitFor();
    await waitForKernel(page, 'idle');
    await runCode(page, 0, "const reloaded = await data.load('sales.csv')\nreloaded.column('units').sum()");
    await waitForCellRun(page, 0, 1);
    expect((await outputText(page, 0)).trim()).toBe('49');
    expect(kiln.pageErrors).toEqual([]);
  });

  it('refuses a malformed CSV with the row and column at fault, and stores nothing', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;

    await dropFiles(page, [{ name: 'broken.csv', content: BROKEN_CSV, type: 'text/csv' }]);
    const message = await waitForToast(page, /Dataset not added/);
    expect(message).toMatch(/broken\.csv: row \d+, column \d+/);
    expect(await datasetItems(page).count()).toBe(0);

    // Asking for it anyway names what there is.
    await runCode(page, 0, "await data.load('broken.csv')");
    await waitForCellRun(page, 0, 1);
    const error = await cellAt(page, 0).locator('[data-testid="cell-error"]').innerText();
    expect(error).toContain("no such dataset");
    expect(error).toContain('penguins.csv');
    expect(kiln.pageErrors).toEqual([]);
  });

  it('adds a JSON file through the upload button, and inserts a cell that loads a bundled sample', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    const records = JSON.stringify([{ species: 'Adelie', mass: 3750 }, { species: 'Gentoo', mass: 5000 }]);
    await page.locator('[data-testid="dataset-upload-input"]').setInputFiles({ name: 'birds.json', mimeType: 'application/json', buffer: Buffer.from(records) });
    await datasetItems(page).filter({ hasText: 'birds.json' }).waitFor();
    await runCode(page, 0, "const birds = await data.load('birds.json')\nbirds.column('mass').mean()");
    await waitForCellRun(page, 0, 1);
    expect((await outputText(page, 0)).trim()).toBe('4375');

    // The bundled samples are listed too; a click inserts a cell below that loads one.
    await page.locator('[data-testid="sample-dataset"][data-name="penguins.csv"] button').click();
    const inserted = cellAt(page, 1);
    await expect.poll(() => inserted.getAttribute('data-cell-type')).toBe('code');
    await page.keyboard.press('Control+Enter');
    await waitForCellRun(page, 1, 2);
    expect(await outputText(page, 1)).toContain('Adelie');
    expect(kiln.pageErrors).toEqual([]);
  });
});
