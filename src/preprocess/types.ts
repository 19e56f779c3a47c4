/**
 * The shapes of the preprocessing module. A fitted pipeline is plain JSON: it is logged with the
 * run, shipped inside the exported artifact and read back with `parsePipeline`.
 */

export type RawValue = string | number | boolean | null | undefined;
export type RawRow = Readonly<Record<string, RawValue>>;

export type FillStrategy = 'mean' | 'median' | 'mode';

export type PipelineOptions = {
  /** Numeric features scaled to (x - mean) / std (population std); a constant column gives 0. */
  standardize?: readonly string[];
  /** Numeric features scaled to (x - min) / (max - min); a constant column gives 0. Not clipped. */
  minMax?: readonly string[];
  /** Categorical features, one output column per training category. */
  oneHot?: readonly string[];
  /** Numeric features copied unchanged. */
  passthrough?: readonly string[];
  /** How to replace missing values, per feature: a constant, or a statistic of the training values. */
  fillNull?: Readonly<Record<string, number | string | FillStrategy>>;
  /** Columns that exist in the raw data but are deliberately unused (ids, the label...). */
  drop?: readonly string[];
};

/** One raw input of the model's signature, as a request must send it. */
export type InputFeature = {
  name: string;
  dtype: 'number' | 'category';
  /** True when the feature has a fill rule, so null or absent is accepted. */
  nullable: boolean;
  /** Smallest and largest value seen in training (numbers only; absent when training had none). */
  range?: { min: number; max: number };
  /** The training vocabulary (categories only), in output order. */
  categories?: string[];
};

/** A resolved fill rule: the value used, and where it came from (kept for the run's record). */
export type NumericFill = { value: number; from: 'constant' | FillStrategy };
export type CategoryFill = { value: string; from: 'constant' | 'mode' };

/** One step per input feature, in output order. */
export type PipelineStep =
  | { kind: 'standardize'; feature: string; fill: NumericFill | null; mean: number; std: number }
  | { kind: 'minMax'; feature: string; fill: NumericFill | null; min: number; max: number }
  | { kind: 'passthrough'; feature: string; fill: NumericFill | null }
  | { kind: 'oneHot'; feature: string; fill: CategoryFill | null; categories: string[] };

export type FittedPipeline = {
  format: 'kiln-preprocess';
  version: 1;
  /** The signature: inputs[i] describes the raw feature that steps[i] reads. */
  inputs: InputFeature[];
  /** Output column names in tensor order: the feature name, or `feature=category` for one-hot. */
  outputs: string[];
  steps: PipelineStep[];
  /** Columns named in `drop`: expected in raw rows, never read. */
  dropped: string[];
};

export type TransformPolicy = {
  /** 'zeros' (default): an unseen category encodes as all zeros; 'error': it is rejected. */
  onUnknownCategory?: 'zeros' | 'error';
  /** 'allow' (default): values outside the training range are scaled as usual; 'error': rejected. */
  onOutOfRange?: 'allow' | 'error';
};

export type RowProblemCode =
  | 'not-an-object'
  | 'missing-feature'
  | 'missing-value'
  | 'wrong-type'
  | 'unknown-category'
  | 'out-of-range'
  | 'unknown-feature';

export type RowProblem = {
  /** 0-based position of the row in the array that was checked. */
  row: number;
  /** The raw field, or null when the row itself is wrong (not an object). */
  field: string | null;
  code: RowProblemCode;
  /** 'error': transformRows with the same policy would throw; 'warning': it would encode the row. */
  severity: 'error' | 'warning';
  expected: string;
  got: string;
  message: string;
};
