import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { findChromium, launchBrowser } from '../../scripts/find-browser.mjs';

/** Where screenshots and other artefacts go (gitignored). */
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

export interface KilnSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The app's URL on the preview server. */
  url: string;
  /** `console.error` messages and uncaught page errors, in order, prefixed with their kind. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page only. */
  pageErrors: string[];
  /** Closes the context and the browser (the temporary profile is deleted). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenKilnOptions {
  /** Path (and query) relative to the app root, e.g. `?notebook=abc`. Default: the root. */
  path?: string;
  viewport?: { width: number; height: number };
  /** Wait for this load state after navigation. Default: `load`. */
  waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit';
}

/** The preview server's URL, provided by the global setup. */
export function kilnUrl(): string {
  return inject('kilnUrl');
}

/**
 * Launches headless Chromium with a fresh profile, opens Kiln and starts collecting errors.
 * The browser comes from $KILN_CHROMIUM (set by scripts/e2e.mjs) or is looked up.
 */
export async function openKiln(options: OpenKilnOptions = {}): Promise<KilnSession> {
  const executablePath = process.env.KILN_CHROMIUM || (await findChromium());
  const browser = await launchBrowser({ executablePath });
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await browser.close().catch(() => undefined);
  };
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      const text = error.stack || `${error.name}: ${error.message}`;
      pageErrors.push(text);
      consoleErrors.push(`pageerror: ${text}`);
    });
    const url = new URL(options.path ?? '', kilnUrl()).href;
    await page.goto(url, { waitUntil: options.waitUntil ?? 'load' });
    return { browser, context, page, url, consoleErrors, pageErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Saves a full-page screenshot to test-results/screenshots/NAME.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(RESULTS_DIR, 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_').replace(/\.png$/i, '')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
