/**
 * Experiment tracking records. Everything here is plain JSON: it is stored in IndexedDB, sent
 * from the kernel worker, exported and imported.
 */
import type { RunId } from '../../lib/ids';

export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';

export type ParamValue = string | number | boolean | null;
export type Params = Readonly<Record<string, ParamValue>>;

/** The objective an experiment declares before training: what "best" means for its runs. */
export type Objective = {
  readonly metric: string;
  readonly direction: 'max' | 'min';
  /** Runs whose objective misses this are flagged. */
  readonly threshold?: number;
};

export type Experiment = {
  readonly name: string;
  readonly createdAt: number;
  readonly objective?: Objective;
};

export type DatasetFingerprint = { readonly name: string; readonly sha256: string; readonly rows: number; readonly columns: number };

/** What produced a run, captured automatically. */
export type Reproducibility = {
  readonly notebookId: string;
  readonly notebookName: string;
  /** The notebook revision when the run started. */
  readonly notebookRevision: number;
  /** Every cell executed in this kernel session up to the run, in execution order (the real history). */
  readonly code: readonly { readonly executionCount: number; readonly source: string }[];
  readonly datasets: readonly DatasetFingerprint[];
  readonly tfjsVersion: string;
  readonly backend: string;
  readonly userAgent: string;
};

/** Last, best (by the metric's own direction: loss-like → min, else max), min, max, and count. */
export type MetricSummary = {
  readonly last: number;
  readonly min: number;
  readonly max: number;
  readonly lastStep: number;
  readonly count: number;
};

export type Run = {
  readonly id: RunId;
  readonly experiment: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly params: Params;
  readonly tags: Readonly<Record<string, string>>;
  readonly notes: string;
  readonly starred: boolean;
  /** A sweep parent's id for child runs. */
  readonly parentId: RunId | null;
  /** 'autolog' for model.fit runs, 'api' for track.start runs. */
  readonly source: 'autolog' | 'api' | 'import';
  /** Per metric key, kept up to date as points arrive, so tables never read the points. */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  readonly reproducibility: Reproducibility | null;
  /** Why the run failed or what was lost (e.g. points dropped when storage was full). */
  readonly problems: readonly string[];
  readonly hasModel: boolean;
  /** The kernel session that ran it; a `running` run whose session is gone was cut off (page closed, kernel restarted). */
  readonly kernelSession: string | null;
};

/** One logged value. `step` is the epoch for autolog epoch metrics, the batch index for batch metrics. */
export type MetricPoint = {
  readonly runId: RunId;
  readonly key: string;
  readonly step: number;
  readonly value: number;
  /** Wall-clock ms since the epoch. */
  readonly timestamp: number;
};

/**
 * One key's points in logging order, as parallel columns: how a batch of points travels from the
 * kernel (its buffers are transferred, not copied, and never become a million objects).
 */
export type MetricSeries = {
  readonly key: string;
  readonly steps: Float64Array;
  readonly values: Float64Array;
  readonly timestamps: Float64Array;
};

/** A model saved with a run, in the tfjs layers format (model.json's content and the weight bytes). */
export type ModelArtifact = {
  readonly runId: RunId;
  /** model.json without `weightsManifest` paths: topology, format, generatedBy, convertedBy, weightSpecs. */
  readonly modelJson: Readonly<Record<string, unknown>>;
  readonly weights: ArrayBuffer;
  readonly savedAt: number;
  /** What serving needs besides the model, when the notebook fitted a `preprocess` pipeline (plain JSON of src/preprocess). */
  readonly serving?: ServingRecord;
};

/** The fitted pipeline, training-data reference statistics and test vectors saved with a model. */
export type ServingRecord = {
  /** A FittedPipeline document (format 'kiln-preprocess'). */
  readonly pipeline: Readonly<Record<string, unknown>>;
  /** A ReferenceStats document (format 'kiln-reference-stats'). */
  readonly referenceStats: Readonly<Record<string, unknown>>;
  /** Raw input rows and the outputs the notebook's model computed for them. */
  readonly testVectors: { readonly inputs: readonly Readonly<Record<string, unknown>>[]; readonly outputs: readonly (readonly number[])[] };
};

/** What the kernel reports while code runs; the main thread turns these into stored runs. */
export type TrackingEvent =
  | {
      readonly kind: 'run-start';
      readonly run: {
        readonly id: RunId;
        /** Null: the notebook's name, which only the main thread knows. */
        readonly experiment: string | null;
        readonly name: string | null;
        readonly params: Params;
        readonly tags: Readonly<Record<string, string>>;
        readonly parentId: RunId | null;
        readonly source: 'autolog' | 'api';
        readonly startedAt: number;
      };
      readonly datasets: readonly DatasetFingerprint[];
      readonly backend: string;
      readonly tfjsVersion: string;
    }
  | { readonly kind: 'metrics'; readonly runId: RunId; readonly series: readonly MetricSeries[] }
  | { readonly kind: 'params'; readonly runId: RunId; readonly params: Params }
  | { readonly kind: 'tags'; readonly runId: RunId; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'model'; readonly runId: RunId; readonly modelJson: Readonly<Record<string, unknown>>; readonly weights: ArrayBuffer; readonly serving?: ServingRecord }
  | { readonly kind: 'run-end'; readonly runId: RunId; readonly status: Exclude<RunStatus, 'running'>; readonly endedAt: number; readonly problem?: string }
  | { readonly kind: 'objective'; readonly experiment: string | null; readonly objective: Objective };
