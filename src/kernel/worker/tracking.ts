/**
 * Experiment tracking inside the kernel: `track.start(...)` for explicit runs, and autolog for
 * every `model.fit`. Nothing is stored here: every change leaves at once as a TrackingEvent and
 * the main thread persists it, so what was sent survives a kernel restart.
 */
import type * as TfModule from '@tensorflow/tfjs';
import { io } from '@tensorflow/tfjs';
import { newRunId, type RunId } from '../../lib/ids';
import type { DatasetFingerprint, MetricSeries, Objective, Params, ParamValue, RunStatus, ServingRecord, TrackingEvent } from '../../core/tracking/types';
import type { Preprocessor } from './preprocess-api';

type Tf = typeof TfModule;
type Logs = Record<string, number>;
type EndStatus = Exclude<RunStatus, 'running'>;

export type TrackingSink = {
  emit(event: TrackingEvent, transfer?: Transferable[]): void;
  /** Fingerprints of the datasets loaded so far in this kernel session. */
  datasets(): readonly DatasetFingerprint[];
};

export type StartOptions = {
  experiment?: string;
  name?: string;
  params?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  /** Makes this run a child of a sweep parent. */
  parent?: RunHandle | string;
};

export type RunHandle = {
  readonly id: string;
  /** Logs metric values; `step` defaults to one past the key's last step. */
  log(metrics: Record<string, number>, step?: number): void;
  logParams(params: Record<string, unknown>): void;
  setTags(tags: Record<string, unknown>): void;
  /** Saves the model with the run (tfjs layers format). */
  logModel(model: TfModule.LayersModel): Promise<void>;
  end(status?: EndStatus): void;
};

export type TrackApi = {
  start(options?: StartOptions): RunHandle;
  /** A tf `fit` callback that logs every epoch's logs (and, with `batches: true`, every batch's) to `run`. */
  callback(run: RunHandle, options?: { batches?: boolean }): TfModule.CustomCallbackArgs;
  /** Declares what "best" means for an experiment's runs (default experiment: this notebook's). */
  setObjective(objective: Objective, experiment?: string): void;
  /** Switches autolog for `model.fit` on or off for the rest of this kernel session. */
  autolog(enabled: boolean | { batches: boolean }): void;
  /** The explicit run started last and not ended yet, if any. */
  active(): RunHandle | null;
};

/** What autolog needs to follow one `fit`. */
export type FitLog = {
  /** Per-batch metrics were asked for (`track.autolog({ batches: true })`): worth a sync per batch. */
  readonly logsBatches: boolean;
  onEpochEnd(epoch: number, logs: Logs): void;
  onBatchEnd(batch: number, logs: Logs): void;
  end(status: EndStatus, problem?: string): Promise<void>;
};

/** Points waiting in the worker are sent at once past this many (one message each, not one per `log`). */
const MAX_BUFFERED_POINTS = 20_000;

/** One run's points for one key, waiting to be sent. Plain number arrays: cheap to push to, copied once into Float64Arrays. */
type PendingSeries = { steps: number[]; values: number[]; timestamps: number[] };

/**
 * Coalesces metric points: a loop calling `run.log` a million times sends a few dozen messages,
 * not a million, each holding per key three Float64Array columns that are transferred, not
 * copied. Any other event first sends the points before it, so order is kept.
 */
class BatchingSink implements TrackingSink {
  private readonly buffered = new Map<RunId, Map<string, PendingSeries>>();
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly inner: TrackingSink) {}

  emit(event: TrackingEvent, transfer?: Transferable[]): void {
    this.flush();
    this.inner.emit(event, transfer);
  }

  log(runId: RunId, key: string, step: number, value: number, timestamp: number): void {
    const run = this.buffered.get(runId) ?? this.buffered.set(runId, new Map()).get(runId)!;
    const series = run.get(key) ?? run.set(key, { steps: [], values: [], timestamps: [] }).get(key)!;
    series.steps.push(step);
    series.values.push(value);
    series.timestamps.push(timestamp);
    this.count += 1;
    if (this.count >= MAX_BUFFERED_POINTS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 0);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [runId, byKey] of this.buffered) {
      const series: MetricSeries[] = [...byKey].map(([key, pending]) => ({
        key,
        steps: new Float64Array(pending.steps),
        values: new Float64Array(pending.values),
        timestamps: new Float64Array(pending.timestamps),
      }));
      this.inner.emit({ kind: 'metrics', runId, series }, series.flatMap((columns) => [columns.steps.buffer, columns.values.buffer, columns.timestamps.buffer]));
    }
    this.buffered.clear();
    this.count = 0;
  }

  datasets(): readonly DatasetFingerprint[] {
    return this.inner.datasets();
  }
}

export class Tracking {
  private readonly openRuns = new Map<RunId, RunState>();
  private readonly sink: BatchingSink;
  /** Runs started while the current cell runs: a failing cell ends them. */
  private startedInCell = new Set<RunId>();
  private autologEnabled = true;
  private autologSession: boolean | null = null;
  private autologBatches = false;
  private explicitStack: RunState[] = [];
  /** The pipeline fitted last: a model saved afterwards carries it (if their widths match) into its artifact. */
  private preprocessor: Preprocessor | null = null;

  constructor(
    private readonly tf: Tf,
    sink: TrackingSink,
  ) {
    this.sink = new BatchingSink(sink);
  }

  usePreprocessor(preprocessor: Preprocessor): void {
    this.preprocessor = preprocessor;
  }

  /** Called before each cell; `autolog` is the notebook's setting (a `track.autolog` call overrides it). */
  beginCell(autolog: boolean): void {
    this.autologEnabled = this.autologSession ?? autolog;
    this.startedInCell = new Set();
  }

  /** A cell that failed or was interrupted ends the runs it started, so none stays "running" forever. */
  endCell(status: 'ok' | 'error' | 'interrupted'): void {
    this.sink.flush();
    if (status === 'ok') return;
    for (const id of this.startedInCell) {
      this.openRuns.get(id)?.end(status === 'error' ? 'failed' : 'interrupted', `the cell that started it ${status === 'error' ? 'failed' : 'was interrupted'}`);
    }
  }

  readonly api: TrackApi = {
    start: (options = {}) => this.startRun(options, 'api').handle,
    callback: (run, options = {}) => {
      const state = this.stateOf(run);
      return {
        onEpochEnd: async (epoch, logs) => state.logAt(logs ?? {}, epoch + 1),
        ...(options.batches ? { onBatchEnd: async (batch: number, logs?: Logs) => state.logAt(prefixed(logs ?? {}, 'batch/'), batch) } : {}),
      };
    },
    setObjective: (objective, experiment) => {
      if (objective.direction !== 'max' && objective.direction !== 'min') throw new TypeError(`track.setObjective: direction must be 'max' or 'min', got ${JSON.stringify(objective.direction)}`);
      if (typeof objective.metric !== 'string' || objective.metric === '') throw new TypeError('track.setObjective: metric must name a logged metric, e.g. { metric: "val_acc", direction: "max" }');
      this.sink.emit({ kind: 'objective', experiment: experiment ?? null, objective });
    },
    autolog: (enabled) => {
      this.autologSession = typeof enabled === 'boolean' ? enabled : true;
      this.autologBatches = typeof enabled === 'object' && enabled.batches;
      this.autologEnabled = this.autologSession;
    },
    active: () => this.explicitStack.at(-1)?.handle ?? null,
  };

  /**
   * Autolog for one `fit`: logs into the active explicit run if there is one (as MLflow does),
   * otherwise into a new run that ends with the fit. Null when autolog is off.
   */
  startFit(model: TfModule.LayersModel, args: TfModule.ModelFitArgs | TfModule.ModelFitDatasetArgs<unknown>): FitLog | null {
    if (!this.autologEnabled) return null;
    const params = fitParams(this.tf, model, args);
    const active = this.explicitStack.at(-1);
    const run = active ?? this.startRun({ name: model.name, params }, 'autolog');
    if (active) active.logParams(params);
    // Batch indices restart every epoch; batch metrics are stepped by batches seen in the whole fit.
    let batchesSeen = 0;
    return {
      logsBatches: this.autologBatches,
      onEpochEnd: (epoch, logs) => run.logAt(logs, epoch + 1),
      onBatchEnd: (_batch, logs) => run.logAt(prefixed(logs, 'batch/'), batchesSeen++),
      end: async (status, problem) => {
        // The model is kept even when training stopped early: it is what the run produced.
        const saveProblem = await run.saveModel(model).then(
          () => undefined,
          (error: unknown) => `the model could not be saved: ${error instanceof Error ? error.message : String(error)}`,
        );
        const problems = [problem, saveProblem].filter((text) => text !== undefined).join('; ');
        if (run !== active) run.end(status, problems || undefined);
      },
    };
  }

  private startRun(options: StartOptions, source: 'autolog' | 'api'): RunState {
    const parentId = options.parent === undefined ? null : (typeof options.parent === 'string' ? options.parent : options.parent.id) as RunId;
    const run = new RunState(newRunId(), this.sink, (state) => this.forget(state), (model) => servingRecord(this.tf, model, this.preprocessor));
    this.openRuns.set(run.id, run);
    this.startedInCell.add(run.id);
    if (source === 'api') this.explicitStack.push(run);
    this.sink.emit({
      kind: 'run-start',
      run: {
        id: run.id,
        experiment: options.experiment ?? null,
        name: options.name ?? null,
        params: toParams(options.params ?? {}, 'track.start params'),
        tags: toTags(options.tags ?? {}),
        parentId,
        source,
        startedAt: Date.now(),
      },
      datasets: this.sink.datasets(),
      backend: this.tf.getBackend(),
      tfjsVersion: this.tf.version.tfjs,
    });
    return run;
  }

  private forget(run: RunState): void {
    this.openRuns.delete(run.id);
    this.explicitStack = this.explicitStack.filter((open) => open !== run);
  }

  private stateOf(handle: RunHandle): RunState {
    const state = this.openRuns.get(handle.id as RunId);
    if (!state) throw new Error(`run ${handle.id} has ended; start a new run with track.start()`);
    return state;
  }
}

class RunState {
  private readonly nextStep = new Map<string, number>();
  private hasEnded = false;
  readonly handle: RunHandle;

  constructor(
    readonly id: RunId,
    private readonly sink: BatchingSink,
    private readonly onEnd: (run: RunState) => void,
    private readonly servingFor: (model: TfModule.LayersModel) => ServingRecord | undefined,
  ) {
    this.handle = {
      id,
      log: (metrics, step) => this.log(metrics, step),
      logParams: (params) => this.logParams(params),
      setTags: (tags) => {
        this.assertOpen('setTags');
        this.sink.emit({ kind: 'tags', runId: id, tags: toTags(tags) });
      },
      logModel: (model) => this.saveModel(model),
      end: (status = 'finished') => this.end(status),
    };
  }

  log(metrics: Record<string, number>, step?: number): void {
    this.assertOpen('log');
    if (step !== undefined && !Number.isFinite(step)) throw new TypeError(`run.log: step must be a finite number, got ${String(step)}`);
    this.logAt(metrics, step);
  }

  /**
   * Logs at `step`, or one past each key's last step. Values may be NaN or ±Infinity: they are
   * kept as such. A value that is not a number refuses the whole call, logging none of it.
   */
  logAt(metrics: Record<string, unknown>, step?: number): void {
    if (this.hasEnded) return;
    const timestamp = Date.now();
    const entries = Object.entries(metrics);
    for (const [key, value] of entries) if (typeof value !== 'number') throw new TypeError(`run.log: metric '${key}' must be a number, got ${describe(value)}`);
    for (const [key, value] of entries) {
      const at = step ?? this.nextStep.get(key) ?? 0;
      this.nextStep.set(key, at + 1);
      this.sink.log(this.id, key, at, value as number, timestamp);
    }
  }

  logParams(params: Record<string, unknown>): void {
    this.assertOpen('logParams');
    this.sink.emit({ kind: 'params', runId: this.id, params: toParams(params, 'run.logParams') });
  }

  async saveModel(model: TfModule.LayersModel): Promise<void> {
    this.assertOpen('logModel');
    const { modelJson, weights } = await serialiseModel(model);
    const serving = this.servingFor(model);
    this.sink.emit({ kind: 'model', runId: this.id, modelJson, weights, ...(serving ? { serving } : {}) }, [weights]);
  }

  end(status: EndStatus, problem?: string): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.sink.emit({ kind: 'run-end', runId: this.id, status, endedAt: Date.now(), ...(problem ? { problem } : {}) });
    this.onEnd(this);
  }

  private assertOpen(method: string): void {
    if (this.hasEnded) throw new Error(`run.${method}: run ${this.id} has ended; start a new run with track.start()`);
  }
}

/**
 * The serving record of a model: the last fitted pipeline when its output width is the model's
 * input width (otherwise the pipeline was for another model), with test vectors computed now.
 */
function servingRecord(tf: Tf, model: TfModule.LayersModel, preprocessor: Preprocessor | null): ServingRecord | undefined {
  if (!preprocessor?.referenceStats || preprocessor.sampleRows.length === 0) return undefined;
  const inputShape = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || inputShape?.length !== 2 || inputShape[1] !== preprocessor.outputs.length) return undefined;
  const outputs = tf.tidy(() => {
    const prediction = model.predict(preprocessor.transform(preprocessor.sampleRows));
    return (Array.isArray(prediction) ? prediction[0]! : prediction).arraySync() as number[][];
  });
  return {
    pipeline: preprocessor.pipeline,
    referenceStats: preprocessor.referenceStats,
    testVectors: { inputs: preprocessor.sampleRows, outputs },
  };
}

/** The layers-format model.json (minus weight paths) and the weights as one buffer. */
async function serialiseModel(model: TfModule.LayersModel): Promise<{ modelJson: Record<string, unknown>; weights: ArrayBuffer }> {
  let saved: { modelJson: Record<string, unknown>; weights: ArrayBuffer } | null = null;
  await model.save(
    io.withSaveHandler(async (artifacts) => {
      const { weightData, weightSpecs, modelTopology, format, generatedBy, convertedBy, trainingConfig, userDefinedMetadata } = artifacts;
      const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
      saved = {
        modelJson: {
          modelTopology,
          format: format ?? 'layers-model',
          generatedBy: generatedBy ?? null,
          convertedBy: convertedBy ?? null,
          weightSpecs: weightSpecs ?? [],
          ...(trainingConfig ? { trainingConfig } : {}),
          ...(userDefinedMetadata ? { userDefinedMetadata } : {}),
        },
        weights: concatenate(buffers),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('the model produced no artifacts');
  return saved;
}

function concatenate(buffers: readonly ArrayBuffer[]): ArrayBuffer {
  const total = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const buffer of buffers) {
    joined.set(new Uint8Array(buffer), offset);
    offset += buffer.byteLength;
  }
  return joined.buffer;
}

/** Params autolog records for a fit: what a reviewer needs to know what was trained, and how. */
function fitParams(tf: Tf, model: TfModule.LayersModel, args: TfModule.ModelFitArgs | TfModule.ModelFitDatasetArgs<unknown>): Params {
  const optimizer = model.optimizer as (TfModule.Optimizer & { getConfig?: () => Record<string, unknown> }) | undefined;
  const optimizerConfig = optimizer?.getConfig?.() ?? {};
  const learningRate = optimizerConfig['learningRate'] ?? optimizerConfig['lr'];
  const fitArgs = args as Partial<TfModule.ModelFitArgs>;
  return {
    optimizer: optimizer?.getClassName() ?? null,
    learning_rate: typeof learningRate === 'number' ? learningRate : null,
    loss: describeLoss(model.loss),
    metrics: model.metricsNames.filter((name) => name !== 'loss').join(', ') || null,
    epochs: args.epochs ?? 1,
    batch_size: 'batchesPerEpoch' in args ? null : (fitArgs.batchSize ?? 32),
    validation_split: fitArgs.validationSplit ?? 0,
    shuffle: fitArgs.shuffle ?? true,
    layers: model.layers.filter((layer) => layer.getClassName() !== 'InputLayer').map(describeLayer).join(' → '),
    total_params: model.countParams(),
    backend: tf.getBackend(),
  };
}

function describeLayer(layer: TfModule.layers.Layer): string {
  const config = layer.getConfig();
  const details = [config['units'], config['activation'], config['rate']].filter((value) => value !== undefined && value !== 'linear');
  return `${layer.getClassName()}${details.length > 0 ? `(${details.join(', ')})` : ''}`;
}

function describeLoss(loss: unknown): string | null {
  if (typeof loss === 'string') return loss;
  if (Array.isArray(loss)) return loss.map((part) => describeLoss(part)).join(', ');
  if (typeof loss === 'function') return loss.name || 'custom';
  return null;
}

function toParams(values: Record<string, unknown>, where: string): Params {
  const params: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params[key] = value;
    else if (value === undefined) continue;
    else if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`${where}: '${key}' is a ${typeof value}; params are strings, numbers, booleans or null`);
    else params[key] = JSON.stringify(value);
  }
  return params;
}

function toTags(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== false).map(([key, value]) => [key, String(value)]));
}

function prefixed(logs: Logs, prefix: string): Logs {
  return Object.fromEntries(Object.entries(logs).filter(([key]) => key !== 'batch' && key !== 'size').map(([key, value]) => [`${prefix}${key}`, value]));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeof value;
}
