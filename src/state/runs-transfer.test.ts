/**
 * The MLflow export on fake-indexeddb: the zip it hands to the browser holds the runs' file
 * store, the progress it reports climbs from 0 to 1 (the Runs view shows it on the button), and
 * one export runs at a time.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MetricSeries } from '../core/tracking/types';
import { makeRun, runId } from '../core/tracking/__fixtures__/make-run';
import { RunsRepository } from '../store/runs-repo';
import { closeOpenedDatabases, openTodaysDatabase } from '../store/todays-database.fixture';
import { downloadFile } from './download';
import { showToast } from './app-store';
import { exportRunsMlflowZip, mlflowExport } from './runs-transfer';

vi.mock('./download', () => ({ downloadFile: vi.fn() }));
vi.mock('./app-store', () => ({ showToast: vi.fn() }));

afterEach(async () => {
  vi.clearAllMocks();
  await closeOpenedDatabases();
});

/** `steps` points of a loss that falls with the step. */
const loss = (steps: number): MetricSeries[] => [
  {
    key: 'loss',
    steps: Float64Array.from({ length: steps }, (_, step) => step),
    values: Float64Array.from({ length: steps }, (_, step) => 1 / (step + 1)),
    timestamps: Float64Array.from({ length: steps }, (_, step) => 10_000 + step),
  },
];

describe('exportRunsMlflowZip', () => {
  it('downloads the runs as an MLflow file store and reports progress from 0 to 1', async () => {
    const runs = new RunsRepository(await openTodaysDatabase(new IDBFactory(), 'kiln-mlflow-export'));
    const stored = [makeRun({ id: runId('small'), experiment: 'penguins' }), makeRun({ id: runId('wide'), experiment: 'penguins' })];
    for (const run of stored) await runs.apply([{ kind: 'start', run }, { kind: 'points', runId: run.id, series: loss(3_000) }]);

    const progress: number[] = [];
    const stopWatching = mlflowExport.subscribe(() => progress.push(mlflowExport.get().progress ?? Number.NaN));
    const exporting = exportRunsMlflowZip(runs, stored);
    // A second export while this one runs (a click after leaving the view and coming back) does nothing.
    await exportRunsMlflowZip(runs, stored);
    await exporting;
    stopWatching();
    expect(progress.pop()).toBeNaN(); // null again at the end: the button is enabled
    expect(downloadFile).toHaveBeenCalledTimes(1);

    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    progress.slice(1).forEach((fraction, i) => expect(fraction).toBeGreaterThanOrEqual(progress[i] as number));
    expect(showToast).not.toHaveBeenCalled();
    const [fileName, zip] = vi.mocked(downloadFile).mock.calls[0] ?? [];
    expect(fileName).toBe('kiln-mlruns.zip');
    const files = unzipSync(new Uint8Array(await (zip as Blob).arrayBuffer()));
    const lossFiles = Object.keys(files).filter((path) => /^mlruns\/1\/[0-9a-f]{32}\/metrics\/loss$/.test(path));
    expect(lossFiles).toHaveLength(2);
    expect(strFromU8(files[lossFiles[0] as string] as Uint8Array).trimEnd().split('\n')).toHaveLength(3_000);
  });

  it('says why when the runs cannot be read, and downloads nothing', async () => {
    const runs = new RunsRepository(await openTodaysDatabase(new IDBFactory(), 'kiln-mlflow-broken'));
    vi.spyOn(runs, 'points').mockRejectedValue(new Error('the database is gone'));
    await exportRunsMlflowZip(runs, [makeRun({ experiment: 'penguins', name: 'small' })]);
    expect(downloadFile).not.toHaveBeenCalled();
    expect(mlflowExport.get().progress).toBeNull();
    expect(vi.mocked(showToast).mock.calls[0]?.[0]).toMatchObject({ tone: 'error', message: expect.stringContaining('the database is gone') });
  });
});
