import { defineConfig } from 'vitest/config';

/**
 * End-to-end journeys: the production build (dist/) served by Vite's preview server and driven in
 * headless Chromium through playwright-core. Standalone on purpose (it does not load vite.config.ts):
 * the app is tested as built, not transformed by Vitest.
 *
 * Run with `npm run test:e2e` (builds, finds Chromium, prints "N passed, N failed").
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/support/global-setup.ts'],
    // One browser at a time: CI has 2 cores and each journey drives a whole Chromium.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    retry: 0,
  },
});
