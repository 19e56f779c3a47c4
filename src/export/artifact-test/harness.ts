/**
 * Starts this artifact's server in the test process on a free port, for the artifact's own
 * `npm test` (node:test). Packed into the artifact as test/harness.js.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/app';
import { readConfig } from '../server/config';
import type { ArtifactManifest, TestVectors } from '../server/manifest';

export const ARTIFACT_DIR = fileURLToPath(new URL('..', import.meta.url));

export type RunningServer = { url: string; close(): Promise<number> };

export async function startArtifactServer(): Promise<RunningServer> {
  // Lenient inputs: the test vectors check the arithmetic, and a vector at the edge of a training
  // range must not be refused by the strict policy the server may run with.
  const config = { ...readConfig(process.env), port: 0, host: '127.0.0.1', inputPolicy: 'lenient' as const };
  const app = startServer({ config, artifactDir: ARTIFACT_DIR, log: () => {} });
  const port = await app.listening;
  await app.ready;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export async function readArtifactJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(new URL(`../${path}`, import.meta.url), 'utf8')) as T;
}

export async function readManifestFile(): Promise<ArtifactManifest> {
  return readArtifactJson<ArtifactManifest>('manifest.json');
}

export async function readTestVectors(manifest: ArtifactManifest, version: number): Promise<TestVectors> {
  const entry = manifest.versions.find((candidate) => candidate.version === version);
  if (!entry) throw new Error(`manifest.json does not list version ${version}`);
  return readArtifactJson<TestVectors>(entry.files.testVectors);
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

/** The V2 request for rows: one tensor per feature, BYTES for strings, FP64 for numbers. */
export function v2Inputs(rows: readonly Record<string, unknown>[], features: readonly { name: string; dtype: 'number' | 'category' }[]) {
  return {
    inputs: features.map((feature) => ({
      name: feature.name,
      shape: [rows.length],
      datatype: feature.dtype === 'number' ? 'FP64' : 'BYTES',
      data: rows.map((row) => row[feature.name] ?? null),
    })),
  };
}

/** The largest absolute difference between two row-major tables, or Infinity when their shapes differ. */
export function maxDifference(actual: readonly number[], expected: readonly (readonly number[])[]): number {
  const flat = expected.flat();
  if (actual.length !== flat.length) return Infinity;
  return actual.reduce((largest, value, index) => Math.max(largest, Math.abs(value - (flat[index] as number))), 0);
}
