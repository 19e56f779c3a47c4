/**
 * The export on fake-indexeddb with real tfjs models: a registered model's production and
 * fallback zipped with everything the server needs, and the refusals that say what to do.
 */
import * as tf from '@tensorflow/tfjs';
import { unzipSync, strFromU8 } from 'fflate';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunId } from '../lib/ids';
import { candidateFromRun, promote } from '../core/registry';
import type { Run, ServingRecord } from '../core/tracking/types';
import { computeReferenceStats, fitPipeline, transformRows } from '../preprocess';
import { parseManifest } from '../export/server/manifest';
import { RegistryRepository } from '../store/registry-repo';
import { RunsRepository } from '../store/runs-repo';
import { KilnDatabase } from '../store/schema';
import { buildArtifactZip } from './artifact-export';

let db: KilnDatabase;
let runs: RunsRepository;
let registry: RegistryRepository;

function run(id: string, hasModel: boolean, accuracy: number): Run {
  return {
    id: id as RunId, experiment: 'Penguins', name: `fit ${id}`, status: 'finished', startedAt: 1, endedAt: 2, params: { epochs: 5 }, tags: {}, notes: '', starred: false, parentId: null, source: 'autolog',
    metrics: { accuracy: { last: accuracy, min: accuracy, max: accuracy, lastStep: 0, count: 1 } }, reproducibility: null, problems: [], hasModel, kernelSession: null,
  };
}

/** As the kernel's autolog stores it: model.json without weight paths, and the weights in one buffer. */
async function saveModel(model: tf.LayersModel, runId: string, serving?: ServingRecord): Promise<void> {
  let stored: { modelJson: Record<string, unknown>; weights: ArrayBuffer } | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const metadata = artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {};
    stored = { modelJson: { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: null, weightSpecs: artifacts.weightSpecs, ...metadata }, weights: artifacts.weightData as ArrayBuffer };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const { modelJson, weights } = stored as unknown as { modelJson: Record<string, unknown>; weights: ArrayBuffer };
  await runs.apply([{ kind: 'model', artifact: { runId: runId as RunId, modelJson, weights, savedAt: 3, ...(serving ? { serving } : {}) } }]);
}

/** Raw rows as the notebook had them (the label too), and the pipeline `preprocess.fit` learned from them. */
const rawRows = [
  { mass: 3750, island: 'Biscoe', species: 'Adelie' },
  { mass: 5000, island: 'Dream', species: 'Gentoo' },
  { mass: 4100, island: 'Torgersen', species: 'Adelie' },
];
const pipeline = fitPipeline(rawRows, { standardize: ['mass'], oneHot: ['island'] });
const preparedModel = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: 'softmax', inputShape: [4] })] });
// As the demo notebook names the species: tfjs metadata that model.save keeps.
preparedModel.setUserDefinedMetadata({ labels: ['small', 'large'] });

function preparedServing(): ServingRecord {
  const { values, rows, columns } = transformRows(pipeline, rawRows);
  const outputs = (preparedModel.predict(tf.tensor2d(values, [rows, columns])) as tf.Tensor).arraySync() as number[][];
  return { pipeline, referenceStats: computeReferenceStats(pipeline, rawRows), testVectors: { inputs: rawRows, outputs } };
}

const dense = () => tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] });

beforeAll(async () => {
  await tf.setBackend('cpu');
  db = new KilnDatabase('kiln-export', { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.open();
  runs = new RunsRepository(db);
  registry = new RegistryRepository(db);
  await runs.apply([run('a', true, 0.8), run('b', true, 0.9), run('empty', false, 0.5), run('image', true, 0.7), run('prepared', true, 0.95)].map((entry) => ({ kind: 'start' as const, run: entry })));
  await saveModel(dense(), 'a');
  await saveModel(dense(), 'b');
  await saveModel(tf.sequential({ layers: [tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [8, 8, 1] }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }), 'image');
  await saveModel(preparedModel, 'prepared', preparedServing());
  for (const id of ['a', 'b']) await registry.register('Penguins', candidateFromRun((await runs.get(id as RunId))!, { metric: 'accuracy', direction: 'max' }));
  await registry.update('Penguins', (state, at) => promote(promote(state, 1, at), 2, at));
});

afterAll(() => db.close());

describe('buildArtifactZip', () => {
  it('zips production v2 with v1 as fallback, each with model, weights, signature and test vectors the model reproduces', async () => {
    const phases: string[] = [];
    const { fileName, zip, warnings } = await buildArtifactZip({ runs, registry }, { kind: 'production', model: 'Penguins' }, (progress) => phases.push(progress.phase));
    expect(fileName).toBe('penguins-v2.zip');
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const manifest = parseManifest(JSON.parse(strFromU8(files['penguins-v2/manifest.json']!)));
    expect([manifest.production, manifest.fallback]).toEqual([2, 1]);
    expect(manifest.versions.map((entry) => [entry.version, entry.runId, entry.objective])).toEqual([
      [2, 'b', { metric: 'accuracy', direction: 'max', value: 0.9 }],
      [1, 'a', { metric: 'accuracy', direction: 'max', value: 0.8 }],
    ]);
    expect(manifest.versions[0]?.signature.inputs.map((input) => input.name)).toEqual(['x0', 'x1', 'x2', 'x3']);
    expect(manifest.versions[0]?.signature.outputs[0]?.name).toBe('probabilities');
    for (const path of ['models/v2/model.json', 'models/v2/weights.bin', 'models/v1/weights.bin', 'server/index.js', 'server/preprocess/index.js', 'Dockerfile', 'package.json']) {
      expect(files[`penguins-v2/${path}`], path).toBeDefined();
    }
    const vectors = JSON.parse(strFromU8(files['penguins-v2/models/v2/test-vectors.json']!)) as { inputs: Record<string, number>[]; outputs: number[][] };
    expect(vectors.inputs).toHaveLength(8);
    // Every row of a softmax sums to 1: the recorded outputs are real predictions.
    for (const output of vectors.outputs) expect(output.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 5);
    expect(warnings[0]).toMatch(/logged no preprocessing pipeline/);
    expect(warnings).toContain('v2: the 3 classes have no names, so clients get them by position; name them with model.setUserDefinedMetadata({ labels: [...] }) before training.');
    expect(manifest.versions[0]?.signature.outputs[0]?.labels).toBeUndefined();
    expect(phases).toContain('Zipping');
  });

  it('ships the pipeline, reference statistics and test vectors the notebook saved with the model', async () => {
    const { zip, warnings } = await buildArtifactZip({ runs, registry }, { kind: 'run', runId: 'prepared' as RunId });
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    const read = (name: string) => JSON.parse(strFromU8(Object.entries(files).find(([path]) => path.endsWith(name))![1])) as unknown;
    expect(read('models/v1/preprocess.json')).toEqual(pipeline);
    // As a client sends them: the label column the pipeline never reads is left out (the server would refuse it).
    const recorded = preparedServing().testVectors;
    expect(read('models/v1/test-vectors.json')).toEqual({ inputs: rawRows.map(({ mass, island }) => ({ mass, island })), outputs: recorded.outputs });
    expect(read('models/v1/reference-stats.json')).toMatchObject({ format: 'kiln-reference-stats', rows: 3 });
    const manifest = parseManifest(read('manifest.json'));
    expect(manifest.versions[0]?.signature.inputs.map((input) => input.name).sort()).toEqual(['island', 'mass']);
    expect(manifest.versions[0]?.signature.outputs).toEqual([{ name: 'probabilities', meaning: 'probability of each class: small, large', labels: ['small', 'large'] }]);
    expect(read('models/v1/model.json')).toMatchObject({ userDefinedMetadata: { labels: ['small', 'large'] } });
    expect(warnings).toEqual([]);
  });

  it('exports an unregistered run as v1 of its experiment', async () => {
    const { fileName } = await buildArtifactZip({ runs, registry }, { kind: 'run', runId: 'a' as RunId });
    expect(fileName).toBe('penguins-v1.zip');
  });

  it('explains what to do for a run without a model, a model without production, and an image model', async () => {
    await expect(buildArtifactZip({ runs, registry }, { kind: 'run', runId: 'empty' as RunId })).rejects.toThrow(/saved no model.*run\.logModel\(model\)/);
    await registry.register('Unpromoted', candidateFromRun((await runs.get('a' as RunId))!, undefined));
    await expect(buildArtifactZip({ runs, registry }, { kind: 'production', model: 'Unpromoted' })).rejects.toThrow(/no production version yet: promote/);
    await expect(buildArtifactZip({ runs, registry }, { kind: 'run', runId: 'image' as RunId })).rejects.toThrow(/shape \[batch, 8, 8, 1\].*tf\.layers\.flatten\(\)/);
  });
});
