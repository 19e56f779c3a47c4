import { afterEach, describe, expect, it } from 'vitest';
import { openKiln, saveScreenshot, type KilnSession } from './support/kiln';

describe('smoke', () => {
  let kiln: KilnSession | undefined;

  afterEach(async () => {
    await kiln?.close();
    kiln = undefined;
  });

  it('serves the production build, cross-origin isolated, without page errors', async () => {
    kiln = await openKiln();
    const { page, pageErrors } = kiln;
    // Give the app a moment to render before the screenshot; a quiet network is enough.
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    await saveScreenshot(page, 'smoke');

    expect(await page.title()).toBe('Kiln');
    // COOP/COEP from vite.config.ts reach the browser: SharedArrayBuffer is available.
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
