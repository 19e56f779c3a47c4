/**
 * Kiln's feature preprocessing: fit a declarative pipeline in the notebook, apply it anywhere.
 * Self-contained on purpose (no imports from outside this folder): the exported server ships
 * these files, type-stripped, next to the model. See README.md for the behaviour in detail.
 */
export type {
  CategoryFill,
  FillStrategy,
  FittedPipeline,
  InputFeature,
  NumericFill,
  PipelineOptions,
  PipelineStep,
  RawRow,
  RawValue,
  RowProblem,
  RowProblemCode,
  TransformPolicy,
} from './types';
export { PreprocessError, type PreprocessErrorCode } from './errors';
export { fitPipeline, outputNamesOf } from './pipeline';
export { transformRows, type TransformedRows } from './transform';
export { validateRows } from './validate';
export { parsePipeline } from './parse';
export {
  computeReferenceStats,
  parseReferenceStats,
  REFERENCE_QUANTILES,
  type CategoricalReference,
  type FeatureReference,
  type NumericReference,
  type ReferenceStats,
} from './reference-stats';
export {
  DEFAULT_PSI_EPSILON,
  DRIFT_THRESHOLDS,
  DriftMonitor,
  driftLevel,
  populationStabilityIndex,
  type DriftLevel,
  type DriftMonitorOptions,
  type DriftReport,
} from './drift';
export { rowsFromColumns } from './table-rows';
