/**
 * Turns the kernel's tracking events into stored runs. Changes are collected and written in one
 * transaction per flush (every FLUSH_MS, or at once when many points wait), off the training
 * loop's path: the worker never waits for storage. Events already received are written even if
 * the kernel restarts a moment later, because they live here, on the main thread.
 */
import type { RunId } from '../lib/ids';
import type { Reproducibility, Run, TrackingEvent } from '../core/tracking/types';
import { errorMessage } from '../core/errors';
import type { RunChange, RunsRepository } from '../store/runs-repo';
import { showToast } from './app-store';

const FLUSH_MS = 200;
/** A flush starts at once past this many waiting points (a tight logging loop). */
const FLUSH_POINTS = 50_000;

/** What the recorder learns from the app when a run starts. */
export type RunContext = {
  readonly notebookId: string;
  readonly notebookName: string;
  readonly notebookRevision: number;
  /** The cells this kernel session executed so far, in order. */
  readonly code: Reproducibility['code'];
  readonly kernelSession: string;
};

export class RunRecorder {
  private pending: RunChange[] = [];
  private pendingPoints = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: RunsRepository,
    private readonly context: () => RunContext,
  ) {}

  record(event: TrackingEvent): void {
    const change = this.toChange(event);
    this.pending.push(change);
    if (change.kind === 'points') for (const series of change.series) this.pendingPoints += series.steps.length;
    if (this.pendingPoints >= FLUSH_POINTS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything received so far; resolves when it is stored (or reported as lost). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    const points = this.pendingPoints;
    this.pending = [];
    this.pendingPoints = 0;
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() => this.write(batch, points));
    return this.writing;
  }

  private async write(batch: RunChange[], points: number): Promise<void> {
    try {
      await this.repository.apply(batch);
    } catch (error) {
      // The batch is lost as a whole (one transaction); say which runs lost what, then keep going.
      const runIds = [...new Set(batch.flatMap((change) => ('runId' in change ? [change.runId] : change.kind === 'start' ? [change.run.id] : [])))];
      const keys = [...new Set(batch.flatMap((change) => (change.kind === 'points' ? change.series.map((series) => series.key) : [])))];
      const problem = `${points} metric point${points === 1 ? '' : 's'}${keys.length > 0 ? ` (${keys.join(', ')})` : ''} could not be stored: ${errorMessage(error)}`;
      showToast({ tone: 'error', message: `Tracking: ${problem}` }, 15_000);
      await this.repository.addProblem(runIds as RunId[], problem).catch(() => undefined);
    }
  }

  private toChange(event: TrackingEvent): RunChange {
    switch (event.kind) {
      case 'run-start': {
        const context = this.context();
        const run: Run = {
          ...event.run,
          experiment: event.run.experiment ?? context.notebookName,
          name: event.run.name ?? `run ${event.run.id.slice(0, 6)}`,
          status: 'running',
          endedAt: null,
          notes: '',
          starred: false,
          metrics: {},
          problems: [],
          hasModel: false,
          kernelSession: context.kernelSession,
          reproducibility: {
            notebookId: context.notebookId,
            notebookName: context.notebookName,
            notebookRevision: context.notebookRevision,
            code: context.code,
            datasets: event.datasets,
            tfjsVersion: event.tfjsVersion,
            backend: event.backend,
            userAgent: navigator.userAgent,
          },
        };
        return { kind: 'start', run };
      }
      case 'metrics':
        return { kind: 'points', runId: event.runId, series: event.series };
      case 'params':
        return { kind: 'params', runId: event.runId, params: event.params };
      case 'tags':
        return { kind: 'tags', runId: event.runId, tags: event.tags };
      case 'model':
        return { kind: 'model', artifact: { runId: event.runId, modelJson: event.modelJson, weights: event.weights, savedAt: Date.now(), ...(event.serving ? { serving: event.serving } : {}) } };
      case 'run-end':
        return { kind: 'end', runId: event.runId, status: event.status, endedAt: event.endedAt, ...(event.problem ? { problem: event.problem } : {}) };
      case 'objective':
        return { kind: 'objective', experiment: event.experiment ?? this.context().notebookName, objective: event.objective };
    }
  }
}
