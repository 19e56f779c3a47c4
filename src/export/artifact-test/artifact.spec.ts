/**
 * `npm test` in the artifact: the notebook's test vectors through both protocols (equal within
 * 1e-5), then the protocol checks a deployment relies on. Packed as test/artifact.spec.js.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ArtifactManifest } from '../server/manifest';
import { maxDifference, postJson, readManifestFile, readTestVectors, startArtifactServer, v2Inputs, type RunningServer } from './harness';

const TOLERANCE = 1e-5;

let server: RunningServer;
let manifest: ArtifactManifest;

before(async () => {
  manifest = await readManifestFile();
  server = await startArtifactServer();
});

after(async () => {
  assert.equal(await server.close(), 0);
});

describe('test vectors', () => {
  it('production answers the notebook\'s predictions over MLflow /invocations', async () => {
    const vectors = await readTestVectors(manifest, manifest.production);
    const { status, headers, json } = await postJson(`${server.url}/invocations`, { dataframe_records: vectors.inputs });
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(headers.get('x-kiln-model-version'), String(manifest.production), 'production serves (not the fallback)');
    const predictions = (json.predictions as (number | number[])[]).flat();
    assert.ok(maxDifference(predictions, vectors.outputs) <= TOLERANCE, `predictions differ from test-vectors.json by ${maxDifference(predictions, vectors.outputs)}`);
  });

  for (const role of ['production', 'fallback'] as const) {
    it(`${role} answers the notebook's predictions over V2 /versions/<N>/infer`, async (context) => {
      const version = manifest[role];
      if (version === null) return context.skip('no fallback version');
      const entry = manifest.versions.find((candidate) => candidate.version === version);
      assert.ok(entry, `manifest.json lists version ${version}`);
      const vectors = await readTestVectors(manifest, version);
      const { status, json } = await postJson(`${server.url}/v2/models/${manifest.servingName}/versions/${version}/infer`, v2Inputs(vectors.inputs, entry.signature.inputs));
      assert.equal(status, 200, JSON.stringify(json));
      const [output] = json.outputs as { data: number[]; shape: number[] }[];
      assert.ok(output);
      assert.deepEqual(output.shape, [vectors.inputs.length, vectors.outputs[0]?.length]);
      assert.ok(maxDifference(output.data, vectors.outputs) <= TOLERANCE, `v${version} differs from its test vectors by ${maxDifference(output.data, vectors.outputs)}`);
    });
  }
});

describe('protocols', () => {
  it('reports live and ready', async () => {
    for (const path of ['/v2/health/live', '/v2/health/ready', `/v2/models/${manifest.servingName}/ready`, '/ping', '/health']) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 200, path);
    }
  });

  it('describes the model with its inputs and outputs', async () => {
    const metadata = (await (await fetch(`${server.url}/v2/models/${manifest.servingName}`)).json()) as { name: string; inputs: { name: string }[]; outputs: { name: string }[] };
    const production = manifest.versions.find((entry) => entry.version === manifest.production);
    assert.equal(metadata.name, manifest.servingName);
    assert.deepEqual(metadata.inputs.map((input) => input.name), production?.signature.inputs.map((input) => input.name));
    assert.deepEqual(metadata.outputs.map((output) => output.name), production?.signature.outputs.map((output) => output.name));
  });

  it('refuses a request without a feature, naming it, and keeps serving', async () => {
    const vectors = await readTestVectors(manifest, manifest.production);
    const production = manifest.versions.find((entry) => entry.version === manifest.production);
    const required = production?.signature.inputs.find((input) => !input.nullable);
    if (!required) return;
    const row: Record<string, unknown> = { ...vectors.inputs[0] };
    delete row[required.name];
    const { status, json } = await postJson(`${server.url}/invocations`, { dataframe_records: [row] });
    assert.equal(status, 400);
    assert.equal(json.field, required.name);
    assert.equal((await postJson(`${server.url}/invocations`, { dataframe_records: vectors.inputs.slice(0, 1) })).status, 200);
  });

  it('refuses invalid JSON with 400', async () => {
    const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dataframe_records": [' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error_code: string }).error_code, 'MALFORMED_REQUEST');
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of ['kiln_http_requests_total', 'kiln_http_request_duration_seconds_bucket', 'kiln_batch_rows_bucket', 'kiln_feature_drift_psi', 'kiln_drift_detected', 'kiln_model_serving_version']) {
      assert.match(text, new RegExp(`^${name}`, 'm'), name);
    }
  });
});
