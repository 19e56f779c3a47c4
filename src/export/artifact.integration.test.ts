/**
 * The exported artifact, for real: a small model trained here, the artifact built and written to
 * a temporary folder (node_modules linked instead of installed), its server started as a child
 * process and called over HTTP in both protocols.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeReferenceStats, fitPipeline, transformRows, type FittedPipeline, type RawRow } from '../preprocess';
import { artifactRootFolder, buildArtifactFiles, type ArtifactVersionInput } from './artifact-files';
import { modelFilesFrom } from './model-files';
import { packSources } from './pack-sources';
import { loadServerSources } from './server-sources';

const REPO_NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));
const COLORS = ['red', 'green', 'blue'];
const LABELS = ['low', 'mid', 'high'];
const TOLERANCE = 1e-5;

/** Deterministic rows: four numbers and a colour; the class follows a linear score. */
function makeRows(count: number, seed: number): RawRow[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: count }, () => {
    const a = random() * 10;
    const b = random() * 4 - 2;
    const c = random() * 100;
    const d = random() < 0.1 ? null : random();
    const color = COLORS[Math.floor(random() * 3)] as string;
    const score = a / 10 + b / 4 + (color === 'blue' ? 0.5 : 0);
    return { a, b, c, d, color, label: score < 0.4 ? 0 : score < 0.9 ? 1 : 2 };
  });
}

const TRAINING = makeRows(300, 7);

async function trainVersion(version: number, pipeline: FittedPipeline, epochs: number): Promise<{ input: ArtifactVersionInput; model: tf.LayersModel }> {
  const features = transformRows(pipeline, TRAINING);
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [features.columns] }), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.tensor2d(features.values, [features.rows, features.columns]);
  const y = tf.tensor1d(TRAINING.map((row) => row.label as number), 'float32');
  await model.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
  tf.dispose([x, y]);
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const files = modelFilesFrom(saved as unknown as tf.io.ModelArtifacts);
  // As the notebook does: rows of the training data, so they lie within every training range.
  const vectorInputs = TRAINING.slice(version * 12, version * 12 + 12).map(({ label: _label, ...row }) => row);
  return {
    model,
    input: {
      version,
      runId: `run-${version}`,
      params: { epochs, units: 8 },
      metrics: { accuracy: 0.9 },
      objective: { metric: 'accuracy', goal: 'max' },
      dataFingerprints: { training: `sha256-of-training-${version}` },
      outputs: [{ name: 'probabilities', meaning: 'class probabilities', labels: LABELS }],
      ...files,
      pipeline,
      referenceStats: computeReferenceStats(pipeline, TRAINING),
      testVectors: { inputs: vectorInputs as Record<string, number | string | null>[], outputs: predict(model, pipeline, vectorInputs) },
    },
  };
}

function predict(model: tf.LayersModel, pipeline: FittedPipeline, rows: readonly RawRow[]): number[][] {
  const features = transformRows(pipeline, rows);
  return tf.tidy(() => (model.predict(tf.tensor2d(features.values, [features.rows, features.columns])) as tf.Tensor).arraySync() as number[][]);
}

type Server = { process: ChildProcess; url: string; logs: string[]; exited: Promise<number | null> };

async function startServer(dir: string, { waitForReady = true } = {}): Promise<Server & { readyMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['server/index.js'], { cwd: dir, env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      logs.push(text);
      const match = /"event":"listening","port":(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => logs.push(text));
    void exited.then((code) => reject(new Error(`the server exited with ${code} before listening: ${logs.join('')}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  while (waitForReady) {
    if ((await fetch(`${url}/v2/health/ready`)).status === 200) break;
    if (performance.now() - started > 20_000) throw new Error(`not ready after 20 s: ${logs.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { process: child, url, logs, exited, readyMs: performance.now() - started };
}

async function stopServer(server: Server): Promise<number | null> {
  if (server.process.exitCode === null) server.process.kill('SIGTERM');
  return server.exited;
}

async function post(url: string, body: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

function maxDifference(actual: readonly number[], expected: readonly number[]): number {
  expect(actual).toHaveLength(expected.length);
  return actual.reduce((largest, value, index) => Math.max(largest, Math.abs(value - (expected[index] as number))), 0);
}

async function writeArtifact(files: Map<string, string | Uint8Array>, root: string): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'kiln-artifact-'));
  for (const [path, content] of files) {
    await mkdir(dirname(join(parent, path)), { recursive: true });
    await writeFile(join(parent, path), content);
  }
  const dir = join(parent, root);
  await symlink(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('exported artifact over HTTP', () => {
  const pipeline = fitPipeline(TRAINING, { standardize: ['a', 'b'], minMax: ['c'], passthrough: ['d'], oneHot: ['color'], fillNull: { d: 'mean' }, drop: ['label'] });
  const requestRows = TRAINING.slice(100, 106).map(({ label: _label, ...row }) => row);
  let dir: string;
  let server: Server;
  let production: tf.LayersModel;
  let fallback: tf.LayersModel;
  let files: Map<string, string | Uint8Array>;
  let root: string;
  let readyMs: number;
  let expected: number[][];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const [older, newer] = [await trainVersion(1, pipeline, 2), await trainVersion(2, pipeline, 8)];
    production = newer.model;
    fallback = older.model;
    const input = { name: 'Colour Score!', versions: [older.input, newer.input], production: 2, fallback: 1, created: '2025-01-02T03:04:05.000Z', serverFiles: packSources(await loadServerSources()) };
    files = buildArtifactFiles(input);
    root = artifactRootFolder(input);
    dir = await writeArtifact(files, root);
    expected = predict(production, pipeline, requestRows);
    const started = await startServer(dir);
    server = started;
    readyMs = started.readyMs;
  }, 120_000);

  afterAll(async () => {
    if (server) await stopServer(server);
    if (dir) await rm(dirname(dir), { recursive: true, force: true });
  });

  it('names the root folder after the model and its production version, and gets ready quickly', () => {
    expect(root).toBe('colour-score-v2');
    // The target is 1 s on a quiet machine; this bound only catches a server that hangs while loading.
    expect(readyMs).toBeLessThan(10_000);
    console.info(`artifact server: start to ready in ${Math.round(readyMs)} ms`);
  });

  const columns = ['a', 'b', 'c', 'd', 'color'];
  const mlflowBodies: [string, () => unknown][] = [
    ['dataframe_split', () => ({ dataframe_split: { columns, data: requestRows.map((row) => columns.map((column) => row[column] ?? null)) } })],
    ['dataframe_records', () => ({ dataframe_records: requestRows })],
    ['instances', () => ({ instances: requestRows })],
    ['inputs (columnar)', () => ({ inputs: Object.fromEntries(columns.map((column) => [column, requestRows.map((row) => row[column] ?? null)])) })],
  ];

  it.each(mlflowBodies)('MLflow %s answers the trained model\'s predictions', async (_shape, body) => {
    const { status, headers, json } = await post(`${server.url}/invocations`, body());
    expect(status, JSON.stringify(json)).toBe(200);
    expect(headers.get('x-kiln-model-version')).toBe('2');
    expect(json.fallback).toBe(false);
    expect(maxDifference((json.predictions as number[][]).flat(), expected.flat())).toBeLessThanOrEqual(TOLERANCE);
  });

  it('V2 infer answers the trained model\'s predictions, for production and for a pinned version', async () => {
    const body = {
      id: 'req-1',
      inputs: columns.map((name) => ({ name, shape: [requestRows.length], datatype: name === 'color' ? 'BYTES' : 'FP64', data: requestRows.map((row) => row[name] ?? null) })),
    };
    const { status, json } = await post(`${server.url}/v2/models/colour-score/infer`, body);
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json).toMatchObject({ model_name: 'colour-score', model_version: '2', id: 'req-1' });
    const [output] = json.outputs as { name: string; shape: number[]; datatype: string; data: number[] }[];
    expect(output).toMatchObject({ name: 'probabilities', shape: [6, 3], datatype: 'FP32' });
    expect(maxDifference(output?.data ?? [], expected.flat())).toBeLessThanOrEqual(TOLERANCE);

    const pinned = await post(`${server.url}/v2/models/colour-score/versions/1/infer`, body);
    expect(pinned.json.model_version).toBe('1');
    const [pinnedOutput] = pinned.json.outputs as { data: number[] }[];
    expect(maxDifference(pinnedOutput?.data ?? [], predict(fallback, pipeline, requestRows).flat())).toBeLessThanOrEqual(TOLERANCE);
  });

  it('coalesces concurrent requests into shared model calls and answers each its own rows', async () => {
    const answers = await Promise.all(requestRows.map((row) => post(`${server.url}/invocations`, { dataframe_records: [row] })));
    answers.forEach(({ json }, index) => expect(maxDifference((json.predictions as number[][]).flat(), expected[index] as number[])).toBeLessThanOrEqual(TOLERANCE));
  });

  const row = () => ({ ...requestRows[0] });
  const badInputs: [string, string, unknown, number, Record<string, unknown>][] = [
    ['invalid JSON', '/invocations', '{"dataframe_records": [', 400, { error_code: 'MALFORMED_REQUEST', field: 'body' }],
    ['an unknown body key', '/invocations', { rows: [] }, 400, { field: 'rows' }],
    ['an empty batch', '/invocations', { dataframe_records: [] }, 400, { field: 'dataframe_records', got: 'an empty array' }],
    ['a missing feature', '/invocations', { dataframe_records: [{ ...row(), a: undefined }] }, 400, { field: 'a', row: 0 }],
    ['an unknown feature', '/invocations', { dataframe_records: [{ ...row(), size: 3 }] }, 400, { field: 'size' }],
    ['a string for a number', '/invocations', { dataframe_records: [row(), { ...row(), b: 'wide' }] }, 400, { field: 'b', row: 1, got: 'string "wide"' }],
    ['a number outside the training range', '/invocations', { dataframe_records: [{ ...row(), c: 1e6 }] }, 400, { field: 'c', row: 0 }],
    ['an unseen category', '/invocations', { dataframe_records: [{ ...row(), color: 'purple' }] }, 400, { field: 'color', row: 0 }],
    ['a ragged dataframe_split', '/invocations', { dataframe_split: { columns, data: [[1, 2]] } }, 400, { field: 'dataframe_split.data', row: 0 }],
    ['a V2 tensor of the wrong datatype', '/v2/models/colour-score/infer', { inputs: columns.map((name) => ({ name, shape: [1], datatype: 'BYTES', data: ['x'] })) }, 400, { field: 'a' }],
    ['a V2 request without a feature', '/v2/models/colour-score/infer', { inputs: [{ name: 'a', shape: [1], datatype: 'FP32', data: [1] }] }, 400, { field: 'b' }],
    ['a V2 shape that disagrees with its data', '/v2/models/colour-score/infer', { inputs: [{ name: 'a', shape: [2], datatype: 'FP32', data: [1] }] }, 400, { field: 'a' }],
  ];

  it.each(badInputs)('refuses %s with a message naming the field', async (_case, path, body, status, fields) => {
    const answer = await post(`${server.url}${path}`, body);
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject(fields);
    const message = (answer.json.message ?? answer.json.error) as string;
    if (typeof fields.field === 'string') expect(message).toContain(fields.field);
  });

  it('answers 413 to a body over the limit, 404 to unknown routes and 405 to wrong methods, and keeps serving', async () => {
    const huge = JSON.stringify({ dataframe_records: Array.from({ length: 60_000 }, () => requestRows[0]) });
    expect(huge.length).toBeGreaterThan(4 * 1024 * 1024);
    expect((await fetch(`${server.url}/invocations`, { method: 'POST', body: huge })).status).toBe(413);
    expect((await fetch(`${server.url}/v2/models/other/infer`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${server.url}/invocations`)).status).toBe(405);
    const { status } = await post(`${server.url}/invocations`, { dataframe_records: requestRows });
    expect(status).toBe(200);
  });

  it('exposes request counts, latency and batch histograms, and drift that rises with shifted inputs', async () => {
    const before = await (await fetch(`${server.url}/metrics`)).text();
    expect(before).toMatch(/^kiln_http_requests_total\{route="invocations",status="200"\} \d+$/m);
    expect(before).toMatch(/^kiln_http_requests_total\{route="invocations",status="400"\} \d+$/m);
    expect(before).toMatch(/^kiln_http_request_duration_seconds_bucket\{route="invocations",le="\+Inf"\} \d+$/m);
    expect(before).toMatch(/^kiln_batch_rows_count \d+$/m);
    expect(before).toMatch(/^kiln_feature_drift_psi\{feature="color"\} /m);
    expect(before).toMatch(/^kiln_drift_detected 0$/m);

    // Training-like rows first, then rows at the top of every range and all blue.
    await post(`${server.url}/invocations`, { dataframe_records: makeRows(150, 4242).map(({ label: _label, ...rest }) => rest) });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^kiln_drift_detected 0$/m);
    const shifted = Array.from({ length: 1000 }, () => ({ a: pipeline.inputs[0]?.range?.max, b: pipeline.inputs[1]?.range?.max, c: pipeline.inputs[2]?.range?.max, d: null, color: 'blue' }));
    expect((await post(`${server.url}/invocations`, { dataframe_records: shifted })).status).toBe(200);
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(after).toMatch(/^kiln_drift_detected 1$/m);
    expect(after).toMatch(/^kiln_feature_drift_level\{feature="a"\} 2$/m);
  });

  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const own = await startServer(dir);
    const body = JSON.stringify({ dataframe_records: requestRows });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const call = request(`${own.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      call.on('error', reject);
      call.write(body.slice(0, 20));
      // The request is now in flight (half its body sent) when the signal arrives.
      setTimeout(() => {
        own.process.kill('SIGTERM');
        setTimeout(() => call.end(body.slice(20)), 200);
      }, 100);
    });
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect((JSON.parse(text) as { predictions: unknown[] }).predictions).toHaveLength(requestRows.length);
    expect(await own.exited).toBe(0);
    await expect(fetch(`${own.url}/v2/health/live`)).rejects.toThrow();
  });

  it('serves the fallback version, and says so, when the production weights are corrupt', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'kiln-artifact-broken-'));
    await cp(dir, broken, { recursive: true, verbatimSymlinks: true });
    const weights = files.get(`${root}/models/v2/weights.bin`) as Uint8Array;
    await writeFile(join(broken, 'models/v2/weights.bin'), weights.map((byte) => byte ^ 0x5a));
    const own = await startServer(broken);
    try {
      const { status, headers, json } = await post(`${own.url}/invocations`, { dataframe_records: requestRows });
      expect(status).toBe(200);
      expect(headers.get('x-kiln-model-version')).toBe('1');
      expect(headers.get('x-kiln-model-role')).toBe('fallback');
      expect(json).toMatchObject({ model_version: '1', fallback: true });
      expect(maxDifference((json.predictions as number[][]).flat(), predict(fallback, pipeline, requestRows).flat())).toBeLessThanOrEqual(TOLERANCE);
      const version = (await (await fetch(`${own.url}/version`)).json()) as Record<string, unknown>;
      expect(version).toMatchObject({ production: 2, fallback: 1, serving: { version: 1, role: 'fallback' } });
      const metrics = await (await fetch(`${own.url}/metrics`)).text();
      expect(metrics).toMatch(/^kiln_model_loaded\{version="2",role="production"\} 0$/m);
      expect(metrics).toMatch(/^kiln_model_failures_total\{version="2",stage="load"\} 1$/m);
      expect(metrics).toMatch(/^kiln_model_fallback_active 1$/m);
      expect(own.logs.join('')).toContain('"event":"version-failed","version":2');
    } finally {
      expect(await stopServer(own)).toBe(0);
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('stays up but not ready, and says why, when no version loads', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'kiln-artifact-broken-'));
    await cp(dir, broken, { recursive: true, verbatimSymlinks: true });
    for (const version of [1, 2]) await writeFile(join(broken, `models/v${version}/weights.bin`), new Uint8Array(10));
    const own = await startServer(broken, { waitForReady: false });
    try {
      let ready = await fetch(`${own.url}/v2/health/ready`);
      for (let tries = 0; !own.logs.join('').includes('"event":"not-ready"') && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        ready = await fetch(`${own.url}/v2/health/ready`);
      }
      expect(ready.status).toBe(503);
      expect((await fetch(`${own.url}/v2/health/live`)).status).toBe(200);
      const { status, headers, json } = await post(`${own.url}/invocations`, { dataframe_records: requestRows });
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toBe('1');
      expect(json.error_code).toBe('NOT_READY');
      expect(json.message).toContain('no version could load: v2 (production): the weight files hold 10 bytes');
      expect(json.message).toContain('v1 (fallback)');
    } finally {
      expect(await stopServer(own)).toBe(0);
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('passes its own npm test', () => {
    const result = spawnSync(process.execPath, ['--test', 'test/artifact.spec.js'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/# fail 0/);
  }, 90_000);
});
