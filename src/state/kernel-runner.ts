/**
 * Connects the open notebook to the kernel: queues cells, streams their events into the cell's
 * outputs (through session edits, so outputs autosave like any edit), and keeps the kernel's
 * state in `kernelStore`. One kernel per open notebook, as in Jupyter.
 */
import type { CellId } from '../lib/ids';
import type { CellOutput } from '../core/outputs';
import type { RunStatus } from '../core/notebook/types';
import { BACKENDS, type BackendChoice, type BackendName, type CellOutputEvent } from '../core/protocol';
import { assertNever } from '../lib/invariant';
import { KernelClient, type KernelHost } from '../kernel/client';
import type { RunsRepository } from '../store/runs-repo';
import { RunRecorder, type RunContext } from './run-recorder';
import { startKernelSession, type KernelSession } from './kernel-session';
import type { NotebookController } from './notebook-controller';
import { kernelStore } from './kernel-state';
import { showToast } from './app-store';
import { describeTensorLeak, detectTensorLeak } from '../core/tensor-leaks';

/** Outputs arriving faster than this are applied together, so a chatty loop cannot flood React. */
const OUTPUT_FLUSH_MS = 30;
const BACKEND_SETTING_KEY = 'kiln.backend';
const AUTO_BACKEND_KEY = 'kiln.autoBackend';

const autoBackendMemory = {
  load: (): BackendName | null => {
    const stored = localStorage.getItem(AUTO_BACKEND_KEY);
    return BACKENDS.find((name) => name === stored) ?? null;
  },
  save: (backend: BackendName) => localStorage.setItem(AUTO_BACKEND_KEY, backend),
};

const autologKey = (notebookId: string) => `kiln.autolog.${notebookId}`;

export function rememberedBackend(): BackendChoice {
  const stored = localStorage.getItem(BACKEND_SETTING_KEY);
  return BACKENDS.find((name) => name === stored) ?? 'auto';
}

export class KernelRunner {
  private readonly client: KernelClient;
  private queue: CellId[] = [];
  private isDraining = false;
  private executionCount = 0;
  /** Tensors each cell's last run left alive, to spot cells that leak every time they run. */
  private readonly tensorsAddedByCell = new Map<CellId, number>();

  private session: KernelSession = startKernelSession();
  /** What this kernel session executed, in order: the code a run records as its history. */
  private history: { executionCount: number; source: string }[] = [];
  private readonly recorder: RunRecorder | null;
  private readonly runs: RunsRepository | null;

  constructor(
    private readonly controller: NotebookController,
    services: { readonly readDataset: KernelHost['readDataset']; readonly runs: RunsRepository | null },
  ) {
    const { runs } = services;
    this.runs = runs;
    this.recorder = runs && new RunRecorder(runs, () => this.runContext());
    const host: KernelHost = { readDataset: services.readDataset, onTracking: (event) => this.recorder?.record(event) };
    this.client = new KernelClient(
      () => new Worker(new URL('../kernel/worker/kernel.worker.ts', import.meta.url), { type: 'module', name: 'kiln-kernel' }),
      {
        onReady: (ready) => {
          // A backend chosen in the toolbar that cannot start here: say so, rather than run elsewhere unannounced.
          const notice = ready.fallbackReason ? `${capitalise(ready.fallbackReason)}. The kernel runs on ${ready.backend}.` : null;
          const isWorking = this.queue.length > 0 || kernelStore.get().runningCellId !== null;
          kernelStore.set({ status: isWorking ? 'busy' : 'idle', backend: ready.backend, notice });
          if (notice) showToast({ tone: 'info', message: notice }, 12_000);
        },
        onRestarted: (reason) => {
          this.queue = [];
          this.executionCount = 0;
          this.history = [];
          this.tensorsAddedByCell.clear();
          void this.endSession();
          kernelStore.set({ status: 'restarting', runningCellId: null, queuedCellIds: [], notice: reason, memory: null });
          showToast({ tone: 'info', message: reason });
        },
      },
      { backend: rememberedBackend(), autoBackend: autoBackendMemory, host },
    );
    controller.setRunner({ run: (cellId) => this.run(cellId) });
    kernelStore.set({ autolog: this.isAutologOn });
  }

  /** Whether `model.fit` logs tracked runs in this notebook (on unless switched off). */
  get isAutologOn(): boolean {
    return localStorage.getItem(autologKey(this.controller.session.id)) !== 'off';
  }

  setAutolog(on: boolean): void {
    localStorage.setItem(autologKey(this.controller.session.id), on ? 'on' : 'off');
    kernelStore.set({ autolog: on });
  }

  private runContext(): RunContext {
    const { notebook, revision } = this.controller.session.store.get();
    return { notebookId: notebook.id, notebookName: notebook.name, notebookRevision: revision, code: [...this.history], kernelSession: this.session.id };
  }

  /** The worker is gone: write what it sent, then end the runs it left open as interrupted. */
  private async endSession(): Promise<void> {
    const ended = this.session;
    this.session = startKernelSession();
    await this.recorder?.flush();
    ended.end();
    await this.runs?.endOrphanedRuns((session) => session !== ended.id, 'the kernel stopped (restart, crash or page closed) while the run was in progress').catch(() => undefined);
  }

  /** Starts the worker ahead of the first run, so that run does not pay for tfjs start-up. */
  warmUp(): void {
    kernelStore.set({ status: 'starting' });
    this.client.start().catch((error: unknown) => kernelStore.set({ status: 'dead', notice: String(error) }));
  }

  /** Resolves once the kernel has started and has no cell queued or running, or has died. */
  whenSettled(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const { status, runningCellId, queuedCellIds } = kernelStore.get();
        if (status === 'dead' || (status === 'idle' && runningCellId === null && queuedCellIds.length === 0)) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = kernelStore.subscribe(check);
      check();
    });
  }

  /** Queues a cell; resolves with its status when it has run. */
  run(cellId: CellId): Promise<RunStatus> {
    this.queue.push(cellId);
    kernelStore.set({ queuedCellIds: [...this.queue] });
    return new Promise((resolve) => {
      this.waiters.set(cellId, resolve);
      void this.drain();
    });
  }

  private readonly waiters = new Map<CellId, (status: RunStatus) => void>();

  async interrupt(): Promise<void> {
    const cancelled = this.queue;
    this.queue = [];
    kernelStore.set({ queuedCellIds: [], status: kernelStore.get().runningCellId ? 'interrupting' : kernelStore.get().status });
    for (const cellId of cancelled) this.waiters.get(cellId)?.('interrupted');
    await this.client.interrupt();
  }

  async restart(): Promise<void> {
    await this.client.restart();
  }

  async setBackend(backend: BackendChoice): Promise<void> {
    localStorage.setItem(BACKEND_SETTING_KEY, backend);
    kernelStore.set({ status: 'restarting' });
    await this.client.setBackend(backend);
  }

  shutdown(): void {
    this.queue = [];
    this.client.shutdown();
    void this.endSession().then(() => this.session.end());
    kernelStore.set({ status: 'not-started', runningCellId: null, queuedCellIds: [], backend: null });
  }

  private async drain(): Promise<void> {
    if (this.isDraining) return;
    this.isDraining = true;
    try {
      let cellId: CellId | undefined;
      while ((cellId = this.queue.shift()) !== undefined) {
        kernelStore.set({ queuedCellIds: [...this.queue] });
        const status = await this.execute(cellId);
        this.waiters.get(cellId)?.(status);
        this.waiters.delete(cellId);
        // Like Jupyter's "stop on error": a failed cell cancels the cells queued after it.
        if (status !== 'ok') {
          for (const queued of this.queue) this.waiters.get(queued)?.('interrupted');
          this.queue = [];
          kernelStore.set({ queuedCellIds: [] });
        }
      }
    } finally {
      this.isDraining = false;
      kernelStore.set(idleState());
    }
  }

  private async execute(cellId: CellId): Promise<RunStatus> {
    const session = this.controller.session;
    const cell = session.notebook.cells.find((candidate) => candidate.id === cellId);
    if (!cell || cell.type !== 'code') return 'ok';
    const executionCount = ++this.executionCount;
    const startedAt = Date.now();
    const hold = this.controller.runStartHold;
    hold.defer(() => {
      session.edit({ type: 'set-outputs', cellId, outputs: [], executionCount: null });
      kernelStore.set({ runningCellId: cellId, ...statusUnlessReplaced('busy') });
    });

    let buffered: CellOutput[] = [];
    let lastFlushAt = 0;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      lastFlushAt = performance.now();
      const outputs = buffered;
      buffered = [];
      for (const output of outputs) session.edit({ type: 'append-output', cellId, output });
    };
    const onEvent = (event: CellOutputEvent) => {
      hold.release();
      buffered.push(toOutput(event));
      const sinceFlush = performance.now() - lastFlushAt;
      if (sinceFlush >= OUTPUT_FLUSH_MS) flush();
      else flushTimer ??= setTimeout(flush, OUTPUT_FLUSH_MS - sinceFlush);
    };

    const tensorsBefore = kernelStore.get().memory?.numTensors;
    this.history.push({ executionCount, source: cell.source });
    const result = await this.client.execute(cellId, cell.source, executionCount, onEvent, { autolog: this.isAutologOn }).done;
    hold.release();
    buffered.push(...result.finalOutputs.map(toOutput));
    if (result.memory && tensorsBefore !== undefined) {
      const added = result.memory.numTensors - tensorsBefore;
      const leak = detectTensorLeak(this.tensorsAddedByCell.get(cellId), added);
      this.tensorsAddedByCell.set(cellId, added);
      if (leak) buffered.push({ type: 'stream', name: 'stderr', text: describeTensorLeak(leak) });
    }
    // The last outputs, the execution count and the timing are edited in one task, so React draws
    // them together: the end of a quick run is one frame.
    flush();
    const current = session.notebook.cells.find((candidate) => candidate.id === cellId);
    if (current?.type === 'code') {
      session.edit({
        type: 'set-outputs',
        cellId,
        outputs: current.outputs,
        executionCount,
        lastRun: { startedAt, durationMs: result.durationMs || Date.now() - startedAt, status: result.status },
      });
    }
    // The last cell queued also ends the busy state here, in the same update as its outputs.
    kernelStore.set({ ...(result.memory ? { memory: result.memory } : {}), ...(this.queue.length === 0 ? idleState() : {}) });
    return result.status;
  }
}

/**
 * `status`, unless the kernel is being replaced (restarting) or is gone (dead): a run that ends
 * because of that, or whose held-back start is shown late, must not say busy or idle over it.
 */
function statusUnlessReplaced(status: 'busy' | 'idle'): { status?: 'busy' | 'idle' } {
  const current = kernelStore.get().status;
  return current === 'restarting' || current === 'dead' ? {} : { status };
}

/** The kernel's state once nothing is queued or running. */
const idleState = () => ({ runningCellId: null, ...statusUnlessReplaced('idle') });

function toOutput(event: CellOutputEvent): CellOutput {
  switch (event.type) {
    case 'stream':
      return { type: 'stream', name: event.name, text: event.text };
    case 'display':
      return { type: 'display', bundle: event.bundle, ...(event.displayId ? { displayId: event.displayId } : {}), ...(event.isResult ? { isResult: true } : {}) };
    case 'error':
      return event.error;
    default:
      return assertNever(event, 'kernel event');
  }
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
