/**
 * `preprocess` in cells: fit a declarative feature pipeline on a DataFrame and turn frames (or raw
 * rows) into the model's input tensor. The implementation is src/preprocess, the very code the
 * exported server runs, so the notebook and production transform rows identically.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { DataFrame } from 'danfojs';
import {
  computeReferenceStats,
  fitPipeline,
  parsePipeline,
  rowsFromColumns,
  transformRows,
  type FittedPipeline,
  type PipelineOptions,
  type RawRow,
  type RawValue,
  type ReferenceStats,
  type TransformPolicy,
} from '../../preprocess';

type Tf = typeof TfModule;
type Table = DataFrame | readonly RawRow[];

/** Rows kept from the training frame as test vectors for an exported model. */
const TEST_VECTOR_ROWS = 8;

/** What a cell sees of a fitted pipeline (the Kiln globals declare exactly this). */
export type PreprocessorHandle = {
  readonly outputs: readonly string[];
  transform(table: Table, policy?: TransformPolicy): TfModule.Tensor2D;
  toJSON(): unknown;
};

export class Preprocessor implements PreprocessorHandle {
  readonly pipeline: FittedPipeline;
  /** Training-data statistics for drift detection; null for a pipeline loaded from JSON. */
  readonly referenceStats: ReferenceStats | null;
  /** A few raw training rows, kept as test vectors for the exported model. */
  readonly sampleRows: readonly RawRow[];
  private readonly tf: Tf;

  constructor(tf: Tf, pipeline: FittedPipeline, referenceStats: ReferenceStats | null, sampleRows: readonly RawRow[]) {
    this.tf = tf;
    this.pipeline = pipeline;
    this.referenceStats = referenceStats;
    this.sampleRows = sampleRows;
  }

  /** Output column names, in the order of the tensor's columns (e.g. `island=Biscoe`). */
  get outputs(): readonly string[] {
    return this.pipeline.outputs;
  }

  /** The model's input: a [rows, outputs.length] float32 tensor. Bad rows fail with the row and field. */
  transform(table: Table, policy?: TransformPolicy): TfModule.Tensor2D {
    const { values, rows, columns } = transformRows(this.pipeline, rowsOf(table), policy);
    return this.tf.tensor2d(values, [rows, columns], 'float32');
  }

  /** The fitted pipeline as plain JSON (means, stds, vocabularies...). */
  toJSON(): FittedPipeline {
    return this.pipeline;
  }
}

export type PreprocessApi = {
  fit(table: Table, options: PipelineOptions): PreprocessorHandle;
  /** A pipeline saved earlier with `JSON.stringify(prep)`. */
  load(json: unknown): PreprocessorHandle;
};

/** `onFit` hears of every pipeline fitted, so the next saved model carries it into its artifact. */
export function createPreprocessApi(tf: Tf, onFit: (preprocessor: Preprocessor) => void): PreprocessApi {
  return {
    fit(table, options) {
      const rows = rowsOf(table);
      const pipeline = fitPipeline(rows, options);
      const preprocessor = new Preprocessor(tf, pipeline, computeReferenceStats(pipeline, rows), rows.slice(0, TEST_VECTOR_ROWS));
      onFit(preprocessor);
      return preprocessor;
    },
    load(json) {
      return new Preprocessor(tf, parsePipeline(json), null, []);
    },
  };
}

function rowsOf(table: Table): readonly RawRow[] {
  if (Array.isArray(table)) return table as readonly RawRow[];
  const frame = table as DataFrame;
  return rowsFromColumns(frame.columns, frame.values as unknown as readonly (readonly RawValue[])[]);
}
