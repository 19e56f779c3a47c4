import { describe, expect, it } from 'vitest';
import { makeRun, runId, summaryOf } from './__fixtures__/make-run';
import { bestRunId, defaultObjective, guessDirection, metricDirection, missesThreshold, objectiveValue, rankRuns } from './objective';
import type { Objective } from './types';

describe('guessDirection', () => {
  it.each([
    ['loss', 'min'],
    ['val_loss', 'min'],
    ['Val/Loss', 'min'],
    ['error_rate', 'min'],
    ['rmse', 'min'],
    ['val_mae', 'min'],
    ['accuracy', 'max'],
    ['val_acc', 'max'],
    ['auc', 'max'],
    ['f1', 'max'],
  ] as const)('%s → %s', (key, direction) => {
    expect(guessDirection(key)).toBe(direction);
  });
});

describe('metricDirection', () => {
  const objective: Objective = { metric: 'val_loss', direction: 'max' };
  it.each([
    { name: 'the objective decides for its own metric', key: 'val_loss', objective, expected: 'max' },
    { name: 'other metrics fall back to the guess', key: 'train_loss', objective, expected: 'min' },
    { name: 'no objective: the guess', key: 'acc', objective: undefined, expected: 'max' },
  ] as const)('$name', ({ key, objective: given, expected }) => {
    expect(metricDirection(key, given)).toBe(expected);
  });
});

describe('objectiveValue and missesThreshold', () => {
  const run = makeRun({ metrics: { acc: summaryOf(0.5, 0.9, 0.8), loss: summaryOf(1, 0.2, 0.3), broken: summaryOf(Number.NaN) } });
  it.each([
    { name: 'max takes the highest value reached', objective: { metric: 'acc', direction: 'max' }, value: 0.9 },
    { name: 'min takes the lowest value reached', objective: { metric: 'loss', direction: 'min' }, value: 0.2 },
    { name: 'a metric the run never logged', objective: { metric: 'f1', direction: 'max' }, value: null },
    { name: 'a metric that is only NaN', objective: { metric: 'broken', direction: 'min' }, value: null },
    { name: 'a key inherited from Object.prototype is not a metric', objective: { metric: 'constructor', direction: 'max' }, value: null },
  ] as const)('$name', ({ objective, value }) => {
    expect(objectiveValue(run, objective)).toBe(value);
  });

  it.each([
    { value: 0.9, objective: { metric: 'acc', direction: 'max', threshold: 0.9 }, misses: false },
    { value: 0.89, objective: { metric: 'acc', direction: 'max', threshold: 0.9 }, misses: true },
    { value: 0.2, objective: { metric: 'loss', direction: 'min', threshold: 0.2 }, misses: false },
    { value: 0.21, objective: { metric: 'loss', direction: 'min', threshold: 0.2 }, misses: true },
    { value: null, objective: { metric: 'loss', direction: 'min', threshold: 0.2 }, misses: true },
    { value: null, objective: { metric: 'loss', direction: 'min' }, misses: false },
  ] as const)('value $value against $objective.direction threshold $objective.threshold: misses=$misses', ({ value, objective, misses }) => {
    expect(missesThreshold(value, objective)).toBe(misses);
  });
});

describe('rankRuns', () => {
  const objective: Objective = { metric: 'acc', direction: 'max', threshold: 0.8 };
  const runs = [
    makeRun({ id: 'none', startedAt: 1, metrics: {} }),
    makeRun({ id: 'low', startedAt: 2, metrics: { acc: summaryOf(0.5, 0.7) } }),
    makeRun({ id: 'tieLate', startedAt: 9, metrics: { acc: summaryOf(0.95, 0.9) } }),
    makeRun({ id: 'tieEarly', startedAt: 3, metrics: { acc: summaryOf(0.95) } }),
    makeRun({ id: 'nan', startedAt: 4, metrics: { acc: summaryOf(Number.NaN) } }),
    makeRun({ id: 'mid', startedAt: 5, metrics: { acc: summaryOf(0.85) } }),
  ];

  it('orders best first, shares ranks between equal values, puts runs without a value last in their given order', () => {
    const ranked = rankRuns(runs, objective).map((entry) => [entry.run.name, entry.value, entry.rank, entry.isBest, entry.missesThreshold]);
    expect(ranked).toEqual([
      ['tieEarly', 0.95, 1, true, false],
      ['tieLate', 0.95, 1, false, false],
      ['mid', 0.85, 3, false, false],
      ['low', 0.7, 4, false, true],
      ['none', null, null, false, true],
      ['nan', null, null, false, true],
    ]);
  });

  it('ranks a min objective from the lowest value', () => {
    const lossRuns = [makeRun({ id: 'a', metrics: { loss: summaryOf(0.5) } }), makeRun({ id: 'b', metrics: { loss: summaryOf(0.9, 0.1) } })];
    expect(rankRuns(lossRuns, defaultObjective('loss')).map((entry) => entry.run.name)).toEqual(['b', 'a']);
  });

  it.each([
    { name: 'the best run', runs, expected: runId('tieEarly') },
    { name: 'no run has a value', runs: [runs[0]!, runs[4]!], expected: null },
    { name: 'no runs', runs: [], expected: null },
  ])('bestRunId: $name', ({ runs: given, expected }) => {
    expect(bestRunId(given, objective)).toBe(expected);
  });
});
