/**
 * The main-thread side of the kernel: spawns the worker, sends requests, and hands each
 * execution back as a handle (events as they stream, and a `done` promise), like JupyterLab's
 * IFuture. Interrupts go through a shared flag the worker checks; if the worker does not stop
 * in time (or crashes), it is replaced and the caller is told that variables were lost.
 */
import { newRequestId, type CellId, type RequestId } from '../lib/ids';
import type { BackendChoice, BackendName, CellOutputEvent, DatasetLookup, KernelEvent, KernelMemory, KernelRequest } from '../core/protocol';
import type { RunStatus } from '../core/notebook/types';
import type { TrackingEvent } from '../core/tracking/types';

/**
 * How a cell's execution ended. `finalOutputs` (its error or last value) come with the result, not
 * through `onEvent`, so the caller can show them and the end of the run in one update.
 */
export type ExecutionResult = { status: RunStatus; durationMs: number; memory: KernelMemory | null; finalOutputs: readonly CellOutputEvent[] };

export type Execution = {
  readonly requestId: RequestId;
  readonly done: Promise<ExecutionResult>;
};

export type KernelReady = { backend: BackendName; tfVersion: string; benchmark?: Partial<Record<BackendName, number>>; fallbackReason?: string };

export type KernelClientEvents = {
  onReady(ready: KernelReady): void;
  /** The worker died or was replaced; `reason` says why (shown to the user). */
  onRestarted(reason: string): void;
};

/** What the main thread provides to code running in the kernel. */
export type KernelHost = {
  /** A dataset the user stored, by file name. */
  readDataset(name: string): Promise<DatasetLookup>;
  /** Tracking events, in the order the kernel sent them, also those that arrive after their cell ended. */
  onTracking(event: TrackingEvent): void;
};

const NO_HOST: KernelHost = { readDataset: async () => ({ found: false, available: [] }), onTracking: () => undefined };

type Pending = {
  onEvent(event: CellOutputEvent): void;
  resolve(result: ExecutionResult): void;
};

/** How long an interrupt may take before the worker is replaced instead. */
const INTERRUPT_GRACE_MS = 1000;

export type WorkerFactory = () => Worker;

/** Where the backend that 'auto' picked is remembered, so the micro-benchmark runs once per machine. */
export type AutoBackendMemory = { load(): BackendName | null; save(backend: BackendName): void };

export class KernelClient {
  private worker: Worker | null = null;
  private ready: Promise<KernelReady> | null = null;
  private isReady = false;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly interruptFlag: Int32Array | null;
  private backend: BackendChoice;

  constructor(
    private readonly createWorker: WorkerFactory,
    private readonly events: KernelClientEvents,
    private readonly options: { backend: BackendChoice; autoBackend: AutoBackendMemory; host?: KernelHost },
  ) {
    this.backend = options.backend;
    // SharedArrayBuffer exists only when the page is cross-origin isolated (COOP/COEP headers).
    this.interruptFlag = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
  }

  get canInterruptInPlace(): boolean {
    return this.interruptFlag !== null;
  }

  /** Starts the worker if needed; resolves when tfjs and the chosen backend are ready. */
  start(): Promise<KernelReady> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  execute(cellId: CellId, source: string, executionCount: number, onEvent: (event: CellOutputEvent) => void, options: { autolog: boolean } = { autolog: true }): Execution {
    const requestId = newRequestId();
    const done = new Promise<ExecutionResult>((resolve) => {
      this.pending.set(requestId, { onEvent, resolve });
    });
    const send = () => this.post({ type: 'execute', id: requestId, cellId, source, executionCount, autolog: options.autolog });
    // Once the kernel is ready the request goes at once, not a microtask later behind other work.
    if (this.isReady) {
      send();
      return { requestId, done };
    }
    void this.start().then(
      send,
      (error: unknown) => this.finish(requestId, { status: 'error', finalOutputs: [{ type: 'error', requestId, error: { type: 'error', name: 'KernelError', message: `The kernel could not start: ${String(error)}`, traceback: [] } }] }),
    );
    return { requestId, done };
  }

  /**
   * Stops the running cell. With the shared flag the worker stops at the next loop iteration or
   * training batch and keeps its variables; otherwise, or if it does not stop within a second,
   * the worker is replaced.
   */
  async interrupt(): Promise<'interrupted' | 'restarted' | 'idle'> {
    if (this.pending.size === 0) return 'idle';
    if (this.interruptFlag) {
      Atomics.store(this.interruptFlag, 0, 1);
      const stopped = await this.waitUntilIdle(INTERRUPT_GRACE_MS);
      Atomics.store(this.interruptFlag, 0, 0);
      if (stopped) return 'interrupted';
    }
    this.restart('The kernel did not stop in time and was restarted: variables were lost.');
    return 'restarted';
  }

  /** Replaces the worker: every variable is lost, queued executions end as interrupted. */
  restart(reason = 'The kernel was restarted: variables were lost.'): Promise<KernelReady> {
    this.terminate();
    for (const requestId of [...this.pending.keys()]) {
      this.finish(requestId, { status: 'interrupted', finalOutputs: [{ type: 'error', requestId, error: { type: 'error', name: 'KernelRestarted', message: reason, traceback: [] } }] });
    }
    this.events.onRestarted(reason);
    this.ready = null;
    return this.start();
  }

  setBackend(backend: BackendChoice): Promise<KernelReady> {
    this.backend = backend;
    return this.restart(`The kernel was restarted on the ${backend} backend: variables were lost.`);
  }

  async memory(): Promise<KernelMemory | null> {
    if (!this.worker) return null;
    const id = newRequestId();
    const worker = this.worker;
    return new Promise((resolve) => {
      const listener = (message: MessageEvent<KernelEvent>) => {
        if (message.data.type === 'memory' && message.data.requestId === id) {
          worker.removeEventListener('message', listener);
          resolve(message.data.memory);
        }
      };
      worker.addEventListener('message', listener);
      this.post({ type: 'memory', id });
    });
  }

  shutdown(): void {
    this.terminate();
    for (const requestId of [...this.pending.keys()]) this.finish(requestId, { status: 'interrupted' });
    this.ready = null;
  }

  private spawn(): Promise<KernelReady> {
    const worker = this.createWorker();
    this.worker = worker;
    const initId = newRequestId();
    return new Promise<KernelReady>((resolve, reject) => {
      worker.addEventListener('message', (message: MessageEvent<KernelEvent>) => {
        const event = message.data;
        if (event.type === 'ready' && event.requestId === initId) {
          const ready: KernelReady = {
            backend: event.backend,
            tfVersion: event.tfVersion,
            ...(event.benchmark ? { benchmark: event.benchmark } : {}),
            ...(event.fallbackReason ? { fallbackReason: event.fallbackReason } : {}),
          };
          if (this.backend === 'auto') this.options.autoBackend.save(event.backend);
          if (this.worker === worker) this.isReady = true;
          this.events.onReady(ready);
          resolve(ready);
        } else {
          this.route(event);
        }
      });
      worker.addEventListener('error', (error) => {
        error.preventDefault();
        const reason = `The kernel crashed (${error.message || 'the worker stopped, e.g. out of memory'}) and was restarted: variables were lost.`;
        if (this.worker !== worker) return;
        reject(new Error(reason));
        void this.restart(reason);
      });
      this.post({ type: 'init', id: initId, backend: this.backend, rememberedAutoBackend: this.backend === 'auto' ? this.options.autoBackend.load() : null, baseUrl: new URL(import.meta.env.BASE_URL, location.href).href, interruptFlag: this.interruptFlag ? (this.interruptFlag.buffer as SharedArrayBuffer) : null });
    });
  }

  private route(event: KernelEvent): void {
    if (event.type === 'ready' || event.type === 'memory') return;
    if (event.type === 'track') {
      (this.options.host ?? NO_HOST).onTracking(event.event);
      return;
    }
    if (event.type === 'dataset-request') {
      void this.answerDatasetRequest(event.lookupId, event.name);
      return;
    }
    if (event.type === 'done') {
      this.finish(event.requestId, { status: event.status, durationMs: event.durationMs, memory: event.memory, finalOutputs: event.finalOutputs });
      return;
    }
    this.pending.get(event.requestId)?.onEvent(event);
  }

  private async answerDatasetRequest(lookupId: string, name: string): Promise<void> {
    const worker = this.worker;
    let result: DatasetLookup;
    try {
      result = await (this.options.host ?? NO_HOST).readDataset(name);
    } catch (error) {
      result = { found: false, available: [], problem: `reading it from browser storage failed (${error instanceof Error ? error.message : String(error)})` };
    }
    // The bytes are transferred, not copied: datasets can be large.
    if (this.worker === worker) worker?.postMessage({ type: 'dataset-reply', id: newRequestId(), lookupId, result } satisfies KernelRequest, result.found ? [result.bytes] : []);
  }

  /** Ends an execution; an execution that ended without running (restart, shutdown) took no time. */
  private finish(requestId: RequestId, result: Pick<ExecutionResult, 'status'> & Partial<ExecutionResult>): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    pending.resolve({ durationMs: 0, memory: null, finalOutputs: [], ...result });
  }

  private waitUntilIdle(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        if (this.pending.size === 0) resolve(true);
        else if (performance.now() > deadline) resolve(false);
        else setTimeout(check, 20);
      };
      check();
    });
  }

  private post(request: KernelRequest): void {
    this.worker?.postMessage(request);
  }

  private terminate(): void {
    this.isReady = false;
    this.worker?.terminate();
    this.worker = null;
  }
}
