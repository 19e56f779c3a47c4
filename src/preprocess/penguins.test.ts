import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DriftMonitor } from './drift';
import { fitPipeline } from './pipeline';
import { computeReferenceStats, type CategoricalReference } from './reference-stats';
import { rowsFromColumns } from './table-rows';
import { transformRows } from './transform';
import type { PipelineOptions, RawRow } from './types';
import { validateRows } from './validate';

/** The real Palmer penguins table Kiln's demo uses: 344 rows, nulls in the measurements and in Sex. */
const penguins = JSON.parse(readFileSync('node_modules/vega-datasets/data/penguins.json', 'utf8')) as RawRow[];
const MEASUREMENTS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
const options: PipelineOptions = {
  standardize: MEASUREMENTS,
  oneHot: ['Island', 'Sex'],
  fillNull: { ...Object.fromEntries(MEASUREMENTS.map((name) => [name, 'median'])), Sex: 'mode' },
  drop: ['Species'],
};

describe('the pipeline on the penguins data', () => {
  const fitted = fitPipeline(penguins, options);
  const result = transformRows(fitted, penguins);
  const column = (index: number) => Array.from({ length: result.rows }, (_, r) => result.values[r * result.columns + index] as number);

  it('has one column per measurement, island and sex (the data has a "." sex)', () => {
    expect(fitted.outputs).toEqual([...MEASUREMENTS, 'Island=Biscoe', 'Island=Dream', 'Island=Torgersen', 'Sex=.', 'Sex=FEMALE', 'Sex=MALE']);
    expect(result).toMatchObject({ rows: 344, columns: 10 });
  });

  it('fills the missing sex with the most frequent one (168 MALE against 165 FEMALE)', () => {
    expect(fitted.steps[5]?.fill).toEqual({ value: 'MALE', from: 'mode' });
  });

  it('gives no NaN and training columns with mean 0 and std 1', () => {
    expect(result.values.some(Number.isNaN)).toBe(false);
    MEASUREMENTS.forEach((name, index) => {
      const values = column(index);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
      expect(mean, name).toBeCloseTo(0, 5);
      expect(std, name).toBeCloseTo(1, 5);
    });
  });

  it('sets exactly one island and one sex per row', () => {
    for (let r = 0; r < result.rows; r++) {
      const row = result.values.subarray(r * result.columns, (r + 1) * result.columns);
      expect(row[4]! + row[5]! + row[6]!).toBe(1);
      expect(row[7]! + row[8]! + row[9]!).toBe(1);
    }
  });

  it('finds nothing to complain about in its own training rows', () => {
    expect(validateRows(fitted, penguins)).toEqual([]);
  });

  it('without fill rules, names the first row with a missing measurement', () => {
    expect(() => fitPipeline(penguins, { ...options, fillNull: {} })).toThrow(
      expect.objectContaining({ code: 'missing-value', row: 3, field: 'Beak Length (mm)' }),
    );
  });

  it('fits the same from a DataFrame-shaped table (columns + values)', () => {
    const columns = Object.keys(penguins[0] as RawRow);
    const values = penguins.map((row) => columns.map((name) => row[name]));
    const fromTable = fitPipeline(rowsFromColumns(columns, values), options);
    expect(fromTable).toEqual(fitted);
  });

  it('has reference statistics that see no drift in the training data and drift in Gentoos alone', () => {
    const reference = computeReferenceStats(fitted, penguins);
    expect((reference.features[4] as CategoricalReference).frequencies).toEqual({ Biscoe: 168 / 344, Dream: 124 / 344, Torgersen: 52 / 344 });

    const training = new DriftMonitor(reference);
    training.observe(penguins);
    expect(training.report().drifted).toBe(false);
    expect(training.report().features.every((feature) => feature.psi < 1e-9)).toBe(true);

    const gentoos = new DriftMonitor(reference);
    gentoos.observe(penguins.filter((row) => row['Species'] === 'Gentoo'));
    const report = gentoos.report();
    expect(report.drifted).toBe(true);
    expect(report.features.find((feature) => feature.name === 'Body Mass (g)')?.level).toBe('significant');
  });
});
