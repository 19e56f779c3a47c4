/**
 * Tracked runs, their metric points, model artifacts and experiments. Writes arrive as batches of
 * tracking changes, applied in ONE transaction per batch (not per point), so logging stays cheap.
 * Points live in chunks of consecutive steps (see core/tracking/metric-chunks.ts): a batch reads
 * the chunks it extends and writes each back once.
 */
import type { RunId } from '../lib/ids';
import type { Experiment, MetricPoint, MetricSeries, ModelArtifact, Objective, Params, Run, RunStatus } from '../core/tracking/types';
import { summarise, withProblem } from '../core/tracking/run-updates';
import { chunkId, concatChunks, fromChunkRow, groupIntoChunks, mergeIntoChunk, pointsToChunkUpdates, rowPoints, toChunkRow, type ChunkUpdate, type MetricColumns } from '../core/tracking/metric-chunks';
import type { KilnDatabase } from './schema';
import { toStorageError } from './storage-errors';

/** One change to a run, as the recorder collected it. Applied in order. */
export type RunChange =
  | { readonly kind: 'start'; readonly run: Run }
  | { readonly kind: 'points'; readonly runId: RunId; readonly series: readonly MetricSeries[] }
  | { readonly kind: 'params'; readonly runId: RunId; readonly params: Params }
  | { readonly kind: 'tags'; readonly runId: RunId; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'model'; readonly artifact: ModelArtifact }
  | { readonly kind: 'end'; readonly runId: RunId; readonly status: Exclude<RunStatus, 'running'>; readonly endedAt: number; readonly problem?: string }
  | { readonly kind: 'objective'; readonly experiment: string; readonly objective: Objective };

/** Everything about some runs, as removed by `delete`, for undo. */
export type RemovedRuns = { readonly runs: Run[]; readonly points: MetricPoint[]; readonly artifacts: ModelArtifact[] };

export class RunsRepository {
  constructor(private readonly db: KilnDatabase) {}

  async list(): Promise<Run[]> {
    return this.db.runs.orderBy('startedAt').reverse().toArray();
  }

  async get(id: RunId): Promise<Run | undefined> {
    return this.db.runs.get(id);
  }

  async experiments(): Promise<Experiment[]> {
    return this.db.experiments.toArray();
  }

  /** A run's history of one key as columns, in step order (one range read over its chunks). */
  async series(runId: RunId, key: string): Promise<MetricColumns> {
    return concatChunks((await this.db.metricChunks.where('[runId+key+block]').between([runId, key, -Infinity], [runId, key, Infinity]).toArray()).map(fromChunkRow));
  }

  /** Every point of the runs, per run and key in step order (for export). */
  async points(runIds: readonly RunId[]): Promise<MetricPoint[]> {
    return (await this.db.metricChunks.where('runId').anyOf(runIds as RunId[]).toArray()).flatMap(rowPoints);
  }

  async artifact(runId: RunId): Promise<ModelArtifact | undefined> {
    return this.db.modelArtifacts.get(runId);
  }

  /** Applies a batch of changes atomically: all of it is stored, or none (and the error says why). */
  async apply(changes: readonly RunChange[]): Promise<void> {
    if (changes.length === 0) return;
    const { db } = this;
    try {
      await db.transaction('rw', [db.runs, db.metricChunks, db.modelArtifacts, db.experiments], async () => {
        const touched = new Map<RunId, Run>();
        const runIds = [...new Set(changes.flatMap((change) => ('runId' in change ? [change.runId] : [])))];
        const stored = await db.runs.bulkGet(runIds);
        stored.forEach((run) => run && touched.set(run.id, run));
        const chunkUpdates = new Map<string, ChunkUpdate>();
        const artifacts: ModelArtifact[] = [];
        const update = (runId: RunId, change: (run: Run) => Run) => {
          const run = touched.get(runId);
          if (run) touched.set(runId, change(run));
        };
        for (const change of changes) {
          switch (change.kind) {
            case 'start':
              touched.set(change.run.id, change.run);
              await ensureExperiment(db, change.run.experiment, change.run.startedAt);
              break;
            case 'points':
              groupIntoChunks(change.runId, change.series, chunkUpdates);
              update(change.runId, (run) => ({ ...run, metrics: summarise(run.metrics, change.series) }));
              break;
            case 'params':
              update(change.runId, (run) => ({ ...run, params: { ...run.params, ...change.params } }));
              break;
            case 'tags':
              update(change.runId, (run) => ({ ...run, tags: { ...run.tags, ...change.tags } }));
              break;
            case 'model':
              artifacts.push(change.artifact);
              update(change.artifact.runId, (run) => ({ ...run, hasModel: true }));
              break;
            case 'end':
              update(change.runId, (run) => {
                const ended: Run = { ...run, status: change.status, endedAt: change.endedAt };
                return change.problem ? withProblem(ended, change.problem) : ended;
              });
              break;
            case 'objective': {
              const existing = await ensureExperiment(db, change.experiment, Date.now());
              await db.experiments.put({ ...existing, objective: change.objective });
              break;
            }
          }
        }
        await writeChunks(db, [...chunkUpdates.values()]);
        if (artifacts.length > 0) await db.modelArtifacts.bulkPut(artifacts);
        if (touched.size > 0) await db.runs.bulkPut([...touched.values()]);
      });
    } catch (error) {
      throw toStorageError(error, 'logging the run');
    }
  }

  /** Records a problem on runs outside any batch (e.g. points lost when storage was full). */
  async addProblem(runIds: readonly RunId[], problem: string): Promise<void> {
    await this.db.transaction('rw', this.db.runs, async () => {
      for (const run of await this.db.runs.bulkGet(runIds as RunId[])) if (run) await this.db.runs.put(withProblem(run, problem));
    });
  }

  /** Runs left `running` by a kernel session that no longer exists end as interrupted. */
  async endOrphanedRuns(isSessionAlive: (session: string | null) => boolean, problem: string): Promise<number> {
    return this.db.transaction('rw', this.db.runs, async () => {
      const orphans = (await this.db.runs.where('status').equals('running').toArray()).filter((run) => !isSessionAlive(run.kernelSession));
      await this.db.runs.bulkPut(orphans.map((run) => withProblem({ ...run, status: 'interrupted', endedAt: run.endedAt ?? Date.now() }, problem)));
      return orphans.length;
    });
  }

  async delete(ids: readonly RunId[]): Promise<RemovedRuns> {
    const { db } = this;
    return db.transaction('rw', [db.runs, db.metricChunks, db.modelArtifacts], async () => {
      const keys = ids as RunId[];
      const removed: RemovedRuns = {
        runs: (await db.runs.bulkGet(keys)).filter((run): run is Run => run !== undefined),
        points: (await db.metricChunks.where('runId').anyOf(keys).toArray()).flatMap(rowPoints),
        artifacts: (await db.modelArtifacts.bulkGet(keys)).filter((artifact): artifact is ModelArtifact => artifact !== undefined),
      };
      await db.metricChunks.where('runId').anyOf(keys).delete();
      await db.modelArtifacts.bulkDelete(keys);
      await db.runs.bulkDelete(keys);
      return removed;
    });
  }

  /** Puts back what `delete` removed (undo), or what an import brings, all or nothing. */
  async restore(removed: RemovedRuns, experiments: readonly Experiment[] = []): Promise<void> {
    const { db } = this;
    try {
      await db.transaction('rw', [db.runs, db.metricChunks, db.modelArtifacts, db.experiments], async () => {
        for (const experiment of experiments) if (!(await db.experiments.get(experiment.name))) await db.experiments.put(experiment);
        const firstRunOf = new Map<string, number>();
        for (const run of removed.runs) firstRunOf.set(run.experiment, Math.min(firstRunOf.get(run.experiment) ?? Infinity, run.startedAt));
        for (const [name, startedAt] of firstRunOf) await ensureExperiment(db, name, startedAt);
        await db.runs.bulkPut(removed.runs);
        await writeChunks(db, pointsToChunkUpdates(removed.points));
        await db.modelArtifacts.bulkPut(removed.artifacts);
      });
    } catch (error) {
      throw toStorageError(error, 'storing the runs');
    }
  }
}

/**
 * Applies new points to their chunks (inside the caller's transaction): finds which of them are
 * stored already with one keys-only range read per run and key (usually none, or the one a
 * previous batch ended in), reads those, and writes every chunk back once.
 */
async function writeChunks(db: KilnDatabase, updates: readonly ChunkUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const ranges = new Map<string, { runId: RunId; key: string; low: number; high: number }>();
  for (const { runId, key, block } of updates) {
    const id = JSON.stringify([runId, key]);
    const range = ranges.get(id);
    if (range) {
      range.low = Math.min(range.low, block);
      range.high = Math.max(range.high, block);
    } else ranges.set(id, { runId, key, low: block, high: block });
  }
  const existing = (
    await Promise.all([...ranges.values()].map(({ runId, key, low, high }) => db.metricChunks.where('[runId+key+block]').between([runId, key, low], [runId, key, high], true, true).primaryKeys()))
  ).flat();
  const stored = new Map((await db.metricChunks.bulkGet(existing)).flatMap((row) => (row ? [[chunkId(row.runId, row.key, row.block), fromChunkRow(row)] as const] : [])));
  await db.metricChunks.bulkPut(updates.map((update) => toChunkRow(mergeIntoChunk(stored.get(chunkId(update.runId, update.key, update.block)), update))));
}

async function ensureExperiment(db: KilnDatabase, name: string, createdAt: number): Promise<Experiment> {
  const existing = await db.experiments.get(name);
  if (existing) return existing;
  const experiment: Experiment = { name, createdAt };
  await db.experiments.put(experiment);
  return experiment;
}
