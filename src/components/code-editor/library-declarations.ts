/**
 * The .d.ts files of the libraries cells use (`tf`, `dfd`, or `import ... from '@tensorflow/tfjs'`),
 * as extra libs for Monaco's TypeScript worker at the paths TypeScript's node_modules lookup
 * tries, so imports inside them resolve as they do on disk.
 *
 * This module is its own lazy chunk (~2 MB of text, ~0.3 MB gzipped): monaco-setup imports it
 * only after Monaco is up, so neither the first screen nor Monaco waits for it. Within the chunk
 * the glob is eager on purpose: a lazy glob would fetch each of the ~900 files as its own request.
 *
 * The patterns take whole folders, leaving out those where nothing reachable from the packages'
 * entry points lives (tests, gradients, kernels, nlp layers, plotting); the worker then gets only
 * the reachable files (declaration-graph.ts), about two thirds of them. Dependencies of danfo's
 * types that Kiln does not use (plotly, table, xlsx, papaparse, node-fetch, @types/node) and
 * tfjs' `@webgpu/types` stay out: the few option types that name them read as `any`.
 * library-declarations.test.ts checks the result against the files the TypeScript compiler reads.
 */
import type { ExtraLib } from './cell-typescript';
import { reachableDeclarations } from './declaration-graph';

/** Every declaration file the globs match, by path from the project root (`/node_modules/...`). */
export const DECLARATION_FILES: Readonly<Record<string, string>> = import.meta.glob(
  [
    '/node_modules/@tensorflow/tfjs/dist/index.d.ts',
    '/node_modules/@tensorflow/tfjs-{core,layers,converter,data,backend-cpu}/dist/**/*.d.ts',
    '/node_modules/@tensorflow/tfjs-backend-webgl/dist/*.d.ts',
    '/node_modules/danfojs/dist/{danfojs-base,danfojs-browser/src}/**/*.d.ts',
    '!**/*_test.d.ts',
    '!/node_modules/@tensorflow/tfjs-core/dist/{gradients,scripts,ops/image,ops/linalg,ops/losses,ops/signal,ops/string}/**',
    '!/node_modules/@tensorflow/tfjs-layers/dist/{layers/nlp,keras_format/layers,utils}/**',
    '!/node_modules/@tensorflow/tfjs-converter/dist/{executor/test_data,operations/executors,operations/op_list}/**',
    '!/node_modules/danfojs/dist/danfojs-base/plotting/**',
  ],
  { eager: true, query: '?raw', import: 'default' },
);

/**
 * Where each package's types start. Monaco resolves modules the classic Node way (no package
 * "exports"), so each package gets a package.json naming it: danfo declares its types only
 * under "exports", and the app aliases `danfojs` to the same build these types describe.
 */
export const PACKAGE_TYPE_ENTRIES: Readonly<Record<string, string>> = {
  '@tensorflow/tfjs': 'dist/index.d.ts',
  '@tensorflow/tfjs-core': 'dist/index.d.ts',
  '@tensorflow/tfjs-layers': 'dist/index.d.ts',
  '@tensorflow/tfjs-converter': 'dist/index.d.ts',
  '@tensorflow/tfjs-data': 'dist/index.d.ts',
  '@tensorflow/tfjs-backend-cpu': 'dist/index.d.ts',
  '@tensorflow/tfjs-backend-webgl': 'dist/index.d.ts',
  danfojs: 'dist/danfojs-browser/src/index.d.ts',
};

/** The reachable declaration files and a package.json per package, keyed as Monaco sees them (file:///node_modules/...). */
export function libraryDeclarations(): ExtraLib[] {
  const files = reachableDeclarations(DECLARATION_FILES, PACKAGE_TYPE_ENTRIES).map((path) => ({ filePath: `file://${path}`, content: DECLARATION_FILES[path] ?? '' }));
  const packages = Object.entries(PACKAGE_TYPE_ENTRIES).map(([name, types]) => ({
    filePath: `file:///node_modules/${name}/package.json`,
    content: JSON.stringify({ name, types }),
  }));
  return [...files, ...packages];
}
