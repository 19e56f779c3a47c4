/**
 * Every file of an exported model artifact, by path, ready to zip:
 *
 *   <serving-name>-v<production>/
 *     manifest.json  models/v<N>/{model.json, weights.bin, preprocess.json, reference-stats.json, test-vectors.json}
 *     server/*.js  server/preprocess/*.js  test/*.js  package.json  package-lock.json
 *     Dockerfile  .dockerignore  README.md  k8s/deployment.yaml  k8s/inferenceservice.yaml
 *
 * Pure: the browser calls it with the registry's versions and the packed server sources.
 */
import type { FittedPipeline, ReferenceStats } from '../preprocess';
import { DOCKERIGNORE, deploymentYaml, dockerfile, inferenceServiceYaml } from './artifact-deploy';
import { lockfileText, type LockPackages } from './artifact-lock';
import lockPackages from './artifact-lock-packages.json';
import { artifactReadme } from './artifact-readme';
import { WEIGHTS_FILE, type ModelJson } from './model-files';
import { ARTIFACT_PACKAGES } from './pack-sources';
import {
  ARTIFACT_FORMAT,
  ARTIFACT_FORMAT_VERSION,
  type ArtifactManifest,
  type ManifestVersion,
  type SignatureOutput,
  type TestVectors,
} from './server/manifest';
import { isWeightsManifest, totalWeightBytes } from './server/weights';

export const TFJS_VERSION = '4.22.0';

/** A version's manifest fields (the signature and file paths are derived here), and its files' contents. */
export type ArtifactVersionInput = Pick<ManifestVersion, 'version' | 'runId' | 'params' | 'metrics' | 'objective' | 'dataFingerprints'> & {
  /** What the model's output means; the inputs come from the pipeline. */
  outputs: SignatureOutput[];
  modelJson: ModelJson;
  weights: Uint8Array;
  pipeline: FittedPipeline;
  referenceStats: ReferenceStats;
  testVectors: TestVectors;
};

export type ArtifactInput = {
  /** The registry's model name; the serving name (URLs, Kubernetes) is derived from it. */
  name: string;
  versions: ArtifactVersionInput[];
  production: number;
  fallback: number | null;
  /** ISO 8601 time of the export. */
  created: string;
  /** packSources' output: 'server/…js' and 'test/…js'. */
  serverFiles: ReadonlyMap<string, string>;
};

export type ArtifactFiles = Map<string, string | Uint8Array>;

export class ArtifactInputError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'ArtifactInputError';
  }
}

/** Kubernetes wants a DNS label that starts with a letter; KServe appends suffixes, so keep it short. */
const MAX_SERVING_NAME = 40;

export function servingNameOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') throw new ArtifactInputError('name', `"${name}" has no letters or digits to name the service with`);
  const named = /^[a-z]/.test(slug) ? slug : `model-${slug}`;
  return named.slice(0, MAX_SERVING_NAME).replace(/-+$/, '');
}

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function versionDir(version: number): string {
  return `models/v${version}`;
}

function checkVersion(entry: ArtifactVersionInput, path: string): void {
  if (!Number.isInteger(entry.version) || entry.version < 1) throw new ArtifactInputError(`${path}.version`, `expected an integer ≥ 1, got ${entry.version}`);
  if (!isWeightsManifest(entry.modelJson.weightsManifest)) throw new ArtifactInputError(`${path}.modelJson.weightsManifest`, 'expected an array of {paths, weights}');
  const expected = totalWeightBytes(entry.modelJson.weightsManifest.flatMap((group) => group.weights));
  if (entry.weights.byteLength !== expected) throw new ArtifactInputError(`${path}.weights`, `holds ${entry.weights.byteLength} bytes but model.json describes ${expected}`);
  if (entry.outputs.length !== 1) throw new ArtifactInputError(`${path}.outputs`, `the server answers one output tensor; got ${entry.outputs.length} outputs`);
  if (entry.testVectors.inputs.length === 0 || entry.testVectors.inputs.length !== entry.testVectors.outputs.length) {
    throw new ArtifactInputError(`${path}.testVectors`, 'expected at least one input and exactly one output per input');
  }
}

function checkInput(input: ArtifactInput): void {
  const seen = new Set<number>();
  input.versions.forEach((entry, index) => {
    checkVersion(entry, `versions[${index}]`);
    if (seen.has(entry.version)) throw new ArtifactInputError(`versions[${index}].version`, `version ${entry.version} appears twice`);
    seen.add(entry.version);
  });
  if (!seen.has(input.production)) throw new ArtifactInputError('production', `version ${input.production} is not among the versions`);
  if (input.fallback !== null && (!seen.has(input.fallback) || input.fallback === input.production)) {
    throw new ArtifactInputError('fallback', `expected another listed version or null, got ${input.fallback}`);
  }
  if (!input.serverFiles.has('server/index.js')) throw new ArtifactInputError('serverFiles', 'has no server/index.js: pass packSources(await loadServerSources())');
}

function manifestVersion(entry: ArtifactVersionInput): ManifestVersion {
  const dir = versionDir(entry.version);
  return {
    version: entry.version,
    runId: entry.runId,
    params: entry.params,
    metrics: entry.metrics,
    objective: entry.objective,
    dataFingerprints: entry.dataFingerprints,
    signature: { inputs: entry.pipeline.inputs, outputs: entry.outputs },
    files: { model: `${dir}/model.json`, preprocess: `${dir}/preprocess.json`, referenceStats: `${dir}/reference-stats.json`, testVectors: `${dir}/test-vectors.json` },
  };
}

/** model.json with one weights group pointing at weights.bin: the weights are one concatenated file. */
function singleFileModelJson(modelJson: ModelJson): ModelJson {
  return { ...modelJson, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: modelJson.weightsManifest.flatMap((group) => group.weights) }] };
}

function packageJson(servingName: string, production: number, testFiles: readonly string[]) {
  return {
    name: `${servingName}-model-server`,
    version: `${production}.0.0`,
    private: true,
    description: `Model server for ${servingName} (exported from Kiln)`,
    type: 'module',
    engines: { node: '>=20' },
    scripts: { start: 'node server/index.js', test: `node --test ${testFiles.join(' ')}` },
    dependencies: Object.fromEntries(ARTIFACT_PACKAGES.map((name) => [name, TFJS_VERSION])),
  };
}

export function artifactRootFolder(input: Pick<ArtifactInput, 'name' | 'production'>): string {
  return `${servingNameOf(input.name)}-v${input.production}`;
}

export function buildArtifactFiles(input: ArtifactInput): ArtifactFiles {
  checkInput(input);
  const servingName = servingNameOf(input.name);
  const root = artifactRootFolder(input);
  const manifest: ArtifactManifest = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_FORMAT_VERSION,
    name: input.name,
    servingName,
    versions: input.versions.map(manifestVersion),
    production: input.production,
    fallback: input.fallback,
    created: input.created,
    tfjsVersion: TFJS_VERSION,
  };
  const files: ArtifactFiles = new Map();
  const add = (path: string, content: string | Uint8Array) => files.set(`${root}/${path}`, content);

  add('manifest.json', pretty(manifest));
  for (const entry of input.versions) {
    const dir = versionDir(entry.version);
    add(`${dir}/model.json`, JSON.stringify(singleFileModelJson(entry.modelJson)));
    add(`${dir}/${WEIGHTS_FILE}`, entry.weights);
    add(`${dir}/preprocess.json`, pretty(entry.pipeline));
    add(`${dir}/reference-stats.json`, pretty(entry.referenceStats));
    add(`${dir}/test-vectors.json`, JSON.stringify(entry.testVectors));
  }
  for (const [path, code] of input.serverFiles) add(path, code);

  const testFiles = [...input.serverFiles.keys()].filter((path) => path.startsWith('test/') && path.endsWith('.spec.js')).sort();
  const pkg = packageJson(servingName, input.production, testFiles);
  add('package.json', pretty(pkg));
  add('package-lock.json', lockfileText({ name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, engines: pkg.engines }, lockPackages as LockPackages));

  const names = { servingName, production: input.production };
  add('Dockerfile', dockerfile(names));
  add('.dockerignore', DOCKERIGNORE);
  add('k8s/deployment.yaml', deploymentYaml(names));
  add('k8s/inferenceservice.yaml', inferenceServiceYaml(names));

  const production = input.versions.find((entry) => entry.version === input.production) as ArtifactVersionInput;
  const outputWidth = production.testVectors.outputs[0]?.length ?? 1;
  add('README.md', artifactReadme({ manifest, rootFolder: root, inputs: production.pipeline.inputs, exampleRow: production.testVectors.inputs[0] ?? {}, outputWidth }));
  return files;
}
