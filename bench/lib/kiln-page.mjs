/**
 * Driving Kiln's notebook and kernel for benchmarks, as a user would: click a cell's editor, type,
 * press Ctrl+Enter, pick a backend in the toolbar. Times are taken inside the page (see
 * installRunTimer); Node only waits for them, so its polling adds no error.
 */
import { NeverAppeared, openFreshPage } from './page.mjs';

export const SELECTORS = Object.freeze({
  cell: '[data-testid="notebook"] [data-testid="cell"]',
  codeCell: '[data-testid="notebook"] [data-testid="cell"][data-cell-type="code"]',
  editor: '[data-testid="cell-editor"]',
  editableEditor: '[data-testid="cell-editor"][data-editable="true"]',
  monacoLines: '[data-testid="cell-editor"][data-engine="monaco"] .monaco-editor .view-lines',
  outputs: '[data-testid="cell-outputs"]',
  executionCount: '[data-testid="execution-count"]',
  kernelStatus: '[data-testid="kernel-status"]',
  backendSelect: '[data-testid="backend-select"]',
  newNotebook: '[data-testid="new-notebook"]',
  oneCellNotebook: '[data-testid="notebook"][data-cell-count="1"]',
});

/** localStorage key where the kernel client remembers what 'auto' picked (src/state/kernel-runner.ts). */
export const AUTO_BACKEND_KEY = 'kiln.autoBackend';

const KERNEL_START_TIMEOUT_MS = 60_000;

/*
 * Runs in the page before its scripts. Every Ctrl/Shift/Cmd+Enter (seen first, in the capture phase
 * on window) starts a measurement for the cell it was pressed in (or the selected cell). It ends at
 * the first non-empty output element that was not there at the keydown, or, when the run's outputs
 * replace equal ones in place, at the cell's new prompt number (`[7]`) beside non-empty outputs;
 * then come the next frame (requestAnimationFrame, in which that output is drawn) and, where
 * Chromium reports it, the paint itself (Element Timing: the bench tags the output's elements while
 * they are still unpainted; elements drawn before are not reported again).
 * Finished runs are appended to window.__kilnBenchRuns as { keyAt, outputAt, frameAt, paintAt,
 * redrawnInPlace } (ms since navigation start; paintAt is null without an Element Timing entry).
 * Serialized: no closures.
 */
function installRunTimer() {
  if (window !== window.top) return;
  const PAINT_ID = 'kiln-bench-output';
  /** How long to wait for an Element Timing entry after the frame before giving up on it. */
  const PAINT_WAIT_MS = 1000;
  const runs = [];
  window.__kilnBenchRuns = runs;
  let pending = null;
  let painting = null;
  const settle = (run) => {
    if (run.isSettled || run.frameAt == null || run.paintAt === undefined) return;
    run.isSettled = true;
    if (painting === run) painting = null;
    runs.push({ keyAt: run.keyAt, outputAt: run.outputAt, frameAt: run.frameAt, paintAt: run.paintAt, redrawnInPlace: run.redrawnInPlace });
  };
  if (PerformanceObserver.supportedEntryTypes?.includes('element')) {
    new PerformanceObserver((list) => {
      const run = painting;
      const entry = list.getEntries().find((candidate) => candidate.identifier === PAINT_ID);
      if (!run || !entry || run.paintAt !== undefined) return;
      run.paintAt = entry.renderTime || entry.startTime;
      settle(run);
    }).observe({ type: 'element' });
  }
  const promptOf = (cell) => cell.querySelector('[data-testid="execution-count"]')?.textContent?.trim() ?? '';
  const observer = new MutationObserver(() => {
    if (!pending) return;
    const outputs = pending.cell.querySelector('[data-testid="cell-outputs"]');
    if (!outputs?.textContent) return;
    const prompt = promptOf(pending.cell);
    const hasNewOutputElement = outputs !== pending.before;
    // A quick run may replace its outputs with equal ones in place: then its new prompt number says it is drawn.
    const showsFinishedRun = /^\[\d+\]$/.test(prompt) && prompt !== pending.beforePrompt;
    if (!hasNewOutputElement && !showsFinishedRun) return;
    const run = { keyAt: pending.keyAt, outputAt: performance.now(), redrawnInPlace: !hasNewOutputElement };
    pending = null;
    observer.disconnect();
    // Element Timing reports an element's first paint only: outputs redrawn in place get no entry.
    if (run.redrawnInPlace) run.paintAt = null;
    else {
      painting = run;
      for (const element of [outputs, ...outputs.querySelectorAll('*')]) element.setAttribute('elementtiming', PAINT_ID);
    }
    requestAnimationFrame(() => {
      run.frameAt = performance.now();
      settle(run);
      if (run.paintAt !== undefined) return;
      setTimeout(() => {
        if (run.paintAt === undefined) run.paintAt = null;
        settle(run);
      }, PAINT_WAIT_MS);
    });
  });
  addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.shiftKey || event.metaKey)) return;
      const target = event.target instanceof Element ? event.target.closest('[data-testid="cell"]') : null;
      const cell = target ?? document.querySelector('[data-testid="notebook"] [data-testid="cell"][data-selected="true"]');
      if (!cell) return;
      const keyAt = performance.now();
      // A second press before any output (the first went nowhere) restarts the clock, not the baseline.
      const isRepeat = pending?.cell === cell;
      const before = isRepeat ? pending.before : cell.querySelector('[data-testid="cell-outputs"]');
      const beforePrompt = isRepeat ? pending.beforePrompt : promptOf(cell);
      pending = { keyAt, cell, before, beforePrompt };
      observer.observe(cell, { subtree: true, childList: true, characterData: true });
    },
    true,
  );
}

/**
 * A fresh browser and profile whose page times every run (installRunTimer) and records `marks`
 * (see lib/page.mjs). With `rememberedAutoBackend`, localStorage says 'auto' already chose it, as
 * after an earlier visit.
 */
export async function openTimedKiln(ctx, { marks = {}, rememberedAutoBackend = null } = {}) {
  const session = await openFreshPage(ctx, marks);
  try {
    await session.context.addInitScript(installRunTimer);
    if (rememberedAutoBackend) {
      await session.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [AUTO_BACKEND_KEY, rememberedAutoBackend]);
    }
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** Waits for `selector`, turning Playwright's timeout into NeverAppeared (reported as "not measurable"). */
async function waitFor(locator, selector, { timeout, phase = '', state = 'attached' }) {
  try {
    await locator.waitFor({ state, timeout });
  } catch (error) {
    if (!/timeout/i.test(String(error?.message))) throw error;
    throw new NeverAppeared([selector], phase);
  }
}

export async function waitForKernelIdle(page, { timeout = KERNEL_START_TIMEOUT_MS, phase = '' } = {}) {
  const selector = `${SELECTORS.kernelStatus}[data-status="idle"]`;
  await waitFor(page.locator(selector), selector, { timeout, phase });
}

/** Opens Kiln, creates a new notebook (one empty code cell), waits for Monaco and an idle kernel. */
export async function openEmptyNotebook(session, ctx) {
  const { page } = session;
  await page.goto(ctx.url, { waitUntil: 'load' });
  await waitFor(page.locator(SELECTORS.newNotebook), SELECTORS.newNotebook, { timeout: 20_000 });
  await page.click(SELECTORS.newNotebook);
  await waitFor(page.locator(SELECTORS.oneCellNotebook), SELECTORS.oneCellNotebook, { timeout: 20_000, phase: 'after New notebook' });
  await waitFor(page.locator(SELECTORS.monacoLines).first(), SELECTORS.monacoLines, { timeout: 30_000 });
  await waitForKernelIdle(page, { phase: 'in the new notebook' });
  return page.locator(SELECTORS.codeCell).first();
}

/** What the user reads in a cell's editor: the textarea's value or Monaco's rendered lines. */
export function cellSourceText(cell) {
  return cell.evaluate((element) => {
    const textarea = element.querySelector('textarea.plain-editor');
    if (textarea) return textarea.value;
    const lines = [...element.querySelectorAll('.monaco-editor .view-lines .view-line')].sort(
      (a, b) => parseFloat(a.style.top || '0') - parseFloat(b.style.top || '0'),
    );
    return lines.map((line) => line.textContent ?? '').join('\n').replace(/\u00a0/g, ' ');
  });
}

/**
 * A person's pause between clicking into the editor and pressing a key: without it, the editor's
 * own reaction to the focus (Monaco's timers, React's re-render into edit mode) lands inside the
 * measured run.
 */
const AFTER_CLICK_MS = 100;

/** Clicks into the cell's editor unless the focus is already there. */
async function focusEditor(cell) {
  const hasFocus = await cell.evaluate((element) => element.contains(document.activeElement));
  if (hasFocus) return;
  await cell.locator(SELECTORS.editor).click();
  await cell.page().waitForTimeout(AFTER_CLICK_MS);
}

const normalised = (text) => text.replace(/\s+/g, ' ').trim();

/**
 * Replaces the cell's source as a user pasting would (focus, select all, insert). Retries when
 * the editor changed under the keyboard (the plain textarea is swapped for Monaco once it loads).
 */
export async function replaceCellSource(page, cell, source, { attempts = 3 } = {}) {
  let seen = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await focusEditor(cell);
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(source);
    seen = await cellSourceText(cell);
    const hasFocus = await cell.evaluate((element) => element.contains(document.activeElement));
    if (hasFocus && normalised(seen) === normalised(source)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`could not type into the cell: it shows ${JSON.stringify(seen.slice(0, 80))} instead of ${JSON.stringify(source.slice(0, 80))}`);
}

/*
 * Runs in the page, armed before the key is pressed: resolves with 'not-started' when, within
 * `startTimeoutMs`, no new run was timed and the cell never showed `[*]`; with 'finished' once a
 * new run was timed, the cell's prompt is no longer `[*]` and the kernel is idle; with 'timed-out'
 * after `timeoutMs`. It polls with cheap reads (textContent, attributes; nothing that forces a
 * layout) so that watching a run does not slow it down, as Node's round trips to the page would.
 * Serialized: no closures.
 */
function watchRun({ cellId, before, startTimeoutMs, timeoutMs }) {
  const POLL_MS = 20;
  const armedAt = performance.now();
  let hasStarted = false;
  window.__kilnBenchRunWatch = new Promise((resolve) => {
    const poll = () => {
      const cell = document.querySelector(`[data-testid="cell"][data-cell-id="${cellId}"]`);
      const isRunning = cell?.querySelector('[data-testid="execution-count"]')?.textContent?.trim() === '[*]';
      const isTimed = (window.__kilnBenchRuns?.length ?? 0) > before;
      const isIdle = document.querySelector('[data-testid="kernel-status"]')?.getAttribute('data-status') === 'idle';
      hasStarted ||= isRunning || isTimed;
      const waited = performance.now() - armedAt;
      if (isTimed && !isRunning && isIdle) resolve('finished');
      else if (!hasStarted && waited > startTimeoutMs) resolve('not-started');
      else if (waited > timeoutMs) resolve('timed-out');
      else setTimeout(poll, POLL_MS);
    };
    setTimeout(poll, POLL_MS);
  });
}

/**
 * Presses Ctrl+Enter in the cell (focusing its editor first) and waits until the cell has finished
 * and the kernel is idle. Returns the page-side timing of the run, the cell's output text and the
 * kernel's own time for it (kernelMs). The cell must print something: the timing ends at its output.
 * When the key went nowhere (no `[*]` within `startTimeout`), presses it again, once.
 */
export async function runCell(page, cell, { timeout = 30_000, startTimeout = 1_500 } = {}) {
  for (let attempt = 1; ; attempt++) {
    await focusEditor(cell);
    const outcome = await pressAndWatch(page, cell, { startTimeout, timeout }, () => page.keyboard.press('Control+Enter'));
    if (outcome.status !== 'not-started') return finishedRun(cell, outcome, timeout);
    if (attempt === 2) throw new Error('Ctrl+Enter in the cell editor did not start a run (no [*] prompt, no output)');
  }
}

/**
 * As a quick user does on a page that just became editable: click into the cell, select all, type
 * `source` and press Ctrl+Enter at once, without the pauses and read-backs of replaceCellSource
 * (each a round trip to the browser). The caller checks the output: if the keys went astray it
 * is not what `source` prints.
 */
export async function typeAndRun(page, cell, source, { timeout = 60_000 } = {}) {
  await cell.locator(SELECTORS.editor).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(source);
  const outcome = await pressAndWatch(page, cell, { startTimeout: timeout, timeout }, () => page.keyboard.press('Control+Enter'));
  if (outcome.status === 'not-started') throw new Error('Ctrl+Enter in the cell editor did not start a run (no [*] prompt, no output)');
  return finishedRun(cell, outcome, timeout);
}

/** Arms watchRun, acts, and waits for the page's verdict: one round trip before the key and one after. */
async function pressAndWatch(page, cell, { startTimeout, timeout }, press) {
  const cellId = await cell.getAttribute('data-cell-id');
  const before = await page.evaluate(() => window.__kilnBenchRuns?.length ?? 0);
  await page.evaluate(watchRun, { cellId, before, startTimeoutMs: startTimeout, timeoutMs: timeout });
  await press();
  const status = await page.evaluate(() => window.__kilnBenchRunWatch);
  return { status, before };
}

/** The finished run's page-side timing, output and kernel time; a run that timed out throws. */
async function finishedRun(cell, { status, before }, timeout) {
  if (status === 'timed-out') {
    const output = await outputText(cell);
    throw new Error(`the cell did not finish within ${timeout} ms${output ? `; its output so far: ${output.slice(0, 200)}` : ''}`);
  }
  const timing = await cell.page().evaluate((index) => window.__kilnBenchRuns[index], before);
  return { timing, output: await outputText(cell), kernelMs: await kernelDuration(cell) };
}

/**
 * The run's duration as the cell's gutter shows it ("✓ 3 ms", "✓ 1.52 s"): the kernel's own
 * time for the cell, from request to done, without the main thread's share. Null when not shown.
 */
async function kernelDuration(cell) {
  const label = cell.locator('.run-duration');
  if ((await label.count()) === 0) return null;
  const match = /([\d.]+)\s*(ms|s)\b/.exec(await label.first().innerText());
  if (!match) return null;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** The cell's output area text ('' when it has none). */
export async function outputText(cell) {
  const outputs = cell.locator(SELECTORS.outputs);
  return (await outputs.count()) === 0 ? '' : (await outputs.first().innerText()).trim();
}

/** The backend the kernel runs on, as the toolbar says ("Training runs on wasm"), or null before it is ready. */
export async function activeBackend(page) {
  const title = await page.locator(SELECTORS.backendSelect).getAttribute('title');
  return /^Training runs on (\w+)/.exec(title ?? '')?.[1] ?? null;
}

/** The backend choices the toolbar offers besides 'auto'. */
export function offeredBackends(page) {
  return page.locator(`${SELECTORS.backendSelect} option`).evaluateAll((options) => options.map((option) => option.value).filter((value) => value !== 'auto'));
}

/**
 * Picks a backend in the toolbar (the kernel restarts on it) and resolves with the backend the
 * kernel actually started, which differs when the choice does not work here.
 */
export async function selectBackend(page, name) {
  await page.selectOption(SELECTORS.backendSelect, name);
  // The restart is asynchronous: first the status leaves 'idle', then it comes back.
  await page
    .locator(`${SELECTORS.kernelStatus}:not([data-status="idle"])`)
    .waitFor({ timeout: 5_000 })
    .catch(() => undefined);
  await waitForKernelIdle(page, { phase: `after choosing the ${name} backend` });
  return activeBackend(page);
}
