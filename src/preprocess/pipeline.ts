/**
 * Fitting the declarative feature pipeline. The same fitted JSON is applied by `transformRows` in
 * the notebook's kernel and in the exported server, so these rules hold in both places:
 *
 * - Missing values: null, undefined, an absent field, NaN (danfo's missing number) and a blank
 *   string. A feature with a `fillNull` rule gets the rule's value: a constant, or the mean, median
 *   or mode of the training values (resolved once at fit and stored, never recomputed). A feature
 *   without a rule has no defined input, so a missing value is an error naming the row and field,
 *   at fit and at transform alike. It is never NaN: NaN would flow silently through the model
 *   and come out as a NaN prediction far from its cause.
 * - Scaling statistics (mean, std, min, max) are fitted on the filled column, as a scikit-learn
 *   imputer followed by a scaler would be, because that is what the model will see.
 * - Numbers: finite numbers; strings in plain decimal notation ("3.5", " -2 ", "1e3") read as
 *   numbers; true and false read as 1 and 0. Anything else ("n/a", "0x10", "Infinity", objects) is a
 *   `wrong-type` error naming the row and field; it is never coerced to NaN or 0.
 * - Categories: strings exactly as written (no trimming, case-sensitive); numbers and booleans by
 *   `String(value)` (3 → "3", true → "true"). The vocabulary is every category of the filled
 *   training column, sorted in code-unit order ("10" before "9"). A category not in it encodes as
 *   all zeros by default, or is an `unknown-category` error with `onUnknownCategory: 'error'`.
 *   A constant fill value that never occurred in training is not added to the vocabulary (its
 *   column would carry an untrained weight); a filled value outside it is an unknown category.
 * - standardize: (x - mean) / std with the population std; minMax: (x - min) / (max - min),
 *   not clipped. A constant training column (std 0 or max = min) outputs 0 for every input.
 * - Range: each numeric input records the min and max of its raw training values. Outside it, a
 *   value is encoded as usual by default, or is an `out-of-range` error with `onOutOfRange: 'error'`.
 * - Column order: standardize features, then minMax, then passthrough, then oneHot, each list in the
 *   order written in the options; a one-hot feature gives one column per category in vocabulary
 *   order, named `feature=category`. `outputs` lists them; `inputs[i]` and `steps[i]` describe the
 *   raw feature behind them.
 * - Other columns: a column no option names is ignored by fit and transform. Columns in `drop` are
 *   ignored too but recorded in `dropped`, so `validateRows` accepts them in requests while it
 *   warns about any other unknown field (often a misspelt feature).
 * - Rows are indexed from 0, as in the array (and the DataFrame) passed in.
 */
import { checkColumnExists, checkRowsAreObjects, presentCategories, presentNumbers, readCategoryColumn, readNumericColumn } from './columns';
import { PreprocessError } from './errors';
import { rowMessage } from './messages';
import { readOptions, type FeatureSpec } from './options';
import { categoryMode, countCategories, mean, minMaxOf, modeOfSorted, populationStd, quantileOfSorted, sortedNumbers } from './statistics';
import type { CategoryFill, FittedPipeline, InputFeature, NumericFill, PipelineOptions, PipelineStep, RawRow } from './types';
import { compareStrings, describeValue, fieldOf } from './values';

export function fitPipeline(rows: readonly RawRow[], options: PipelineOptions): FittedPipeline {
  const plan = readOptions(options);
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new PreprocessError('empty-data', `Cannot fit a pipeline on ${Array.isArray(rows) ? 'no rows' : describeValue(rows)}`);
  }
  checkRowsAreObjects(rows);
  const fitted = plan.features.map((spec) => {
    checkColumnExists(rows, spec.feature);
    return spec.kind === 'oneHot' ? fitCategorical(rows, spec) : fitNumeric(rows, spec);
  });
  const steps = fitted.map(({ step }) => step);
  return {
    format: 'kiln-preprocess',
    version: 1,
    inputs: fitted.map(({ input }) => input),
    outputs: outputNamesOf(steps),
    steps,
    dropped: plan.dropped,
  };
}

/** The output column names the steps produce, in tensor order. */
export function outputNamesOf(steps: readonly PipelineStep[]): string[] {
  return steps.flatMap((step) =>
    step.kind === 'oneHot' ? step.categories.map((category) => `${step.feature}=${category}`) : [step.feature],
  );
}

type FittedFeature = { step: PipelineStep; input: InputFeature };

function fitNumeric(rows: readonly object[], spec: FeatureSpec): FittedFeature {
  const { feature } = spec;
  const column = readNumericColumn(rows, feature);
  if (column.missingCount > 0 && spec.fill === undefined) throw missingWithoutRule(rows, feature, column, 'a number');
  const present = sortedNumbers(presentNumbers(column.values));
  const fill = spec.fill === undefined ? null : numericFill(spec.fill, present, feature);
  const filled = fill === null ? column.values : column.values.map((value) => (Number.isNaN(value) ? fill.value : value));

  const input: InputFeature = { name: feature, dtype: 'number', nullable: fill !== null };
  if (present.length > 0) input.range = { min: present[0] as number, max: present[present.length - 1] as number };
  return { step: numericStep(spec, filled, fill), input };
}

function numericStep(spec: FeatureSpec, filled: Float64Array, fill: NumericFill | null): PipelineStep {
  const feature = spec.feature;
  switch (spec.kind) {
    case 'standardize': {
      const filledMean = mean(filled);
      return { kind: 'standardize', feature, fill, mean: filledMean, std: populationStd(filled, filledMean) };
    }
    case 'minMax':
      return { kind: 'minMax', feature, fill, ...minMaxOf(filled) };
    case 'passthrough':
      return { kind: 'passthrough', feature, fill };
    case 'oneHot':
      throw new Error('Invariant failed: one-hot features are fitted as categories');
  }
}

function numericFill(rule: number | string, present: Float64Array, feature: string): NumericFill {
  if (typeof rule === 'number') return { value: rule, from: 'constant' };
  if (present.length === 0) throw noValuesFor(rule, feature);
  switch (rule) {
    case 'mean':
      return { value: mean(present), from: 'mean' };
    case 'median':
      return { value: quantileOfSorted(present, 0.5), from: 'median' };
    case 'mode':
      return { value: modeOfSorted(present), from: 'mode' };
    default:
      throw new Error(`Invariant failed: options let through the numeric fill rule ${rule}`);
  }
}

function fitCategorical(rows: readonly object[], spec: FeatureSpec): FittedFeature {
  const { feature } = spec;
  const column = readCategoryColumn(rows, feature);
  if (column.missingCount > 0 && spec.fill === undefined) throw missingWithoutRule(rows, feature, column, 'a category');
  const present = presentCategories(column.values);
  const fill = spec.fill === undefined ? null : categoryFill(spec.fill, present, feature);
  const filled = fill === null || column.missingCount === 0 ? present : column.values.map((value) => value ?? fill.value);
  const categories = [...countCategories(filled).keys()].sort(compareStrings);
  return {
    step: { kind: 'oneHot', feature, fill, categories },
    input: { name: feature, dtype: 'category', nullable: fill !== null, categories: [...categories] },
  };
}

function categoryFill(rule: number | string, present: readonly string[], feature: string): CategoryFill {
  if (rule !== 'mode') return { value: String(rule), from: 'constant' };
  if (present.length === 0) throw noValuesFor(rule, feature);
  return { value: categoryMode(present), from: 'mode' };
}

function missingWithoutRule(
  rows: readonly object[],
  feature: string,
  column: { missingCount: number; firstMissingRow: number },
  expected: string,
): PreprocessError {
  const row = column.firstMissingRow;
  const got = describeValue(fieldOf(rows[row] as object, feature));
  return new PreprocessError(
    'missing-value',
    `${rowMessage(row, feature, expected, got)}; ${column.missingCount} of ${rows.length} rows lack ${JSON.stringify(feature)} ` +
      `and it has no fill rule. Add fillNull: { ${JSON.stringify(feature)}: "mode" } (or "mean" or "median" for numbers, ` +
      `or a constant), or remove those rows.`,
    { row, field: feature },
  );
}

function noValuesFor(rule: string, feature: string): PreprocessError {
  return new PreprocessError(
    'empty-data',
    `Column ${JSON.stringify(feature)} has no values to take the ${rule} of; fill it with a constant instead`,
    { field: feature },
  );
}
