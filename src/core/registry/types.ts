/**
 * The model registry's records: a named model, its numbered versions (each a tracked run's saved
 * model) and the history of every stage change. Plain JSON: stored in IndexedDB.
 */
import type { RunId } from '../../lib/ids';
import type { Objective, Params } from '../tracking/types';

/** 'none' until someone stages it; one version at most is 'production' at any time. */
export type Stage = 'none' | 'staging' | 'production' | 'archived';

/** The run's objective when it was registered: what "better" means when promoting. */
export type VersionObjective = Objective & { readonly value: number | null };

export type ModelVersion = {
  readonly model: string;
  readonly version: number;
  readonly runId: RunId;
  readonly runName: string;
  readonly experiment: string;
  readonly params: Params;
  /** The last value of each metric the run logged. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly objective: VersionObjective | null;
  /** Dataset name → SHA-256 of the data the run loaded. */
  readonly dataFingerprints: Readonly<Record<string, string>>;
  readonly stage: Stage;
  readonly createdAt: number;
};

export type HistoryAction = 'register' | 'stage' | 'promote' | 'rollback' | 'archive';

export type HistoryEntry = {
  readonly at: number;
  readonly action: HistoryAction;
  readonly version: number;
  readonly from: Stage;
  readonly to: Stage;
};

export type RegisteredModel = {
  readonly name: string;
  readonly createdAt: number;
  /** The version the exported server falls back to when production fails: the previous production. */
  readonly fallback: number | null;
  /** Every change, oldest first. */
  readonly history: readonly HistoryEntry[];
};

/** A model with all its versions, in version order: what every transition reads and returns. */
export type ModelState = { readonly model: RegisteredModel; readonly versions: readonly ModelVersion[] };

/** What registering needs to know about the run (the registry never reads the store itself). */
export type VersionCandidate = Omit<ModelVersion, 'model' | 'version' | 'stage' | 'createdAt'>;
