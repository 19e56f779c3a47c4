/**
 * The recorder on a real runs repository (fake-indexeddb): the kernel's events are written in one
 * transaction per flush, points as they were logged; a batch storage refuses (quota) is reported
 * on its runs and in a toast, and later batches are still written.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunId } from '../lib/ids';
import { KilnError } from '../core/errors';
import type { MetricSeries, TrackingEvent } from '../core/tracking/types';
import { KilnDatabase } from '../store/schema';
import { RunsRepository, type RunChange } from '../store/runs-repo';
import { appStore } from './app-store';
import { RunRecorder, type RunContext } from './run-recorder';

const CONTEXT: RunContext = { notebookId: 'nb', notebookName: 'Churn', notebookRevision: 3, code: [{ executionCount: 1, source: 'fit()' }], kernelSession: 'k1' };
const RUN = 'run-1' as RunId;

const start: TrackingEvent = {
  kind: 'run-start',
  run: { id: RUN, experiment: null, name: null, params: { lr: 0.1 }, tags: {}, parentId: null, source: 'api', startedAt: 100 },
  datasets: [],
  backend: 'cpu',
  tfjsVersion: '4.22.0',
};

function metrics(key: string, firstStep: number, values: readonly number[]): TrackingEvent {
  const series: MetricSeries = {
    key,
    steps: Float64Array.from(values, (_, i) => firstStep + i),
    values: Float64Array.from(values),
    timestamps: Float64Array.from(values, (_, i) => 1_000 + firstStep + i),
  };
  return { kind: 'metrics', runId: RUN, series: [series] };
}

/** A repository whose next `failures` batches are refused as when the browser's storage is full. */
class FullStorage extends RunsRepository {
  failures = 0;
  readonly batches: (readonly RunChange[])[] = [];

  override async apply(changes: readonly RunChange[]): Promise<void> {
    this.batches.push(changes);
    if (this.failures > 0) {
      this.failures -= 1;
      throw new KilnError('storage-quota', 'Browser storage is full: logging the run. Delete notebooks or clear outputs to free space.');
    }
    return super.apply(changes);
  }
}

let db: KilnDatabase;

beforeEach(async () => {
  vi.stubGlobal('navigator', { userAgent: 'test-browser' });
  db = new KilnDatabase(`kiln-recorder-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.open();
});

afterEach(() => {
  db.close();
  vi.unstubAllGlobals();
});

describe('RunRecorder', () => {
  it('writes what the kernel sent in one batch per flush, with the run\'s context', async () => {
    const repository = new FullStorage(db);
    const recorder = new RunRecorder(repository, () => CONTEXT);
    recorder.record(start);
    recorder.record(metrics('loss', 0, [0.9, Number.NaN]));
    recorder.record(metrics('loss', 2, [Number.POSITIVE_INFINITY, 0.4]));
    recorder.record({ kind: 'run-end', runId: RUN, status: 'finished', endedAt: 200 });
    await recorder.flush();

    expect(repository.batches).toHaveLength(1);
    const run = await repository.get(RUN);
    expect(run).toMatchObject({ experiment: 'Churn', status: 'finished', kernelSession: 'k1', reproducibility: { notebookRevision: 3, userAgent: 'test-browser' } });
    expect(run?.metrics.loss).toMatchObject({ last: 0.4, count: 4, min: 0.4, max: Number.POSITIVE_INFINITY });
    expect(Array.from((await repository.series(RUN, 'loss')).values)).toEqual([0.9, Number.NaN, Number.POSITIVE_INFINITY, 0.4]);
  });

  it('flushes at once when many points wait, without waiting for the timer', async () => {
    const repository = new FullStorage(db);
    const recorder = new RunRecorder(repository, () => CONTEXT);
    recorder.record(start);
    recorder.record(metrics('loss', 0, Array.from({ length: 50_000 }, (_, i) => i)));
    await vi.waitFor(() => expect(repository.batches).toHaveLength(1));
    await recorder.flush();
    expect((await repository.get(RUN))?.metrics.loss?.count).toBe(50_000);
  });

  it('says which run lost which points when storage is full, and keeps recording afterwards', async () => {
    const repository = new FullStorage(db);
    const recorder = new RunRecorder(repository, () => CONTEXT);
    recorder.record(start);
    await recorder.flush();
    repository.failures = 1;
    recorder.record(metrics('loss', 0, [1, 2, 3]));
    recorder.record(metrics('acc', 0, [0.5]));
    await recorder.flush();
    recorder.record(metrics('loss', 3, [4]));
    await recorder.flush();

    const run = await repository.get(RUN);
    expect(run?.problems).toEqual(['4 metric points (loss, acc) could not be stored: Browser storage is full: logging the run. Delete notebooks or clear outputs to free space.']);
    expect(appStore.get().toasts.map((toast) => toast.message)).toContainEqual(expect.stringMatching(/^Tracking: 4 metric points \(loss, acc\) could not be stored/));
    // Nothing else is corrupted: the run and the points of the next batch are there.
    expect(Array.from((await repository.series(RUN, 'loss')).steps)).toEqual([3]);
    expect(run?.metrics.loss?.count).toBe(1);
  });
});
