/**
 * Checks fit options and turns them into one spec per feature, in output order. Options come from
 * notebook code, often untyped, so each mistake is named: an unknown option (a typo such as
 * `standardise`), a feature listed twice, a fill rule for a feature nothing reads.
 */
import { ObjectReader, failAt, indexPath, keyPath, type DocumentKind } from './json-reader';
import type { FillStrategy, PipelineOptions, PipelineStep } from './types';
import { describeValue } from './values';

export type StepKind = PipelineStep['kind'];

export type FeatureSpec = {
  feature: string;
  kind: StepKind;
  /** The fill rule as written; undefined when the feature has none. */
  fill: number | string | undefined;
};

export type OptionsPlan = { features: FeatureSpec[]; dropped: string[] };

const OPTIONS: DocumentKind = { code: 'bad-options', label: 'Bad pipeline options' };

/** The option lists in the order their features appear in the output. */
const TRANSFORM_OPTIONS = [
  ['standardize', 'standardize'],
  ['minMax', 'minMax'],
  ['passthrough', 'passthrough'],
  ['oneHot', 'oneHot'],
] as const satisfies readonly (readonly [keyof PipelineOptions, StepKind])[];

const KNOWN_OPTIONS: readonly string[] = ['standardize', 'minMax', 'oneHot', 'passthrough', 'fillNull', 'drop'];

const NUMERIC_STRATEGIES: readonly FillStrategy[] = ['mean', 'median', 'mode'];

export function readOptions(options: PipelineOptions): OptionsPlan {
  const reader = new ObjectReader(options, '', OPTIONS);
  for (const key of Object.keys(reader.value)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      reader.fail(key, `not an option; the options are ${KNOWN_OPTIONS.join(', ')}`);
    }
  }

  const listedIn = new Map<string, string>();
  const listOf = (key: string): string[] => {
    if (!reader.has(key)) return [];
    return reader.array(key).map((name, i) => {
      const path = indexPath(key, i);
      if (typeof name !== 'string' || name === '') failAt(OPTIONS, path, `expected a column name, got ${describeValue(name)}`);
      const earlier = listedIn.get(name);
      if (earlier !== undefined) {
        failAt(OPTIONS, path, `${JSON.stringify(name)} is already listed at ${earlier}; each column gets one treatment`);
      }
      listedIn.set(name, path);
      return name;
    });
  };

  const features: FeatureSpec[] = [];
  for (const [key, kind] of TRANSFORM_OPTIONS) {
    for (const feature of listOf(key)) features.push({ feature, kind, fill: undefined });
  }
  const dropped = listOf('drop');
  if (features.length === 0) {
    failAt(OPTIONS, '', 'no features: list columns in standardize, minMax, passthrough or oneHot');
  }

  if (reader.has('fillNull')) {
    const fills: ObjectReader = reader.object('fillNull');
    for (const [feature, rule] of Object.entries(fills.value)) {
      const spec = features.find((candidate) => candidate.feature === feature);
      if (spec === undefined) {
        fills.fail(feature, `${JSON.stringify(feature)} has no transform; list it in standardize, minMax, passthrough or oneHot`);
      }
      spec.fill = checkedFillRule(spec.kind, rule, keyPath('fillNull', feature));
    }
  }
  return { features, dropped };
}

function checkedFillRule(kind: StepKind, rule: unknown, path: string): number | string {
  if (kind === 'oneHot') {
    if (rule === 'mean' || rule === 'median') {
      failAt(OPTIONS, path, `"${rule}" needs numbers; for a one-hot feature use "mode" or a category`);
    }
    if (typeof rule === 'string' && rule.trim() === '') failAt(OPTIONS, path, 'a blank category would itself read as missing');
    if (typeof rule === 'string' || (typeof rule === 'number' && Number.isFinite(rule))) return rule;
    return failAt(OPTIONS, path, `expected a category or "mode", got ${describeValue(rule)}`);
  }
  if (typeof rule === 'number' && Number.isFinite(rule)) return rule;
  if (typeof rule === 'string' && (NUMERIC_STRATEGIES as readonly string[]).includes(rule)) return rule;
  return failAt(OPTIONS, path, `expected a finite number, "mean", "median" or "mode", got ${describeValue(rule)}`);
}
