import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { computeReferenceStats, fitPipeline, type RawRow } from '../preprocess';
import { ArtifactInputError, buildArtifactFiles, servingNameOf, TFJS_VERSION, type ArtifactInput, type ArtifactVersionInput } from './artifact-files';
import type { LockPackages } from './artifact-lock';
import { parseManifest } from './server/manifest';

const training: RawRow[] = [
  { size: 1, colour: 'red', label: 0 },
  { size: 2, colour: 'blue', label: 1 },
  { size: 4, colour: 'red', label: 1 },
];
const pipeline = fitPipeline(training, { standardize: ['size'], oneHot: ['colour'], drop: ['label'] });

function version(number: number): ArtifactVersionInput {
  return {
    version: number,
    runId: `run-${number}`,
    params: { epochs: 5 },
    metrics: { accuracy: 0.75 + number / 100 },
    objective: { metric: 'accuracy', goal: 'max' },
    dataFingerprints: { training: 'sha256:abc' },
    outputs: [{ name: 'probabilities', meaning: 'class probabilities', labels: ['no', 'yes'] }],
    // Two groups, as a sharded save gives: 3×2 + 2 floats = 32 bytes.
    modelJson: {
      modelTopology: { class_name: 'Sequential' },
      format: 'layers-model',
      generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
      convertedBy: null,
      weightsManifest: [
        { paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: [3, 2], dtype: 'float32' }] },
        { paths: ['group2-shard1of1.bin'], weights: [{ name: 'dense/bias', shape: [2], dtype: 'float32' }] },
      ],
    },
    weights: new Uint8Array(32).fill(number),
    pipeline,
    referenceStats: computeReferenceStats(pipeline, training),
    testVectors: { inputs: [{ size: 2, colour: 'blue' }], outputs: [[0.25, 0.75]] },
  };
}

const serverFiles = new Map([
  ['server/index.js', '// entry'],
  ['server/preprocess/index.js', '// preprocess'],
  ['test/harness.js', '// helper'],
  ['test/artifact.spec.js', '// tests'],
]);

const input: ArtifactInput = { name: 'Penguin Species (Adélie)', versions: [version(3), version(4)], production: 4, fallback: 3, created: '2025-06-01T12:00:00.000Z', serverFiles };
const files = buildArtifactFiles(input);
const root = 'penguin-species-adelie-v4';
const text = (path: string) => files.get(`${root}/${path}`) as string;
const json = <T>(path: string) => JSON.parse(text(path)) as T;

describe('buildArtifactFiles', () => {
  it('lays out the artifact under one root folder', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        '.dockerignore',
        'Dockerfile',
        'README.md',
        'k8s/deployment.yaml',
        'k8s/inferenceservice.yaml',
        'manifest.json',
        'models/v3/model.json',
        'models/v3/preprocess.json',
        'models/v3/reference-stats.json',
        'models/v3/test-vectors.json',
        'models/v3/weights.bin',
        'models/v4/model.json',
        'models/v4/preprocess.json',
        'models/v4/reference-stats.json',
        'models/v4/test-vectors.json',
        'models/v4/weights.bin',
        'package-lock.json',
        'package.json',
        'server/index.js',
        'server/preprocess/index.js',
        'test/artifact.spec.js',
        'test/harness.js',
      ].map((path) => `${root}/${path}`),
    );
  });

  it('writes a manifest the server reads back, with each version\'s run, signature and files', () => {
    const manifest = parseManifest(json('manifest.json'));
    expect(manifest).toMatchObject({ format: 'kiln-model-artifact', version: 1, name: 'Penguin Species (Adélie)', servingName: 'penguin-species-adelie', production: 4, fallback: 3, created: '2025-06-01T12:00:00.000Z', tfjsVersion: TFJS_VERSION });
    const v4 = manifest.versions.find((entry) => entry.version === 4);
    expect(v4).toMatchObject({ runId: 'run-4', params: { epochs: 5 }, metrics: { accuracy: 0.79 }, objective: { metric: 'accuracy', goal: 'max' }, dataFingerprints: { training: 'sha256:abc' } });
    expect(v4?.signature).toEqual({ inputs: pipeline.inputs, outputs: [{ name: 'probabilities', meaning: 'class probabilities', labels: ['no', 'yes'] }] });
    expect(v4?.files).toEqual({ model: 'models/v4/model.json', preprocess: 'models/v4/preprocess.json', referenceStats: 'models/v4/reference-stats.json', testVectors: 'models/v4/test-vectors.json' });
    for (const path of Object.values(v4?.files ?? {})) expect(files.has(`${root}/${path}`), path).toBe(true);
  });

  it('points model.json at one weights.bin holding every weight in order', () => {
    const model = json<{ weightsManifest: { paths: string[]; weights: { name: string }[] }[] }>('models/v4/model.json');
    expect(model.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: [expect.objectContaining({ name: 'dense/kernel' }), expect.objectContaining({ name: 'dense/bias' })] }]);
    expect(files.get(`${root}/models/v4/weights.bin`)).toEqual(new Uint8Array(32).fill(4));
    expect(json('models/v3/preprocess.json')).toEqual(pipeline);
    expect(json('models/v4/test-vectors.json')).toEqual({ inputs: [{ size: 2, colour: 'blue' }], outputs: [[0.25, 0.75]] });
  });

  it('writes a package.json with only the two tfjs packages, start and test scripts', () => {
    expect(json('package.json')).toEqual({
      name: 'penguin-species-adelie-model-server',
      version: '4.0.0',
      private: true,
      description: expect.any(String),
      type: 'module',
      engines: { node: '>=20' },
      scripts: { start: 'node server/index.js', test: 'node --test test/artifact.spec.js' },
      dependencies: { '@tensorflow/tfjs': TFJS_VERSION, '@tensorflow/tfjs-backend-wasm': TFJS_VERSION },
    });
  });

  it('writes a lockfile whose root matches package.json and whose every dependency resolves inside it', () => {
    const lock = json<{ lockfileVersion: number; packages: LockPackages }>('package-lock.json');
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages['']?.dependencies).toEqual(json<{ dependencies: Record<string, string> }>('package.json').dependencies);
    const resolves = (from: string, name: string): boolean => {
      for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
        if (lock.packages[`${dir === '' ? '' : `${dir}/`}node_modules/${name}`]) return true;
        if (dir === '') return false;
      }
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.dependencies ?? {})) expect(resolves(path, name), `${path} needs ${name}`).toBe(true);
      expect(entry.dev, path).toBeUndefined();
    }
  });

  it('writes a Dockerfile on node:20-slim that installs from the lockfile, runs as non-root and checks readiness', () => {
    const dockerfile = text('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^USER (?!root|0\b)\S+$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/v2\/health\/ready/m);
    expect(dockerfile).toMatch(/^CMD \["node", "server\/index.js"\]$/m);
    for (const copied of ['package.json package-lock.json', 'manifest.json', 'server', 'models']) expect(dockerfile).toContain(`COPY ${copied} `);
  });

  it('writes a Deployment and a Service that select the same pods and probe the health routes', () => {
    const [deployment, service, ...rest] = parseAllDocuments(text('k8s/deployment.yaml')).map((document) => {
      expect(document.errors).toEqual([]);
      return document.toJS() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking parsed YAML
    });
    expect(rest).toEqual([]);
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'penguin-species-adelie' } });
    expect(service).toMatchObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'penguin-species-adelie' } });
    const pod = deployment?.spec.template;
    expect(deployment?.spec.selector.matchLabels).toEqual(service?.spec.selector);
    expect(pod.metadata.labels).toMatchObject(service?.spec.selector);
    const [container] = pod.spec.containers;
    expect(container.image).toBe('penguin-species-adelie-model:v4');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(service?.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' });
  });

  it('writes a KServe InferenceService with the image as a custom predictor, readiness and scaling', () => {
    const documents = parseAllDocuments(text('k8s/inferenceservice.yaml'));
    expect(documents).toHaveLength(1);
    expect(documents[0]?.errors).toEqual([]);
    const service = documents[0]?.toJS() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking parsed YAML
    expect(service).toMatchObject({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'penguin-species-adelie' } });
    const { predictor } = service.spec;
    expect(predictor).toMatchObject({ minReplicas: 1, maxReplicas: 4, scaleMetric: 'concurrency', scaleTarget: 32 });
    const [container] = predictor.containers;
    expect(container).toMatchObject({ name: 'kserve-container', image: 'penguin-species-adelie-model:v4', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(container.readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(container.env).toBeUndefined();
  });

  it('writes a README with runnable examples for both protocols, fallback and roll back', () => {
    const readme = text('README.md');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('/v2/models/penguin-species-adelie/infer');
    expect(readme).toContain('manifest.json');
    const bodies = [...readme.matchAll(/-d '([^']+)'/g)].map((match) => JSON.parse(match[1] as string) as Record<string, unknown>);
    expect(bodies.map((body) => Object.keys(body)[0])).toEqual(['dataframe_split', 'dataframe_records', 'inputs']);
    expect(bodies[0]).toEqual({ dataframe_split: { columns: ['size', 'colour'], data: [[2, 'blue']] } });
    expect(bodies[2]?.inputs).toEqual([
      { name: 'size', shape: [1], datatype: 'FP64', data: [2] },
      { name: 'colour', shape: [1], datatype: 'BYTES', data: ['blue'] },
    ]);
  });

  it('quotes README examples for the shell, even a category with an apostrophe', () => {
    const quoted = { ...version(4), testVectors: { inputs: [{ size: 2, colour: "O'Hare" }], outputs: [[0.5, 0.5]] } };
    const readme = buildArtifactFiles({ ...input, versions: [quoted], fallback: null }).get(`${root}/README.md`) as string;
    const argument = /-d ('(?:[^']|'\\'')*')$/m.exec(readme)?.[1];
    expect(argument).toBeDefined();
    const printed = spawnSync('sh', ['-c', `printf '%s' ${argument}`], { encoding: 'utf8' });
    expect(JSON.parse(printed.stdout)).toEqual({ dataframe_split: { columns: ['size', 'colour'], data: [[2, "O'Hare"]] } });
  });
});

describe('buildArtifactFiles refuses inconsistent input', () => {
  it.each<[string, Partial<ArtifactInput>, string]>([
    ['weights of the wrong size', { versions: [{ ...version(4), weights: new Uint8Array(8) }], fallback: null }, 'versions[0].weights: holds 8 bytes but model.json describes 32'],
    ['a production version that is not listed', { production: 5 }, 'production: version 5 is not among the versions'],
    ['a fallback equal to production', { fallback: 4 }, 'fallback: expected another listed version or null, got 4'],
    ['a version listed twice', { versions: [version(4), version(4)] }, 'versions[1].version: version 4 appears twice'],
    ['two outputs', { versions: [{ ...version(4), outputs: [{ name: 'a', meaning: 'x' }, { name: 'b', meaning: 'y' }] }], fallback: null }, 'versions[0].outputs'],
    ['no test vectors', { versions: [{ ...version(4), testVectors: { inputs: [], outputs: [] } }], fallback: null }, 'versions[0].testVectors'],
    ['no packed server', { serverFiles: new Map() }, 'serverFiles: has no server/index.js'],
    ['a name without letters or digits', { name: '!!!' }, 'name: "!!!" has no letters or digits'],
  ])('%s', (_case, change, message) => {
    expect(() => buildArtifactFiles({ ...input, ...change })).toThrow(ArtifactInputError);
    expect(() => buildArtifactFiles({ ...input, ...change })).toThrow(message);
  });
});

describe('servingNameOf', () => {
  it.each([
    ['Penguins', 'penguins'],
    ['Crème Brûlée v2', 'creme-brulee-v2'],
    ['  spaces & symbols!! ', 'spaces-symbols'],
    ['2024 churn', 'model-2024-churn'],
    ['a'.repeat(50), 'a'.repeat(40)],
  ])('%s → %s', (name, expected) => {
    expect(servingNameOf(name)).toBe(expected);
    expect(servingNameOf(name)).toMatch(/^[a-z]([a-z0-9-]*[a-z0-9])?$/);
  });
});
