/**
 * The registry repository on fake-indexeddb: registrations and stage changes stored in one
 * transaction each, and a schema version 4 database (runs and models, no registry) upgraded to
 * version 5 without losing anything.
 */
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunId } from '../lib/ids';
import { promote, RegistryError, rollback, type VersionCandidate } from '../core/registry';
import type { Experiment, MetricPoint, ModelArtifact, Run } from '../core/tracking/types';
import { RegistryRepository } from './registry-repo';
import { RunsRepository } from './runs-repo';
import { closeOpenedDatabases, openTodaysDatabase } from './todays-database.fixture';
import { declareVersion1, declareVersion2, declareVersion3, declareVersion4 } from './schema';

afterEach(closeOpenedDatabases);
const openToday = openTodaysDatabase;

function candidate(runId: string, accuracy: number): VersionCandidate {
  return { runId: runId as RunId, runName: runId, experiment: 'penguins', params: {}, metrics: { accuracy }, objective: { metric: 'accuracy', direction: 'max', value: accuracy }, dataFingerprints: {} };
}

async function repository(): Promise<RegistryRepository> {
  let clock = 100;
  return new RegistryRepository(await openToday(new IDBFactory(), 'kiln-registry'), () => clock++);
}

describe('RegistryRepository', () => {
  it('registers runs as v1, v2 and reads the model back with its history', async () => {
    const registry = await repository();
    expect((await registry.register(' Penguins ', candidate('a', 0.8))).version).toBe(1);
    expect((await registry.register('Penguins', candidate('b', 0.9))).version).toBe(2);

    const state = await registry.state('Penguins');
    expect(state?.versions.map((entry) => [entry.version, entry.runId, entry.stage])).toEqual([
      [1, 'a', 'none'],
      [2, 'b', 'none'],
    ]);
    expect(state?.model.history.map((entry) => [entry.action, entry.version, entry.at])).toEqual([
      ['register', 1, 100],
      ['register', 2, 101],
    ]);
    expect((await registry.models()).map((model) => model.name)).toEqual(['Penguins']);
    expect((await registry.versionsOfRun('b' as RunId)).map((entry) => entry.version)).toEqual([2]);
  });

  it('numbers registrations made at the same time one after the other', async () => {
    const registry = await repository();
    const versions = await Promise.all(['a', 'b', 'c'].map((run) => registry.register('Penguins', candidate(run, 0.5))));
    expect(versions.map((entry) => entry.version).sort()).toEqual([1, 2, 3]);
  });

  it('stores promotions and a rollback, one production at a time', async () => {
    const registry = await repository();
    for (const run of ['a', 'b']) await registry.register('Penguins', candidate(run, 0.5));
    await registry.update('Penguins', (state, at) => promote(state, 1, at));
    await registry.update('Penguins', (state, at) => promote(state, 2, at));
    const rolled = await registry.update('Penguins', (state, at) => rollback(state, 1, at));

    const stored = await registry.state('Penguins');
    expect(stored).toEqual(rolled);
    expect(stored?.versions.map((entry) => entry.stage)).toEqual(['production', 'archived']);
    expect(stored?.model.history.at(-1)).toMatchObject({ action: 'rollback', version: 2, from: 'production', to: 'archived' });
  });

  it('leaves the store unchanged when a transition refuses, and says why', async () => {
    const registry = await repository();
    await registry.register('Penguins', candidate('a', 0.5));
    await expect(registry.update('Penguins', (state, at) => rollback(state, 1, at))).rejects.toThrow(RegistryError);
    await expect(registry.register('Penguins', candidate('a', 0.5))).rejects.toThrow(/already Penguins v1/);
    await expect(registry.update('Nope', (state) => state)).rejects.toThrow(/no model named "Nope"/);
    expect((await registry.state('Penguins'))?.model.history).toHaveLength(1);
  });
});

describe('a schema version 4 database opened by today\'s schema', () => {
  it('keeps every run, metric point, model and experiment, and starts with an empty registry', async () => {
    const factory = new IDBFactory();
    const v4 = new Dexie('kiln-v4', { indexedDB: factory, IDBKeyRange });
    [declareVersion1, declareVersion2, declareVersion3, declareVersion4].forEach((declare) => declare(v4));
    await v4.open();
    const run = { id: 'run1', experiment: 'penguins', name: 'fit #1', status: 'finished', startedAt: 5, endedAt: 9, params: { lr: 0.1 }, tags: {}, notes: '', starred: false, parentId: null, source: 'autolog', metrics: {}, reproducibility: null, problems: [], hasModel: true, kernelSession: null } as unknown as Run;
    const point: MetricPoint = { runId: run.id, key: 'loss', step: 0, value: 0.5, timestamp: 6 };
    const artifact: ModelArtifact = { runId: run.id, modelJson: { format: 'layers-model' }, weights: new Uint8Array([1, 2, 3, 4]).buffer, savedAt: 9 };
    const experiment: Experiment = { name: 'penguins', createdAt: 1, objective: { metric: 'loss', direction: 'min' } };
    await v4.table('runs').put(run);
    await v4.table('metrics').put(point);
    await v4.table('modelArtifacts').put(artifact);
    await v4.table('experiments').put(experiment);
    v4.close();

    const db = await openToday(factory, 'kiln-v4');
    expect(db.verno).toBe(6);
    const runs = new RunsRepository(db);
    expect(await runs.list()).toEqual([run]);
    expect(await runs.points([run.id])).toEqual([point]);
    expect(new Uint8Array((await runs.artifact(run.id))!.weights)).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(await runs.experiments()).toEqual([experiment]);

    const registry = new RegistryRepository(db);
    expect(await registry.models()).toEqual([]);
    expect((await registry.register('Penguins', candidate(run.id, 0.1))).version).toBe(1);
  });
});
