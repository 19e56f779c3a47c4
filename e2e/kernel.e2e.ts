/**
 * The kernel, end to end in headless Chromium: cells share state, errors point at the cell's
 * TypeScript, an endless loop and a long fit are interrupted without losing variables, the
 * backend is switched from the toolbar, restart clears variables, a dense network trains on
 * wasm in Kiln's fused step to the weights tfjs reaches on the CPU, and the demo trains a real
 * model on the penguins data with live progress.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openKiln, saveScreenshot, type KilnSession } from './support/kiln';
import type { Page } from 'playwright-core';
import { cellAt, cells, DEMO_NAME, notebookMode, readCells, typeText, waitForNotebook, waitForToast } from './support/notebook-page';
import { openEmptyNotebook, outputText, runCode, runInCell, waitForCellRun, waitForKernel } from './support/kernel-page';

let kiln: KilnSession | undefined;

/** The Ctrl bit of CDP's `modifiers`. */
const CTRL = 2;

/** The fields of CDP's Input.dispatchKeyEvent used here. */
type KeyEvent = { type: 'rawKeyDown' | 'keyDown' | 'keyUp'; modifiers?: number; key: string; code: string; text?: string; unmodifiedText?: string; windowsVirtualKeyCode: number };

/** Sends key events without waiting for each to be handled, so they reach the page back to back. */
async function sendKeysAtOnce(page: Page, events: KeyEvent[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await Promise.all(events.map((event) => cdp.send('Input.dispatchKeyEvent', event)));
  } finally {
    await cdp.detach();
  }
}

afterEach(async () => {
  await kiln?.close();
  kiln = undefined;
});

describe('kernel', () => {
  it('keeps top-level declarations between cells, allows re-declaring, and shows the last value', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runInCell(page, 0, 'const base = 21');
    await waitForCellRun(page, 0, 1);
    // Shift+Enter on the last cell inserts a new one below, in edit mode, as in Jupyter.
    await expect.poll(() => cells(page).count()).toBe(2);
    await typeText(page, 'const doubled: number = base * 2\ndoubled');
    await page.keyboard.press('Shift+Enter');
    await waitForCellRun(page, 1, 2);
    expect((await outputText(page, 1)).trim()).toBe('42');

    // Re-running a cell that declares a const is not an "already declared" error.
    await cellAt(page, 0).locator('[data-testid="cell-editor"]').click();
    await page.keyboard.press('Control+Enter');
    await waitForCellRun(page, 0, 3);
    expect(await cellAt(page, 0).locator('[data-testid="cell-error"]').count()).toBe(0);
  });

  it('acts in command mode on a key pressed at once after Ctrl+Enter, before the run is drawn', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    const source = '6 * 7';
    await cellAt(page, 0).locator('[data-testid="cell-editor"]').click();
    await page.keyboard.insertText(source);
    // Ctrl+Enter then B, sent together as from a fast typist: B reaches the page before the
    // kernel's answer, while the run's start is still held back (state/run-start-hold.ts).
    await sendKeysAtOnce(page, [
      { type: 'rawKeyDown', modifiers: CTRL, key: 'Control', code: 'ControlLeft', windowsVirtualKeyCode: 17 },
      { type: 'rawKeyDown', modifiers: CTRL, key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 },
      { type: 'keyUp', modifiers: CTRL, key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 },
      { type: 'keyUp', key: 'Control', code: 'ControlLeft', windowsVirtualKeyCode: 17 },
      { type: 'keyDown', key: 'b', code: 'KeyB', text: 'b', unmodifiedText: 'b', windowsVirtualKeyCode: 66 },
      { type: 'keyUp', key: 'b', code: 'KeyB', windowsVirtualKeyCode: 66 },
    ]);
    await waitForCellRun(page, 0, 1);
    expect((await outputText(page, 0)).trim()).toBe('42');
    // B inserted a cell below and selected it, as in Jupyter's command mode; the editor got no "b".
    await expect.poll(() => readCells(page)).toEqual([
      expect.objectContaining({ text: source, selected: false }),
      expect.objectContaining({ text: '', selected: true }),
    ]);
    expect(await notebookMode(page)).toBe('command');
  });

  it('reports a runtime error at the line and column of the cell source', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runInCell(page, 0, "const label: string = 'ok';\nconst missing: any = undefined;\nmissing.field");
    await waitForCellRun(page, 0, 1);
    const error = cellAt(page, 0).locator('[data-testid="cell-error"]');
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toContain('TypeError');
    expect(text).toMatch(/line 3, column 9/);
    await saveScreenshot(page, 'kernel-error');
  });

  it('refuses close() in a cell with an error, and the kernel keeps its variables', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runCode(page, 0, 'const survivor = 5;\nclose()');
    await waitForCellRun(page, 0, 1);
    expect(await cellAt(page, 0).locator('[data-testid="cell-error"]').innerText()).toMatch(/close\(\) would stop the kernel/);
    await runCode(page, 0, 'survivor * 2');
    await waitForCellRun(page, 0, 2);
    expect((await outputText(page, 0)).trim()).toBe('10');
  });

  it('says when a cell ran out of memory, with what the kernel holds, and the kernel keeps its variables', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    // Past what a typed array may hold: the RangeError tfjs also throws once the wasm heap is full.
    await runCode(page, 0, 'const kept = tf.ones([1000]);\nconst huge = tf.zeros([2 ** 33]);');
    await waitForCellRun(page, 0, 1);
    const text = await cellAt(page, 0).locator('[data-testid="cell-error"]').innerText();
    expect(text).toMatch(/RangeError: Invalid typed array length/);
    expect(text).toMatch(/ran out of memory: it holds 4\.0 kB in 1 tensor \(tf\.memory\(\)\)/);
    await saveScreenshot(page, 'kernel-out-of-memory');
    await runCode(page, 0, 'kept.sum().dataSync()[0]');
    await waitForCellRun(page, 0, 2);
    expect((await outputText(page, 0)).trim()).toBe('1000');
  });

  it('interrupts an endless loop within a second and keeps the variables', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runInCell(page, 0, 'let kept = 7');
    await waitForCellRun(page, 0, 1);
    await typeText(page, 'while (true) {}');
    await page.keyboard.press('Shift+Enter');
    await waitForKernel(page, 'busy');
    const interruptedAt = Date.now();
    await page.click('[data-testid="interrupt"]');
    await waitForKernel(page, 'idle', 5_000);
    expect(Date.now() - interruptedAt).toBeLessThan(2_000);
    expect(await outputText(page, 1)).toMatch(/interrupt/i);

    await cellAt(page, 2).locator('[data-testid="cell-editor"]').click();
    await typeText(page, 'kept + 1');
    await page.keyboard.press('Control+Enter');
    await waitForCellRun(page, 2, 3);
    expect((await outputText(page, 2)).trim()).toBe('8');
  });

  it('interrupts a long fit at the next batch, keeps the model and data, and ends its run as interrupted', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runCode(page, 0, `const xs = tf.randomNormal([2048, 8]);
const ys = xs.sum(1, true);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 32, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 10000, batchSize: 32 })`);
    await cellAt(page, 0).locator('[data-testid="training-progress"]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid="interrupt"]');
    await waitForKernel(page, 'idle', 10_000);
    expect(await outputText(page, 0)).toMatch(/interrupt/i);

    // Not a restart: the model and its data are still there (8·32+32 + 32+1 parameters, 2048 rows).
    await page.click('[data-testid="add-code-cell"]');
    await typeText(page, 'model.countParams() + xs.shape[0]');
    await page.keyboard.press('Control+Enter');
    await waitForCellRun(page, 1, 2);
    expect((await outputText(page, 1)).trim()).toBe(String(8 * 32 + 32 + 32 + 1 + 2048));

    await page.click('[data-testid="view-runs"]');
    await expect.poll(() => page.locator('[data-testid="run-row"]').first().innerText(), { timeout: 15_000 }).toMatch(/interrupted/);
  });

  it('trains a dense network on wasm without a gradient tape, to the weights tfjs reaches on the CPU backend', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    // The same seeded model and data on wasm (Kiln's fused step) and on CPU (tfjs' own training).
    await runCode(
      page,
      0,
      [
        'const xs = tf.tensor2d(Array.from({ length: 96 * 4 }, (_, i) => Math.sin(i * 0.37)), [96, 4]);',
        'const ys = tf.tensor2d(Array.from({ length: 96 }, (_, i) => Math.cos(i * 0.21)), [96, 1]);',
        'async function trainOn(backend: string) {',
        'await tf.setBackend(backend);',
        "const layers = [tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }), tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) })];",
        'const model = tf.sequential({ layers });',
        "model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });",
        'const profile = await tf.profile(async () => { await model.fit(xs, ys, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 }); });',
        'return { weights: model.getWeights().flatMap((w) => Array.from(w.dataSync())), kernels: profile.kernels.map((k) => k.name) };',
        '}',
        "const onWasm = await trainOn('wasm');",
        "const onCpu = await trainOn('cpu');",
        "await tf.setBackend('wasm');",
        'const largestDifference = Math.max(...onWasm.weights.map((w, i) => Math.abs(w - onCpu.weights[i])));',
        "console.log('RESULT' + JSON.stringify({ largestDifference, wasmKernels: [...new Set(onWasm.kernels)], cpuKernels: [...new Set(onCpu.kernels)] }));",
      ].join('\n'),
    );
    await waitForCellRun(page, 0, 1);
    const line = (await outputText(page, 0)).split('\n').find((text) => text.startsWith('RESULT'));
    const result = JSON.parse((line ?? 'RESULT{}').slice('RESULT'.length)) as { largestDifference: number; wasmKernels: string[]; cpuKernels: string[] };
    expect(result.largestDifference).toBeLessThan(1e-5);
    // tfjs multiplies through its engine on the CPU; Kiln's fused step calls XNNPACK directly.
    expect(result.cpuKernels).toContain('BatchMatMul');
    expect(result.wasmKernels.length).toBeGreaterThan(0);
    expect(result.wasmKernels.filter((name) => /MatMul|KilnDense/.test(name))).toEqual([]);
  });

  it('switches the backend from the toolbar: the kernel restarts on it and says that variables were lost', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runCode(page, 0, 'const before = 1');
    await waitForCellRun(page, 0, 1);
    await page.selectOption('[data-testid="backend-select"]', 'cpu');
    expect(await waitForToast(page, /restarted on the cpu backend/)).toMatch(/variables were lost/);
    await waitForKernel(page, 'idle');
    await runCode(page, 0, "tf.getBackend() + ' ' + typeof before");
    await waitForCellRun(page, 0, 1);
    expect((await outputText(page, 0)).trim()).toBe('cpu undefined');

    // The choice is remembered: a reload starts the kernel on it.
    await page.reload();
    await waitForKernel(page, 'idle');
    expect(await page.locator('[data-testid="backend-select"]').inputValue()).toBe('cpu');

    // A backend that cannot start here (WebGPU without a GPU adapter) is not replaced silently.
    await page.selectOption('[data-testid="backend-select"]', 'webgpu');
    await waitForToast(page, /restarted on the webgpu backend/);
    await waitForKernel(page, 'idle');
    const runsOn = await page.locator('[data-testid="backend-select"]').getAttribute('title');
    if (runsOn !== 'Training runs on webgpu') {
      expect(await waitForToast(page, /The webgpu backend could not start: /)).toMatch(/The kernel runs on (wasm|webgl|cpu)\./);
    }
  });

  it('restart clears every variable', async () => {
    kiln = await openEmptyNotebook();
    const { page } = kiln;
    await runInCell(page, 0, 'const gone = 1');
    await waitForCellRun(page, 0, 1);
    await page.click('[data-testid="restart"]');
    await waitForKernel(page, 'idle');
    await cellAt(page, 1).locator('[data-testid="cell-editor"]').click();
    await typeText(page, 'typeof gone');
    await page.keyboard.press('Control+Enter');
    await waitForCellRun(page, 1, 1);
    expect((await outputText(page, 1)).trim()).toContain('undefined');
  });

  it('runs the demo: loads the penguins table, charts it, trains with live progress and predicts', async () => {
    kiln = await openKiln({ viewport: { width: 1280, height: 1000 } });
    const { page } = kiln;
    await waitForNotebook(page, DEMO_NAME);
    await waitForKernel(page, 'idle');
    await page.click('[data-testid="run-all"]');
    await page.locator('[data-testid="training-progress"][data-state="done"]').waitFor({ timeout: 120_000 });
    await waitForKernel(page, 'idle', 60_000);

    expect(await page.locator('[data-testid="cell-error"]').count()).toBe(0);
    const table = page.locator('.data-table').first();
    expect(await table.innerText()).toContain('Adelie');
    expect(await page.locator('.chart .main-svg').count()).toBeGreaterThan(0);
    expect(await page.locator('.output-model').innerText()).toContain('Total params: 179');
    const predictions = await page.locator('[data-testid="cell"]').last().locator('xpath=preceding-sibling::*[1]').innerText();
    expect(predictions).toMatch(/Adelie|Chinstrap|Gentoo/);
    expect(kiln.pageErrors).toEqual([]);
    await page.locator('.output-model').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'demo-run-all');
  });
});
