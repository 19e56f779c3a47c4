/**
 * The runs repository on fake-indexeddb: batches of points land in chunks of consecutive steps
 * and read back as they were logged (NaN and ±Infinity included), a step logged again replaces
 * its value, delete/restore and export see every point; and a schema version 5 database, with one
 * row per point, upgrades to chunks with nothing lost.
 */
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunId } from '../lib/ids';
import { CHUNK_STEPS } from '../core/tracking/metric-chunks';
import type { Experiment, MetricPoint, MetricSeries, ModelArtifact, Run } from '../core/tracking/types';
import { makeRun as makeRunFixture } from '../core/tracking/__fixtures__/make-run';
import { RunsRepository } from './runs-repo';
import { closeOpenedDatabases, openTodaysDatabase } from './todays-database.fixture';
import { declareVersion1, declareVersion2, declareVersion3, declareVersion4, declareVersion5, KilnDatabase } from './schema';

afterEach(closeOpenedDatabases);
const openToday = openTodaysDatabase;

/** A running run whose id is the label itself, as the version 5 fixtures below name them. */
const makeRun = (id: string, experiment = 'penguins'): Run => ({
  ...makeRunFixture({ experiment, name: `fit ${id}`, status: 'running', startedAt: 5, endedAt: null, params: { lr: 0.1 } }),
  id: id as RunId,
});

type Logged = { key: string; step: number; value: number; timestamp: number };
const logged = (step: number, value: number, key = 'loss'): Logged => ({ key, step, value, timestamp: 10_000 + step });
/** A batch of points as the kernel sends it: columns per key, in logging order. */
function batch(points: readonly Logged[]): MetricSeries[] {
  const keys = [...new Set(points.map((point) => point.key))];
  return keys.map((key) => {
    const keyed = points.filter((point) => point.key === key);
    return { key, steps: Float64Array.from(keyed, (point) => point.step), values: Float64Array.from(keyed, (point) => point.value), timestamps: Float64Array.from(keyed, (point) => point.timestamp) };
  });
}
const columns = (series: { steps: Float64Array; values: Float64Array }) => ({ steps: Array.from(series.steps), values: Array.from(series.values) });

async function freshRepository(): Promise<{ db: KilnDatabase; runs: RunsRepository }> {
  const db = await openToday(new IDBFactory(), 'kiln-runs');
  return { db, runs: new RunsRepository(db) };
}

describe('RunsRepository', () => {
  it('stores a batch of points as chunks of consecutive steps and reads a key back in step order', async () => {
    const { db, runs } = await freshRepository();
    const run = makeRun('a');
    const loss = Array.from({ length: 2_500 }, (_, step) => logged(step, 1 / (step + 1)));
    await runs.apply([
      { kind: 'start', run },
      { kind: 'points', runId: run.id, series: batch([...loss.slice(0, 1_200), logged(0, 0.9, 'acc')]) },
      { kind: 'points', runId: run.id, series: batch(loss.slice(1_200)) },
      { kind: 'end', runId: run.id, status: 'finished', endedAt: 50 },
    ]);

    // 2,500 loss steps in 3 chunks, 1 acc step in 1: IndexedDB holds 4 rows, not 2,501.
    expect(await db.metricChunks.count()).toBe(4);
    expect(columns(await runs.series(run.id, 'loss'))).toEqual({ steps: loss.map((point) => point.step), values: loss.map((point) => point.value) });
    expect(Array.from((await runs.series(run.id, 'loss')).timestamps)).toEqual(loss.map((point) => point.timestamp));
    expect(columns(await runs.series(run.id, 'acc'))).toEqual({ steps: [0], values: [0.9] });
    expect(columns(await runs.series(run.id, 'missing'))).toEqual({ steps: [], values: [] });
    const stored = await runs.get(run.id);
    expect(stored?.status).toBe('finished');
    expect(stored?.metrics.loss).toEqual({ last: 1 / 2_500, min: 1 / 2_500, max: 1, lastStep: 2_499, count: 2_500 });
  });

  it('keeps NaN and ±Infinity, and lets a step logged again (in a later batch) replace its value', async () => {
    const { runs } = await freshRepository();
    const run = makeRun('b');
    await runs.apply([{ kind: 'start', run }, { kind: 'points', runId: run.id, series: batch([logged(0, 1), logged(1, Number.NaN), logged(2, Number.POSITIVE_INFINITY)]) }]);
    await runs.apply([{ kind: 'points', runId: run.id, series: batch([logged(3, Number.NEGATIVE_INFINITY), logged(1, 0.5), logged(CHUNK_STEPS + 7, 2)]) }]);

    expect(columns(await runs.series(run.id, 'loss'))).toEqual({ steps: [0, 1, 2, 3, CHUNK_STEPS + 7], values: [1, 0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2] });
  });

  it('exports every point, and a deleted run comes back whole with restore', async () => {
    const { db, runs } = await freshRepository();
    const [kept, removed] = [makeRun('keep'), makeRun('gone')];
    const artifact: ModelArtifact = { runId: removed.id, modelJson: { format: 'layers-model' }, weights: new Uint8Array([1, 2]).buffer, savedAt: 9 };
    await runs.apply([
      { kind: 'start', run: kept },
      { kind: 'start', run: removed },
      { kind: 'points', runId: kept.id, series: batch([logged(0, 1)]) },
      { kind: 'points', runId: removed.id, series: batch([logged(0, 2), logged(CHUNK_STEPS, Number.NaN), logged(0, 3, 'acc')]) },
      { kind: 'model', artifact },
    ]);
    const before = await runs.points([removed.id]);
    expect(before).toEqual([
      { runId: removed.id, key: 'acc', step: 0, value: 3, timestamp: 10_000 },
      { runId: removed.id, key: 'loss', step: 0, value: 2, timestamp: 10_000 },
      { runId: removed.id, key: 'loss', step: CHUNK_STEPS, value: Number.NaN, timestamp: 10_000 + CHUNK_STEPS },
    ]);

    const deleted = await runs.delete([removed.id]);
    expect(deleted.points).toEqual(before);
    expect(await runs.points([removed.id])).toEqual([]);
    expect(await runs.artifact(removed.id)).toBeUndefined();
    expect(await runs.points([kept.id])).toHaveLength(1);

    await runs.restore(deleted);
    expect(await runs.points([removed.id])).toEqual(before);
    expect(await runs.artifact(removed.id)).toBeDefined();
    expect(await db.metricChunks.count()).toBe(4);
  });
});

/** A version 5 database (one row per point in `metrics`), written with the schema of that day. */
async function writeVersion5(factory: IDBFactory, name: string, content: { runs: Run[]; points: MetricPoint[]; artifacts: ModelArtifact[]; experiments: Experiment[] }): Promise<void> {
  const v5 = new Dexie(name, { indexedDB: factory, IDBKeyRange });
  [declareVersion1, declareVersion2, declareVersion3, declareVersion4, declareVersion5].forEach((declare) => declare(v5));
  await v5.open();
  await v5.table('runs').bulkPut(content.runs);
  await v5.table('metrics').bulkPut(content.points);
  await v5.table('modelArtifacts').bulkPut(content.artifacts);
  await v5.table('experiments').bulkPut(content.experiments);
  await v5.table('modelVersions').put({ model: 'Penguins', version: 1, runId: content.runs[0]!.id });
  v5.close();
}

describe('a schema version 5 database (a row per metric point) opened by today\'s schema', () => {
  it('moves every point into chunks, bit for bit, across the upgrade\'s pages, and keeps runs, models and experiments', async () => {
    const factory = new IDBFactory();
    const runsOfV5 = [makeRun('run1'), makeRun('run2', 'other')].map((run) => ({ ...run, status: 'finished' as const }));
    // More rows than the upgrade reads at once (50,000), so chunks continue across its pages.
    const points: MetricPoint[] = [];
    for (const run of runsOfV5) {
      for (const key of ['loss', 'val_loss']) {
        for (let step = 0; step < 13_000; step += 1) points.push({ runId: run.id, key, step, value: step === 4_321 ? Number.NaN : step === 7 ? Number.NEGATIVE_INFINITY : Math.sin(step) / 3, timestamp: 1_700_000_000_000 + step * 17 });
      }
    }
    points.push({ runId: runsOfV5[0]!.id, key: 'sparse', step: 1e9, value: Number.POSITIVE_INFINITY, timestamp: 3 });
    const artifacts: ModelArtifact[] = [{ runId: runsOfV5[1]!.id, modelJson: { format: 'layers-model' }, weights: new Uint8Array([1, 2, 3]).buffer, savedAt: 9 }];
    const experiments: Experiment[] = [{ name: 'penguins', createdAt: 1, objective: { metric: 'loss', direction: 'min' } }];
    await writeVersion5(factory, 'kiln-v5', { runs: runsOfV5, points, artifacts, experiments });

    const db = await openToday(factory, 'kiln-v5');
    expect(db.verno).toBe(6);
    expect(db.tables.map((table) => table.name)).not.toContain('metrics');
    const runs = new RunsRepository(db);
    const byKey = (a: MetricPoint, b: MetricPoint) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step);
    const migrated = await runs.points(runsOfV5.map((run) => run.id));
    expect(migrated.length).toBe(points.length);
    expect(migrated.sort(byKey)).toEqual([...points].sort(byKey));
    expect(await db.metricChunks.count()).toBe(2 * 2 * 13 + 1);
    expect(Object.is((await runs.series(runsOfV5[1]!.id, 'val_loss')).values[4_321], Number.NaN)).toBe(true);

    expect((await runs.list()).map((run) => run.id).sort()).toEqual(['run1', 'run2']);
    expect(new Uint8Array((await runs.artifact(runsOfV5[1]!.id))!.weights)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await runs.experiments()).toEqual(experiments);
    expect(await db.modelVersions.count()).toBe(1);
  });

  it('upgrades a version 5 database without any points', async () => {
    const factory = new IDBFactory();
    await writeVersion5(factory, 'kiln-v5-empty', { runs: [makeRun('lonely')], points: [], artifacts: [], experiments: [] });
    const db = await openToday(factory, 'kiln-v5-empty');
    expect(await db.metricChunks.count()).toBe(0);
    expect(await new RunsRepository(db).get('lonely' as RunId)).toMatchObject({ id: 'lonely' });
  });
});
