/**
 * Storage in real Chromium: a database written by schema version 1 opens with nothing lost;
 * without IndexedDB (private mode, blocked site data) Kiln still opens and edits in memory and
 * says so; a full disk while saving is reported, the edit stays, and saving resumes once there
 * is room again.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { kilnUrl, openKiln, saveScreenshot, type KilnSession } from './support/kiln';
import {
  DEMO_NAME,
  cellAt,
  cellTexts,
  expectCellTexts,
  readCells,
  saveIndicator,
  sidebarItem,
  typeText,
  waitForMode,
  waitForMonaco,
  waitForNotebook,
  waitForSaved,
  waitForSidebarNames,
  waitForTitle,
} from './support/notebook-page';
import { outputText } from './support/kernel-page';
import { sampleVersion1Data, writeVersion1Database } from '../src/store/version1-database.fixture';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

/**
 * A fresh profile parked on a static file of Kiln's origin (the app does not run there), so a test
 * can prepare storage or install init scripts before Kiln's first load.
 */
async function openBeforeKiln(): Promise<KilnSession> {
  return openKiln({ path: 'favicon.svg' });
}

async function loadKiln(page: Page): Promise<void> {
  await page.goto(kilnUrl(), { waitUntil: 'load' });
}

type StoredRecords = { notebooks: unknown[]; notebookContents: unknown[]; settings: unknown[] };

/** Every record in Kiln's database, read with the raw IndexedDB API from inside the page. */
function readStoredRecords(page: Page): Promise<StoredRecords> {
  return page.evaluate(
    () =>
      new Promise<StoredRecords>((resolve, reject) => {
        const request = indexedDB.open('kiln');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const names = ['notebooks', 'notebookContents', 'settings'] as const;
          const transaction = db.transaction([...names], 'readonly');
          const reads = names.map((name) => transaction.objectStore(name).getAll());
          transaction.oncomplete = () => {
            db.close();
            resolve({ notebooks: reads[0]!.result, notebookContents: reads[1]!.result, settings: reads[2]!.result });
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
  );
}

/** Appends a code cell with "+ Code" and types into it. */
async function typeInNewCodeCell(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="add-code-cell"]').click();
  await waitForMode(page, 'edit');
  await typeText(page, text);
}

describe('a database written by schema version 1', () => {
  it('opens with every notebook listed and every cell, output and setting kept', async () => {
    kiln = await openBeforeKiln();
    const { page } = kiln;
    const v1 = sampleVersion1Data('kiln');
    await page.evaluate(writeVersion1Database, v1);
    await loadKiln(page);

    // The last opened notebook comes back; both are listed, newest first; no demo is added.
    await waitForNotebook(page, 'Old analysis');
    expect(await waitForSidebarNames(page, (names) => names.length === 2)).toEqual(['Imported from Jupyter', 'Old analysis']);
    const analysis = await readCells(page);
    expect(analysis.map((cell) => cell.type)).toEqual(['markdown', 'code', 'code']);
    expect((await cellAt(page, 0).locator('[data-testid="markdown-rendered"] h1').innerText()).trim()).toBe('Old analysis');
    expect(analysis.slice(1).map((cell) => cell.text)).toEqual(['const answer = 6 * 7;\nanswer', 'missing()']);
    const shownOutput = await outputText(page, 1);
    expect(shownOutput).toContain('computing');
    expect(shownOutput).toContain('42');
    expect(await cellAt(page, 1).locator('[data-testid="execution-count"]').innerText()).toBe('[3]');
    // The collapsed error output stays collapsed, and says it is there.
    expect(await cellAt(page, 2).innerText()).toContain('1 output hidden');

    await sidebarItem(page, 'Imported from Jupyter').locator('.notebook-open').click();
    await waitForTitle(page, 'Imported from Jupyter');
    expect((await readCells(page)).map((cell) => [cell.type, cell.text])).toEqual([
      ['raw', 'raw text'],
      ['code', 'print("hi")'],
    ]);

    // Underneath, the records are the old ones plus the fields the upgrade fills in.
    const stored = await readStoredRecords(page);
    const byId = <T extends { id: string }>(records: readonly T[]) => [...records].sort((a, b) => a.id.localeCompare(b.id));
    expect(stored.notebookContents).toEqual(byId(v1.contents));
    expect(stored.notebooks).toEqual(byId(v1.notebooks).map((record) => ({ ...record, deletedAt: 0, revision: 1 })));
    expect(stored.settings).toContainEqual({ key: 'demoSeeded', value: true });

    // And the upgraded notebook saves like any other.
    await waitForMonaco(page);
    await typeInNewCodeCell(page, '// after the upgrade');
    await waitForSaved(page);
    const after = await readStoredRecords(page);
    const importedId = v1.notebooks[1]!.id;
    const savedRecord = after.notebooks.find((record) => (record as { id: string }).id === importedId) as { revision: number } | undefined;
    expect(savedRecord).toMatchObject({ cellCount: 3, deletedAt: 0 });
    expect(savedRecord?.revision).toBeGreaterThan(1);
    const savedCells = (after.notebookContents.find((record) => (record as { id: string }).id === importedId) as { cells: { source: string }[] }).cells;
    expect(savedCells.map((cell) => cell.source)).toEqual(['raw text', 'print("hi")', '// after the upgrade']);
    expect(kiln.pageErrors).toEqual([]);
  });
});

/** Ways browsers refuse IndexedDB; each init script runs before any of Kiln's code. */
const REFUSALS = [
  {
    name: 'open throws (site data blocked)',
    slug: 'blocked',
    reason: 'The user denied permission to access the database',
    install: () => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    },
  },
  {
    name: 'the open request fails (Firefox private mode)',
    slug: 'private-mode',
    reason: 'A mutation operation was attempted on a database that did not allow mutations',
    install: () => {
      IDBFactory.prototype.open = function refuse() {
        const request = new EventTarget() as EventTarget & { error: DOMException | null; onerror: ((event: Event) => void) | null };
        request.error = null;
        request.onerror = null;
        setTimeout(() => {
          request.error = new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
          const event = new Event('error', { cancelable: true });
          Object.defineProperty(event, 'target', { value: request });
          request.onerror?.(event);
        });
        return request as unknown as IDBOpenDBRequest;
      };
    },
  },
];

describe('IndexedDB unavailable', () => {
  it.each(REFUSALS)('when $name: opens the demo in memory, says nothing is saved, and keeps editing', async ({ slug, reason, install }) => {
    kiln = await openBeforeKiln();
    const { page } = kiln;
    await page.addInitScript(install);
    await loadKiln(page);

    await waitForNotebook(page, DEMO_NAME);
    const banner = page.locator('[data-testid="storage-banner"]');
    await banner.waitFor({ state: 'visible' });
    const bannerText = await banner.innerText();
    expect(bannerText).toContain('Browser storage (IndexedDB) is not available');
    expect(bannerText).toContain(reason);
    expect(bannerText).toContain('nothing is saved');
    expect(await saveIndicator(page).getAttribute('data-status')).toBe('memory-only');
    expect(await saveIndicator(page).innerText()).toContain('Not saved');
    // The sidebar lists the open notebook, not "No notebooks yet".
    const listed = page.locator('[data-testid="notebook-list"] [data-testid="notebook-item"]');
    expect(await listed.count()).toBe(1);
    expect(await listed.innerText()).toContain('memory only');
    expect(await listed.getAttribute('data-name')).toBe(DEMO_NAME);
    // Seen on arrival: the banner sits in the first screen, above the notebook.
    const box = await banner.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height).toBe(true);
    await saveScreenshot(page, `storage-unavailable-${slug}`);

    await waitForMonaco(page);
    const before = await cellTexts(page);
    await typeInNewCodeCell(page, '// kept in memory');
    expect(await expectCellTexts(page, [...before, '// kept in memory'])).toEqual([...before, '// kept in memory']);
    await page.waitForTimeout(1_000);
    expect(await saveIndicator(page).getAttribute('data-status')).toBe('memory-only');
    expect(kiln.pageErrors).toEqual([]);
  });
});

describe('storage full while saving', () => {
  it('shows a specific error, keeps the edit on screen, and saves again once there is room', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    await waitForSaved(page);
    await waitForMonaco(page);
    const before = await cellTexts(page);

    // From now on every IndexedDB write fails the way a full disk makes it fail, until switched off.
    await page.evaluate(() => {
      const state = window as unknown as { kilnStorageIsFull: boolean };
      state.kilnStorageIsFull = true;
      for (const method of ['put', 'add'] as const) {
        const original = IDBObjectStore.prototype[method];
        IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (state.kilnStorageIsFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return original.apply(this, args);
        };
      }
    });

    await typeInNewCodeCell(page, '// typed while full');
    const indicator = page.locator('[data-testid="save-indicator"][data-status="failed"]');
    await indicator.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await indicator.innerText()).toContain('Not saved');
    expect(await indicator.getAttribute('title')).toBe(
      `Browser storage is full: saving "${DEMO_NAME}" failed. Delete notebooks or clear outputs to free space.`,
    );
    // The reason must be readable without hovering: on screen, not only in a tooltip.
    const visibleReason = page.getByText(/storage is full/i).filter({ visible: true });
    expect.soft(await visibleReason.count(), 'a visible "storage is full" message').toBeGreaterThan(0);
    await saveScreenshot(page, 'storage-full');

    // Not stuck: typing goes on, and the edit stays on screen.
    await typeText(page, ' and more');
    const typed = [...before, '// typed while full and more'];
    expect(await expectCellTexts(page, typed)).toEqual(typed);
    await page.waitForTimeout(1_000);
    expect(await saveIndicator(page).getAttribute('data-status')).toBe('failed');

    // Room again: the next edit saves everything, and it survives a reload.
    await page.evaluate(() => {
      (window as unknown as { kilnStorageIsFull: boolean }).kilnStorageIsFull = false;
    });
    await typeText(page, '!');
    await waitForSaved(page);
    await page.reload();
    await waitForNotebook(page, DEMO_NAME);
    const kept = [...before, '// typed while full and more!'];
    expect(await expectCellTexts(page, kept)).toEqual(kept);
    expect(kiln.pageErrors).toEqual([]);
  });
});
