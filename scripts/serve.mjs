#!/usr/bin/env node
/**
 * Serves the production build (dist/) with Vite's preview server, so the cross-origin isolation
 * headers (COOP/COEP) from vite.config.ts apply exactly as configured there.
 *
 *   npm start                      build, then serve on $PORT or 4173 (the next free port if taken)
 *   node scripts/serve.mjs         serve an existing build
 *
 * KILN_DIST=/abs/or/relative/dir serves another build folder (default: dist).
 * Tests and the benchmarks use startPreviewServer().
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_PORT = 4173;

/** The build folder to serve: $KILN_DIST or dist/, resolved against the project root. */
export function distDir() {
  return path.resolve(ROOT, process.env.KILN_DIST || 'dist');
}

/** `dist` for folders inside the project, the absolute path otherwise. */
export function displayPath(dir) {
  const relative = path.relative(ROOT, dir);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dir;
}

/** Throws a one-line, actionable error when there is no production build. */
export function assertBuilt(dir = distDir()) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    const shown = displayPath(dir);
    throw new Error(`No production build at ${shown}/ (index.html missing): run \`npx vite build\` first (npm run build).`);
  }
}

/**
 * Starts Vite's preview server on the build. `port` defaults to $PORT or 4173; when taken, the next
 * free port is used.
 * @param {{port?: number, dist?: string, logLevel?: 'info' | 'warn' | 'error' | 'silent'}} [options]
 * @returns {Promise<{url: string, port: number, dist: string, close: () => Promise<void>}>}
 */
export async function startPreviewServer({ port, dist = distDir(), logLevel = 'warn' } = {}) {
  assertBuilt(dist);
  const { preview } = await import('vite');
  const fromEnv = Number.parseInt(process.env.PORT ?? '', 10);
  const wanted = port ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PORT);
  const server = await preview({
    root: ROOT,
    configFile: path.join(ROOT, 'vite.config.ts'),
    mode: 'production',
    logLevel,
    build: { outDir: dist },
    preview: { port: wanted, strictPort: false, open: false },
  });
  const address = server.httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : wanted;
  const url = `http://localhost:${actualPort}/`;
  let closed = false;
  return {
    url,
    port: actualPort,
    dist,
    close: async () => {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}

const isMain = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  try {
    const server = await startPreviewServer({ logLevel: 'info' });
    process.stdout.write(`\n  Kiln is running at ${server.url}\n\n  (serving ${displayPath(server.dist)}/; press Ctrl+C to stop)\n\n`);
    const stop = () => {
      server.close().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
