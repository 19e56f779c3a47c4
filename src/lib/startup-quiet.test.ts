import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type StartupQuiet = typeof import('./startup-quiet');

/** The module keeps one promise per page: each test gets a fresh copy, and a fake window. */
async function freshModule(): Promise<{ module: StartupQuiet; press: () => void }> {
  vi.resetModules();
  const target = new EventTarget();
  vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
  vi.stubGlobal('removeEventListener', target.removeEventListener.bind(target));
  vi.stubGlobal('requestIdleCallback', (callback: () => void) => setTimeout(callback, 5));
  const module = await import('./startup-quiet');
  return { module, press: () => target.dispatchEvent(new Event('keydown')) };
}

function watch(promise: Promise<void>): { readonly done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe('whenStartupQuiet', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('waits for every hold, then for an idle moment', async () => {
    const { module } = await freshModule();
    let release!: () => void;
    module.holdStartup(new Promise<void>((resolve) => (release = resolve)));
    const quiet = watch(module.whenStartupQuiet());
    await vi.advanceTimersByTimeAsync(3_000);
    expect(quiet.done).toBe(false);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(quiet.done).toBe(true);
  });

  it('treats a rejected hold as released', async () => {
    const { module } = await freshModule();
    module.holdStartup(Promise.reject(new Error('the kernel could not start')));
    const quiet = watch(module.whenStartupQuiet());
    await vi.advanceTimersByTimeAsync(10);
    expect(quiet.done).toBe(true);
  });

  it('waits until the user has paused for a second', async () => {
    const { module, press } = await freshModule();
    const quiet = watch(module.whenStartupQuiet());
    press();
    await vi.advanceTimersByTimeAsync(600);
    press();
    await vi.advanceTimersByTimeAsync(600);
    expect(quiet.done).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(quiet.done).toBe(true);
  });

  it('gives up waiting after eight seconds, whatever is still held', async () => {
    const { module } = await freshModule();
    module.holdStartup(new Promise(() => undefined));
    const quiet = watch(module.whenStartupQuiet());
    await vi.advanceTimersByTimeAsync(7_900);
    expect(quiet.done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(quiet.done).toBe(true);
  });
});
