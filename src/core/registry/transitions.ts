/**
 * Every registry change as a pure function of the model's state: register a run as the next
 * version, stage a version, promote one to production, roll production back, archive. Each
 * appends one history entry per version whose stage changed, and refuses what would break the
 * rules (one production at a time; production cannot simply be archived).
 */
import type { HistoryAction, HistoryEntry, ModelState, ModelVersion, RegisteredModel, Stage, VersionCandidate } from './types';

export type RegistryErrorCode = 'bad-name' | 'no-such-version' | 'already-registered' | 'not-allowed';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

const MAX_NAME_LENGTH = 80;

/** Trimmed name, or a RegistryError saying what is wrong with it. */
export function validateModelName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new RegistryError('bad-name', 'A model name cannot be empty.');
  if (name.length > MAX_NAME_LENGTH) throw new RegistryError('bad-name', `A model name has at most ${MAX_NAME_LENGTH} characters; "${name.slice(0, 20)}…" has ${name.length}.`);
  // Exported artifacts derive their service name from it, so it needs something to derive from.
  if (!/[\p{L}\p{N}]/u.test(name)) throw new RegistryError('bad-name', `"${name}" has no letters or digits; name the model with at least one.`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new RegistryError('bad-name', 'A model name cannot contain control characters (tabs, line breaks).');
  return name;
}

export function versionOf(state: ModelState, version: number): ModelVersion {
  const found = state.versions.find((entry) => entry.version === version);
  if (!found) throw new RegistryError('no-such-version', `${state.model.name} has no version ${version} (it has ${state.versions.map((entry) => `v${entry.version}`).join(', ') || 'none'}).`);
  return found;
}

export function productionOf(state: ModelState): ModelVersion | null {
  return state.versions.find((entry) => entry.stage === 'production') ?? null;
}

type StageChange = { readonly version: number; readonly to: Stage };

/** Applies stage changes and records each one that changes something. */
function withStages(state: ModelState, changes: readonly StageChange[], action: HistoryAction, at: number, fallback: number | null): ModelState {
  const history: HistoryEntry[] = [];
  const versions = state.versions.map((entry) => {
    const change = changes.find((candidate) => candidate.version === entry.version);
    if (!change || change.to === entry.stage) return entry;
    history.push({ at, action, version: entry.version, from: entry.stage, to: change.to });
    return { ...entry, stage: change.to };
  });
  return { model: { ...state.model, fallback, history: [...state.model.history, ...history] }, versions };
}

/** A new model, or the next version of an existing one (numbers never reused, even after archiving). */
export function registerVersion(state: ModelState | null, name: string, candidate: VersionCandidate, at: number): { state: ModelState; version: ModelVersion } {
  const modelName = validateModelName(name);
  const model: RegisteredModel = state?.model ?? { name: modelName, createdAt: at, fallback: null, history: [] };
  const versions = state?.versions ?? [];
  const existing = versions.find((entry) => entry.runId === candidate.runId);
  if (existing) throw new RegistryError('already-registered', `This run is already ${model.name} v${existing.version}.`);
  const number = versions.reduce((highest, entry) => Math.max(highest, entry.version), 0) + 1;
  const version: ModelVersion = { ...candidate, model: model.name, version: number, stage: 'none', createdAt: at };
  const entry: HistoryEntry = { at, action: 'register', version: number, from: 'none', to: 'none' };
  return { state: { model: { ...model, history: [...model.history, entry] }, versions: [...versions, version] }, version };
}

/** Staging or un-staging; production and archiving have their own rules (promote, rollback, archive). */
export function setStaging(state: ModelState, version: number, isStaged: boolean, at: number): ModelState {
  const target = versionOf(state, version);
  if (target.stage === 'production') throw new RegistryError('not-allowed', `v${version} is in production; promote or roll back to another version first.`);
  return withStages(state, [{ version, to: isStaged ? 'staging' : 'none' }], 'stage', at, state.model.fallback);
}

/**
 * Puts `version` in production. The version it replaces is archived and, unless told otherwise,
 * kept as the fallback the exported server switches to when the new one fails.
 */
export function promote(state: ModelState, version: number, at: number, options: { keepPreviousAsFallback?: boolean } = {}): ModelState {
  const target = versionOf(state, version);
  if (target.stage === 'production') throw new RegistryError('not-allowed', `v${version} is already in production.`);
  const previous = productionOf(state);
  const keep = options.keepPreviousAsFallback ?? true;
  const fallback = previous && keep ? previous.version : state.model.fallback === version ? null : state.model.fallback;
  const changes: StageChange[] = [{ version, to: 'production' }];
  if (previous) changes.push({ version: previous.version, to: 'archived' });
  return withStages(state, changes, 'promote', at, fallback);
}

/**
 * Points production back at an earlier version in one step. The version left behind is archived
 * and not kept as fallback: one rolls back because it misbehaves.
 */
export function rollback(state: ModelState, version: number, at: number): ModelState {
  const current = productionOf(state);
  if (!current) throw new RegistryError('not-allowed', `${state.model.name} has no production version to roll back from; promote one instead.`);
  const target = versionOf(state, version);
  if (version >= current.version) throw new RegistryError('not-allowed', `Rollback goes to an earlier version than production (v${current.version}); v${version} is not earlier. Promote it instead.`);
  const fallback = state.model.fallback === version || state.model.fallback === current.version ? null : state.model.fallback;
  return withStages(state, [{ version: target.version, to: 'production' }, { version: current.version, to: 'archived' }], 'rollback', at, fallback);
}

export function archive(state: ModelState, version: number, at: number): ModelState {
  const target = versionOf(state, version);
  if (target.stage === 'production') throw new RegistryError('not-allowed', `v${version} is in production; promote or roll back to another version before archiving it.`);
  if (target.stage === 'archived') throw new RegistryError('not-allowed', `v${version} is already archived.`);
  return withStages(state, [{ version, to: 'archived' }], 'archive', at, state.model.fallback === version ? null : state.model.fallback);
}

/** Earlier production versions, newest first: where a rollback may go. */
export function rollbackTargets(state: ModelState): ModelVersion[] {
  const current = productionOf(state);
  if (!current) return [];
  const wasProduction = new Set(state.model.history.filter((entry) => entry.to === 'production').map((entry) => entry.version));
  return state.versions.filter((entry) => entry.version < current.version && wasProduction.has(entry.version)).sort((a, b) => b.version - a.version);
}

export type Comparison = {
  readonly metric: string;
  readonly direction: 'max' | 'min';
  readonly candidate: number | null;
  readonly production: number | null;
  /** Null when either value is missing or the two versions optimise different metrics. */
  readonly isCandidateBetter: boolean | null;
};

/** The candidate's objective against current production's, for the promote confirmation. */
export function compareWithProduction(state: ModelState, version: number): Comparison | null {
  const candidate = versionOf(state, version);
  if (!candidate.objective) return null;
  const { metric, direction } = candidate.objective;
  const production = productionOf(state);
  const productionValue = production?.objective?.metric === metric ? production.objective.value : null;
  const candidateValue = candidate.objective.value;
  const isCandidateBetter = candidateValue === null || productionValue === null ? null : direction === 'max' ? candidateValue > productionValue : candidateValue < productionValue;
  return { metric, direction, candidate: candidateValue, production: productionValue, isCandidateBetter };
}

