/**
 * The serving signature of a model whose run logged no preprocessing: its raw input columns
 * named x0…x(n-1), passed through unchanged, and deterministic probe rows for the test vectors.
 * Pure, so what an export writes for such a model is pinned by unit tests.
 */
import { computeReferenceStats, type FittedPipeline, type RawRow, type ReferenceStats } from '../preprocess';
import type { SignatureOutput } from '../export/server/manifest';

export const PROBE_ROWS = 8;

export function featureNames(width: number): string[] {
  return Array.from({ length: width }, (_, index) => `x${index}`);
}

/** Every column copied as it is: the model already takes what clients send. */
export function identityPipeline(width: number): FittedPipeline {
  const names = featureNames(width);
  return {
    format: 'kiln-preprocess',
    version: 1,
    inputs: names.map((name) => ({ name, dtype: 'number', nullable: false })),
    outputs: names,
    steps: names.map((feature) => ({ kind: 'passthrough', feature, fill: null })),
    dropped: [],
  };
}

/** Spread-out values in [-2, 2] from a fixed seed, so every export of a model writes the same vectors. */
export function probeMatrix(width: number, rows = PROBE_ROWS): number[][] {
  let state = 20_240_601;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.round((state / 2_147_483_648) * 4000 - 2000) / 1000;
  };
  return Array.from({ length: rows }, () => Array.from({ length: width }, next));
}

export function rowsOf(matrix: readonly (readonly number[])[], names: readonly string[]): RawRow[] {
  return matrix.map((values) => Object.fromEntries(names.map((name, index) => [name, values[index] as number])));
}

/** What the output means, read from the last activation: softmax over several columns is a class distribution. */
export function describeOutput(width: number, activation: string | null, labels: readonly string[] | null = null): SignatureOutput {
  const named = labels ? { labels: [...labels] } : {};
  if (activation === 'softmax' && width > 1) {
    return { name: 'probabilities', meaning: labels ? `probability of each class: ${labels.join(', ')}` : `probability of each of the ${width} classes, in the order of the training labels`, ...named };
  }
  if (activation === 'sigmoid') return { name: 'probability', meaning: width === 1 ? 'probability of the positive class' : `independent probability of each of the ${width} labels`, ...named };
  return { name: 'prediction', meaning: width === 1 ? 'the predicted value' : `the ${width} predicted values`, ...named };
}

export const LABELS_HOW_TO = 'model.setUserDefinedMetadata({ labels: [...] }) before training';

/**
 * The names of the output columns, when the notebook gave them the tfjs way: user-defined metadata
 * `{ labels: [...] }` on the model, which model.save (and so autolog) keeps in model.json. Null
 * when there are none; a problem to report when they cannot name these outputs.
 */
export function outputLabels(metadata: unknown, width: number): { labels: string[] | null; problem: string | null } {
  const labels: unknown = typeof metadata === 'object' && metadata !== null ? (metadata as { labels?: unknown }).labels : undefined;
  if (labels === undefined) return { labels: null, problem: null };
  if (!Array.isArray(labels) || !labels.every((label): label is string => typeof label === 'string')) {
    return { labels: null, problem: `the model's metadata labels should be an array of strings; ignored (set them with ${LABELS_HOW_TO})` };
  }
  if (labels.length !== width) return { labels: null, problem: `the model's metadata names ${labels.length} labels but the model outputs ${width} values; ignored` };
  return { labels, problem: null };
}

/**
 * Drift reference computed from the probe rows: the server needs one to start, but it describes
 * made-up rows, not training data, so the export says so.
 */
export function probeReferenceStats(pipeline: FittedPipeline, rows: readonly RawRow[]): ReferenceStats {
  return computeReferenceStats(pipeline, rows, { bins: 4 });
}
