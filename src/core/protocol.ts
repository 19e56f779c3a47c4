/**
 * The one protocol between the main thread (KernelClient) and the kernel worker. Both sides
 * import this file; requests carry an id and every event names the request it belongs to.
 */
import type { CellId, RequestId } from '../lib/ids';
import type { DisplayBundle, ErrorOutput } from './outputs';
import type { RunStatus } from './notebook/types';
import type { TrackingEvent } from './tracking/types';

export const BACKENDS = ['wasm', 'webgl', 'cpu', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/** 'auto' lets the kernel pick the fastest backend that works on this machine. */
export type BackendChoice = BackendName | 'auto';

export type KernelRequest =
  | {
      readonly type: 'init';
      readonly id: RequestId;
      readonly backend: BackendChoice;
      /** What 'auto' chose on this machine before; reused without re-measuring if it still starts. */
      readonly rememberedAutoBackend: BackendName | null;
      /** Where the app is served from: wasm binaries and sample data are fetched relative to it. */
      readonly baseUrl: string;
      /** One Int32 shared with the main thread; non-zero means "interrupt". Absent without cross-origin isolation. */
      readonly interruptFlag: SharedArrayBuffer | null;
    }
  | {
      readonly type: 'execute';
      readonly id: RequestId;
      readonly cellId: CellId;
      readonly source: string;
      readonly executionCount: number;
      /** Whether `model.fit` logs a tracked run by itself (a per-notebook setting). */
      readonly autolog: boolean;
    }
  | { readonly type: 'memory'; readonly id: RequestId }
  /** The answer to a `dataset-request`; handled as soon as it arrives, not queued behind the running cell. */
  | { readonly type: 'dataset-reply'; readonly id: RequestId; readonly lookupId: string; readonly result: DatasetLookup };

/** A dataset the user stored in Kiln (IndexedDB belongs to the main thread, so the worker asks for it). */
export type DatasetLookup =
  | { readonly found: true; readonly bytes: ArrayBuffer; readonly sha256: string }
  | { readonly found: false; readonly available: readonly string[]; /** Why the lookup failed, when it was not just absent. */ readonly problem?: string };

export type KernelMemory = { readonly numTensors: number; readonly numBytes: number };

export type KernelEvent =
  | {
      readonly type: 'ready';
      readonly requestId: RequestId;
      readonly backend: BackendName;
      readonly tfVersion: string;
      /** Samples per second measured per backend, when the automatic choice ran a benchmark. */
      readonly benchmark?: Readonly<Partial<Record<BackendName, number>>>;
      /** Which backend was asked for and why it did not start, when the kernel runs on another one. */
      readonly fallbackReason?: string;
    }
  | { readonly type: 'stream'; readonly requestId: RequestId; readonly name: 'stdout' | 'stderr'; readonly text: string }
  | {
      readonly type: 'display';
      readonly requestId: RequestId;
      readonly bundle: DisplayBundle;
      readonly displayId?: string;
      readonly isResult?: boolean;
    }
  | { readonly type: 'error'; readonly requestId: RequestId; readonly error: ErrorOutput }
  | { readonly type: 'memory'; readonly requestId: RequestId; readonly memory: KernelMemory }
  /** Experiment tracking: runs, metrics, models. Not a cell output; the main thread stores it. */
  | { readonly type: 'track'; readonly requestId: RequestId; readonly event: TrackingEvent }
  /** `data.load(name)` in the running cell asks the main thread for a stored dataset. */
  | { readonly type: 'dataset-request'; readonly requestId: RequestId; readonly lookupId: string; readonly name: string }
  | {
      readonly type: 'done';
      readonly requestId: RequestId;
      readonly status: RunStatus;
      readonly durationMs: number;
      readonly memory: KernelMemory;
      /**
       * The cell's last outputs (its error, or the value of its last expression), carried by this
       * message rather than sent before it, so the main thread draws a run's end in one frame.
       */
      readonly finalOutputs: readonly CellOutputEvent[];
    };

/** Events that become outputs of the running cell. */
export type CellOutputEvent = Extract<KernelEvent, { type: 'stream' } | { type: 'display' } | { type: 'error' }>;

export type KernelRequestType = KernelRequest['type'];
export type KernelEventType = KernelEvent['type'];
