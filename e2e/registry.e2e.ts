/**
 * The model registry end to end: two fits registered as v1 and v2 of one model, promoted in turn
 * (the promotion shows candidate against production), rolled back in one click (the history says
 * so), and exported as a .zip that is unpacked here and checked. A run without a model is refused
 * with what to do, and so is deleting a registered run.
 */
import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { saveScreenshot, type KilnSession } from './support/kiln';
import { openEmptyNotebook, runCode, waitForCellRun } from './support/kernel-page';
import { cellAt, waitForToast } from './support/notebook-page';

let kiln: KilnSession | undefined;

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

const TRAIN = `track.setObjective({ metric: 'val_loss', direction: 'min' })
const xs = tf.randomNormal([96, 4]);
const ys = xs.sum(1, true).mul(0.5);
async function train(units: number, epochs: number) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  return model.fit(xs, ys, { epochs, batchSize: 16, validationSplit: 0.25 });
}
await train(4, 3)`;

const MODEL = 'Sum regressor';
const versionRow = (page: Page, version: number) => page.locator(`[data-testid="version-row"][data-version="${version}"]`);
const stageOf = (page: Page, version: number) => versionRow(page, version).getAttribute('data-stage');

async function registerRecord(page: Page, index: number): Promise<void> {
  const record = page.locator('[data-testid="run-record"]').nth(index);
  await record.locator('[data-testid="register-run"]').click();
  await record.locator('[data-testid="register-name"]').fill(MODEL);
  await record.locator('[data-testid="register-confirm"]').click();
  await record.locator('[data-testid="registered-as"], [data-testid="register-error"]').first().waitFor({ timeout: 10_000 });
  expect(await record.locator('[data-testid="register-error"]').count(), await record.innerText()).toBe(0);
}

async function promote(page: Page, version: number): Promise<string> {
  await versionRow(page, version).locator('[data-testid="promote"]').click();
  const comparison = (await page.locator('[data-testid="promote-comparison"]').innerText()).trim();
  await page.click('[data-testid="promote-confirm-button"]');
  await expect.poll(() => stageOf(page, version)).toBe('production');
  return comparison;
}

describe('model registry', () => {
  it('registers two runs, promotes, rolls back and exports production as a deployable zip', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;

    await runCode(page, 0, TRAIN);
    await waitForCellRun(page, 0, 1);
    await runCode(page, 0, 'await train(16, 12)');
    await waitForCellRun(page, 0, 2);
    await runCode(page, 0, `const bare = track.start({ experiment: 'manual', name: 'no-model' })
bare.log({ auc: 0.9 })
bare.end()`);
    await waitForCellRun(page, 0, 3);
    expect(await cellAt(page, 0).locator('[data-testid="cell-error"]').count()).toBe(0);

    // Register both fits (oldest first) as versions of one model.
    await page.click('[data-testid="view-runs"]');
    const fits = page.locator('[data-testid="run-row"]').filter({ hasText: /sequential/ });
    await expect.poll(() => fits.count(), { timeout: 15_000 }).toBe(2);
    await fits.nth(1).locator('[data-testid="run-select"]').check();
    await fits.nth(0).locator('[data-testid="run-select"]').check();
    await page.locator('[data-testid="compare-panel"]').waitFor();
    // Records follow the runs table, newest first: record 1 is the first fit.
    const records = page.locator('[data-testid="run-record"]');
    await registerRecord(page, 1);
    await registerRecord(page, 0);
    expect(await records.nth(1).locator('[data-testid="registered-as"]').innerText()).toContain(`${MODEL} v1`);

    await page.click('[data-testid="view-models"]');
    await page.locator('[data-testid="models-view"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="version-row"]').count(), { timeout: 10_000 }).toBe(2);

    // Promote v1, then v2: the confirmation compares v2's objective with production v1's.
    expect(await promote(page, 1)).toMatch(/val_loss \(lower is better\): candidate [\d.]+ vs production\s+[\d.—]/);
    const comparison = await promote(page, 2);
    expect(comparison).toMatch(/candidate [\d.]+ vs production v1 [\d.]+ — (better|worse)/);
    expect(await stageOf(page, 1)).toBe('archived');
    expect(await page.locator('[data-testid="model-summary"]').innerText()).toMatch(/production v2 · fallback v1/);

    // Roll back in one click; the history records it.
    await versionRow(page, 1).locator('[data-testid="rollback"]').click();
    await expect.poll(() => stageOf(page, 1)).toBe('production');
    expect(await stageOf(page, 2)).toBe('archived');
    const history = await page.locator('[data-testid="model-history"]').innerText();
    expect(history).toMatch(/rollback · v1: archived → production/);
    expect(history).toMatch(/rollback · v2: production → archived/);
    expect(history).toMatch(/promote · v2: none → production/);
    await saveScreenshot(page, 'registry-models');

    // Export production: a .zip arrives with the manifest, the model, the server and the Dockerfile.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click('[data-testid="export-production"]')]);
    expect(download.suggestedFilename()).toBe('sum-regressor-v1.zip');
    const files = unzipSync(new Uint8Array(await readFile(await download.path())));
    const root = 'sum-regressor-v1';
    const manifest = JSON.parse(strFromU8(files[`${root}/manifest.json`]!)) as { name: string; production: number; fallback: number | null; versions: { version: number; objective: { metric: string } }[] };
    expect([manifest.name, manifest.production, manifest.fallback]).toEqual([MODEL, 1, null]);
    expect(manifest.versions.map((entry) => [entry.version, entry.objective.metric])).toEqual([[1, 'val_loss']]);
    for (const path of ['models/v1/model.json', 'models/v1/weights.bin', 'models/v1/test-vectors.json', 'server/index.js', 'server/preprocess/index.js', 'Dockerfile', 'package.json', 'k8s/deployment.yaml']) {
      expect(files[`${root}/${path}`], path).toBeDefined();
    }
    const done = await page.locator('[data-testid="export-done"]').innerText();
    const seconds = Number(/in ([\d.]+) s/.exec(done)?.[1]);
    console.log(`registry e2e: export of production took ${seconds} s (${done.split('\n')[0]})`);
    // Speed belongs in the bench; this only catches an export that hangs (0.6 s measured on 2 shared cores).
    expect(seconds).toBeLessThan(5);

    // A second export of the same model (server sources already packed) is the steady-state time.
    await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), versionRow(page, 2).locator('[data-testid="export-version"]').click()]);
    const again = Number(/in ([\d.]+) s/.exec(await page.locator('[data-testid="export-done"]').innerText())?.[1]);
    console.log(`registry e2e: export of v2 took ${again} s`);
    expect(again).toBeLessThan(5);

    // A run without a model: Export explains what to do instead of downloading.
    await page.click('[data-testid="view-runs"]');
    await page.selectOption('[data-testid="experiment-select"]', 'manual');
    await page.locator('[data-testid="run-row"]').filter({ hasText: /no-model/ }).locator('[data-testid="run-select"]').check();
    const record = page.locator('[data-testid="run-record"]').filter({ hasText: /no-model/ });
    await record.locator('[data-testid="export-run"]').click();
    expect(await record.locator('[data-testid="export-error"]').innerText()).toMatch(/saved no model.*run\.logModel\(model\)/);
    await page.getByRole('button', { name: 'Clear selection' }).click();

    // Deleting a registered run (with one that is not) is refused, naming the version, and
    // nothing is deleted: the registry exports each version's model from its run.
    await page.selectOption('[data-testid="experiment-select"]', '');
    const allRows = page.locator('[data-testid="run-row"]');
    const rowCount = await allRows.count();
    await fits.nth(1).locator('[data-testid="run-select"]').check();
    await allRows.filter({ hasText: /no-model/ }).locator('[data-testid="run-select"]').check();
    await page.click('[data-testid="delete-runs"]');
    expect(await waitForToast(page, /Nothing was deleted/)).toMatch(new RegExp(`registered as ${MODEL} v1`));
    await page.waitForTimeout(300);
    expect(await allRows.count()).toBe(rowCount);
    expect(kiln.pageErrors).toEqual([]);
  }, 240_000);
});
