/**
 * Editing runs in the runs view: star, tag, note and rename persist across a reload; search finds
 * notes and tags; deleting two runs takes them (and their metric points) away and Undo brings them
 * back; "Export MLflow (zip)" downloads an mlruns/ file store. Runs are seeded through Import JSON,
 * so no kernel has to train first.
 */
import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRun, runId, summaryOf } from '../src/core/tracking/__fixtures__/make-run';
import { serializeRunsExport } from '../src/core/tracking/runs-json';
import type { MetricPoint, Run } from '../src/core/tracking/types';
import { openKiln, saveScreenshot, type KilnSession } from './support/kiln';
import { captureDownload, toasts, waitForNotebook, waitForToast } from './support/notebook-page';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

const EPOCHS = 8;
const START = Date.UTC(2026, 10, 2, 9, 0, 0);

/** A finished run with `EPOCHS` points of loss and val_acc, shaped by its learning rate. */
function seededRun(label: string, minute: number, params: Run['params'], tags: Record<string, string> = {}, notes = ''): { run: Run; points: MetricPoint[] } {
  const lr = Number(params.learning_rate);
  const loss = Array.from({ length: EPOCHS }, (_, epoch) => 1.2 * Math.exp(-lr * 30 * (epoch + 1)) + 0.05);
  const accuracy = loss.map((value) => Math.min(0.99, 1 - value / 1.5));
  const startedAt = START + minute * 60_000;
  const run = makeRun({ id: label, name: label, experiment: 'penguins', startedAt, endedAt: startedAt + 42_000, params, tags, notes, source: 'import', metrics: { loss: summaryOf(...loss), val_acc: summaryOf(...accuracy) } });
  const points = ['loss', 'val_acc'].flatMap((key) =>
    (key === 'loss' ? loss : accuracy).map((value, step) => ({ runId: run.id, key, step, value, timestamp: startedAt + (step + 1) * 5000 })),
  );
  return { run, points };
}

const SEEDED = [
  seededRun('baseline mlp', 0, { learning_rate: 0.01, units: 16, optimizer: 'adam' }),
  seededRun('wide mlp', 1, { learning_rate: 0.01, units: 64, optimizer: 'adam' }),
  seededRun('fast lr', 2, { learning_rate: 0.1, units: 16, optimizer: 'sgd' }, { sweep: 'lr' }),
  seededRun('tiny mlp', 3, { learning_rate: 0.01, units: 4, optimizer: 'adam' }, { draft: 'true' }, 'Underfits: 4 units are too few.'),
];

const rows = (page: Page) => page.locator('[data-testid="run-row"]');
const rowOf = (page: Page, name: string) => rows(page).filter({ has: page.locator('[data-testid="run-name"]', { hasText: new RegExp(`^${name}$`) }) });
const rowNames = (page: Page) => rows(page).locator('[data-testid="run-name"]').allInnerTexts();
const chipsOf = (page: Page, name: string) => rowOf(page, name).locator('[data-testid="tag-chip"]').evaluateAll((chips) => chips.map((chip) => (chip as HTMLElement).dataset.key));

async function openRunsView(page: Page): Promise<void> {
  await waitForNotebook(page);
  await page.click('[data-testid="view-runs"]');
  await page.locator('[data-testid="runs-view"]').waitFor();
}

async function addTag(page: Page, name: string, text: string): Promise<void> {
  await rowOf(page, name).hover();
  await rowOf(page, name).locator('[data-testid="tag-add"]').click();
  await rowOf(page, name).locator('[data-testid="tag-input"]').fill(text);
  await rowOf(page, name).locator('[data-testid="tag-input"]').press('Enter');
}

/** Every metric point of the runs shown, as Export JSON writes them. */
async function exportedPoints(page: Page): Promise<{ runId: string }[]> {
  const json = await captureDownload(page, () => page.click('[data-testid="export-runs-json"]'));
  return (JSON.parse(json.text) as { metrics: { runId: string }[] }).metrics;
}

describe('run editing', () => {
  it('stars, tags, notes and renames runs, keeps them after a reload, deletes with undo and exports for MLflow', async () => {
    kiln = await openKiln();
    const { page } = kiln;
    await openRunsView(page);
    const document = serializeRunsExport({ experiments: [{ name: 'penguins', createdAt: START }], runs: SEEDED.map((entry) => entry.run), points: SEEDED.flatMap((entry) => entry.points) });
    await page.locator('[data-testid="import-runs-input"]').setInputFiles({ name: 'runs.json', mimeType: 'application/json', buffer: Buffer.from(document) });
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(4);

    // Star from the first column.
    await rowOf(page, 'wide mlp').locator('[data-testid="run-star"]').click();
    await expect.poll(() => rowOf(page, 'wide mlp').locator('[data-testid="run-star"]').getAttribute('aria-pressed')).toBe('true');

    // Tags: add a label and a key=value, remove one with ×; a key-less tag is refused with the reason.
    await addTag(page, 'baseline mlp', 'baseline');
    await expect.poll(() => chipsOf(page, 'baseline mlp')).toEqual(['baseline']);
    await addTag(page, 'baseline mlp', 'team=vision');
    await expect.poll(() => chipsOf(page, 'baseline mlp')).toEqual(['baseline', 'team']);
    expect(await rowOf(page, 'baseline mlp').locator('[data-testid="tag-chip"]').last().innerText()).toContain('team: vision');
    await addTag(page, 'wide mlp', '=oops');
    expect(await rowOf(page, 'wide mlp').getByRole('alert').innerText()).toMatch(/needs a key/);
    await rowOf(page, 'wide mlp').locator('[data-testid="tag-input"]').press('Escape');
    expect(await chipsOf(page, 'wide mlp')).toEqual([]);
    await rowOf(page, 'tiny mlp').getByRole('button', { name: 'Remove tag draft' }).click();
    await expect.poll(() => chipsOf(page, 'tiny mlp')).toEqual([]);

    // A note, written in the notes column's editor.
    await rowOf(page, 'wide mlp').locator('[data-testid="note-cell"]').click();
    await page.locator('[data-testid="note-text"]').fill('Wider layers help.\nTry dropout next.');
    await saveScreenshot(page, 'runs-editing-note');
    await page.click('[data-testid="note-save"]');
    await expect.poll(() => rowOf(page, 'wide mlp').locator('[data-testid="note-cell"]').innerText()).toBe('Wider layers help. …');

    // Rename: double-click; an empty name is refused; Esc cancels; Enter saves.
    await rowOf(page, 'fast lr').locator('[data-testid="run-name"]').dblclick();
    const nameInput = page.locator('[data-testid="run-name-input"]');
    await nameInput.fill('  ');
    await nameInput.press('Enter');
    expect(await page.locator('[data-testid="run-name-problem"]').innerText()).toBe('A run needs a name.');
    await nameInput.press('Escape');
    expect(await rowNames(page)).toContain('fast lr');
    await rowOf(page, 'fast lr').hover();
    await rowOf(page, 'fast lr').getByRole('button', { name: 'Rename fast lr' }).click();
    await nameInput.fill('sgd lr 0.1');
    await nameInput.press('Enter');
    await expect.poll(() => rowNames(page)).toContain('sgd lr 0.1');

    // Search finds notes and tags; the star filters, as a toggle and in the query language.
    const query = page.locator('[data-testid="runs-query"]');
    await query.fill('dropout');
    await expect.poll(() => rowNames(page)).toEqual(['wide mlp']);
    await query.fill('vision');
    await expect.poll(() => rowNames(page)).toEqual(['baseline mlp']);
    await query.fill('starred');
    await expect.poll(() => rowNames(page)).toEqual(['wide mlp']);
    await query.fill("tags.team = 'vision' or starred");
    await expect.poll(() => rowNames(page)).toEqual(['wide mlp', 'baseline mlp']);
    await query.fill('');
    await page.click('[data-testid="starred-only"]');
    await expect.poll(() => rowNames(page)).toEqual(['wide mlp']);
    await page.click('[data-testid="starred-only"]');
    await expect.poll(() => rows(page).count()).toBe(4);

    await page.mouse.move(0, 0);
    await saveScreenshot(page, 'runs-editing-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await saveScreenshot(page, 'runs-editing-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Everything is stored.
    await page.reload();
    await openRunsView(page);
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(4);
    expect(await rowNames(page)).toEqual(['tiny mlp', 'sgd lr 0.1', 'wide mlp', 'baseline mlp']);
    expect(await rowOf(page, 'wide mlp').locator('[data-testid="run-star"]').getAttribute('aria-pressed')).toBe('true');
    expect(await chipsOf(page, 'baseline mlp')).toEqual(['baseline', 'team']);
    expect(await chipsOf(page, 'tiny mlp')).toEqual([]);
    expect(await rowOf(page, 'wide mlp').locator('[data-testid="note-cell"]').getAttribute('title')).toBe('Wider layers help.\nTry dropout next.');

    // The compare panel's run record shows the whole note and edits it too.
    await rowOf(page, 'wide mlp').locator('[data-testid="run-select"]').check();
    const record = page.locator('[data-testid="run-record"]');
    expect(await record.locator('[data-testid="run-notes"]').innerText()).toContain('Wider layers help.\nTry dropout next.');
    await record.locator('[data-testid="edit-note"]').click();
    await record.locator('[data-testid="note-text"]').fill('Wider layers help.\nTry dropout next.\nDropout 0.2: no gain.');
    await record.locator('[data-testid="note-text"]').press('Control+Enter');
    await expect.poll(() => record.locator('[data-testid="run-notes"]').innerText()).toContain('Dropout 0.2: no gain.');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    const note = 'Wider layers help.\nTry dropout next.\nDropout 0.2: no gain.';

    // The MLflow file store, zipped: experiment and run meta.yaml, params, metric lines, tags.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click('[data-testid="export-runs-mlflow"]')]);
    expect(download.suggestedFilename()).toBe('kiln-mlruns.zip');
    const files = unzipSync(new Uint8Array(await readFile(await download.path())));
    const text = (path: string) => {
      expect(Object.keys(files), path).toContain(path);
      return strFromU8(files[path]!);
    };
    expect(text('mlruns/0/meta.yaml')).toMatch(/^name: Default$/m);
    expect(text('mlruns/1/meta.yaml')).toMatch(/^name: penguins$/m);
    const wide = `mlruns/1/${runId('wide mlp')}`;
    expect(text(`${wide}/meta.yaml`)).toMatch(/^status: 3$/m);
    expect(text(`${wide}/params/units`)).toBe('64');
    const lossLines = text(`${wide}/metrics/loss`).trimEnd().split('\n');
    expect(lossLines).toHaveLength(EPOCHS);
    expect(lossLines[0]).toMatch(new RegExp(`^${START + 60_000 + 5000} \\d\\.\\d+ 0$`));
    expect(text(`${wide}/tags/mlflow.note.content`)).toBe(note);
    expect(text(`mlruns/1/${runId('fast lr')}/tags/mlflow.runName`)).toBe('sgd lr 0.1');
    expect(text(`mlruns/1/${runId('baseline mlp')}/tags/team`)).toBe('vision');
    expect(text(`mlruns/1/${runId('baseline mlp')}/tags/baseline`)).toBe('true');
    expect(Object.keys(files).filter((path) => /^mlruns\/1\/[0-9a-f]{32}\/meta\.yaml$/.test(path))).toHaveLength(4);

    // Delete two runs with the row checkboxes; Undo brings them back with every metric point.
    const pointsBefore = await exportedPoints(page);
    expect(pointsBefore).toHaveLength(4 * 2 * EPOCHS);
    await rowOf(page, 'tiny mlp').locator('[data-testid="run-select"]').check();
    await rowOf(page, 'sgd lr 0.1').locator('[data-testid="run-select"]').check();
    await page.click('[data-testid="delete-runs"]');
    await expect.poll(() => rowNames(page)).toEqual(['wide mlp', 'baseline mlp']);
    expect(await waitForToast(page, /Deleted 2 runs/)).toMatch(/Undo/);
    expect(await exportedPoints(page)).toHaveLength(2 * 2 * EPOCHS);
    await toasts(page).filter({ hasText: 'Deleted 2 runs' }).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rows(page).count()).toBe(4);
    const pointsAfter = await exportedPoints(page);
    expect(pointsAfter).toEqual(pointsBefore);
    expect(kiln.pageErrors).toEqual([]);
  }, 120_000);
});
