/** Test helpers: complete Run records from the few fields a test cares about. */
import type { RunId } from '../../../lib/ids';
import type { MetricSummary, Run } from '../types';

/** A 32-hex-digit id (the shape Kiln and MLflow give runs) made from a short readable label. */
export function runId(label: string): RunId {
  const hex = Array.from(label, (char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  return hex.padEnd(32, '0').slice(0, 32) as RunId;
}

/** A summary of these values logged at steps 0, 1, 2...: as the store keeps it, NaN can be last but never min or max. */
export function summaryOf(...values: number[]): MetricSummary {
  const last = values.at(-1);
  if (last === undefined) throw new Error('summaryOf needs at least one value');
  const numbers = values.filter((value) => !Number.isNaN(value));
  const [min, max] = numbers.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...numbers), Math.max(...numbers)];
  return { last, min, max, lastStep: values.length - 1, count: values.length };
}

export type RunOverrides = Partial<Omit<Run, 'id' | 'metrics'>> & { readonly id?: string; readonly metrics?: Record<string, MetricSummary> };

export function makeRun(overrides: RunOverrides = {}): Run {
  const { id = 'run', ...rest } = overrides;
  return {
    experiment: 'exp',
    name: id,
    status: 'finished',
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_060_000,
    params: {},
    tags: {},
    notes: '',
    starred: false,
    parentId: null,
    source: 'api',
    metrics: {},
    reproducibility: null,
    problems: [],
    hasModel: false,
    kernelSession: null,
    ...rest,
    id: runId(id),
  };
}
