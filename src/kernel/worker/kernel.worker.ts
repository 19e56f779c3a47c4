/**
 * The kernel: one Web Worker that owns tfjs (and danfo, on the same engine) and runs cells with
 * REPL semantics. It answers the requests of src/core/protocol.ts and never touches the DOM:
 * everything it shows leaves as a JSON display bundle.
 */
import * as tf from '@tensorflow/tfjs';
import * as dfd from 'danfojs';
import type { CellOutputEvent, DatasetLookup, KernelEvent, KernelMemory, KernelRequest } from '../../core/protocol';
import type { DisplayBundle } from '../../core/outputs';
import type { RequestId } from '../../lib/ids';
import { assertNever } from '../../lib/invariant';
import { createKernelScope, InterruptError } from './execute-cell';
import { registerModule } from './module-registry';
import { toDisplayBundle, md, html, image } from './display';
import { plot } from './plot';
import { setUpBackend } from './backends';
import { installTrainingHooks } from './training-hooks';
import { withMemoryHint } from './memory-errors';
import { createDataApi, type DataApi } from './data-api';
import { Tracking } from './tracking';
import { createPreprocessApi } from './preprocess-api';

/** The parts of DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
type WorkerScope = {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (message: MessageEvent<KernelRequest>) => void): void;
};
const worker = self as unknown as WorkerScope;
let interruptFlag: Int32Array | null = null;
/** The request whose cell is running: streams and displays are attributed to it. */
let currentRequest: RequestId | null = null;
/** The last request that ran a cell: tracking events sent after it ended (a late callback) are attributed to it. */
let lastRequest: RequestId | null = null;
/** Events leave in order; display bundles may take a moment to build (images), so sends are chained. */
let outbox: Promise<void> = Promise.resolve();

function post(event: KernelEvent, transfer: Transferable[] = []): void {
  worker.postMessage(event, transfer);
}

function send(build: () => KernelEvent | Promise<KernelEvent | null> | null): void {
  outbox = outbox.then(async () => {
    const event = await build();
    if (event) post(event);
  }).catch((error: unknown) => console.warn('kiln kernel: could not send an output', error));
}

const isInterruptRequested = (): boolean => interruptFlag !== null && Atomics.load(interruptFlag, 0) !== 0;

async function displayOutput(requestId: RequestId, value: unknown, extra: { isResult?: boolean } = {}): Promise<CellOutputEvent> {
  try {
    return { type: 'display', requestId, bundle: await toDisplayBundle(value), ...extra };
  } catch (error) {
    return { type: 'stream', requestId, name: 'stderr', text: `Could not display the value: ${String(error)}\n` };
  }
}

function displayEvent(value: unknown): void {
  const requestId = currentRequest;
  if (requestId) send(() => displayOutput(requestId, value));
}

/** For bundles the kernel builds itself (training progress): no serialising needed. */
function bundleEvent(bundle: DisplayBundle, displayId: string): void {
  const requestId = currentRequest;
  if (requestId) send(() => ({ type: 'display', requestId, bundle, displayId }));
}

const scope = createKernelScope({
  onStream(name, text) {
    const requestId = currentRequest;
    if (requestId) send(() => ({ type: 'stream', requestId, name, text }));
  },
  onDisplay: (value) => displayEvent(value),
  isInterruptRequested,
});

let dataApi: DataApi | null = null;

const tracking = new Tracking(tf, {
  emit(event, transfer) {
    const requestId = currentRequest ?? lastRequest;
    if (!requestId) return;
    // Through the outbox, so a run's events keep their order relative to the cell's outputs.
    outbox = outbox.then(() => post({ type: 'track', requestId, event }, transfer));
  },
  datasets: () => dataApi?.loaded() ?? [],
});

installTrainingHooks(tf, {
  showProgress: bundleEvent,
  isInterruptRequested,
  interruptError: () => new InterruptError(),
  startFit: (model, args) => tracking.startFit(model, args),
});

const memory = (): KernelMemory => {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
};

/** Dataset lookups waiting for the main thread's answer, by lookup id. */
const datasetLookups = new Map<string, (result: DatasetLookup) => void>();

function lookUpStoredDataset(name: string): Promise<DatasetLookup> {
  const requestId = currentRequest;
  if (!requestId) return Promise.resolve({ found: false, available: [], problem: 'data.load must be called while a cell runs' });
  const lookupId = crypto.randomUUID();
  return new Promise((resolve) => {
    datasetLookups.set(lookupId, resolve);
    post({ type: 'dataset-request', requestId, lookupId, name });
  });
}

function installGlobals(baseUrl: string): void {
  registerModule('@tensorflow/tfjs', tf);
  registerModule('danfojs', dfd);
  dataApi = createDataApi(dfd, baseUrl, lookUpStoredDataset);
  const preprocess = createPreprocessApi(tf, (preprocessor) => tracking.usePreprocessor(preprocessor));
  Object.assign(globalThis, { tf, dfd, plot, md, html, image, data: dataApi, track: tracking.api, preprocess });
  // A cell calling the worker's close() would stop the kernel without a word (no error event),
  // leaving its run pending forever: refuse it with a message instead.
  Object.defineProperty(globalThis, 'close', {
    value: () => {
      throw new Error('close() would stop the kernel; use Restart in the toolbar to start a fresh one');
    },
    writable: true,
    configurable: true,
  });
}

async function handle(request: KernelRequest): Promise<void> {
  switch (request.type) {
    case 'init': {
      interruptFlag = request.interruptFlag ? new Int32Array(request.interruptFlag) : null;
      installGlobals(request.baseUrl);
      const setup = await setUpBackend(tf, request.backend, {
        wasmBaseUrl: new URL('tfjs/', request.baseUrl).href,
        isCrossOriginIsolated: self.crossOriginIsolated,
        ...(request.rememberedAutoBackend ? { remembered: request.rememberedAutoBackend } : {}),
      });
      const wanted = request.backend === 'auto' ? null : request.backend;
      const failure = wanted !== null && wanted !== setup.backend ? setup.failures?.[wanted] : undefined;
      const fallbackReason = failure === undefined ? undefined : `the ${wanted} backend could not start: ${failure}`;
      post({
        type: 'ready',
        requestId: request.id,
        backend: setup.backend,
        tfVersion: tf.version.tfjs,
        ...(setup.benchmark ? { benchmark: setup.benchmark } : {}),
        ...(fallbackReason ? { fallbackReason } : {}),
      });
      return;
    }
    case 'execute': {
      currentRequest = request.id;
      lastRequest = request.id;
      const startedAt = performance.now();
      tracking.beginCell(request.autolog);
      const result = await scope.execute(request.source, `cell-${request.executionCount}`);
      tracking.endCell(result.status === 'ok' ? 'ok' : result.status === 'interrupted' ? 'interrupted' : 'error');
      await outbox;
      const finalOutputs: CellOutputEvent[] = [];
      if (result.error) finalOutputs.push({ type: 'error', requestId: request.id, error: withMemoryHint(result.error, memory()) });
      if (result.status === 'ok' && result.hasResult) finalOutputs.push(await displayOutput(request.id, result.result, { isResult: true }));
      currentRequest = null;
      post({ type: 'done', requestId: request.id, status: result.status, durationMs: performance.now() - startedAt, memory: memory(), finalOutputs });
      return;
    }
    case 'memory':
      post({ type: 'memory', requestId: request.id, memory: memory() });
      return;
    case 'dataset-reply':
      // Answered in the message listener; never queued.
      return;
    default:
      assertNever(request, 'kernel request');
  }
}

// Requests are handled one at a time, in the order they arrive.
let queue: Promise<void> = Promise.resolve();
worker.addEventListener('message', (message: MessageEvent<KernelRequest>) => {
  const request = message.data;
  // The running cell awaits this answer, so it cannot wait in the queue behind that cell.
  if (request.type === 'dataset-reply') {
    datasetLookups.get(request.lookupId)?.(request.result);
    datasetLookups.delete(request.lookupId);
    return;
  }
  queue = queue.then(() => handle(message.data)).catch((error: unknown) => console.error('kiln kernel: request failed', error));
});
