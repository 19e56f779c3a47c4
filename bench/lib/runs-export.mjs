/**
 * Deterministic Kiln runs exports (the `kiln-runs` JSON that the Runs view imports; the format is
 * src/core/tracking/runs-json.ts, written here by hand because .mjs cannot import the TS module):
 * seeds thousands of runs, or a few runs with long curves, in one file input instead of hours of
 * logging. Same options, same bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { random } from './random.mjs';

export const RUNS_FORMAT = 'kiln-runs';
export const RUNS_FORMAT_VERSION = 1;


const LEARNING_RATES = [0.1, 0.03, 0.01, 0.003, 0.001, 0.0003];
const BATCH_SIZES = [32, 64, 128, 256];
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'];
/** 2025-01-01 in epoch ms: timestamps do not depend on today. */
const EPOCH_MS = Date.UTC(2025, 0, 1);

/** A metric's value at `step` of `steps`: a noisy decaying (loss-like) or rising (accuracy-like) curve. */
function curveValue(key, step, steps, quality, rand) {
  const progress = (step + 1) / steps;
  const noise = (rand() - 0.5) * 0.02;
  return key.includes('loss') ? (1 - quality * 0.6) * Math.exp(-3 * progress) + 0.05 + noise : quality * (1 - Math.exp(-4 * progress)) + noise;
}

/** The summary a run stores per key (src/core/tracking/types.ts MetricSummary) for the given values. */
function summaryOf(values) {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { last: values.at(-1), min, max, lastStep: values.length - 1, count: values.length };
}

/**
 * One run's record, with `metricValues` (key → values by step) summarised into its `metrics`.
 * Every field parseRunsExport requires is present.
 */
function runRecord({ index, experiment, rand, metricValues, startedAt, durationMs }) {
  return {
    id: `bench-run-${String(index).padStart(6, '0')}`,
    experiment,
    name: `run ${index}`,
    status: 'finished',
    startedAt,
    endedAt: startedAt + durationMs,
    params: {
      lr: LEARNING_RATES[Math.floor(rand() * LEARNING_RATES.length)],
      batch_size: BATCH_SIZES[Math.floor(rand() * BATCH_SIZES.length)],
      optimizer: OPTIMIZERS[Math.floor(rand() * OPTIMIZERS.length)],
      dropout: Math.round(rand() * 50) / 100,
      layers: 1 + Math.floor(rand() * 4),
    },
    tags: index % 7 === 0 ? { sweep: 'grid' } : {},
    notes: '',
    starred: index % 50 === 0,
    parentId: null,
    source: 'import',
    metrics: Object.fromEntries(Object.entries(metricValues).map(([key, values]) => [key, summaryOf(values)])),
    reproducibility: null,
    problems: [],
    hasModel: false,
    kernelSession: null,
  };
}

/**
 * Writes an export to a temporary file and returns its path (large exports pass 50 MB, more than
 * Playwright hands a file input from memory). Points are written in step order per run and key.
 * @param {{runs: number, steps: number, keys: string[], withPoints: boolean, experiment?: string, seed?: number}} options
 *   withPoints false: only the runs (their summaries still describe `steps` values per key).
 * @returns {{file: string, runIds: string[], points: number, bytes: number}}
 */
export function writeRunsExport({ runs, steps, keys, withPoints, experiment = 'bench', seed = 7 }) {
  if (!Number.isInteger(runs) || runs <= 0) throw new Error(`runs export: runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`runs export: steps must be a positive integer, got ${steps}`);
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('runs export: keys must name at least one metric');
  const rand = random(seed);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-runs-')), `bench-${runs}-runs-${steps}-steps.json`);
  const records = [];
  const pointChunks = [];
  let points = 0;
  for (let index = 0; index < runs; index++) {
    const quality = 0.5 + rand() * 0.5;
    const startedAt = EPOCH_MS + index * 60_000;
    const metricValues = {};
    for (const key of keys) {
      const values = new Array(steps);
      for (let step = 0; step < steps; step++) values[step] = curveValue(key, step, steps, quality, rand);
      metricValues[key] = values;
    }
    const run = runRecord({ index, experiment, rand, metricValues, startedAt, durationMs: steps * 10 });
    records.push(run);
    if (!withPoints) continue;
    const lines = [];
    for (const key of keys) {
      metricValues[key].forEach((value, step) => lines.push(JSON.stringify({ runId: run.id, key, step, value, timestamp: startedAt + step * 10 })));
    }
    points += lines.length;
    pointChunks.push(lines.join(','));
  }
  const head = JSON.stringify({ format: RUNS_FORMAT, version: RUNS_FORMAT_VERSION, experiments: [{ name: experiment, createdAt: EPOCH_MS }], runs: records });
  // The points go in as text after the runs: one JSON.stringify of 600,000 objects would be slow for nothing.
  const text = `${head.slice(0, -1)},"metrics":[${pointChunks.join(',')}]}`;
  fs.writeFileSync(file, text);
  return { file, runIds: records.map((run) => run.id), points, bytes: Buffer.byteLength(text) };
}
