/**
 * A fitted pipeline compiled for speed (one encoder per input, category lookups in Maps), and the
 * one function that encodes a raw value. transformRows and validateRows both call `encodeValue`,
 * so "validation found no error" and "transform succeeds" cannot disagree.
 */
import { PreprocessError } from './errors';
import { isPlainObject } from './json-reader';
import { EXPECTED_CATEGORY, EXPECTED_NUMBER, listNames } from './messages';
import type { FittedPipeline, RowProblemCode, TransformPolicy } from './types';
import { describeValue, isMissing, parseNumeric, readCategory } from './values';

type NumericEncoder = {
  kind: 'numeric';
  name: string;
  /** First output column of this feature. */
  column: number;
  fill: number | null;
  /** Output = (x - offset) / divisor, or 0 when divisor is 0 (a constant training column). */
  offset: number;
  divisor: number;
  min: number;
  max: number;
};

type CategoryEncoder = {
  kind: 'category';
  name: string;
  column: number;
  fill: string | null;
  categories: readonly string[];
  indexOf: ReadonlyMap<string, number>;
};

export type Encoder = NumericEncoder | CategoryEncoder;
export type CompiledPipeline = { encoders: Encoder[]; columns: number };

export type EncodeStatus = 'ok' | 'missing' | 'wrong-type' | 'unknown-category' | 'out-of-range';

export function compilePipeline(pipeline: FittedPipeline): CompiledPipeline {
  let column = 0;
  const encoders = pipeline.steps.map((step, i): Encoder => {
    const start = column;
    if (step.kind === 'oneHot') {
      column += step.categories.length;
      return {
        kind: 'category',
        name: step.feature,
        column: start,
        fill: step.fill?.value ?? null,
        categories: step.categories,
        indexOf: new Map(step.categories.map((category, index) => [category, index])),
      };
    }
    column += 1;
    const range = pipeline.inputs[i]?.range;
    const scale =
      step.kind === 'standardize'
        ? { offset: step.mean, divisor: step.std }
        : step.kind === 'minMax'
          ? { offset: step.min, divisor: step.max - step.min }
          : { offset: 0, divisor: 1 };
    return {
      kind: 'numeric',
      name: step.feature,
      column: start,
      fill: step.fill?.value ?? null,
      ...scale,
      min: range?.min ?? -Infinity,
      max: range?.max ?? Infinity,
    };
  });
  return { encoders, columns: column };
}

/**
 * Writes the encoding of `value` at `out[base + encoder.column...]` and says how it went. One-hot
 * writes only its 1, so `out` must be zeros there. On 'unknown-category' the columns stay zero and
 * on 'out-of-range' the value is scaled as usual: the caller's policy decides whether that stands.
 */
export function encodeValue(encoder: Encoder, value: unknown, out: Float32Array, base: number): EncodeStatus {
  if (encoder.kind === 'numeric') {
    let number: number;
    let status: EncodeStatus = 'ok';
    if (isMissing(value)) {
      if (encoder.fill === null) return 'missing';
      number = encoder.fill;
    } else {
      number = parseNumeric(value);
      if (Number.isNaN(number)) return 'wrong-type';
      if (number < encoder.min || number > encoder.max) status = 'out-of-range';
    }
    out[base + encoder.column] = encoder.divisor === 0 ? 0 : (number - encoder.offset) / encoder.divisor;
    return status;
  }
  let category: string | null;
  if (isMissing(value)) {
    if (encoder.fill === null) return 'missing';
    category = encoder.fill;
  } else {
    category = readCategory(value);
    if (category === null) return 'wrong-type';
  }
  const index = encoder.indexOf.get(category);
  if (index === undefined) return 'unknown-category';
  out[base + encoder.column + index] = 1;
  return 'ok';
}

/** Whether `status` stops the row under `policy` (missing and wrong-type always do). */
export function isBlocking(status: EncodeStatus, policy: TransformPolicy): boolean {
  switch (status) {
    case 'ok':
      return false;
    case 'missing':
    case 'wrong-type':
      return true;
    case 'unknown-category':
      return policy.onUnknownCategory === 'error';
    case 'out-of-range':
      return policy.onOutOfRange === 'error';
  }
}

/** What the encoder wanted instead, for the problem's `expected`. */
export function expectedFor(encoder: Encoder, status: Exclude<EncodeStatus, 'ok'>): string {
  if (encoder.kind === 'numeric') {
    if (status === 'out-of-range') return `a number from ${encoder.min} to ${encoder.max} (the training range)`;
    return status === 'missing' ? 'a number (this feature has no fill rule)' : EXPECTED_NUMBER;
  }
  if (status === 'unknown-category') return `one of the training categories ${listNames(encoder.categories)}`;
  return status === 'missing' ? 'a category (this feature has no fill rule)' : EXPECTED_CATEGORY;
}

export function problemCodeFor(status: Exclude<EncodeStatus, 'ok'>, isFieldAbsent: boolean): RowProblemCode {
  if (status === 'missing') return isFieldAbsent ? 'missing-feature' : 'missing-value';
  return status;
}

const POLICY_CHOICES = { onUnknownCategory: ['zeros', 'error'], onOutOfRange: ['allow', 'error'] } as const;

/** Untyped callers can pass anything; a misspelt policy must not silently mean the default. */
export function checkPolicy(policy: TransformPolicy): void {
  if (!isPlainObject(policy)) throw new PreprocessError('bad-argument', `policy: expected an object, got ${describeValue(policy)}`);
  for (const [key, value] of Object.entries(policy)) {
    if (!Object.hasOwn(POLICY_CHOICES, key)) {
      throw new PreprocessError('bad-argument', `policy.${key} is not a policy option; they are ${Object.keys(POLICY_CHOICES).join(', ')}`);
    }
    const choices: readonly unknown[] = POLICY_CHOICES[key as keyof typeof POLICY_CHOICES];
    if (value !== undefined && !choices.includes(value)) {
      const allowed = choices.map((choice) => JSON.stringify(choice)).join(' or ');
      throw new PreprocessError('bad-argument', `policy.${key} must be ${allowed}, got ${describeValue(value)}`);
    }
  }
}
