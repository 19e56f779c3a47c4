/**
 * Reads the artifact from disk: the manifest, then the production and fallback versions, each
 * checked against its own test vectors before it may serve. A version that fails to load or to
 * reproduce the notebook's predictions is reported, not fatal: the other one serves.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parsePipeline, parseReferenceStats, transformRows } from '../../preprocess';
import { parseManifest, versionEntry, type ArtifactManifest, type ManifestVersion, type TestVectors } from './manifest';
import type { Role, ServingVersion } from './serving';
import { loadModel, type Tf } from './tf-model';

/**
 * How far the server's outputs may stray from the notebook's before a version is refused at start-up.
 * Looser than the 1e-5 the artifact's tests demand: a notebook that trained on WebGL rounds
 * differently from wasm, and this check is there to catch corrupt weights, which miss by far more.
 */
export const SELF_CHECK_TOLERANCE = 1e-4;

export type VersionLoad = { version: number; role: Role } & ({ isLoaded: true; serving: ServingVersion } | { isLoaded: false; error: string });

export type LoadedArtifact = { manifest: ArtifactManifest; production: VersionLoad; fallback: VersionLoad | null };

async function readJson(artifactDir: string, path: string): Promise<unknown> {
  const text = await readFile(join(artifactDir, path), 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

export async function readManifest(artifactDir: string): Promise<ArtifactManifest> {
  return parseManifest(await readJson(artifactDir, 'manifest.json'));
}

function readTestVectors(json: unknown, path: string): TestVectors {
  const vectors = json as Partial<TestVectors> | null;
  if (!vectors || !Array.isArray(vectors.inputs) || !Array.isArray(vectors.outputs) || vectors.inputs.length !== vectors.outputs.length) {
    throw new Error(`${path}: expected {inputs: [...], outputs: [...]} with one output per input`);
  }
  return vectors as TestVectors;
}

/** Throws when the version's predictions of its test vectors differ from the recorded ones. */
export function checkTestVectors(serving: ServingVersion, vectors: TestVectors, tolerance: number): void {
  if (vectors.inputs.length === 0) return;
  const features = transformRows(serving.pipeline, vectors.inputs as Parameters<typeof transformRows>[1]);
  const predicted = serving.model.predict(features.values, features.rows);
  const width = serving.model.outputWidth;
  vectors.outputs.forEach((expected, row) => {
    if (expected.length !== width) throw new Error(`test vector ${row} has ${expected.length} outputs but the model gives ${width}`);
    expected.forEach((value, column) => {
      const difference = Math.abs((predicted[row * width + column] as number) - value);
      if (!(difference <= tolerance)) {
        throw new Error(`test vector ${row}, output ${column}: the model predicts ${predicted[row * width + column]} but the notebook recorded ${value} (tolerance ${tolerance}); the weights do not reproduce the trained model`);
      }
    });
  });
}

export async function loadVersion(tf: Tf, artifactDir: string, entry: ManifestVersion): Promise<ServingVersion> {
  const { files } = entry;
  const [modelJson, pipelineJson, referenceJson, vectorsJson] = await Promise.all([readJson(artifactDir, files.model), readJson(artifactDir, files.preprocess), readJson(artifactDir, files.referenceStats), readJson(artifactDir, files.testVectors)]);
  const pipeline = parsePipeline(pipelineJson);
  const modelDir = dirname(files.model);
  const model = await loadModel(tf, modelJson, async (path) => new Uint8Array(await readFile(join(artifactDir, modelDir, path))));
  if (model.inputWidth !== pipeline.outputs.length) {
    throw new Error(`the model takes ${model.inputWidth} columns but ${files.preprocess} produces ${pipeline.outputs.length}`);
  }
  const labels = entry.signature.outputs[0]?.labels;
  if (labels && labels.length !== model.outputWidth) throw new Error(`the signature names ${labels.length} labels but the model outputs ${model.outputWidth} values`);
  const serving: ServingVersion = { version: entry.version, pipeline, signature: entry.signature, reference: parseReferenceStats(referenceJson), model };
  checkTestVectors(serving, readTestVectors(vectorsJson, files.testVectors), SELF_CHECK_TOLERANCE);
  return serving;
}

async function tryLoad(tf: Tf, artifactDir: string, manifest: ArtifactManifest, version: number, role: Role): Promise<VersionLoad> {
  try {
    return { version, role, isLoaded: true, serving: await loadVersion(tf, artifactDir, versionEntry(manifest, version)) };
  } catch (error) {
    return { version, role, isLoaded: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function loadArtifact(tf: Tf, artifactDir: string, manifest: ArtifactManifest): Promise<LoadedArtifact> {
  const [production, fallback] = await Promise.all([
    tryLoad(tf, artifactDir, manifest, manifest.production, 'production'),
    manifest.fallback === null ? Promise.resolve(null) : tryLoad(tf, artifactDir, manifest, manifest.fallback, 'fallback'),
  ]);
  return { manifest, production, fallback };
}
