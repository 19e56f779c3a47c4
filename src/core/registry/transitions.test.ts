import { describe, expect, it } from 'vitest';
import type { RunId } from '../../lib/ids';
import type { Run } from '../tracking/types';
import { candidateFromRun } from './candidate';
import { archive, compareWithProduction, productionOf, promote, registerVersion, RegistryError, rollback, rollbackTargets, setStaging, validateModelName } from './transitions';
import type { ModelState, VersionCandidate } from './types';

function candidate(runId: string, accuracy: number | null): VersionCandidate {
  return {
    runId: runId as RunId,
    runName: `run ${runId}`,
    experiment: 'penguins',
    params: { epochs: 10 },
    metrics: accuracy === null ? {} : { accuracy },
    objective: { metric: 'accuracy', direction: 'max', value: accuracy },
    dataFingerprints: { 'penguins.csv': 'abc' },
  };
}

/** A model with versions registered from runs a, b, c (accuracies 0.8, 0.9, 0.85) at times 1, 2, 3. */
function threeVersions(): ModelState {
  let state: ModelState | null = null;
  [0.8, 0.9, 0.85].forEach((accuracy, index) => {
    state = registerVersion(state, 'Penguins', candidate(String.fromCharCode(97 + index), accuracy), index + 1).state;
  });
  return state as unknown as ModelState;
}

const stages = (state: ModelState) => Object.fromEntries(state.versions.map((entry) => [`v${entry.version}`, entry.stage]));

function expectRegistryError(action: () => unknown, code: RegistryError['code'], message: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe(code);
    expect((error as RegistryError).message).toMatch(message);
    return;
  }
  throw new Error('expected a RegistryError');
}

describe('validateModelName', () => {
  it.each([
    ['  Penguins classifier ', 'Penguins classifier'],
    ['churn-v2', 'churn-v2'],
    ['Modèle é', 'Modèle é'],
  ])('accepts %j as %j', (raw, name) => expect(validateModelName(raw)).toBe(name));

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['---', /no letters or digits/],
    ['a'.repeat(81), /at most 80 characters/],
    ['two\nlines', /control characters/],
  ])('refuses %j', (raw, message) => expectRegistryError(() => validateModelName(raw), 'bad-name', message));
});

describe('registerVersion', () => {
  it('numbers versions 1, 2, 3 and records each registration', () => {
    const state = threeVersions();
    expect(state.versions.map((entry) => [entry.version, entry.runId, entry.stage, entry.model])).toEqual([
      [1, 'a', 'none', 'Penguins'],
      [2, 'b', 'none', 'Penguins'],
      [3, 'c', 'none', 'Penguins'],
    ]);
    expect(state.model.history.map((entry) => [entry.action, entry.version, entry.at])).toEqual([
      ['register', 1, 1],
      ['register', 2, 2],
      ['register', 3, 3],
    ]);
  });

  it('never reuses a number: the next version follows the highest', () => {
    const state = threeVersions();
    const withoutV2 = { ...state, versions: state.versions.filter((entry) => entry.version !== 2) };
    expect(registerVersion(withoutV2, 'Penguins', candidate('d', 0.7), 9).version.version).toBe(4);
  });

  it('refuses the same run twice in one model, naming its version', () => {
    expectRegistryError(() => registerVersion(threeVersions(), 'Penguins', candidate('b', 0.9), 9), 'already-registered', /already Penguins v2/);
  });
});

describe('promote', () => {
  it('keeps one production: the previous one is archived and becomes the fallback', () => {
    const first = promote(threeVersions(), 1, 10);
    expect(stages(first)).toEqual({ v1: 'production', v2: 'none', v3: 'none' });
    expect(first.model.fallback).toBeNull();

    const second = promote(first, 2, 11);
    expect(stages(second)).toEqual({ v1: 'archived', v2: 'production', v3: 'none' });
    expect(second.model.fallback).toBe(1);
    expect(second.model.history.slice(-2)).toEqual([
      { at: 11, action: 'promote', version: 1, from: 'production', to: 'archived' },
      { at: 11, action: 'promote', version: 2, from: 'none', to: 'production' },
    ]);
  });

  it('can drop the fallback when told to', () => {
    expect(promote(promote(threeVersions(), 1, 10), 2, 11, { keepPreviousAsFallback: false }).model.fallback).toBeNull();
  });

  it('refuses to promote production again or a version that does not exist', () => {
    expectRegistryError(() => promote(promote(threeVersions(), 1, 10), 1, 11), 'not-allowed', /already in production/);
    expectRegistryError(() => promote(threeVersions(), 7, 11), 'no-such-version', /no version 7 \(it has v1, v2, v3\)/);
  });
});

describe('rollback', () => {
  it('points production back at an earlier version in one step and records it', () => {
    const rolled = rollback(promote(promote(threeVersions(), 1, 10), 2, 11), 1, 12);
    expect(stages(rolled)).toEqual({ v1: 'production', v2: 'archived', v3: 'none' });
    expect(productionOf(rolled)?.version).toBe(1);
    // The version rolled away from misbehaved: it is not kept as the fallback.
    expect(rolled.model.fallback).toBeNull();
    expect(rolled.model.history.filter((entry) => entry.action === 'rollback')).toEqual([
      { at: 12, action: 'rollback', version: 1, from: 'archived', to: 'production' },
      { at: 12, action: 'rollback', version: 2, from: 'production', to: 'archived' },
    ]);
  });

  it('refuses without a production, or to a version that is not earlier', () => {
    expectRegistryError(() => rollback(threeVersions(), 1, 12), 'not-allowed', /no production version/);
    expectRegistryError(() => rollback(promote(threeVersions(), 2, 10), 3, 12), 'not-allowed', /v3 is not earlier/);
  });

  it('offers earlier production versions as targets, newest first', () => {
    const state = promote(promote(promote(threeVersions(), 1, 10), 2, 11), 3, 12);
    expect(rollbackTargets(state).map((entry) => entry.version)).toEqual([2, 1]);
    expect(rollbackTargets(threeVersions())).toEqual([]);
  });
});

describe('staging and archiving', () => {
  it('stages and un-stages, but never production', () => {
    const staged = setStaging(threeVersions(), 3, true, 10);
    expect(stages(staged).v3).toBe('staging');
    expect(stages(setStaging(staged, 3, false, 11)).v3).toBe('none');
    expectRegistryError(() => setStaging(promote(threeVersions(), 1, 10), 1, true, 11), 'not-allowed', /in production/);
  });

  it('archives, clears a fallback that is archived, and refuses production', () => {
    const state = promote(promote(threeVersions(), 1, 10), 2, 11);
    expectRegistryError(() => archive(state, 2, 12), 'not-allowed', /in production/);
    expectRegistryError(() => archive(state, 1, 12), 'not-allowed', /already archived/);
    const archived = archive(state, 3, 12);
    expect(stages(archived).v3).toBe('archived');
    expect(archived.model.fallback).toBe(1);
  });
});

describe('compareWithProduction', () => {
  it('shows the candidate objective against production and which is better', () => {
    const state = promote(threeVersions(), 1, 10);
    expect(compareWithProduction(state, 2)).toEqual({ metric: 'accuracy', direction: 'max', candidate: 0.9, production: 0.8, isCandidateBetter: true });
    expect(compareWithProduction(promote(state, 2, 11), 3)).toMatchObject({ candidate: 0.85, production: 0.9, isCandidateBetter: false });
  });

  it('cannot judge without a production or a value', () => {
    expect(compareWithProduction(threeVersions(), 2)).toMatchObject({ production: null, isCandidateBetter: null });
    const noValue = registerVersion(promote(threeVersions(), 1, 10), 'Penguins', candidate('d', null), 11).state;
    expect(compareWithProduction(noValue, 4)).toMatchObject({ candidate: null, isCandidateBetter: null });
  });
});

describe('candidateFromRun', () => {
  it('takes params, last metrics, the best objective value and the data fingerprints', () => {
    const run = {
      id: 'r1' as RunId,
      name: 'fit #1',
      experiment: 'penguins',
      params: { lr: 0.01 },
      metrics: { val_acc: { last: 0.8, min: 0.5, max: 0.9, lastStep: 4, count: 5 } },
      reproducibility: { datasets: [{ name: 'penguins.csv', sha256: 'f00', rows: 3, columns: 2 }] },
    } as unknown as Run;
    expect(candidateFromRun(run, { metric: 'val_acc', direction: 'max' })).toEqual({
      runId: 'r1',
      runName: 'fit #1',
      experiment: 'penguins',
      params: { lr: 0.01 },
      metrics: { val_acc: 0.8 },
      objective: { metric: 'val_acc', direction: 'max', value: 0.9 },
      dataFingerprints: { 'penguins.csv': 'f00' },
    });
    expect(candidateFromRun(run, undefined).objective).toBeNull();
  });
});
