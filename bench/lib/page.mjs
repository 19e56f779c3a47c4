/**
 * Page-side timing for benchmarks. A "mark" is the first moment (performance.now(), navigation start
 * = 0) at which every selector of a condition matches. A MutationObserver installed before any page
 * script records it in the same task as the DOM change, so polling from Node adds no error.
 */
import { launchBrowser } from '../../scripts/find-browser.mjs';

export const DEFAULT_TIMEOUT_MS = 20_000;
/**
 * Idle time between launching a browser and the first navigation: on a 2-core machine Chromium's
 * own start-up work (GPU and network services) otherwise lands inside the measured page load and
 * makes samples swing by hundreds of milliseconds.
 */
export const BROWSER_SETTLE_MS = 1_000;

/** Thrown when a mark's selectors never all matched in time. */
export class NeverAppeared extends Error {
  constructor(selectors, phase = '') {
    super(`${selectors.join(' + ')} never appeared${phase ? ` ${phase}` : ''}`);
    this.selectors = selectors;
  }
}

/* Runs in the page, before its own scripts, on every navigation. Serialized: no closures. */
function installMarks(conditions) {
  if (window !== window.top) return;
  performance.setResourceTimingBufferSize(5000);
  const marks = {};
  window.__kilnBench = { marks };
  const names = Object.keys(conditions);
  let observer = null;
  const check = () => {
    let pending = 0;
    for (const name of names) {
      if (marks[name] != null) continue;
      if (conditions[name].every((selector) => document.querySelector(selector))) marks[name] = performance.now();
      else pending += 1;
    }
    if (pending === 0 && observer) observer.disconnect();
  };
  observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-testid', 'data-editable', 'data-cell-count'] });
  check();
}

/**
 * A fresh browser (new temporary profile) with one page whose every navigation records the marks.
 * Resolves once the browser has been idle for `settleMs`.
 * @param {{chromium: string}} ctx
 * @param {Record<string, string[]>} conditions mark name → selectors that must all match
 * @param {{settleMs?: number}} [options]
 */
export async function openFreshPage(ctx, conditions, { settleMs = BROWSER_SETTLE_MS } = {}) {
  const browser = await launchBrowser({ executablePath: ctx.chromium });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(installMarks, conditions);
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { browser, context, page, pageErrors, conditions, close: () => browser.close().catch(() => undefined) };
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Waits for a mark and returns its time (ms since navigation start of the current document).
 * Throws NeverAppeared naming the selectors still missing.
 */
export async function waitForMark(session, name, { timeout = DEFAULT_TIMEOUT_MS, phase = '' } = {}) {
  const { page, conditions } = session;
  try {
    await page.waitForFunction((mark) => window.__kilnBench?.marks?.[mark] != null, name, { timeout, polling: 50 });
  } catch (error) {
    if (!/timeout/i.test(String(error?.message))) throw error;
    const missing = await page
      .evaluate((selectors) => selectors.filter((selector) => !document.querySelector(selector)), conditions[name])
      .catch(() => conditions[name]);
    throw new NeverAppeared(missing.length ? missing : conditions[name], phase);
  }
  return page.evaluate((mark) => window.__kilnBench.marks[mark], name);
}

/** Waits for a selector to be attached; throws NeverAppeared after the timeout. */
export async function waitForSelector(page, selector, { timeout = DEFAULT_TIMEOUT_MS, phase = '' } = {}) {
  try {
    await page.waitForSelector(selector, { state: 'attached', timeout });
  } catch (error) {
    if (!/timeout/i.test(String(error?.message))) throw error;
    throw new NeverAppeared([selector], phase);
  }
}

/** Resource Timing entries of the current document that finished by `time` (ms). */
export function resourcesBefore(page, time) {
  return page.evaluate(
    (limit) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.responseEnd <= limit)
        .map((entry) => ({ name: entry.name, initiatorType: entry.initiatorType, responseEnd: entry.responseEnd })),
    time,
  );
}
