/**
 * Times one interaction inside the page: from a user event (the first `event` on an element
 * matching `startOn.selector`, seen in the capture phase) until the DOM shows its result, then the
 * next animation frame (in which that result is drawn). Arm first, act (Playwright click or fill),
 * then await the result: the clock starts at the page's own event, so Node's latency adds nothing.
 */

/*
 * Runs in the page. `until` is one of:
 *   { kind: 'text-changes', selector }             the element's text differs from when armed
 *   { kind: 'attribute-changes', selector, name }  the element's attribute differs from when armed
 *   { kind: 'count-at-least', selector, count }    at least `count` elements match
 * Stores a promise of { eventAt, domAt, frameAt } (performance.now() ms) on window.__kilnBenchTimer.
 * Serialized: no closures.
 */
function arm({ startOn, until, timeoutMs }) {
  const initial = () => {
    const element = document.querySelector(until.selector);
    if (until.kind === 'text-changes') return element?.textContent ?? null;
    if (until.kind === 'attribute-changes') return element?.getAttribute(until.name) ?? null;
    return null;
  };
  const before = initial();
  const isDone = () => {
    if (until.kind === 'count-at-least') return document.querySelectorAll(until.selector).length >= until.count;
    const now = initial();
    return now !== null && now !== before;
  };
  window.__kilnBenchTimer = new Promise((resolve, reject) => {
    let eventAt = null;
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`${JSON.stringify(until)} not reached within ${timeoutMs} ms${eventAt === null ? ` (no ${startOn.event} on ${startOn.selector} seen)` : ''}`));
    }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (eventAt === null || !isDone()) return;
      const domAt = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve({ eventAt, domAt, frameAt: performance.now() }));
    });
    const onEvent = (event) => {
      if (!(event.target instanceof Element) || !event.target.closest(startOn.selector)) return;
      removeEventListener(startOn.event, onEvent, true);
      eventAt = performance.now();
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    };
    addEventListener(startOn.event, onEvent, true);
  });
}

/**
 * Arms the timer, runs `act()` (the user's action) and resolves with
 * { domMs, frameMs }: event → result in the DOM, and event → the frame that draws it.
 */
export async function timeInteraction(page, { startOn, until, timeoutMs = 60_000 }, act) {
  await page.evaluate(arm, { startOn, until, timeoutMs });
  await act();
  const { eventAt, domAt, frameAt } = await page.evaluate(() => window.__kilnBenchTimer);
  return { domMs: domAt - eventAt, frameMs: frameAt - eventAt };
}
