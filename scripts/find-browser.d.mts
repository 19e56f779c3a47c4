import type { Browser } from 'playwright-core';

/** Chromium switches for headless runs (Playwright adds its own automation switches on top). */
export declare const CHROMIUM_ARGS: readonly string[];

/** The browser's `--version` line, or null when it does not run. */
export declare function chromiumVersion(executable: string): string | null;

/** Path of a working Chromium; installs one when allowed. Rejects with a one-line message. */
export declare function findChromium(options?: { install?: boolean }): Promise<string>;

/** Headless Chromium with a fresh temporary profile per launch. */
export declare function launchBrowser(options?: { executablePath?: string; args?: string[] }): Promise<Browser>;
