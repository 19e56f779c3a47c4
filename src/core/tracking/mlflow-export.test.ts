import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunId } from '../../lib/ids';
import { makeRun, summaryOf } from './__fixtures__/make-run';
import { toMlflowFileStore, type MlflowExportInput } from './mlflow-export';
import type { MetricPoint, Reproducibility } from './types';

const FIXTURES = fileURLToPath(new URL('__fixtures__/', import.meta.url));

/** Every file under __fixtures__/mlruns, keyed like the export's map ("mlruns/1/meta.yaml"). */
function goldenFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(FIXTURES, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(join(FIXTURES, 'mlruns'));
  return files;
}

const sorted = (files: ReadonlyMap<string, string>): [string, string][] => [...files].sort(([a], [b]) => (a < b ? -1 : 1));

const reproducibility: Reproducibility = {
  notebookId: 'nb_1',
  notebookName: 'MNIST sweep',
  notebookRevision: 3,
  code: [],
  datasets: [],
  tfjsVersion: '4.22.0',
  backend: 'wasm',
  userAgent: 'test',
};

const PARENT = '0123456789abcdef0123456789abcdef' as RunId;
const CHILD = 'fedcba9876543210fedcba9876543210' as RunId;
const LIVE = '00000000000000000000000000000042' as RunId;

const points = (runId: RunId, key: string, ...values: [timestamp: number, value: number][]): MetricPoint[] =>
  values.map(([timestamp, value], step) => ({ runId, key, step, value, timestamp }));

/** 2 experiments, 3 runs (one nested under another, one still running), a NaN and an Infinity, keys with "/" and ":". */
const input: MlflowExportInput = {
  experiments: [
    { name: 'penguins', createdAt: 1_700_000_500_000 },
    { name: 'mnist', createdAt: 1_700_000_000_000, objective: { metric: 'val/acc', direction: 'max' } },
  ],
  runs: [
    { ...makeRun({ name: 'baseline', experiment: 'mnist', startedAt: 1_700_000_001_000, endedAt: 1_700_000_061_000 }), id: PARENT, params: { lr: 0.001, optimizer: 'adam', epochs: 3, augment: true, seed: null }, tags: { baseline: 'true' }, metrics: { loss: summaryOf(1.2, 0.6, 0.35), 'val/acc': summaryOf(0.81, 0.9, 0.93) }, reproducibility },
    { ...makeRun({ name: 'lr=0.01', experiment: 'mnist', status: 'failed', startedAt: 1_700_000_070_000, endedAt: 1_700_000_075_000, notes: 'lr too high: diverged\nstopped early' }), id: CHILD, parentId: PARENT, params: { lr: 0.01, 'batch size': 32 }, metrics: { loss: summaryOf(1e-5, 1e17) } },
    { ...makeRun({ name: 'penguins mlp', experiment: 'penguins', status: 'running', startedAt: 1_700_000_600_000, endedAt: null }), id: LIVE, params: { 'hidden/units': 16, 'bad:key': 'x' }, tags: { team: 'vision' }, metrics: { loss: summaryOf(0.5, Number.NaN, Number.POSITIVE_INFINITY) } },
  ],
  points: [
    ...points(PARENT, 'loss', [1_700_000_021_000, 1.2], [1_700_000_041_000, 0.6], [1_700_000_061_000, 0.35]),
    ...points(LIVE, 'loss', [1_700_000_601_000, 0.5], [1_700_000_602_000, Number.NaN], [1_700_000_603_000, Number.POSITIVE_INFINITY]),
    ...points(PARENT, 'val/acc', [1_700_000_021_000, 0.81], [1_700_000_041_000, 0.9], [1_700_000_061_000, 0.93]),
    ...points(CHILD, 'loss', [1_700_000_072_000, 1e-5], [1_700_000_074_000, 1e17]),
    ...points('ffffffffffffffffffffffffffffffff' as RunId, 'loss', [1, 1]),
  ],
};

describe('toMlflowFileStore', () => {
  it('writes exactly the golden mlruns/ tree (checked against MLflow FileStore conventions)', () => {
    expect(sorted(toMlflowFileStore(input).files)).toEqual(sorted(goldenFiles()));
  });

  it('numbers experiments from 1 in creation order, Default being 0', () => {
    expect([...toMlflowFileStore(input).experimentIds]).toEqual([
      ['Default', '0'],
      ['mnist', '1'],
      ['penguins', '2'],
    ]);
  });

  it('reports the keys it had to rename', () => {
    expect(toMlflowFileStore(input).renamedKeys).toEqual([{ runId: LIVE, kind: 'param', from: 'bad:key', to: 'bad_key' }]);
  });

  it('puts a Kiln experiment named Default into MLflow\'s Default, and creates experiments only runs name', () => {
    const runs = [makeRun({ id: 'a', experiment: 'Default', startedAt: 50 }), makeRun({ id: 'b', experiment: 'undeclared', startedAt: 20 })];
    const result = toMlflowFileStore({ experiments: [{ name: 'Default', createdAt: 100 }, { name: 'later', createdAt: 30 }], runs, points: [] });
    expect([...result.experimentIds]).toEqual([
      ['Default', '0'],
      ['undeclared', '1'],
      ['later', '2'],
    ]);
    expect(result.files.get('mlruns/0/meta.yaml')).toContain('creation_time: 50\n');
    expect([...result.files.keys()].filter((path) => path.endsWith(`${runs[0]!.id}/meta.yaml`))).toEqual([`mlruns/0/${runs[0]!.id}/meta.yaml`]);
  });

  it('writes a metric whose points were not exported as one point from its summary', () => {
    const run = makeRun({ id: 'a', startedAt: 1_000, endedAt: 9_000, metrics: { acc: summaryOf(0.5, 0.75) } });
    expect(toMlflowFileStore({ experiments: [], runs: [run], points: [] }).files.get(`mlruns/1/${run.id}/metrics/acc`)).toBe('9000 0.75 1\n');
  });

  it('rounds steps and timestamps to the integers MLflow reads', () => {
    const run = makeRun({ id: 'a' });
    const result = toMlflowFileStore({ experiments: [], runs: [run], points: [{ runId: run.id, key: 'x', step: 2.6, value: 1, timestamp: 10.4 }] });
    expect(result.files.get(`mlruns/1/${run.id}/metrics/x`)).toBe('10 1.0 3\n');
  });

  it('keeps user tags from overwriting the mlflow.* tags Kiln writes', () => {
    const run = makeRun({ id: 'a', name: 'real', tags: { 'mlflow.runName': 'fake' } });
    const result = toMlflowFileStore({ experiments: [], runs: [run], points: [] }, { artifactRoot: 'file:///data/mlruns' });
    expect(result.files.get(`mlruns/1/${run.id}/tags/mlflow.runName`)).toBe('real');
    expect(result.files.get(`mlruns/1/${run.id}/tags/mlflow.runName_2`)).toBe('fake');
    expect(result.files.get(`mlruns/1/${run.id}/meta.yaml`)).toContain(`artifact_uri: file:///data/mlruns/1/${run.id}/artifacts\n`);
  });
});
