/**
 * The exported model server under load (issue 5), on this machine:
 *
 *   export-demo-zip          Kiln's production build in headless Chromium, driven as a user would
 *                            (lib/demo-export.mjs): Run all on the demo notebook (penguins through
 *                            preprocess.fit, a 7→16→3 softmax network), register the fit, promote
 *                            it, click Export → the browser's download event (≤ 1000 ms)
 *   server-ready             the downloaded zip unpacked (node_modules linked, as the artifact's
 *                            integration test does), `node server/index.js` with PORT=0 spawned →
 *                            the first 200 from /v2/health/ready, polled every 5 ms; median of 3
 *                            starts (≤ 1000 ms)
 *   artifact-rps/-p50/-p99   autocannon, 64 connections, 2 s warm-up then 10 s, single-row MLflow
 *                            requests (POST /invocations, dataframe_records with the first test
 *                            vector's raw row); rps counts 2xx answers (≥ 10,000/s, p99 ≤ 10 ms)
 *   bare-rps/-p50/-p99       the same load on a bare node:http server that reads the body,
 *                            JSON.parse's it and answers a fixed JSON (lib/bare-json-server.mjs):
 *                            the ceiling, informational
 *   artifact-vs-bare         median of the per-round throughput ratios (≥ 0.5)
 *   v2-infer-rps/-p99        the same load on the KServe V2 infer route, informational
 *
 * Each route first gets 5 s of unmeasured load (JIT warm-up). Then rounds alternate the bare
 * server and the artifact (3 rounds; rows give the medians), so a neighbour's burst on this
 * shared machine hits both. Every server and the load generator are
 * separate processes: autocannon runs in a child of its own (lib/load-test.mjs), so it competes
 * for the CPU with the server under test as any client on the same host would, but never shares
 * an event loop with it or with the bench. With 2 cores, the client takes about one of them.
 * Child processes are stopped when the suite ends or fails (lib/child-server.mjs).
 */
import path from 'node:path';
import { unpackArtifact } from '../lib/artifact-dir.mjs';
import { startChildServer } from '../lib/child-server.mjs';
import { exportDemoArtifact } from '../lib/demo-export.mjs';
import { loadTest } from '../lib/load-test.mjs';
import { informational, measured } from '../lib/rows.mjs';
import { median, round } from '../lib/stats.mjs';

const TARGETS = {
  exportMs: { max: 1000 },
  readyMs: { max: 1000 },
  artifactRps: { min: 10_000 },
  artifactP99: { max: 10 },
  ratio: { min: 0.5 },
};

const LOAD = { connections: 64, durationS: 10, warmupS: 2 };
const JIT_WARMUP_S = 5;
const ROUNDS = 3;
const READY_STARTS = 3;
const READY_POLL_MS = 5;
const READY_TIMEOUT_MS = 30_000;
const LISTENING = /"event":"listening","port":(\d+)/;

/** Spawns the artifact's server and resolves once /v2/health/ready answers 200, with the time that took. */
async function startArtifactServer(dir) {
  const server = await startChildServer({ script: 'server/index.js', cwd: dir, portPattern: LISTENING });
  try {
    for (;;) {
      const response = await fetch(`${server.url}/v2/health/ready`).catch(() => null);
      if (response?.status === 200) return { server, readyMs: performance.now() - server.startedAt };
      if (performance.now() - server.startedAt > READY_TIMEOUT_MS) throw new Error(`not ready after ${READY_TIMEOUT_MS} ms: ${server.logs.join('').slice(-1000)}`);
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The raw row a client would send: the first test vector, without the columns the model does not take. */
function requestRow(unpacked) {
  const production = unpacked.manifest.versions.find((entry) => entry.version === unpacked.manifest.production);
  const vectors = JSON.parse(unpacked.read(production.files.testVectors));
  const names = production.signature.inputs.map((input) => input.name);
  return Object.fromEntries(names.map((name) => [name, vectors.inputs[0][name] ?? null]));
}

/** Fails loudly when the server answered errors: a fast 400 is not a prediction. */
function checked(name, result) {
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return result;
}

/** One request by hand before the load, so a wrong body fails with the server's message. */
async function probe(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

export default {
  name: 'serving',
  async run(ctx) {
    const exported = await exportDemoArtifact(ctx);
    ctx.log(`exported ${exported.fileName} (${exported.zip.byteLength} bytes) in ${round(exported.exportMs)} ms (the app says ${exported.appSeconds} s)`);
    const unpacked = await unpackArtifact(exported.zip, ctx.root);
    const servers = [];
    try {
      const [output] = unpacked.manifest.versions[0].signature.outputs;
      ctx.log(`signature output: ${output.name} (${output.meaning}), labels ${JSON.stringify(output.labels ?? null)}`);
      const readyTimes = [];
      let artifact = null;
      for (let start = 0; start < READY_STARTS; start++) {
        if (artifact) await artifact.stop();
        const started = await startArtifactServer(unpacked.dir);
        artifact = started.server;
        servers.push(artifact);
        readyTimes.push(round(started.readyMs));
      }
      ctx.log(`server start → ready: ${readyTimes.join(', ')} ms`);
      const bare = await startChildServer({ script: path.join(ctx.root, 'bench/lib/bare-json-server.mjs'), portPattern: LISTENING });
      servers.push(bare);

      const row = requestRow(unpacked);
      const mlflowBody = JSON.stringify({ dataframe_records: [row] });
      const servingName = unpacked.manifest.servingName;
      const v2Body = JSON.stringify({
        inputs: Object.entries(row).map(([name, value]) => ({ name, shape: [1], datatype: typeof value === 'string' ? 'BYTES' : 'FP64', data: [value] })),
      });
      const invocations = `${artifact.url}/invocations`;
      const v2Infer = `${artifact.url}/v2/models/${servingName}/infer`;
      ctx.log(`request: ${mlflowBody} → ${(await probe(invocations, mlflowBody)).slice(0, 200)}`);
      await probe(v2Infer, v2Body);
      await probe(`${bare.url}/invocations`, mlflowBody);

      // A first, unmeasured load lets V8 optimise the hot paths (and tier up tfjs' WebAssembly): on
      // this busy machine the artifact's first round was otherwise its slowest by far.
      for (const url of [`${bare.url}/invocations`, invocations, v2Infer]) {
        await loadTest({ ...LOAD, durationS: JIT_WARMUP_S, warmupS: 0, url, method: 'POST', body: url === v2Infer ? v2Body : mlflowBody });
      }
      const rounds = [];
      for (let index = 0; index < ROUNDS; index++) {
        const bareResult = checked('bare', await loadTest({ ...LOAD, url: `${bare.url}/invocations`, method: 'POST', body: mlflowBody }));
        const artifactResult = checked('artifact', await loadTest({ ...LOAD, url: invocations, method: 'POST', body: mlflowBody }));
        rounds.push({ bare: bareResult, artifact: artifactResult, ratio: artifactResult.requestsPerSecond / bareResult.requestsPerSecond });
        ctx.log(`round ${index + 1}: artifact ${artifactResult.requestsPerSecond}/s p50 ${artifactResult.p50Ms} ms p99 ${artifactResult.p99Ms} ms; bare ${bareResult.requestsPerSecond}/s p50 ${bareResult.p50Ms} ms p99 ${bareResult.p99Ms} ms`);
      }
      const v2 = checked('v2 infer', await loadTest({ ...LOAD, url: v2Infer, method: 'POST', body: v2Body }));
      ctx.log(`v2 infer: ${v2.requestsPerSecond}/s p50 ${v2.p50Ms} ms p99 ${v2.p99Ms} ms`);
      const metrics = await (await fetch(`${artifact.url}/metrics`)).text();
      const batches = /^kiln_batch_rows_count (\d+)$/m.exec(metrics)?.[1];
      const batchRows = /^kiln_batch_rows_sum (\d+)$/m.exec(metrics)?.[1];

      const series = (side, field) => rounds.map((entry) => entry[side][field]);
      const mid = (side, field) => median(series(side, field));
      const rowsPerBatch = batches && batchRows ? round(Number(batchRows) / Number(batches)) : null;
      return [
        measured('export-demo-zip', round(exported.exportMs), 'ms', TARGETS.exportMs, { appSeconds: exported.appSeconds, bytes: exported.zip.byteLength }),
        measured('server-ready', median(readyTimes), 'ms', TARGETS.readyMs, { samples: readyTimes }),
        measured('artifact-rps', round(mid('artifact', 'requestsPerSecond'), 0), 'req/s', TARGETS.artifactRps, { samples: series('artifact', 'requestsPerSecond'), rowsPerBatch }),
        informational('artifact-p50', mid('artifact', 'p50Ms'), 'ms', 'single-row /invocations, 64 connections', { samples: series('artifact', 'p50Ms') }),
        measured('artifact-p99', mid('artifact', 'p99Ms'), 'ms', TARGETS.artifactP99, { samples: series('artifact', 'p99Ms') }),
        measured('artifact-vs-bare', round(median(rounds.map((entry) => entry.ratio)), 2), '×', TARGETS.ratio, { samples: rounds.map((entry) => round(entry.ratio, 3)) }),
        informational('bare-rps', round(mid('bare', 'requestsPerSecond'), 0), 'req/s', 'ceiling: node:http, JSON.parse, fixed answer', { samples: series('bare', 'requestsPerSecond') }),
        informational('bare-p50', mid('bare', 'p50Ms'), 'ms', 'ceiling', { samples: series('bare', 'p50Ms') }),
        informational('bare-p99', mid('bare', 'p99Ms'), 'ms', 'ceiling', { samples: series('bare', 'p99Ms') }),
        informational('v2-infer-rps', v2.requestsPerSecond, 'req/s', 'single-row KServe V2 infer, one measurement'),
        informational('v2-infer-p99', v2.p99Ms, 'ms', 'KServe V2 infer'),
      ];
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      await unpacked.remove();
    }
  },
};
