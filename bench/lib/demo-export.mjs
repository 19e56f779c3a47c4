/**
 * The demo model's artifact, made the way a user makes it in Kiln's production build: open Kiln
 * (a fresh profile gets the demo notebook), Run all (the penguins data through preprocess.fit, a
 * 7→16→3 softmax network trained by autolog), register that fit as v1 of a model, promote it to
 * production and click Export. The .zip the browser downloads is returned with the time from the
 * click to the download.
 */
import { readFile } from 'node:fs/promises';
import { waitForKernelIdle } from './kiln-page.mjs';
import { openFreshPage, waitForSelector } from './page.mjs';

export const DEMO_MODEL_NAME = 'Penguin species';

const DEMO_TITLE = 'Penguins: from data to a deployable model';
const TRAINING_TIMEOUT_MS = 180_000;
const UI_TIMEOUT_MS = 20_000;

const testId = (id) => `[data-testid="${id}"]`;

async function runDemoNotebook(page, log) {
  await page.waitForFunction((title) => document.querySelector('[data-testid="notebook-title"]')?.value === title, DEMO_TITLE, { timeout: UI_TIMEOUT_MS });
  await waitForKernelIdle(page, { phase: 'before Run all' });
  await page.click(testId('run-all'));
  await waitForSelector(page, `${testId('training-progress')}[data-state="done"]`, { timeout: TRAINING_TIMEOUT_MS, phase: 'after Run all' });
  // The cells after the fit (accuracy, predictions) run too; the run's model is saved by then.
  await page.waitForFunction(
    () => ![...document.querySelectorAll('[data-testid="execution-count"]')].some((prompt) => /\[\*\]/.test(prompt.textContent ?? '')),
    undefined,
    { timeout: TRAINING_TIMEOUT_MS },
  );
  await waitForKernelIdle(page, { phase: 'after Run all' });
  const errors = await page.locator(testId('cell-error')).allInnerTexts();
  if (errors.length > 0) throw new Error(`the demo notebook failed: ${errors[0].slice(0, 300)}`);
  log('demo notebook ran');
}

async function registerAndPromote(page, log) {
  await page.click(testId('view-runs'));
  const fits = page.locator(testId('run-row')).filter({ hasText: /sequential/ });
  await fits.first().waitFor({ timeout: UI_TIMEOUT_MS });
  await fits.first().locator(testId('run-select')).check();
  const record = page.locator(testId('run-record')).first();
  await record.locator(testId('register-run')).click();
  await record.locator(testId('register-name')).fill(DEMO_MODEL_NAME);
  await record.locator(testId('register-confirm')).click();
  await record.locator(`${testId('registered-as')}, ${testId('register-error')}`).first().waitFor({ timeout: UI_TIMEOUT_MS });
  const refusal = record.locator(testId('register-error'));
  if ((await refusal.count()) > 0) throw new Error(`registering the demo run failed: ${await refusal.innerText()}`);

  await page.click(testId('view-models'));
  const version = page.locator(`${testId('version-row')}[data-version="1"]`);
  await version.waitFor({ timeout: UI_TIMEOUT_MS });
  await version.locator(testId('promote')).click();
  await page.click(testId('promote-confirm-button'));
  await page.waitForFunction(() => document.querySelector('[data-testid="version-row"][data-version="1"]')?.getAttribute('data-stage') === 'production', undefined, { timeout: UI_TIMEOUT_MS });
  log(`registered and promoted ${DEMO_MODEL_NAME} v1`);
}

/**
 * @returns {Promise<{zip: Uint8Array, fileName: string, exportMs: number, appSeconds: number | null}>}
 *   exportMs: Export click → the browser's download event, measured here;
 *   appSeconds: the duration the app itself reports in its status line.
 */
export async function exportDemoArtifact(ctx) {
  const session = await openFreshPage(ctx, {});
  try {
    const { page } = session;
    await page.goto(ctx.url, { waitUntil: 'load' });
    await runDemoNotebook(page, ctx.log);
    await registerAndPromote(page, ctx.log);
    // Let the view's background preparation (tfjs, packing the server) finish, as it would while a user reads the page.
    await page.waitForTimeout(1_000);
    const downloaded = page.waitForEvent('download', { timeout: 60_000 });
    const clickedAt = performance.now();
    await page.click(testId('export-production'));
    const download = await downloaded;
    const exportMs = performance.now() - clickedAt;
    const failure = await download.failure();
    if (failure) throw new Error(`the export download failed: ${failure}`);
    const zip = new Uint8Array(await readFile(await download.path()));
    const status = await page.locator(testId('export-done')).innerText({ timeout: UI_TIMEOUT_MS }).catch(() => '');
    const appSeconds = Number(/in ([\d.]+) s/.exec(status)?.[1] ?? Number.NaN);
    if (session.pageErrors.length > 0) throw new Error(`the page threw: ${session.pageErrors[0]}`);
    return { zip, fileName: download.suggestedFilename(), exportMs, appSeconds: Number.isFinite(appSeconds) ? appSeconds : null };
  } finally {
    await session.close();
  }
}
