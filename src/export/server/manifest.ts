/**
 * manifest.json, the table of contents of an exported model artifact. Kiln writes it; the server
 * reads it at start-up, and an engineer may edit `production` / `fallback` by hand to roll back, so
 * the server treats it as untrusted input and says which field is wrong.
 */
import type { InputFeature } from '../../preprocess';

export const ARTIFACT_FORMAT = 'kiln-model-artifact';
export const ARTIFACT_FORMAT_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One model output as clients see it; `labels` name the columns of a classifier's output. */
export type SignatureOutput = { name: string; meaning: string; labels?: string[] };

export type ModelSignature = { inputs: InputFeature[]; outputs: SignatureOutput[] };

/** Where a version's files lie, relative to the artifact's root. */
export type VersionFiles = { model: string; preprocess: string; referenceStats: string; testVectors: string };

export type ManifestVersion = {
  version: number;
  runId: string;
  params: Record<string, JsonValue>;
  metrics: Record<string, number>;
  objective: JsonValue;
  dataFingerprints: Record<string, string>;
  signature: ModelSignature;
  files: VersionFiles;
};

export type ArtifactManifest = {
  format: typeof ARTIFACT_FORMAT;
  version: typeof ARTIFACT_FORMAT_VERSION;
  /** The model's name in the registry, as people wrote it. */
  name: string;
  /** The name in URLs (/v2/models/{servingName}) and Kubernetes objects: lowercase letters, digits and dashes. */
  servingName: string;
  versions: ManifestVersion[];
  production: number;
  fallback: number | null;
  created: string;
  tfjsVersion: string;
};

export type TestVectors = { inputs: Record<string, JsonValue>[]; outputs: number[][] };

export class ManifestError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`manifest.json ${path}: ${problem}`);
    this.name = 'ManifestError';
  }
}

const SERVING_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

type Json = Record<string, unknown>;

function objectAt(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(path, 'expected an object');
  return value as Json;
}

function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new ManifestError(path, 'expected a non-empty string');
  return value;
}

function versionNumberAt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ManifestError(path, 'expected a version number (an integer ≥ 1)');
  return value;
}

function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ManifestError(path, 'expected an array');
  return value;
}

function readOutputs(value: unknown, path: string): SignatureOutput[] {
  const outputs = arrayAt(value, path).map((entry, index) => {
    const output = objectAt(entry, `${path}[${index}]`);
    const read: SignatureOutput = { name: stringAt(output.name, `${path}[${index}].name`), meaning: stringAt(output.meaning, `${path}[${index}].meaning`) };
    if (output.labels !== undefined) read.labels = arrayAt(output.labels, `${path}[${index}].labels`).map((label, at) => stringAt(label, `${path}[${index}].labels[${at}]`));
    return read;
  });
  // The server answers one tensor per request; several named outputs would need a wire format of their own.
  if (outputs.length !== 1) throw new ManifestError(path, `expected exactly one output, got ${outputs.length}`);
  return outputs;
}

function readVersion(value: unknown, path: string): ManifestVersion {
  const entry = objectAt(value, path);
  const signature = objectAt(entry.signature, `${path}.signature`);
  const files = objectAt(entry.files, `${path}.files`);
  return {
    ...(entry as ManifestVersion),
    version: versionNumberAt(entry.version, `${path}.version`),
    signature: {
      // The pipeline file is the source of truth for inputs; the manifest copy is for people and tools.
      inputs: arrayAt(signature.inputs, `${path}.signature.inputs`) as InputFeature[],
      outputs: readOutputs(signature.outputs, `${path}.signature.outputs`),
    },
    files: {
      model: stringAt(files.model, `${path}.files.model`),
      preprocess: stringAt(files.preprocess, `${path}.files.preprocess`),
      referenceStats: stringAt(files.referenceStats, `${path}.files.referenceStats`),
      testVectors: stringAt(files.testVectors, `${path}.files.testVectors`),
    },
  };
}

/** Reads the fields the server relies on and checks that production and fallback name listed versions. */
export function parseManifest(json: unknown): ArtifactManifest {
  const root = objectAt(json, '(root)');
  if (root.format !== ARTIFACT_FORMAT) throw new ManifestError('format', `expected "${ARTIFACT_FORMAT}", got ${JSON.stringify(root.format)}`);
  if (root.version !== ARTIFACT_FORMAT_VERSION) throw new ManifestError('version', `this server reads version ${ARTIFACT_FORMAT_VERSION}, got ${JSON.stringify(root.version)}`);
  const servingName = stringAt(root.servingName, 'servingName');
  if (!SERVING_NAME.test(servingName)) throw new ManifestError('servingName', 'expected lowercase letters, digits and inner dashes');
  const versions = arrayAt(root.versions, 'versions').map((entry, index) => readVersion(entry, `versions[${index}]`));
  const listed = new Set<number>();
  versions.forEach((entry, index) => {
    if (listed.has(entry.version)) throw new ManifestError(`versions[${index}].version`, `version ${entry.version} is listed twice`);
    listed.add(entry.version);
  });
  const production = versionNumberAt(root.production, 'production');
  if (!listed.has(production)) throw new ManifestError('production', `version ${production} is not in versions (${[...listed].join(', ')})`);
  const fallback = root.fallback === null ? null : versionNumberAt(root.fallback, 'fallback');
  if (fallback !== null && !listed.has(fallback)) throw new ManifestError('fallback', `version ${fallback} is not in versions (${[...listed].join(', ')})`);
  if (fallback === production) throw new ManifestError('fallback', 'must differ from production (use null for no fallback)');
  return {
    ...(root as ArtifactManifest),
    name: stringAt(root.name, 'name'),
    servingName,
    versions,
    production,
    fallback,
  };
}

export function versionEntry(manifest: ArtifactManifest, version: number): ManifestVersion {
  const entry = manifest.versions.find((candidate) => candidate.version === version);
  if (!entry) throw new ManifestError('versions', `version ${version} is not listed`);
  return entry;
}
