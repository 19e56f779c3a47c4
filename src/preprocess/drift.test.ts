import { describe, expect, it } from 'vitest';
import { DriftMonitor, driftLevel, populationStabilityIndex } from './drift';
import type { ReferenceStats } from './reference-stats';
import type { RawRow } from './types';

describe('populationStabilityIndex', () => {
  it('is 0 for identical distributions, given as fractions or counts', () => {
    expect(populationStabilityIndex([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(populationStabilityIndex([0.2, 0.3, 0.5], [20, 30, 50])).toBe(0);
    expect(populationStabilityIndex([0.5, 0.5, 0], [0.5, 0.5, 0])).toBe(0);
  });

  it('matches the hand-computed value of a known shift', () => {
    // (0.25 - 0.5)·ln(0.25 / 0.5) + (0.75 - 0.5)·ln(0.75 / 0.5) = 0.25·ln 2 + 0.25·ln 1.5 = 0.25·ln 3
    expect(populationStabilityIndex([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.25 * Math.log(3), 12);
  });

  it('counts an empty bin as epsilon, so the index stays finite', () => {
    // (1 - 0.5)·ln(1 / 0.5) + (ε - 0.5)·ln(ε / 0.5) with ε = 0.001
    const expected = 0.5 * Math.log(2) + (0.001 - 0.5) * Math.log(0.001 / 0.5);
    expect(populationStabilityIndex([0.5, 0.5], [1, 0], 0.001)).toBeCloseTo(expected, 12);
  });

  it.each([
    ['bins of different lengths', [0.5, 0.5], [1]],
    ['no bins', [], []],
    ['a negative share', [0.5, 0.5], [1.5, -0.5]],
    ['a distribution of zeros', [0.5, 0.5], [0, 0]],
  ])('rejects %s', (_, expected, actual) => {
    expect(() => populationStabilityIndex(expected, actual)).toThrow(expect.objectContaining({ code: 'bad-argument' }));
  });
});

describe('driftLevel', () => {
  it.each([
    [0, 'none'],
    [0.0999, 'none'],
    [0.1, 'moderate'],
    [0.2499, 'moderate'],
    [0.25, 'significant'],
    [3, 'significant'],
  ] as const)('reads PSI %s as %s', (psi, level) => {
    expect(driftLevel(psi)).toBe(level);
  });
});

// x: half the training rows below 0, half at or above; c: a or b, evenly.
const REFERENCE: ReferenceStats = {
  format: 'kiln-reference-stats',
  version: 1,
  rows: 100,
  features: [
    { name: 'x', kind: 'numeric', binEdges: [0], binFractions: [0.5, 0.5], nullFraction: 0, quantiles: [], mean: 0, std: 1 },
    { name: 'c', kind: 'categorical', frequencies: { a: 0.5, b: 0.5 }, otherFraction: 0, nullFraction: 0 },
  ],
};
const LOW: RawRow = { x: -1, c: 'a' };
const HIGH: RawRow = { x: 1, c: 'b' };

function psiOf(monitor: DriftMonitor, name: string): number {
  const feature = monitor.report().features.find((entry) => entry.name === name);
  if (feature === undefined) throw new Error(`no feature ${name}`);
  return feature.psi;
}

describe('DriftMonitor', () => {
  it('reports nothing before it has seen rows', () => {
    expect(new DriftMonitor(REFERENCE).report()).toEqual({
      rowsInWindow: 0,
      hasEnoughRows: false,
      features: [
        { name: 'x', psi: 0, level: 'none' },
        { name: 'c', psi: 0, level: 'none' },
      ],
      drifted: false,
    });
  });

  it('does not flag a window shaped like the training data', () => {
    const monitor = new DriftMonitor(REFERENCE, { windowSize: 100, minRows: 10 });
    monitor.observe(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? LOW : HIGH)));
    expect(monitor.report()).toMatchObject({ rowsInWindow: 50, hasEnoughRows: true, drifted: false });
    expect(monitor.report().features.map((feature) => feature.psi)).toEqual([0, 0]);
  });

  it('computes the PSI of the window: one low row in four is 0.25·ln 3', () => {
    const monitor = new DriftMonitor(REFERENCE, { windowSize: 100, minRows: 4 });
    monitor.observe([LOW, HIGH, HIGH, HIGH]);
    const report = monitor.report();
    expect(report.features[0]?.psi).toBeCloseTo(0.25 * Math.log(3), 12);
    expect(report.features[0]?.level).toBe('significant');
    expect(report.drifted).toBe(true);
  });

  it('flags a shifted window', () => {
    const monitor = new DriftMonitor(REFERENCE, { windowSize: 100, minRows: 10 });
    monitor.observe(Array.from({ length: 20 }, () => ({ x: 5, c: 'a' })));
    const report = monitor.report();
    expect(report.features.map((feature) => feature.level)).toEqual(['significant', 'significant']);
    expect(report.drifted).toBe(true);
  });

  it('forgets rows that slide out of the window', () => {
    const monitor = new DriftMonitor(REFERENCE, { windowSize: 4, minRows: 4 });
    monitor.observe([LOW, LOW, LOW, LOW]);
    expect(monitor.report().drifted).toBe(true);
    // Each HIGH row evicts the oldest LOW: after k of them the window holds 4 - k LOW and k HIGH rows.
    for (let k = 1; k <= 4; k++) {
      monitor.observe([HIGH]);
      expect(monitor.report().rowsInWindow).toBe(4);
      expect(psiOf(monitor, 'x')).toBeCloseTo(populationStabilityIndex([0.5, 0.5, 0], [4 - k, k, 0]), 12);
    }
    monitor.observe([LOW, LOW]);
    expect(monitor.report().features.map((feature) => feature.psi)).toEqual([0, 0]);
    expect(monitor.report().drifted).toBe(false);
  });

  it('keeps only the newest rows of a batch larger than the window', () => {
    const monitor = new DriftMonitor(REFERENCE, { windowSize: 2, minRows: 1 });
    monitor.observe([LOW, LOW, LOW, LOW, LOW, LOW, LOW, HIGH, LOW]);
    expect(monitor.report().rowsInWindow).toBe(2);
    expect(psiOf(monitor, 'x')).toBe(0);
  });

  it('counts missing and unreadable values in the null bin, and unseen categories as other', () => {
    const monitor = new DriftMonitor(REFERENCE, { windowSize: 10, minRows: 1 });
    monitor.observe([{ x: null, c: 'z' }, { x: 'tall', c: 'z' }, { c: null }, 7 as unknown as RawRow]);
    // x: 4 of 4 rows in the null bin; c: 2 in other and 2 in null, where the reference had none.
    expect(psiOf(monitor, 'x')).toBeCloseTo(populationStabilityIndex([0.5, 0.5, 0], [0, 0, 1]), 12);
    expect(psiOf(monitor, 'c')).toBeCloseTo(populationStabilityIndex([0.5, 0.5, 0, 0], [0, 0, 2, 2]), 12);
    expect(monitor.report().drifted).toBe(true);
  });

  it('waits for minRows before raising the flag, while still reporting levels', () => {
    const monitor = new DriftMonitor(REFERENCE);
    monitor.observe(Array.from({ length: 99 }, () => LOW));
    expect(monitor.report()).toMatchObject({ rowsInWindow: 99, hasEnoughRows: false, drifted: false });
    expect(monitor.report().features[0]?.level).toBe('significant');
    monitor.observe([LOW]);
    expect(monitor.report()).toMatchObject({ hasEnoughRows: true, drifted: true });
  });

  it('checks its reference and options', () => {
    expect(() => new DriftMonitor({ ...REFERENCE, rows: -1 })).toThrow(/rows: expected an integer of at least 1/);
    expect(() => new DriftMonitor(REFERENCE, { windowSize: 0 })).toThrow(/windowSize/);
    expect(() => new DriftMonitor(REFERENCE, { windowSize: 10, minRows: 11 })).toThrow(/minRows/);
  });
});
