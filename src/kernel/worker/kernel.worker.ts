/**
 * The kernel: one Web Worker that owns tfjs (and danfo, on the same engine) and runs cells with
 * REPL semantics. It answers the requests of src/core/protocol.ts and never touches the DOM:
 * everything it shows leaves as a JSON display bundle.
 */
import * as tf from '@tensorflow/tfjs';
import * as dfd from 'danfojs';
import type { DatasetLookup, KernelEvent, KernelMemory, KernelRequest } from '../../core/protocol';
import type { DisplayBundle } from '../../core/outputs';
import type { RequestId } from '../../lib/ids';
import { assertNever } from '../../lib/invariant';
import { createKernelScope, InterruptError } from './execute-cell';
import { registerModule } from './module-registry';
import { toDisplayBundle, md, html, image } from './display';
import { plot } from './plot';
import { setUpBackend } from './backends';
import { installTrainingHooks } from './training-hooks';
import { createDataApi } from './data-api';

/** The parts of DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
type WorkerScope = {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (message: MessageEvent<KernelRequest>) => void): void;
};
const worker = self as unknown as WorkerScope;
let interruptFlag: Int32Array | null = null;
/** The request whose cell is running: streams and displays are attributed to it. */
let currentRequest: RequestId | null = null;
/** Events leave in order; display bundles may take a moment to build (images), so sends are chained. */
let outbox: Promise<void> = Promise.resolve();

function post(event: KernelEvent): void {
  worker.postMessage(event);
}

function send(build: () => KernelEvent | Promise<KernelEvent | null> | null): void {
  outbox = outbox.then(async () => {
    const event = await build();
    if (event) post(event);
  }).catch((error: unknown) => console.warn('kiln kernel: could not send an output', error));
}

const isInterruptRequested = (): boolean => interruptFlag !== null && Atomics.load(interruptFlag, 0) !== 0;

function displayEvent(value: unknown, extra: { displayId?: string; isResult?: boolean } = {}): void {
  const requestId = currentRequest;
  if (!requestId) return;
  send(async () => {
    try {
      return { type: 'display', requestId, bundle: await toDisplayBundle(value), ...extra };
    } catch (error) {
      return { type: 'stream', requestId, name: 'stderr', text: `Could not display the value: ${String(error)}\n` };
    }
  });
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

installTrainingHooks(tf, {
  showProgress: bundleEvent,
  isInterruptRequested,
  interruptError: () => new InterruptError(),
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
  Object.assign(globalThis, { tf, dfd, plot, md, html, image, data: createDataApi(dfd, baseUrl, lookUpStoredDataset) });
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
      post({ type: 'ready', requestId: request.id, backend: setup.backend, tfVersion: tf.version.tfjs, ...(setup.benchmark ? { benchmark: setup.benchmark } : {}) });
      return;
    }
    case 'execute': {
      currentRequest = request.id;
      const startedAt = performance.now();
      const result = await scope.execute(request.source, `cell-${request.executionCount}`);
      if (result.error) {
        const error = result.error;
        send(() => ({ type: 'error', requestId: request.id, error }));
      }
      if (result.status === 'ok' && result.hasResult) displayEvent(result.result, { isResult: true });
      await outbox;
      currentRequest = null;
      post({ type: 'done', requestId: request.id, status: result.status, durationMs: performance.now() - startedAt, memory: memory() });
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
