/**
 * The reference for the kernel benchmarks: tfjs on its own in a page (bench/pages/bare-tfjs.html),
 * served through Playwright routes from the app's origin, in the same browser as Kiln, with the
 * same cross-origin isolation headers and the build's own .wasm binaries (dist/tfjs/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
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
 * The kernel's own speed-ups of tfjs (TypeScript modules under src/kernel/worker/) and the
 * function that installs each, in the order the kernel installs them.
 */
const KILN_SPEED_UPS = [
  { file: 'src/kernel/worker/wasm-matmul.ts', install: 'installWasmTransposedMatMul' },
  { file: 'src/kernel/worker/wasm-adam.ts', install: 'installWasmFusedAdam' },
  { file: 'src/kernel/worker/wasm-pass-through.ts', install: 'installWasmSharedPassThrough' },
  { file: 'src/kernel/worker/wasm-gather-slice.ts', install: 'installWasmGatherSlice' },
  { file: 'src/kernel/worker/wasm-dense.ts', install: 'installWasmDense' },
  { file: 'src/kernel/worker/wasm-dense-training.ts', install: 'installWasmDenseTraining' },
  { file: 'src/kernel/worker/tape-saved-tensors.ts', install: 'installSharedSavedTensors' },
];
/** What those modules import at run time: compiled once, in the scope they all share. */
const KILN_SHARED_MODULES = ['src/kernel/worker/wasm-kernel-replacement.ts', 'src/kernel/worker/wasm-heap.ts'];

/** A module's JavaScript with its imports and `export` keywords removed. */
function compiledBody(root, file) {
  const source = fs.readFileSync(path.resolve(root, file), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return outputText.replace(/^import [^;]*;/gm, '').replace(/^export /gm, '');
}

/**
 * A script that installs the kernel's speed-ups into the page's global `tf`: the modules' own
 * source, compiled to JavaScript here, so the bare page runs the same kernels as a Kiln cell.
 * Each module gets a scope of its own inside one that holds the modules they import.
 */
function kilnSpeedUpsScript(root) {
  const scopes = KILN_SPEED_UPS.map(({ file, install }) => `(() => { ${compiledBody(root, file)}\n${install}(tf); })();`);
  const shared = KILN_SHARED_MODULES.map((file) => compiledBody(root, file));
  return `(() => { ${shared.join('\n')}\n${scopes.join('\n')} })();`;
}

/**
 * Opens the bare page in a new context of `browser` on `backend` and waits until tfjs is ready.
 * With `kilnSpeedUps`, the page also uses the kernel's own speed-ups of tfjs (KILN_SPEED_UPS):
 * then it differs from a Kiln cell only in Kiln itself.
 * Resolves with { page, info: {backend, tfVersion, simd, threads}, fit(workload), close() }.
 */
export async function openBareTfjs(browser, ctx, { backend = 'wasm', kilnSpeedUps = false } = {}) {
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
    if (kilnSpeedUps) await page.evaluate(kilnSpeedUpsScript(ctx.root));
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
