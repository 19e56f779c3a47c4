/**
 * Reads a fitted pipeline from untrusted JSON (an artifact on disk, a logged run). Besides each
 * field's type it checks that the parts agree: inputs[i] describes steps[i], and outputs are
 * exactly the columns the steps produce. It returns a fresh object holding only known fields.
 */
import { ObjectReader, failAt, indexPath, parseJsonText, readVersion, type DocumentKind } from './json-reader';
import { outputNamesOf } from './pipeline';
import type { CategoryFill, FittedPipeline, InputFeature, NumericFill, PipelineStep } from './types';
import { describeValue } from './values';

const PIPELINE: DocumentKind = { code: 'bad-pipeline', label: 'Bad preprocessing pipeline' };

/** Accepts the parsed document or its JSON text; throws a PreprocessError naming the bad field's path. */
export function parsePipeline(json: unknown): FittedPipeline {
  const document = new ObjectReader(parseJsonText(json, PIPELINE), '', PIPELINE);
  document.oneOf('format', ['kiln-preprocess']);
  readVersion(document);

  const rawSteps = document.array('steps');
  if (rawSteps.length === 0) document.fail('steps', 'expected at least one step');
  const features = new Set<string>();
  const steps = rawSteps.map((raw, i) => readStep(new ObjectReader(raw, indexPath('steps', i), PIPELINE), features));

  const rawInputs = document.array('inputs');
  if (rawInputs.length !== steps.length) {
    document.fail('inputs', `expected ${steps.length} inputs (one per step), got ${rawInputs.length}`);
  }
  const inputs = rawInputs.map((raw, i) => readInput(new ObjectReader(raw, indexPath('inputs', i), PIPELINE), steps[i] as PipelineStep, i));

  const outputs = outputNamesOf(steps);
  const rawOutputs = document.array('outputs');
  if (rawOutputs.length !== outputs.length) {
    document.fail('outputs', `expected ${outputs.length} names (the columns the steps produce), got ${rawOutputs.length}`);
  }
  outputs.forEach((name, i) => {
    if (rawOutputs[i] !== name) {
      failAt(PIPELINE, indexPath('outputs', i), `expected ${JSON.stringify(name)} (from the steps), got ${describeValue(rawOutputs[i])}`);
    }
  });

  const dropped = document.uniqueStrings('dropped');
  dropped.forEach((name, i) => {
    if (features.has(name)) failAt(PIPELINE, indexPath('dropped', i), `${JSON.stringify(name)} is also an input feature`);
  });
  return { format: 'kiln-preprocess', version: 1, inputs, outputs, steps, dropped };
}

function readStep(step: ObjectReader, features: Set<string>): PipelineStep {
  const kind = step.oneOf('kind', ['standardize', 'minMax', 'passthrough', 'oneHot']);
  const feature = step.string('feature');
  if (feature === '') step.fail('feature', 'expected a column name, got an empty string');
  if (features.has(feature)) step.fail('feature', `${JSON.stringify(feature)} already has a step; a feature gets one`);
  features.add(feature);

  switch (kind) {
    case 'standardize': {
      const std = step.finiteNumber('std');
      if (std < 0) step.fail('std', `expected a standard deviation of at least 0, got ${std}`);
      return { kind, feature, fill: readNumericFill(step), mean: step.finiteNumber('mean'), std };
    }
    case 'minMax': {
      const min = step.finiteNumber('min');
      const max = step.finiteNumber('max');
      if (max < min) step.fail('max', `expected at least min (${min}), got ${max}`);
      return { kind, feature, fill: readNumericFill(step), min, max };
    }
    case 'passthrough':
      return { kind, feature, fill: readNumericFill(step) };
    case 'oneHot': {
      const categories = step.uniqueStrings('categories');
      if (categories.length === 0) step.fail('categories', 'expected at least one category');
      return { kind, feature, fill: readCategoryFill(step), categories };
    }
  }
}

function readNumericFill(step: ObjectReader): NumericFill | null {
  if (step.raw('fill') === null) return null;
  const fill = step.object('fill');
  return { value: fill.finiteNumber('value'), from: fill.oneOf('from', ['constant', 'mean', 'median', 'mode']) };
}

function readCategoryFill(step: ObjectReader): CategoryFill | null {
  if (step.raw('fill') === null) return null;
  const fill = step.object('fill');
  return { value: fill.string('value'), from: fill.oneOf('from', ['constant', 'mode']) };
}

function readInput(input: ObjectReader, step: PipelineStep, index: number): InputFeature {
  const name = input.string('name');
  if (name !== step.feature) input.fail('name', `expected ${JSON.stringify(step.feature)} (the feature of steps[${index}]), got ${describeValue(name)}`);
  const isCategory = step.kind === 'oneHot';
  const dtype = input.oneOf('dtype', [isCategory ? 'category' : 'number']);
  const nullable = input.boolean('nullable');
  if (nullable !== (step.fill !== null)) {
    input.fail('nullable', `expected ${!nullable} because steps[${index}] has ${step.fill === null ? 'no' : 'a'} fill rule`);
  }

  if (step.kind === 'oneHot') {
    const categories = input.uniqueStrings('categories');
    const path = input.pathOf('categories');
    if (categories.length !== step.categories.length) {
      failAt(PIPELINE, path, `expected the ${step.categories.length} categories of steps[${index}], got ${categories.length}`);
    }
    step.categories.forEach((category, i) => {
      if (categories[i] !== category) failAt(PIPELINE, indexPath(path, i), `expected ${JSON.stringify(category)} as in steps[${index}]`);
    });
    return { name, dtype, nullable, categories };
  }
  if (!input.has('range')) return { name, dtype, nullable };
  const range = input.object('range');
  const min = range.finiteNumber('min');
  const max = range.finiteNumber('max');
  if (max < min) range.fail('max', `expected at least min (${min}), got ${max}`);
  return { name, dtype, nullable, range: { min, max } };
}
