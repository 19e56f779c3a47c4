/**
 * The artifact server's sources as text, for the export to pack (pack-sources.ts): the files under
 * server/, the preprocessing module it imports, and the tests the artifact ships. Loaded lazily, so
 * the app bundles them only in the export's own chunk.
 */
import type { SourceFiles } from './pack-sources';

// Vite reads these patterns at build time, so they must be written out literally.
const modules = import.meta.glob<string>(['./server/*.ts', '../preprocess/**/*.ts', './artifact-test/*.ts', '!**/*.test.ts'], { query: '?raw', import: 'default', eager: false });

/** './server/app.ts' → 'export/server/app.ts', '../preprocess/index.ts' → 'preprocess/index.ts' (relative to src/). */
function sourcePathOf(globKey: string): string {
  return globKey.startsWith('../') ? globKey.slice('../'.length) : `export/${globKey.slice('./'.length)}`;
}

export async function loadServerSources(): Promise<SourceFiles> {
  const entries = await Promise.all(Object.entries(modules).map(async ([key, load]) => [sourcePathOf(key), await load()] as const));
  if (entries.length === 0) throw new Error('no server sources found: src/export/server/*.ts should match');
  return Object.fromEntries(entries);
}
