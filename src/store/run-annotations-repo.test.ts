/**
 * Run annotations on fake-indexeddb: edits persist and keep the rest of the run, a delete takes
 * the run's points and model with it and undo brings all of it back, and a registered or running
 * run refuses the whole delete.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunId } from '../lib/ids';
import type { MetricSeries, ModelArtifact, Run } from '../core/tracking/types';
import { makeRun, runId } from '../core/tracking/__fixtures__/make-run';
import { RunEditError } from '../core/tracking/run-annotations';
import { RegistryRepository } from './registry-repo';
import { RunAnnotationsRepository } from './run-annotations-repo';
import { RunsRepository } from './runs-repo';
import { KilnDatabase } from './schema';

const opened: KilnDatabase[] = [];

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** A batch of `count` loss values as the kernel sends it (columns per key). */
const points = (run: Run, count: number): MetricSeries[] => [
  {
    key: 'loss',
    steps: Float64Array.from({ length: count }, (_, step) => step),
    values: Float64Array.from({ length: count }, (_, step) => 1 / (step + 1)),
    timestamps: Float64Array.from({ length: count }, (_, step) => run.startedAt + step),
  },
];

const artifact = (run: Run): ModelArtifact => ({ runId: run.id, modelJson: { format: 'layers-model' }, weights: new Float32Array([1, 2]).buffer, savedAt: run.startedAt });

async function seeded(...runs: Run[]) {
  const db = new KilnDatabase(`kiln-annotations-${opened.length}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  opened.push(db);
  await db.open();
  const runsRepository = new RunsRepository(db);
  await runsRepository.apply(runs.flatMap((run) => [
    { kind: 'start', run } as const,
    { kind: 'points', runId: run.id, series: points(run, 3) } as const,
    { kind: 'model', artifact: artifact(run) } as const,
  ]));
  return { db, runs: runsRepository, annotations: new RunAnnotationsRepository(db, runsRepository), registry: new RegistryRepository(db) };
}

/** What is stored, counted through the runs repository (which knows how points are laid out). */
async function contents(db: KilnDatabase, runs: RunsRepository) {
  const ids = (await runs.list()).map((run) => run.id);
  return { runs: ids.length, points: (await runs.points([a.id, b.id, c.id, runId('live')])).length, artifacts: await db.modelArtifacts.count() };
}

const a = makeRun({ id: 'a', name: 'wide net', tags: { baseline: 'true' } });
const b = makeRun({ id: 'b', name: 'deep net' });
const c = makeRun({ id: 'c', name: 'tiny net' });

describe('RunAnnotationsRepository', () => {
  it('stars, renames, tags and notes a run, keeping everything else', async () => {
    const { runs, annotations } = await seeded(a);
    await annotations.setStarred(a.id, true);
    await annotations.rename(a.id, '  wider net ');
    await annotations.addTag(a.id, 'team = vision');
    await annotations.addTag(a.id, 'reviewed');
    await annotations.removeTag(a.id, 'baseline');
    await annotations.setNotes(a.id, 'lr too high?\nTry 1e-3 next.');
    const stored = await runs.get(a.id);
    expect(stored).toEqual({ ...a, metrics: stored?.metrics, hasModel: true, starred: true, name: 'wider net', tags: { team: 'vision', reviewed: 'true' }, notes: 'lr too high?\nTry 1e-3 next.' });
    expect(stored?.metrics.loss?.count).toBe(3);
  });

  it('refuses an empty name or a bad tag and changes nothing', async () => {
    const { runs, annotations } = await seeded(a);
    await expect(annotations.rename(a.id, '   ')).rejects.toThrow(new RunEditError('A run needs a name.'));
    await expect(annotations.addTag(a.id, '=x')).rejects.toBeInstanceOf(RunEditError);
    await expect(annotations.setNotes(runId('gone') as RunId, 'x')).rejects.toThrow(/no longer exists/);
    expect((await runs.get(a.id))?.name).toBe('wide net');
    expect((await runs.get(a.id))?.tags).toEqual({ baseline: 'true' });
  });

  it('deletes runs with their points and models, and undo puts them back as they were', async () => {
    const { db, runs, annotations } = await seeded(a, b, c);
    const before = { a: await runs.get(a.id), points: await runs.points([a.id, b.id]), model: await runs.artifact(b.id) };
    const deleted = await annotations.delete([a.id, b.id]);
    expect(deleted.runs.map((run) => run.name).sort()).toEqual(['deep net', 'wide net']);
    expect(await contents(db, runs)).toEqual({ runs: 1, points: 3, artifacts: 1 });
    expect(await runs.points([a.id])).toEqual([]);

    await annotations.restore(deleted);
    expect(await contents(db, runs)).toEqual({ runs: 3, points: 9, artifacts: 3 });
    expect(await runs.get(a.id)).toEqual(before.a);
    expect(await runs.points([a.id, b.id])).toEqual(before.points);
    expect(new Float32Array((await runs.artifact(b.id))!.weights)).toEqual(new Float32Array(before.model!.weights));
  });

  it('refuses to delete a registered run, naming the model version, and deletes nothing', async () => {
    const { db, runs, annotations, registry } = await seeded(a, b);
    await registry.register('penguins', { runId: b.id, runName: b.name, experiment: b.experiment, params: {}, metrics: {}, objective: null, dataFingerprints: {} });
    await expect(annotations.delete([a.id, b.id])).rejects.toThrow(/“deep net” is registered as penguins v1/);
    expect(await contents(db, runs)).toEqual({ runs: 2, points: 6, artifacts: 2 });
    await annotations.delete([a.id]);
    expect(await contents(db, runs)).toEqual({ runs: 1, points: 3, artifacts: 1 });
  });

  it('refuses to delete a run that is still running', async () => {
    const { db, runs, annotations } = await seeded(makeRun({ id: 'live', name: 'live fit', status: 'running', endedAt: null }));
    await expect(annotations.delete([runId('live')])).rejects.toThrow(/“live fit” is still running/);
    expect(await contents(db, runs)).toEqual({ runs: 1, points: 3, artifacts: 1 });
  });
});
