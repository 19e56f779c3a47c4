import type { TestProject } from 'vitest/node';
import { startPreviewServer } from '../../scripts/serve.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the preview server serving the production build, e.g. `http://localhost:4173/`. */
    kilnUrl: string;
    /** Absolute path of the build folder being served. */
    kilnDist: string;
  }
}

/** Starts one preview server for the whole e2e run and hands its URL to the tests (`inject('kilnUrl')`). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Throws "No production build at dist/ ... run `npx vite build` first" when dist/ is missing.
  const server = await startPreviewServer();
  project.provide('kilnUrl', server.url);
  project.provide('kilnDist', server.dist);
  return () => server.close();
}
