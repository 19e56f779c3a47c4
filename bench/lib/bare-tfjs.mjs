/**
 * The reference for the kernel benchmarks: tfjs on its own in a page (bench/pages/bare-tfjs.html),
 * served through Playwright routes from the app's origin, in the same browser as Kiln, with the
 * same cross-origin isolation headers and the build's own .wasm binaries (dist/tfjs/).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareExpression } from './training-snippet.mjs';

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Under the app's origin, where no app route lives. */
const PREFIX = '__bench/';

/** Routed file name → where it comes from, relative to the project root. */
const ROUTED_FILES = Object.freeze({
  'bare-tfjs.html': { from: path.join(BENCH_DIR, 'pages', 'bare-tfjs.html'), type: 'text/html; charset=utf-8' },
  'tf.min.js': { from: 'node_modules/@tensorflow/tfjs/dist/tf.min.js', type: 'text/javascript' },
  'tf-backend-wasm.min.js': { from: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js', type: 'text/javascript' },
});

const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * Opens the bare page in a new context of `browser` on `backend` and waits until tfjs is ready.
 * Resolves with { page, info: {backend, tfVersion, simd, threads}, fit(workload), close() }.
 */
export async function openBareTfjs(browser, ctx, { backend = 'wasm' } = {}) {
  const context = await browser.newContext();
  try {
    const base = new URL(PREFIX, ctx.url).href;
    await context.route(`${base}*`, async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop();
      const file = ROUTED_FILES[name];
      if (!file) return route.fulfill({ status: 404, body: `bench: no routed file ${name}` });
      return route.fulfill({ status: 200, path: path.resolve(ctx.root, file.from), headers: { ...ISOLATION_HEADERS, 'Content-Type': file.type } });
    });
    const page = await context.newPage();
    await page.goto(`${base}bare-tfjs.html?backend=${encodeURIComponent(backend)}`, { waitUntil: 'load' });
    const info = await page.evaluate(() => window.benchReady);
    return {
      page,
      info,
      /** Runs the training snippet in the page; resolves with { fitMs, samples, backend, loss, ... }. */
      fit: (workload) => page.evaluate(bareExpression(workload)),
      close: () => context.close().catch(() => undefined),
    };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}
