/**
 * Every `model.fit` / `fitDataset` in a cell gets live progress and stops at the next batch on
 * interrupt, without the user adding a callback. Done by wrapping LayersModel's methods once,
 * which covers Sequential and functional models alike.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { DisplayBundle } from '../../core/outputs';
import type { FitLog } from './tracking';

type Tf = typeof TfModule;
type Progress = Extract<DisplayBundle, { kind: 'progress' }>;
type Logs = Record<string, number>;

export type TrainingHost = {
  showProgress(progress: Progress, displayId: string): void;
  isInterruptRequested(): boolean;
  /** Thrown after a fit that was stopped by an interrupt, so the rest of the cell does not run. */
  interruptError(): Error;
  /** Autolog: a tracked run for this fit, or null when autolog is off. */
  startFit(model: TfModule.LayersModel, args: TfModule.ModelFitArgs | TfModule.ModelFitDatasetArgs<unknown>): FitLog | null;
};

/** Progress is redrawn at most this often, and at every epoch end. */
const PROGRESS_INTERVAL_MS = 250;

let trainingCount = 0;

export function installTrainingHooks(tf: Tf, host: TrainingHost): void {
  const prototype = tf.LayersModel.prototype;
  const originalFit = prototype.fit;
  const originalFitDataset = prototype.fitDataset;
  /*
   * A Sequential trains through an inner LayersModel (Sequential.fit delegates to `this.model.fit`).
   * The run must log and save the user's model, with its name and its metadata (class labels set
   * with setUserDefinedMetadata), not that inner one.
   */
  // The Sequential whose fit is calling its inner model's, which it does before its first await.
  const delegating: TfModule.Sequential[] = [];
  const userModel = (model: TfModule.LayersModel) => delegating.at(-1) ?? model;
  for (const method of ['fit', 'fitDataset'] as const) {
    const delegate = tf.Sequential.prototype[method] as (this: TfModule.Sequential, ...args: unknown[]) => Promise<TfModule.History>;
    (tf.Sequential.prototype as unknown as Record<string, unknown>)[method] = function (this: TfModule.Sequential, ...args: unknown[]) {
      delegating.push(this);
      try {
        return delegate.apply(this, args);
      } finally {
        delegating.pop();
      }
    };
  }

  prototype.fit = async function fit(this: TfModule.LayersModel, x, y, args = {}) {
    const samples = sampleCount(x);
    const training = samples === null ? null : Math.ceil(samples * (1 - (args.validationSplit ?? 0)));
    const batchesPerEpoch = training === null ? 0 : Math.ceil(training / (args.batchSize ?? 32));
    const user = userModel(this);
    const tracker = new ProgressTracker(this, user.name, host, args.epochs ?? 1, batchesPerEpoch, host.startFit(user, args));
    return tracker.follow(() => originalFit.call(this, x, y, { ...args, callbacks: withCallback(args.callbacks, tracker.callback()) }));
  };

  prototype.fitDataset = async function fitDataset(this: TfModule.LayersModel, dataset, args) {
    const user = userModel(this);
    const tracker = new ProgressTracker(this, user.name, host, args.epochs, args.batchesPerEpoch ?? 0, host.startFit(user, args as TfModule.ModelFitDatasetArgs<unknown>));
    return tracker.follow(() => originalFitDataset.call(this, dataset, { ...args, callbacks: withCallback(args.callbacks, tracker.callback()) }));
  };
}

type Callbacks = TfModule.ModelFitArgs['callbacks'];

function withCallback(callbacks: Callbacks, added: TfModule.CustomCallbackArgs): Callbacks {
  if (callbacks === undefined) return added;
  return Array.isArray(callbacks) ? [...callbacks, added] : [callbacks as TfModule.CustomCallbackArgs, added];
}

function sampleCount(x: unknown): number | null {
  const first = Array.isArray(x) ? x[0] : x && typeof x === 'object' && !('shape' in x) ? Object.values(x)[0] : x;
  const shape = (first as { shape?: number[] } | undefined)?.shape;
  return shape?.[0] ?? null;
}

class ProgressTracker {
  private readonly displayId = `training-${++trainingCount}`;
  private readonly startedAt = performance.now();
  private lastShownAt = 0;
  private epoch = 1;
  private batch = 0;
  private readonly history: Record<string, number[]> = {};
  private wasInterrupted = false;

  constructor(
    /** The model that trains (a Sequential's inner model): stopping it stops the fit. */
    private readonly model: TfModule.LayersModel,
    /** The name of the user's model, shown above the progress. */
    private readonly label: string,
    private readonly host: TrainingHost,
    private readonly epochs: number,
    private readonly batchesPerEpoch: number,
    private readonly fitLog: FitLog | null,
  ) {}

  /** Runs the fit; the tracked run ends as finished, interrupted or failed with it. */
  async follow(fit: () => Promise<TfModule.History>): Promise<TfModule.History> {
    let history: TfModule.History;
    try {
      history = await fit();
    } catch (error) {
      this.show('stopped');
      await this.fitLog?.end('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
    await this.fitLog?.end(this.wasInterrupted ? 'interrupted' : 'finished');
    this.finish();
    return history;
  }

  callback(): TfModule.CustomCallbackArgs {
    return {
      onEpochBegin: async (epoch) => {
        this.epoch = epoch + 1;
        this.batch = 0;
      },
      // Batch work happens at batch *begin*: tfjs reads every loss back from the backend before
      // calling an onBatchEnd (a GPU/WASM sync per batch), which costs a fifth of the training speed.
      onBatchBegin: async (batch) => {
        this.batch = batch;
        if (this.host.isInterruptRequested()) {
          this.wasInterrupted = true;
          this.model.stopTraining = true;
        }
        if (performance.now() - this.lastShownAt > PROGRESS_INTERVAL_MS) this.show('running');
      },
      ...(this.fitLog?.logsBatches ? { onBatchEnd: async (batch: number, logs?: Logs) => this.fitLog?.onBatchEnd(batch, logs ?? {}) } : {}),
      onEpochEnd: async (epoch, logs?: Logs) => {
        this.batch += 1; // the epoch's last batch has finished
        for (const [name, value] of Object.entries(logs ?? {})) (this.history[name] ??= []).push(value);
        this.fitLog?.onEpochEnd(epoch, logs ?? {});
        this.show('running');
      },
    };
  }

  private finish(): void {
    this.show(this.wasInterrupted ? 'stopped' : 'done');
    if (this.wasInterrupted) throw this.host.interruptError();
  }

  private show(state: Progress['state']): void {
    this.lastShownAt = performance.now();
    this.host.showProgress(
      {
        kind: 'progress',
        label: this.label,
        epoch: this.epoch,
        epochs: this.epochs,
        batch: this.batch,
        batchesPerEpoch: this.batchesPerEpoch,
        elapsedMs: performance.now() - this.startedAt,
        history: Object.fromEntries(Object.entries(this.history).map(([name, values]) => [name, [...values]])),
        state,
      },
      this.displayId,
    );
  }
}
