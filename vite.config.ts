import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * Cross-origin isolation gives the kernel SharedArrayBuffer: interrupting a synchronous loop and
 * the multi-threaded WASM backend both need it.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// An absolute path: danfo's package "exports" hide this file from bare specifiers in browser builds.
const danfoSharingTfjs = fileURLToPath(new URL('./node_modules/danfojs/dist/danfojs-browser/src/index.js', import.meta.url));
const plotlyStub = fileURLToPath(new URL('./src/kernel/worker/stubs/plotly-stub.ts', import.meta.url));
// danfo requires all of mathjs for five statistics and SheetJS for Excel files; both are large and slow to start.
const mathjsLite = fileURLToPath(new URL('./src/kernel/worker/stubs/mathjs-lite.ts', import.meta.url));
const xlsxStub = fileURLToPath(new URL('./src/kernel/worker/stubs/xlsx-stub.ts', import.meta.url));

type ShippedFile = { url: string; from: string; transform?: (content: Buffer) => string | Buffer };

const fromPackage = (path: string): string => fileURLToPath(new URL(`./node_modules/${path}`, import.meta.url));

/** Turns the penguins records into a CSV, the format most users will drop in themselves. */
function recordsToCsv(content: Buffer): string {
  const records = JSON.parse(content.toString('utf8')) as Record<string, unknown>[];
  const columns = Object.keys(records[0] ?? {});
  const quote = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.map(quote).join(','), ...records.map((record) => columns.map((column) => quote(record[column])).join(','))].join('\n') + '\n';
}

/**
 * Files Kiln serves that come from packages rather than from public/: the real sample data
 * (vega-datasets, penguins: CC0, Palmer Station LTER / Allison Horst) and the tfjs WASM binaries.
 * Copied from node_modules at build time so they stay in step with the installed versions.
 */
const SHIPPED_FILES: readonly ShippedFile[] = [
  { url: 'data/penguins.json', from: fromPackage('vega-datasets/data/penguins.json') },
  { url: 'data/penguins.csv', from: fromPackage('vega-datasets/data/penguins.json'), transform: recordsToCsv },
  ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((name) => ({
    url: `tfjs/${name}`,
    from: fromPackage(`@tensorflow/tfjs-backend-wasm/dist/${name}`),
  })),
];

function shipPackageFiles(): Plugin {
  const load = (file: ShippedFile) => (file.transform ? file.transform(readFileSync(file.from)) : readFileSync(file.from));
  return {
    name: 'kiln-ship-package-files',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const file = SHIPPED_FILES.find((candidate) => request.url === `/${candidate.url}`);
        if (!file) return next();
        response.setHeader('Content-Type', file.url.endsWith('.wasm') ? 'application/wasm' : file.url.endsWith('.csv') ? 'text/csv' : 'application/json');
        response.end(load(file));
      });
    },
    generateBundle() {
      for (const file of SHIPPED_FILES) this.emitFile({ type: 'asset', fileName: file.url, source: load(file) });
    },
  };
}

export default defineConfig({
  plugins: [shipPackageFiles()],
  resolve: {
    // danfo's CommonJS build is the one that shares the app's tfjs (its browser bundle embeds tfjs 3).
    // The main thread imports plotly by its file path (plotly.min.js), so only danfo's bare import is stubbed.
    alias: [
      { find: /^danfojs$/, replacement: danfoSharingTfjs },
      { find: /^plotly\.js-dist-min$/, replacement: plotlyStub },
      { find: /^mathjs$/, replacement: mathjsLite },
      { find: /^xlsx$/, replacement: xlsxStub },
    ],
  },
  worker: { format: 'es' },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation, port: 4173, strictPort: false },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 8000 },
});
