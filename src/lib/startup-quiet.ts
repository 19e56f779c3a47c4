/**
 * Deferrable start-up work (evaluating Monaco's 4 MB of script takes the main thread for a second
 * or more) must not land between a user's first keystroke and their first output: the page is
 * editable long before that work is needed, and a blocked main thread makes the first run wait.
 *
 * Work that the user is waiting on registers a hold (the kernel starting, a first run in flight);
 * deferrable work awaits `whenStartupQuiet()`, which resolves once every hold is released, no key
 * or pointer input came for QUIET_INPUT_MS and the browser reports an idle moment. It resolves at
 * the latest MAX_DEFER_MS after the first call, so nothing waits forever behind a stuck hold.
 */

const QUIET_INPUT_MS = 1_000;
/** What counts as the user doing something. */
const INPUT_EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;
const MAX_DEFER_MS = 8_000;

const holds = new Set<Promise<unknown>>();
let lastInputAt = -Infinity;
let quiet: Promise<void> | null = null;

/** Deferrable work waits until `until` settles (fulfilled or rejected). */
export function holdStartup(until: Promise<unknown>): void {
  const hold = until.then(
    () => undefined,
    () => undefined,
  );
  holds.add(hold);
  void hold.then(() => holds.delete(hold));
}

const idle = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1_000 });
    else setTimeout(resolve, 0);
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function settleHoldsAndInput(): Promise<void> {
  for (;;) {
    if (holds.size > 0) {
      await Promise.all(holds);
      continue;
    }
    const sinceInput = performance.now() - lastInputAt;
    if (sinceInput < QUIET_INPUT_MS) {
      await sleep(QUIET_INPUT_MS - sinceInput);
      continue;
    }
    await idle();
    // A hold or a keystroke may have arrived while waiting for the idle callback.
    if (holds.size === 0 && performance.now() - lastInputAt >= QUIET_INPUT_MS) return;
  }
}

/** Resolves when deferrable start-up work may take the main thread; the same promise for every caller. */
export function whenStartupQuiet(): Promise<void> {
  if (quiet) return quiet;
  const noteInput = () => (lastInputAt = performance.now());
  for (const type of INPUT_EVENTS) addEventListener(type, noteInput, { capture: true, passive: true });
  quiet = Promise.race([settleHoldsAndInput(), sleep(MAX_DEFER_MS)]).then(() => {
    for (const type of INPUT_EVENTS) removeEventListener(type, noteInput, { capture: true });
  });
  return quiet;
}
