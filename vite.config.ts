import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation gives the kernel SharedArrayBuffer: interrupting a synchronous loop and
 * the multi-threaded WASM backend both need it.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const plotlyStub = fileURLToPath(new URL('./src/kernel/worker/stubs/plotly-stub.ts', import.meta.url));

export default defineConfig({
  resolve: {
    // danfo's CommonJS build is the one that shares the app's tfjs (its browser bundle embeds tfjs 3).
    // The main thread imports plotly by its file path (plotly.min.js), so only danfo's bare import is stubbed.
    alias: [
      { find: /^danfojs$/, replacement: 'danfojs/dist/danfojs-browser/src/index.js' },
      { find: /^plotly\.js-dist-min$/, replacement: plotlyStub },
    ],
  },
  worker: { format: 'es' },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation, port: 4173, strictPort: false },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 8000 },
});
