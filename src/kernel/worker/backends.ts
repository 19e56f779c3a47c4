/**
 * Picks and starts the TensorFlow.js backend for the kernel worker.
 *
 * - wasm: registered by importing @tensorflow/tfjs-backend-wasm. Its binaries
 *   (tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm)
 *   are fetched from `wasmBaseUrl`. Threads need cross-origin isolation (SharedArrayBuffer).
 * - webgl: registered by @tensorflow/tfjs; in a worker it draws on an OffscreenCanvas (WebGL 2).
 * - cpu: always works; the last resort.
 * - webgpu: @tensorflow/tfjs-backend-webgpu, imported only where the browser offers a WebGPU
 *   adapter (loadWebgpuBackend): elsewhere it would be a download for nothing.
 *
 * A backend that fails to start is reported, never fatal.
 */
import type * as TfModule from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKENDS } from '../../core/protocol';
import type { BackendChoice, BackendName } from '../../core/protocol';
import { assertNever } from '../../lib/invariant';
import { installWasmFusedAdam } from './wasm-adam';
import { installWasmSharedPassThrough } from './wasm-pass-through';
import { installWasmTransposedMatMul } from './wasm-matmul';
import { installWasmGatherSlice } from './wasm-gather-slice';
import { installWasmDense } from './wasm-dense';
import { installWasmDenseTraining } from './wasm-dense-training';
import { installSharedSavedTensors } from './tape-saved-tensors';

type Tf = typeof TfModule;

export type BackendOptions = {
  /** Directory URL (ending in "/") serving the three tfjs-backend-wasm*.wasm files. */
  readonly wasmBaseUrl: string;
  /** `self.crossOriginIsolated`: without it there is no SharedArrayBuffer, so no WASM threads. */
  readonly isCrossOriginIsolated: boolean;
  /** The backend 'auto' chose last time on this machine; used without a benchmark if it still starts. */
  readonly remembered?: BackendName;
  /** Measuring time per backend, after one warm-up step. */
  readonly benchmarkMs?: number;
  /** A backend that has not started after this long is given up on. */
  readonly startTimeoutMs?: number;
};

export type SamplesPerSecond = Partial<Record<BackendName, number>>;

export type BackendSetup = {
  readonly backend: BackendName;
  /** Training samples per second measured per backend, when 'auto' ran the benchmark. */
  readonly benchmark?: SamplesPerSecond;
  /** Why each backend that was considered could not be used: not available here, failed to start or to run. */
  readonly failures?: Partial<Record<BackendName, string>>;
  /** The GPU the WebGL backend runs on, when it started. */
  readonly webglRenderer?: string;
  /** Things that went wrong but were worked around, such as WASM falling back to a single thread. */
  readonly warnings?: readonly string[];
};

/** What the choice depends on besides speed. */
export type MachineFacts = {
  /** WebGL runs on a software rasteriser: there is no usable GPU, and it only burns CPU that WASM uses better. */
  readonly webglIsSoftware: boolean;
};

const DEFAULT_BENCHMARK_MS = 200;
const DEFAULT_START_TIMEOUT_MS = 10_000;

export async function setUpBackend(tf: Tf, choice: BackendChoice, options: BackendOptions): Promise<BackendSetup> {
  configureWasm(tf, options);
  // Cheaper bookkeeping for the gradient tape, on every backend.
  installSharedSavedTensors(tf);
  const failures: Partial<Record<BackendName, string>> = {};
  const warnings: string[] = [];
  const start = async (name: BackendName): Promise<boolean> => {
    const started = await startBackend(tf, name, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    if (!started.ok) failures[name] = started.reason;
    else if (started.warning !== undefined) warnings.push(started.warning);
    return started.ok;
  };
  const report = (setup: BackendSetup): BackendSetup => ({
    ...setup,
    ...(Object.keys(failures).length === 0 ? {} : { failures }),
    ...(warnings.length === 0 ? {} : { warnings }),
  });

  const preferred = choice === 'auto' ? options.remembered : choice;
  if (preferred !== undefined && (await start(preferred))) return report({ backend: preferred });

  // Nothing chosen, or the choice does not start here: measure what does start and take the fastest.
  const benchmark: SamplesPerSecond = {};
  let webglRenderer: string | undefined;
  for (const name of BACKENDS) {
    if (name === 'cpu' && benchmark.wasm !== undefined) {
      // The plain-JS backend never beats a working WASM backend; measuring it only delays the first run.
      failures.cpu = 'not measured: WASM works here and is always faster than the CPU backend';
      continue;
    }
    if (name === preferred || !(await start(name))) continue;
    if (name === 'webgl') {
      webglRenderer = readWebglRenderer(tf) ?? undefined;
      // chooseBackend would never pick it, and its warm-up (compiling shaders on the CPU) takes seconds.
      if (webglRenderer !== undefined && isSoftwareRenderer(webglRenderer) && benchmark.wasm !== undefined) {
        failures.webgl = `not measured: it runs on a software renderer (${webglRenderer}), so WASM is faster here`;
        continue;
      }
    }
    try {
      benchmark[name] = await measureTrainingSpeed(tf, options.benchmarkMs ?? DEFAULT_BENCHMARK_MS);
    } catch (error) {
      failures[name] = `failed while training: ${describeError(error)}`;
    }
  }

  const webglIsSoftware = webglRenderer !== undefined && isSoftwareRenderer(webglRenderer);
  const chosen = chooseBackend(benchmark, { webglIsSoftware });
  const backend = (await start(chosen)) ? chosen : 'cpu';
  if (backend !== chosen) await tf.setBackend('cpu');
  return report({ backend, benchmark, ...(webglRenderer === undefined ? {} : { webglRenderer }) });
}

/**
 * The fastest measured backend, except that WebGL on a software rasteriser never beats WASM: it
 * may measure well on a tiny model, but it shares the CPU with everything else and scales worse.
 * Ties go to the earlier backend in BACKENDS; with nothing measured, CPU.
 */
export function chooseBackend(measurements: SamplesPerSecond, facts: MachineFacts): BackendName {
  const measured = (name: BackendName): number | null => {
    const speed = measurements[name];
    return speed !== undefined && Number.isFinite(speed) && speed > 0 ? speed : null;
  };
  const wasmWorks = measured('wasm') !== null;
  let best: BackendName = 'cpu';
  let bestSpeed = 0;
  for (const name of BACKENDS) {
    const speed = measured(name);
    if (speed === null || (name === 'webgl' && facts.webglIsSoftware && wasmWorks)) continue;
    if (speed > bestSpeed) {
      best = name;
      bestSpeed = speed;
    }
  }
  return best;
}

/** Renderer strings of software rasterisers (Chrome, Mesa, Windows without a GPU driver). */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(renderer);
}

// ---------------------------------------------------------------------------------------------
// Starting backends

let wasmPathsSet = false;

/**
 * Must run before the WASM backend first starts: tfjs-backend-wasm reads the paths and thread
 * count then, and throws if the paths are set after a failed start.
 */
function configureWasm(tf: Tf, options: BackendOptions): void {
  if (wasmPathsSet) return;
  setWasmPaths(options.wasmBaseUrl);
  wasmPathsSet = true;
  // Faster kernels where tfjs-backend-wasm 4.22 is slow for small training steps.
  installWasmTransposedMatMul(tf);
  installWasmFusedAdam(tf);
  installWasmSharedPassThrough(tf);
  installWasmGatherSlice(tf);
  installWasmDense(tf);
  installWasmDenseTraining(tf);
  // One thread. The threaded build starts each pthread from its factory's source text, which,
  // minified, reads a variable declared outside it: the threads die ("e is not defined").
  // Declaring that variable inside the factory (a transform of its module) fixes the start, but
  // tfjs sizes its pthread pool at half the cores, so on a 2-core machine XNNPACK still runs on
  // one thread: measured, no faster than this build. Forcing two threads (reporting 4 cores)
  // made large products 2x faster but training this MLP slower (32k against 44k samples/s for
  // stock tfjs): every small op then pays the pool's hand-off.
  void options.isCrossOriginIsolated;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

type StartResult =
  | { readonly ok: true; readonly warning?: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Starts a backend, giving up after `timeoutMs`. Threaded WASM gets a second chance on one thread:
 * its pthread workers are built from the factory's source text (Function.toString), which a
 * minifier breaks (`ReferenceError: _scriptDir is not defined` inside the workers), and then
 * tfjs waits for them forever.
 */
async function startBackend(tf: Tf, name: BackendName, timeoutMs: number): Promise<StartResult> {
  const first = await attemptStart(tf, name, timeoutMs);
  if (first.ok || name !== 'wasm' || !(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) return first;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const second = await attemptStart(tf, name, timeoutMs);
  if (!second.ok) return second;
  return { ok: true, warning: `WASM threads failed to start (${first.reason}); WASM runs on one thread` };
}

/** Why WebGPU cannot be used here, once loadWebgpuBackend has looked; null when it registered the backend. */
let webgpuProblem: string | null = null;

/**
 * Registers the WebGPU backend where the browser has WebGPU and a GPU adapter (a headless
 * machine without a GPU has neither). Idempotent; the reason it could not is kept for reporting.
 */
async function loadWebgpuBackend(tf: Tf): Promise<void> {
  if (tf.findBackendFactory('webgpu') !== null) return;
  const gpu = typeof navigator === 'undefined' ? undefined : (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) {
    webgpuProblem = 'this browser has no WebGPU';
    return;
  }
  try {
    if ((await gpu.requestAdapter()) === null) {
      webgpuProblem = 'no WebGPU adapter here, so no usable GPU';
      return;
    }
    await import('@tensorflow/tfjs-backend-webgpu');
    webgpuProblem = null;
  } catch (error) {
    webgpuProblem = `the WebGPU backend could not be loaded: ${describeError(error)}`;
  }
}

function unavailableReason(tf: Tf, name: BackendName): string | null {
  if (tf.findBackendFactory(name) === null) {
    return name === 'webgpu' ? (webgpuProblem ?? 'the webgpu backend is not registered') : `the ${name} backend is not registered`;
  }
  switch (name) {
    case 'wasm':
      return typeof WebAssembly === 'undefined' ? 'WebAssembly is not available' : null;
    case 'webgl':
      return typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined'
        ? 'no OffscreenCanvas here, so no WebGL context'
        : null;
    case 'webgpu':
      return typeof navigator === 'undefined' || !('gpu' in navigator) ? 'this browser has no WebGPU' : null;
    case 'cpu':
      return null;
    default:
      return assertNever(name, 'backend');
  }
}

type StartOutcome =
  | { readonly kind: 'settled'; readonly started: boolean }
  | { readonly kind: 'threw'; readonly message: string }
  | { readonly kind: 'worker error'; readonly message: string }
  | { readonly kind: 'timed out' };

async function attemptStart(tf: Tf, name: BackendName, timeoutMs: number): Promise<StartResult> {
  if (name === 'webgpu') await loadWebgpuBackend(tf);
  const unavailable = unavailableReason(tf, name);
  if (unavailable !== null) return { ok: false, reason: unavailable };
  const watch = watchConsole();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await Promise.race<StartOutcome>([
      tf.setBackend(name).then(
        (started) => ({ kind: 'settled', started }),
        (error: unknown) => ({ kind: 'threw', message: describeError(error) }),
      ),
      watch.workerError.then((message) => ({ kind: 'worker error', message })),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timed out' }), timeoutMs);
      }),
    ]);
    switch (outcome.kind) {
      case 'settled': {
        if (outcome.started && tf.getBackend() === name) return { ok: true };
        // tfjs swallows initialisation errors, logging them with console.warn and returning false.
        const reason = watch.warnings.find((warning) => !warning.startsWith('Initialization of backend'));
        return { ok: false, reason: reason ?? `the ${name} backend failed to start` };
      }
      case 'threw':
        return { ok: false, reason: outcome.message };
      case 'worker error':
        abandonStart(tf, name);
        return { ok: false, reason: outcome.message };
      case 'timed out':
        abandonStart(tf, name);
        return { ok: false, reason: `did not start within ${timeoutMs} ms` };
      default:
        return assertNever(outcome, 'start outcome');
    }
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
}

/** tfjs' own registration priorities, needed to register a factory again. */
const TFJS_PRIORITY: Record<BackendName, number> = { webgpu: 3, webgl: 2, wasm: 2, cpu: 1 };

/**
 * Cancels a start still in flight. Left alone, a start that finishes late would make that backend
 * the active one behind our back; removing the backend invalidates it. The factory is registered
 * again so the backend can be retried.
 */
function abandonStart(tf: Tf, name: BackendName): void {
  const factory = tf.findBackendFactory(name);
  if (factory === null) return;
  tf.removeBackend(name);
  tf.registerBackend(name, factory, TFJS_PRIORITY[name]);
}

type ConsoleWatch = { readonly warnings: string[]; readonly workerError: Promise<string>; stop(): void };

/**
 * Reads what tfjs and emscripten print while a backend starts: tfjs reports why a start failed only
 * through console.warn, and emscripten reports crashed pthread workers only through console.error.
 */
function watchConsole(): ConsoleWatch {
  const warnings: string[] = [];
  const { warn, error } = console;
  let reportWorkerError: (message: string) => void = () => undefined;
  const workerError = new Promise<string>((resolve) => {
    reportWorkerError = resolve;
  });
  const firstLine = (args: readonly unknown[]): string => args.map(String).join(' ').split('\n')[0] ?? '';
  console.warn = (...args: unknown[]) => {
    warnings.push(firstLine(args));
    warn.apply(console, args);
  };
  console.error = (...args: unknown[]) => {
    const line = firstLine(args);
    if (/worker sent an error/i.test(line)) reportWorkerError(line);
    error.apply(console, args);
  };
  return {
    warnings,
    workerError,
    stop() {
      console.warn = warn;
      console.error = error;
    },
  };
}

/** The GPU (or software rasteriser) behind the WebGL backend, read from its own context. */
function readWebglRenderer(tf: Tf): string | null {
  const backend = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  const gl = backend?.gpgpu?.gl;
  if (!gl) return null;
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
  // Firefox deprecated the extension and reports the real renderer through RENDERER instead.
  const renderer: unknown = gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return typeof renderer === 'string' ? renderer : null;
}

// ---------------------------------------------------------------------------------------------
// The benchmark: a few SGD steps of a small dense network, like a notebook's first model

// Big enough that arithmetic, not per-op overhead, decides (CPU and WASM tie on smaller ones).
const BATCH_SIZE = 128;
const FEATURES = 64;
const HIDDEN_UNITS = 128;
const CLASSES = 10;
const MIN_STEPS = 2;
const MAX_STEPS = 200;

/**
 * Training samples per second on the active backend, with a tf.layers model trained the way
 * notebooks train one (trainOnBatch runs the same training function as fit, so the kernel's own
 * speed-ups of it count). Creates and disposes its own tensors only; its names are its own, so
 * the user's first layers are still numbered from 1.
 */
export async function measureTrainingSpeed(tf: Tf, budgetMs: number): Promise<number> {
  const made: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(disposable: T): T => {
    made.push(disposable);
    return disposable;
  };
  try {
    const xs = keep(tf.randomNormal([BATCH_SIZE, FEATURES]));
    const ys = keep(tf.tidy(() => tf.oneHot(tf.randomUniform([BATCH_SIZE], 0, CLASSES, 'int32'), CLASSES)));
    const model = keep(
      tf.sequential({
        name: 'kiln_backend_benchmark',
        layers: [
          tf.layers.dense({ name: 'kiln_backend_benchmark_hidden', inputShape: [FEATURES], units: HIDDEN_UNITS, activation: 'relu' }),
          tf.layers.dense({ name: 'kiln_backend_benchmark_output', units: CLASSES, activation: 'softmax' }),
        ],
      }),
    );
    const optimizer = keep(tf.train.sgd(0.01));
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    // trainOnBatch reads the loss back, waiting for the GPU as model.fit does, so the clock sees real work.
    const step = async (): Promise<void> => {
      await model.trainOnBatch(xs, ys);
    };
    await step(); // warm-up: compiles shaders / kernels, excluded from the measurement
    const start = performance.now();
    let steps = 0;
    while (steps < MIN_STEPS || (steps < MAX_STEPS && performance.now() - start < budgetMs)) {
      await step();
      steps += 1;
    }
    const seconds = (performance.now() - start) / 1000;
    return (steps * BATCH_SIZE) / Math.max(seconds, 1e-6);
  } finally {
    for (const disposable of made.reverse()) disposable.dispose();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
