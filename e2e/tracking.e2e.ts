/**
 * Experiment tracking end to end: every model.fit becomes a run with its params and per-epoch
 * metrics (autolog), explicit runs carry an objective, an interrupted fit is marked interrupted,
 * runs are compared (curves, params diff), a bad filter says where it fails, and everything is
 * still there after a reload.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, type KilnSession } from './support/kiln';
import { captureDownload, cellAt, waitForNotebook, waitForToast } from './support/notebook-page';
import { openEmptyNotebook, waitForCellRun, waitForKernel, runCode } from './support/kernel-page';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

const TRAIN = `const xs = tf.randomNormal([96, 4]);
const ys = xs.sum(1, true).mul(0.5);
async function train(units: number, learningRate: number, epochs: number) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError', metrics: ['mae'] });
  return model.fit(xs, ys, { epochs, batchSize: 16, validationSplit: 0.25 });
}
const first = await train(8, 0.01, 4)`;

const rows = (page: Page) => page.locator('[data-testid="run-row"]');

async function rowOf(page: Page, text: RegExp) {
  const row = rows(page).filter({ hasText: text }).first();
  await row.waitFor({ timeout: 15_000 });
  return row;
}

describe('tracking', () => {
  it('logs every fit, compares runs, filters, keeps objectives and survives a reload', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;

    await runCode(page, 0, TRAIN);
    await waitForCellRun(page, 0, 1);
    await runCode(page, 0, 'const second = await train(16, 0.05, 4)');
    await waitForCellRun(page, 0, 2);
    await runCode(
      page,
      0,
      `const run = track.start({ experiment: 'manual', name: 'hand-tuned', params: { alpha: 0.5 }, tags: { baseline: true } })
run.log({ auc: 0.91 })
run.log({ auc: 0.93 })
run.end()
track.setObjective({ metric: 'auc', direction: 'max', threshold: 0.95 }, 'manual')`,
    );
    await waitForCellRun(page, 0, 3);
    expect(await cellAt(page, 0).locator('[data-testid="cell-error"]').count()).toBe(0);

    // A long fit, interrupted: its run ends as interrupted, not running.
    await runCode(page, 0, 'const long = await train(8, 0.01, 100000)');
    await page.locator('[data-testid="training-progress"][data-state="running"]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid="interrupt"]');
    await waitForKernel(page, 'idle');

    await page.click('[data-testid="view-runs"]');
    await page.locator('[data-testid="runs-view"]').waitFor();
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(4);
    await expect.poll(async () => (await rowOf(page, /interrupted/)).getAttribute('data-status'), { timeout: 15_000 }).toBe('interrupted');
    const statuses = await rows(page).evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.status).sort());
    expect(statuses).toEqual(['finished', 'finished', 'finished', 'interrupted']);

    // Autolog recorded the params and the per-epoch metrics of each fit.
    const table = page.locator('[data-testid="runs-table"]');
    for (const column of ['params.learning_rate', 'params.epochs', 'params.total_params', 'params.optimizer', 'metrics.val_loss', 'metrics.mae']) {
      expect(await table.locator(`th[data-column="${column}"]`).count(), column).toBe(1);
    }

    // Filter with the query language; a broken query says where and leaves the table alone.
    const query = page.locator('[data-testid="runs-query"]');
    await query.fill('params.learning_rate > 0.02');
    await expect.poll(() => rows(page).count()).toBe(1);
    await query.fill('params.learning_rate > ');
    await page.locator('[data-testid="query-error"]').waitFor();
    expect(await page.locator('[data-testid="query-error"]').innerText()).toMatch(/column|expected/i);
    expect(await rows(page).count()).toBe(1);
    await query.fill('');
    await expect.poll(() => rows(page).count()).toBe(4);

    // Compare the two finished autolog runs: curves and the params that differ.
    const autologRows = rows(page).filter({ hasText: /sequential/ }).filter({ hasText: /finished/ });
    expect(await autologRows.count()).toBe(2);
    await autologRows.nth(0).locator('[data-testid="run-select"]').check();
    await autologRows.nth(1).locator('[data-testid="run-select"]').check();
    await page.locator('[data-testid="compare-panel"]').waitFor();
    await page.locator('[data-testid="compare-curves"] .main-svg').first().waitFor({ timeout: 30_000 });
    const differing = await page.locator('[data-testid="param-differs"] th').allInnerTexts();
    expect(differing).toEqual(expect.arrayContaining(['learning_rate', 'layers', 'total_params']));
    expect(differing).not.toContain('epochs');
    await saveScreenshot(page, 'runs-compare');

    // The explicit run's experiment has its objective; the run misses the 0.95 target.
    await page.selectOption('[data-testid="experiment-select"]', 'manual');
    const manual = await rowOf(page, /hand-tuned/);
    expect(await manual.innerText()).toMatch(/below target/);
    expect(await page.locator('[data-testid="edit-objective"]').innerText()).toContain('max auc');

    // Everything is stored: a reload shows the same runs.
    await page.reload();
    await waitForNotebook(page);
    await page.click('[data-testid="view-runs"]');
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(4);

    // Export as CSV and JSON; delete every run; the JSON brings them all back, a broken file nothing.
    const csv = await captureDownload(page, () => page.click('[data-testid="export-runs-csv"]'));
    expect(csv.text.split(/\r?\n/)[0]).toContain('params.learning_rate');
    expect(csv.text.trim().split(/\r?\n/)).toHaveLength(5);
    const json = await captureDownload(page, () => page.click('[data-testid="export-runs-json"]'));
    const exported = JSON.parse(json.text) as { runs: unknown[]; metrics?: unknown[]; points?: unknown[] };
    expect(exported.runs).toHaveLength(4);
    for (const checkbox of await page.locator('[data-testid="run-select"]').all()) await checkbox.check();
    await page.click('[data-testid="delete-runs"]');
    // Opening the compare panel warms up the exporter (tfjs on the main thread), which can delay the table.
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(0);
    const importInput = page.locator('[data-testid="import-runs-input"]');
    await importInput.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"kiln-runs","version":1,"runs":[{"id":3}]}') });
    expect(await waitForToast(page, /Could not import broken\.json/)).toMatch(/(experiments|runs\[0\]).*Nothing was imported/s);
    expect(await rows(page).count()).toBe(0);
    await importInput.setInputFiles({ name: 'kiln-runs.json', mimeType: 'application/json', buffer: Buffer.from(json.text) });
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(4);
    const reimported = await rows(page).evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.status).sort());
    expect(reimported).toEqual(['finished', 'finished', 'finished', 'interrupted']);
    expect(kiln.pageErrors).toEqual([]);
  }, 180_000); // a whole journey: four trainings, an interrupt, a reload, an export and an import
});
